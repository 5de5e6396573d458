"""An independent check of plans and recommendations against the documented rules.

Written from the rules of a match in ``CONTRACT.md`` and the column meanings
of ``data/activities/README.md``, not from Brobygger's own rule functions: it
reads the loaded tables (``matcher.load_dataset``) and the documented travel
estimate of ``matcher/match/weights.toml`` (minutes = fixed_min + straight-line km x
detour / speed_kmh x 60 in EPSG:25832, a mode unused below ``min_km``; a
``travel_times.csv`` pair replaces the estimate), and decides every rule
itself, pair by pair, in plain Python.

``RuleChecker(dataset).check_plan(frame)`` returns every ``Violation`` of a
``PLAN.csv`` (as a frame); ``check_recommendations(patient_id, options)``
those of one patient's options (``brobygger recommend --json``'s
``options``). A violation is reported only when the pair breaks a rule by
more than ``tolerance_min`` minutes (rounding of travel times); ``eligible``
with ``strict=True`` keeps that margin on the other side, so a bound computed
from it never asks more of a plan than the rules allow.

A start date (README, sessions.csv) is the first day of the session's weekday
on or after its ``first_date``, the patient's ``discharge_date`` and
``not_before``, that is not one of the session's ``exceptions``, not in one of
the patient's periods ``away`` and, for the kinds of offer ``[holidays]`` of the
weights file sets, not a Danish public holiday (``holidays.Denmark``, the
calendar the README names); the wait counts from ``discharge_date``.

Travel rows of ``travel_times.csv`` with a district as origin are not applied
(the checked datasets have no districts).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import holidays
import numpy as np
import pandas as pd
from pyproj import Transformer

WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "matcher" / "match" / "weights.toml"
#: The kinds of offer that skip public holidays when ``[holidays]`` is absent (README).
HOLIDAY_KINDS = ("exit_team", "home_visit")
#: Day 0 of the loaded tables' date periods (days since 1970-01-01).
EPOCH = date(1970, 1, 1)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: group_tolerance: the largest group, people (CONTRACT.md: 1, 6, 12, any).
GROUP_LIMIT = {"individual": 1, "small": 6, "medium": 12, "large": math.inf}
INTENSITY = {"low": 0, "moderate": 1, "high": 2}
#: talk_level and talk_level_max (README: little < some < social).
TALK = {"little": 0, "some": 1, "social": 2}
#: The documented defaults of empty optional cells of offers.csv read here.
OFFER_DEFAULTS: dict[str, Any] = {
    "interpreter": "none",
    "interpreter_languages": (),
    "accessibility": (),
    "talk_level": "some",
    "online": False,
    "status": "open",
    "paused_until": None,
}
OFFER_GENDER = {"men": "man", "women": "woman"}
STATUSES = ("placed", "unplaced", "escalated")
VULNERABILITY = ("lives_alone", "short_education", "low_income", "multimorbidity", "mental_health")
#: The documented defaults of empty optional cells of patients.csv.
PATIENT_DEFAULTS: dict[str, Any] = {
    "diagnoses": (),
    "gender": "other",
    "gender_pref": "any",
    "modes": ("walk",),
    "max_travel_min": 30,
    "available": (),
    "group_tolerance": "large",
    "budget_dkk_month": 0.0,
    "languages": ("da",),
    "intensity_max": "moderate",
    "needs_supervision": False,
    "home_bound": False,
    "interests": (),
    **dict.fromkeys(VULNERABILITY, False),
    "escalate": False,
    "needs": (),
    "talk_level_max": "social",
    "online_ok": False,
}
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
_TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)


@dataclass(frozen=True)
class Violation:
    """One broken rule: which, for whom, where, and the numbers behind it."""

    rule: str
    patient_id: str
    session_id: str
    detail: str

    def __str__(self) -> str:
        where = f"patient {self.patient_id!r} session {self.session_id!r}"
        return f"{self.rule}: {where}: {self.detail}"


@dataclass(frozen=True)
class ModeEstimate:
    """The documented built-in travel estimate of one mode."""

    speed_kmh: float
    detour: float
    fixed_min: float
    min_km: float

    def minutes(self, metres: float) -> float:
        if metres < self.min_km * 1000.0:
            return math.inf
        return self.fixed_min + metres / 1000.0 * self.detour / self.speed_kmh * 60.0


def documented_travel(path: Path = WEIGHTS_FILE) -> tuple[dict[str, ModeEstimate], float]:
    """The per-mode estimates and the minutes of a home visit at the home."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modes = {
        name: ModeEstimate(
            float(v["speed_kmh"]),
            float(v.get("detour", 1.3)),
            float(v.get("fixed_min", 0.0)),
            float(v.get("min_km", 0.0)),
        )
        for name, v in data["travel"].items()
    }
    return modes, float(data["plan"]["home_visit_min"])


def documented_holiday_kinds(path: Path = WEIGHTS_FILE) -> frozenset[str]:
    """The kinds of offer that do not meet on a Danish public holiday (``[holidays]``)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    table = data.get("holidays", dict.fromkeys(HOLIDAY_KINDS, True))
    return frozenset(kind for kind, on in table.items() if on)


_HOLIDAY_YEARS: dict[int, frozenset[date]] = {}


def is_danish_holiday(day: date) -> bool:
    """Whether ``day`` is a public holiday in Denmark's calendar of ``holidays``."""
    if day.year not in _HOLIDAY_YEARS:
        _HOLIDAY_YEARS[day.year] = frozenset(holidays.Denmark(years=day.year))
    return day in _HOLIDAY_YEARS[day.year]


def date_periods(value: Any) -> tuple[tuple[date, date], ...]:
    """The dates and periods of an ``exceptions`` or ``away`` cell (both days included):
    text ``YYYY-MM-DD`` or ``YYYY-MM-DD..YYYY-MM-DD`` joined by ``;``, or the loaded
    table's pairs of days since 1970-01-01."""
    if value is None or (not isinstance(value, tuple | list | np.ndarray) and _missing(value)):
        return ()
    parts = re.split(r"[;|]", value) if isinstance(value, str) else list(value)
    out = []
    for part in parts:
        if isinstance(part, str):
            if not part.strip():
                continue
            first, _, last = part.strip().partition("..")
            out.append(
                (
                    date.fromisoformat(first.strip()),
                    date.fromisoformat(last.strip() or first.strip()),
                )
            )
        else:
            a, b = (int(v) for v in part)
            out.append((EPOCH + timedelta(days=a), EPOCH + timedelta(days=b)))
    return tuple(out)


def first_meeting(
    earliest: date,
    weekday: str,
    *,
    skip_holidays: bool = False,
    blocked: Iterable[tuple[date, date]] = (),
) -> date:
    """The first day of ``weekday`` on or after ``earliest`` that is in none of the
    ``blocked`` periods and, with ``skip_holidays``, no Danish public holiday."""
    periods = list(blocked)
    day = earliest + timedelta(days=(WEEKDAYS.index(weekday) - earliest.weekday()) % 7)
    while (skip_holidays and is_danish_holiday(day)) or any(a <= day <= b for a, b in periods):
        day += timedelta(weeks=1)
    return day


def clock(text: Any) -> int:
    """Minutes after midnight of ``HH:MM`` (also ``H:MM``, ``HH.MM``)."""
    match = _CLOCK.match(str(text))
    if match is None:
        raise ValueError(f"not a clock time: {text!r}")
    return int(match.group(1)) * 60 + int(match.group(2))


def as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def first_start(first_date: date, discharge: date, weekday: str) -> date:
    """The first day of ``weekday`` on or after both dates."""
    day = max(first_date, discharge)
    return day + timedelta(days=(WEEKDAYS.index(weekday) - day.weekday()) % 7)


def _items(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v.strip().lower() for v in re.split(r"[;|]", value) if v.strip())
    return tuple(str(v).strip().lower() for v in value)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "ja", "yes", "y", "j", "sand"}
    return bool(value)


def _windows(value: Any) -> list[tuple[int, int, int]]:
    """(weekday 0-6, start, end) of each availability window; empty: any time."""
    out = []
    for w in value if not isinstance(value, str) else _items(value):
        if isinstance(w, str):
            day, span = w.split(maxsplit=1)
            a, b = span.split("-")
            out.append((WEEKDAYS.index(day[:3].lower()), clock(a), clock(b)))
        else:
            out.append((int(w.day), int(w.start), int(w.end)))
    return out


def _missing(value: Any) -> bool:
    """An empty cell: None, NaN, NaT or empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return bool(pd.isna(value)) if not isinstance(value, tuple | list) else False


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


class RuleChecker:
    """The documented rules of a match over one loaded dataset.

    Parameters
    ----------
    dataset
        A ``matcher.Dataset`` (only its tables are read).
    booked
        Places already booked per session id (they are not free).
    tolerance_min
        Minutes of slack for travel times (rounding).
    """

    def __init__(
        self,
        dataset: Any,
        *,
        booked: Mapping[str, int] | None = None,
        tolerance_min: float = 0.5,
        weights_file: Path = WEIGHTS_FILE,
    ) -> None:
        self.tolerance = tolerance_min
        self.modes, self.home_visit_min = documented_travel(weights_file)
        self.holiday_kinds = documented_holiday_kinds(weights_file)
        self.patients = {str(r["patient_id"]): r for r in _records(dataset.patients)}
        self.offers = {str(r["offer_id"]): r for r in _records(dataset.offers)}
        self.sessions = {str(r["session_id"]): r for r in _records(dataset.sessions)}
        self.booked = dict(booked or {})
        self._xy = {("p", k): _project(r) for k, r in self.patients.items()} | {
            ("o", k): _project(r) for k, r in self.offers.items()
        }
        self.matrix: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
        table = getattr(dataset, "travel_times", None)
        if table is not None:
            for r in _records(table):
                key = (str(r["origin_id"]), str(r["destination_id"]))
                mode = _text(r.get("mode", "")).strip().lower()
                minutes = float(r["minutes"])
                self.matrix[key][mode] = min(minutes, self.matrix[key].get(mode, math.inf))
        staff = getattr(dataset, "staff", None)
        self.has_staff = staff is not None
        self.staff_minutes: dict[tuple[str, str], float] = defaultdict(float)
        self.staffed_offers: set[str] = set()
        if staff is not None:
            for r in _records(staff):
                offer = str(r["offer_id"])
                self.staffed_offers.add(offer)
                span = clock(r["shift_end"]) - clock(r["shift_start"])
                self.staff_minutes[(offer, str(r["weekday"]).strip().lower()[:3])] += span

    def add_patients(self, frame: pd.DataFrame) -> None:
        """Check further patients too (typed rows, e.g. profiles at a conversation)."""
        for r in _records(frame):
            self.patients[str(r["patient_id"])] = r
            self._xy[("p", str(r["patient_id"]))] = _project(r)

    def add_profile(self, profile: Mapping[str, Any]) -> None:
        """Check a profile typed in at a conversation too (``patients.csv`` cells as text;
        an empty cell takes its documented default)."""
        row = {k: v for k, v in PATIENT_DEFAULTS.items()}
        row |= {k: v for k, v in profile.items() if _text(v).strip() != ""}
        self.patients[str(row["patient_id"])] = row
        self._xy[("p", str(row["patient_id"]))] = _project(row)

    # -- single facts ----------------------------------------------------------
    def priority(self, patient_id: str) -> int:
        """1 + the number of vulnerability flags set."""
        p = self.patients[patient_id]
        return 1 + sum(_bool(p.get(f, False)) for f in VULNERABILITY)

    def free_places(self, session_id: str) -> int:
        s = self.sessions[session_id]
        return max(0, int(s["capacity"]) - int(self.booked.get(session_id, 0)))

    def distance_m(self, patient_id: str, offer_id: str) -> float:
        (px, py), (ox, oy) = self._xy[("p", patient_id)], self._xy[("o", offer_id)]
        return math.hypot(px - ox, py - oy)

    def mode_minutes(self, patient_id: str, offer_id: str, mode: str) -> float:
        """One-way minutes by ``mode``: the router's pair when given, else the estimate."""
        given = self.matrix.get((patient_id, offer_id), {})
        if mode in given or "" in given:
            return min(given.get(mode, math.inf), given.get("", math.inf))
        return self.modes[mode].minutes(self.distance_m(patient_id, offer_id))

    def travel(self, patient_id: str, offer_id: str) -> tuple[float, str]:
        """Best one-way minutes and mode: the patient's modes, or for a home
        visit the staff's drive (by car) from the base to the home; an online
        offer needs no travel (README: 0 minutes)."""
        if _bool(self._offer(offer_id, "online")):
            return 0.0, "online"
        if str(self.offers[offer_id]["kind"]) == "home_visit":
            return self.mode_minutes(patient_id, offer_id, "car"), "staff"
        modes = _items(self.patients[patient_id]["modes"])
        best = min(
            ((self.mode_minutes(patient_id, offer_id, m), m) for m in modes),
            default=(math.inf, ""),
        )
        return best

    def _offer(self, offer_id: str, column: str) -> Any:
        """An optional column of an offer, its documented default when empty or absent."""
        value = self.offers[offer_id].get(column)
        if isinstance(value, tuple | list):
            return tuple(value) if value else OFFER_DEFAULTS[column]
        return OFFER_DEFAULTS[column] if _missing(value) else value

    def _patient(self, patient_id: str, column: str) -> Any:
        value = self.patients[patient_id].get(column)
        if isinstance(value, tuple | list):
            return tuple(value)
        return PATIENT_DEFAULTS[column] if _missing(value) else value

    def start_date(self, patient_id: str, session_id: str) -> date:
        """The patient's first meeting at the session (README: start date)."""
        s, p = self.sessions[session_id], self.patients[patient_id]
        earliest = max(as_date(s["first_date"]), as_date(p["discharge_date"]))
        not_before = p.get("not_before")
        if not _missing(not_before):
            earliest = max(earliest, as_date(not_before))
        blocked = date_periods(s.get("exceptions")) + date_periods(p.get("away"))
        return first_meeting(
            earliest,
            str(s["weekday"]),
            skip_holidays=self.skips_holidays(session_id),
            blocked=blocked,
        )

    def skips_holidays(self, session_id: str) -> bool:
        """The session's offer is of a kind that does not meet on a public holiday."""
        kind = str(self.offers[str(self.sessions[session_id]["offer_id"])]["kind"])
        return kind in self.holiday_kinds

    def cohort_start(self, session_id: str) -> date:
        """The first meeting of the session on or after its ``first_date`` that is not
        one of its ``exceptions`` nor a skipped holiday (an exit team's cohort start)."""
        s = self.sessions[session_id]
        return first_meeting(
            as_date(s["first_date"]),
            str(s["weekday"]),
            skip_holidays=self.skips_holidays(session_id),
            blocked=date_periods(s.get("exceptions")),
        )

    def visit_minutes(self, patient_id: str, offer_id: str) -> float:
        """Staff minutes of one home visit: at the home plus the drive there and back."""
        return self.home_visit_min + 2.0 * self.travel(patient_id, offer_id)[0]

    # -- the rules of one pair -------------------------------------------------
    def pair_violations(
        self, patient_id: str, session_id: str, *, strict: bool = False
    ) -> list[Violation]:
        """Every rule of a match that patient and session break (not places, not staff).

        ``strict``: travel must be within the limit by the tolerance (for bounds).
        """
        if patient_id not in self.patients:
            return [Violation("unknown_patient", patient_id, session_id, "not in patients.csv")]
        if session_id not in self.sessions:
            return [Violation("unknown_session", patient_id, session_id, "not in sessions.csv")]
        p, s = self.patients[patient_id], self.sessions[session_id]
        offer_id = str(s["offer_id"])
        o = self.offers[offer_id]
        found: list[str] = []

        def broken(rule: str, detail: str) -> None:
            found.append(rule + "\0" + detail)

        if _bool(p.get("escalate", False)):
            broken("escalated", "an escalated patient is never matched automatically")
        home_bound = _bool(p["home_bound"])
        kind = str(o["kind"])
        tolerance = str(p["group_tolerance"])
        if home_bound and kind != "home_visit":
            broken("home_bound", f"home-bound patient placed at a {kind}")
        if kind == "home_visit" and not home_bound and tolerance != "individual":
            broken("home_visit", f"home visit for a patient neither home-bound nor {tolerance!r}")
        windows = _windows(p["available"])
        day, start, end = WEEKDAYS.index(str(s["weekday"])), clock(s["start"]), clock(s["end"])
        if windows and not any(d == day and a <= start and end <= b for d, a, b in windows):
            broken("time", f"{s['weekday']} {s['start']}-{s['end']} outside {windows}")
        o_diag, p_diag = _items(o["diagnoses"]), _items(p["diagnoses"])
        if o_diag != ("all",) and not set(o_diag) & set(p_diag):
            broken("diagnosis", f"offer for {o_diag}, patient has {p_diag}")
        o_lang, p_lang = _items(o["languages"]), _items(p["languages"])
        interpreter = str(self._offer(offer_id, "interpreter"))
        heard = _items(self._offer(offer_id, "interpreter_languages"))
        # README: an interpreter at the first session or at all sessions who speaks
        # one of the patient's languages passes the language rule
        interpreted = interpreter in ("first_session", "all") and set(heard) & set(p_lang)
        if not set(o_lang) & set(p_lang) and not interpreted:
            broken("language", f"offer speaks {o_lang}, patient {p_lang}")
        needs = set(_items(self._patient(patient_id, "needs")))
        access = set(_items(self._offer(offer_id, "accessibility")))
        if not needs <= access:
            broken("needs", f"patient needs {sorted(needs - access)}, not at the offer")
        talk, most = (
            str(self._offer(offer_id, "talk_level")),
            self._patient(patient_id, "talk_level_max"),
        )
        if TALK[talk] > TALK[str(most)]:
            broken("talk", f"talk level {talk} above the patient's {most}")
        if _bool(self._offer(offer_id, "online")) and not _bool(
            self._patient(patient_id, "online_ok")
        ):
            broken("online", "online offer for a patient who does not take part online")
        status = str(self._offer(offer_id, "status"))
        until = self._offer(offer_id, "paused_until")
        if status == "closed":
            broken("status", "closed offer")
        elif status == "paused" and (
            until is None or self.start_date(patient_id, session_id) <= as_date(until)
        ):
            broken(
                "status",
                f"paused until {until}, first session {self.start_date(patient_id, session_id)}",
            )
        o_gender, p_gender = str(o["gender"]), str(p["gender"])
        if o_gender in OFFER_GENDER and OFFER_GENDER[o_gender] != p_gender:
            broken("gender", f"{o_gender}-only offer for a patient of gender {p_gender!r}")
        if str(p["gender_pref"]) == "same" and OFFER_GENDER.get(o_gender) != p_gender:
            broken("gender", f"patient wants their own gender ({p_gender}), offer is {o_gender!r}")
        if int(o["group_size"]) > GROUP_LIMIT[tolerance]:
            broken("group_size", f"group of {o['group_size']} above tolerance {tolerance!r}")
        if INTENSITY[str(o["intensity"])] > INTENSITY[str(p["intensity_max"])]:
            broken("intensity", f"{o['intensity']} above the patient's {p['intensity_max']}")
        if _bool(p["needs_supervision"]) and not _bool(o["supervised"]):
            broken("supervision", "patient needs supervision, offer is not supervised")
        if float(o["fee_dkk_month"]) > float(p["budget_dkk_month"]) + 1e-9:
            broken("fee", f"fee {o['fee_dkk_month']} above budget {p['budget_dkk_month']}")
        minutes, mode = self.travel(patient_id, offer_id)
        limit = float(p["max_travel_min"])
        slack = -self.tolerance if strict else self.tolerance
        if not minutes <= limit + slack:
            broken("travel", f"{minutes:.2f} min ({mode or 'no mode'}) above {limit:g}")
        return [Violation(r, patient_id, session_id, d) for r, d in (f.split("\0") for f in found)]

    def eligible(self, patient_id: str, session_id: str, *, strict: bool = True) -> bool:
        return not self.pair_violations(patient_id, session_id, strict=strict)

    # -- whole plans -------------------------------------------------------------
    def check_plan(self, plan: pd.DataFrame, *, maximal: bool = True) -> list[Violation]:
        """Every violation of the rules in a PLAN.csv frame.

        ``maximal``: also report an unplaced patient for whom a session that fits
        clearly (strict margins) still has a free place and staff minutes: the
        plan could place more priority.
        """
        out: list[Violation] = []
        rows = [{k: v for k, v in r.items()} for r in plan.to_dict(orient="records")]
        seen = Counter(str(r["patient_id"]) for r in rows)
        for pid, n in seen.items():
            if n > 1:
                out.append(Violation("placed_twice", pid, "", f"{n} rows for the patient"))
        for pid in self.patients:
            if pid not in seen:
                out.append(Violation("missing_patient", pid, "", "no row in the plan"))
        used: Counter[str] = Counter()
        staff_used: dict[tuple[str, str], float] = defaultdict(float)
        staff_count: Counter[tuple[str, str]] = Counter()
        for r in rows:
            pid, status = str(r["patient_id"]), _text(r["status"])
            sid = _text(r.get("session_id"))
            if pid not in self.patients:
                out.append(Violation("unknown_patient", pid, sid, "not in patients.csv"))
                continue
            escalate = _bool(self.patients[pid].get("escalate", False))
            if status not in STATUSES:
                out.append(Violation("status", pid, sid, f"status {status!r}"))
            if escalate and status != "escalated":
                out.append(Violation("escalated", pid, sid, f"escalated patient is {status!r}"))
            if not escalate and status == "escalated":
                out.append(Violation("status", pid, sid, "not escalated but listed as escalated"))
            if status != "placed":
                if sid:
                    out.append(Violation("status", pid, sid, f"{status} with a session"))
                if status == "unplaced" and not _text(r.get("reason")).strip():
                    out.append(Violation("reason", pid, sid, "unplaced without a reason"))
                continue
            if sid not in self.sessions:
                out.append(Violation("unknown_session", pid, sid, "not in sessions.csv"))
                continue
            used[sid] += 1
            out += self.pair_violations(pid, sid)
            out += self._row_facts(pid, sid, r)
            offer_id = str(self.sessions[sid]["offer_id"])
            if str(self.offers[offer_id]["kind"]) == "home_visit":
                key = (offer_id, str(self.sessions[sid]["weekday"]))
                staff_used[key] += self.visit_minutes(pid, offer_id)
                staff_count[key] += 1
        for sid, n in used.items():
            if n > self.free_places(sid):
                out.append(
                    Violation("capacity", "", sid, f"{n} placed, {self.free_places(sid)} free")
                )
        for key, minutes in staff_used.items():
            limit = self.staff_limit(*key)
            if minutes > limit + 2 * self.tolerance * staff_count[key]:
                out.append(
                    Violation(
                        "staff_minutes",
                        "",
                        f"{key[0]} {key[1]}",
                        f"{staff_count[key]} visits use {minutes:.1f} min, shifts give {limit:g}",
                    )
                )
        if maximal:
            out += self._room_left(rows, used, staff_used)
        return out

    def staff_limit(self, offer_id: str, weekday: str) -> float:
        """Shift minutes of the service on the weekday (staff.csv); no limit without
        staff.csv or for a service it does not list; a weekday without a shift: 0."""
        if not self.has_staff or offer_id not in self.staffed_offers:
            return math.inf
        return self.staff_minutes.get((offer_id, weekday), 0.0)

    def _strict_visit(self, patient_id: str, offer_id: str) -> float:
        return self.home_visit_min + 2.0 * math.ceil(
            self.travel(patient_id, offer_id)[0] + self.tolerance
        )

    def _room_left(
        self,
        rows: list[dict[str, Any]],
        used: Counter[str],
        staff_used: Mapping[tuple[str, str], float],
    ) -> list[Violation]:
        out = []
        for r in rows:
            pid = str(r["patient_id"])
            if _text(r["status"]) != "unplaced" or pid not in self.patients:
                continue
            for sid in self.sessions:
                if used[sid] >= self.free_places(sid) or not self.eligible(pid, sid):
                    continue
                s = self.sessions[sid]
                offer_id = str(s["offer_id"])
                if str(self.offers[offer_id]["kind"]) == "home_visit":
                    key = (offer_id, str(s["weekday"]))
                    room = self.staff_limit(*key) - staff_used.get(key, 0.0)
                    if self._strict_visit(pid, offer_id) + self.tolerance > room:
                        continue
                out.append(
                    Violation(
                        "room_left", pid, sid, "unplaced although this session fits and has room"
                    )
                )
                break
        return out

    def _row_facts(self, pid: str, sid: str, r: Mapping[str, Any]) -> list[Violation]:
        """The plan row says what the session is: offer, kind, date, wait, fee, travel."""
        out = []
        s = self.sessions[sid]
        offer_id = str(s["offer_id"])
        o = self.offers[offer_id]

        def wrong(rule: str, detail: str) -> None:
            out.append(Violation(rule, pid, sid, detail))

        if _text(r.get("offer_id")) != offer_id:
            wrong("row_offer", f"offer_id {r.get('offer_id')!r}, session belongs to {offer_id!r}")
        if "kind" in r and _text(r["kind"]) != str(o["kind"]):
            wrong("row_kind", f"kind {r['kind']!r}, offer is {o['kind']!r}")
        expected = self.start_date(pid, sid)
        given = r.get("start_date")
        if _missing(given) or as_date(given) != expected:
            wrong("start_date", f"start {given!r}, rule gives {expected}")
        discharge = as_date(self.patients[pid]["discharge_date"])
        wait = r.get("wait_days")
        if _missing(wait) or int(wait) != (expected - discharge).days:
            wrong("wait_days", f"wait {wait!r}, rule gives {(expected - discharge).days}")
        fee = r.get("fee_dkk_month")
        if not _missing(fee) and abs(float(fee) - float(o["fee_dkk_month"])) > 1e-6:
            wrong("row_fee", f"fee {fee!r}, offer asks {o['fee_dkk_month']}")
        mode = _text(r.get("travel_mode"))
        minutes = r.get("travel_min")
        limit = float(self.patients[pid]["max_travel_min"])
        if _bool(self._offer(offer_id, "online")):
            expected_mode = {"online"}
        elif str(o["kind"]) == "home_visit":
            expected_mode = {"staff"}
        else:
            expected_mode = set(_items(self.patients[pid]["modes"]))
        if mode not in expected_mode:
            wrong("travel_mode", f"mode {mode!r}, patient travels by {sorted(expected_mode)}")
        elif not _missing(minutes):
            own = (
                0.0
                if mode == "online"
                else self.mode_minutes(pid, offer_id, "car" if mode == "staff" else mode)
            )
            if float(minutes) > limit + self.tolerance:
                wrong("travel", f"row says {float(minutes):g} min, limit {limit:g}")
            if not abs(float(minutes) - own) <= max(self.tolerance, 0.01 * own):
                wrong("row_travel", f"row says {float(minutes):g} min by {mode}, rule {own:.2f}")
        return out

    # -- one patient's recommendations -------------------------------------------
    def check_recommendations(
        self,
        patient_id: str,
        options: Sequence[Mapping[str, Any]],
        *,
        top: int | None = None,
        complete: bool = True,
    ) -> list[Violation]:
        """Every violation among one patient's recommended options (dicts with
        ``session_id``, ``offer_id``, ``kind``, ``first_date``, ``wait_days``,
        ``travel_min``, ``travel_mode``, ``fee_dkk_month``, ``places_left``).

        ``complete``: an empty list while a session clearly fits with a free
        place is a violation too.
        """
        out: list[Violation] = []
        if top is not None and len(options) > top:
            out.append(Violation("top", patient_id, "", f"{len(options)} options, top {top}"))
        sids = [str(o["session_id"]) for o in options]
        for sid, n in Counter(sids).items():
            if n > 1:
                out.append(Violation("duplicate_option", patient_id, sid, f"{n} times"))
        per_offer = Counter(str(self.sessions[s]["offer_id"]) for s in sids if s in self.sessions)
        for offer_id, n in per_offer.items():
            if n > 2:
                out.append(Violation("same_offer", patient_id, offer_id, f"{n} sessions"))
        for option in options:
            sid = str(option["session_id"])
            pair = self.pair_violations(patient_id, sid)
            out += pair
            if any(v.rule.startswith("unknown") for v in pair):
                continue
            if self.free_places(sid) <= 0:
                out.append(Violation("capacity", patient_id, sid, "recommended without a place"))
            if "places_left" in option and int(option["places_left"]) > self.free_places(sid):
                out.append(
                    Violation(
                        "places_left",
                        patient_id,
                        sid,
                        f"says {option['places_left']} left, {self.free_places(sid)} free",
                    )
                )
            row = dict(option)
            row.setdefault("start_date", row.get("first_date"))
            out += self._row_facts(patient_id, sid, row)
        if complete and not options and patient_id in self.patients:
            for sid in self.sessions:
                if self.free_places(sid) > 0 and self.eligible(patient_id, sid):
                    out.append(Violation("nothing_offered", patient_id, sid, "fits, has room"))
                    break
        return out

    # -- a bound on the priority a plan can place --------------------------------
    def best_priority(self, *, max_patients: int = 7) -> int | None:
        """The most priority any plan within the rules places (strict margins).

        Exact: an assignment problem over places when no staff minutes bind,
        otherwise a search over every plan (only up to ``max_patients``; else None).
        """
        pids = [p for p in self.patients if not _bool(self.patients[p].get("escalate", False))]
        pairs = {p: [s for s in self.sessions if self.eligible(p, s)] for p in pids}
        limited = self.has_staff and any(
            str(self.offers[str(self.sessions[s]["offer_id"])]["kind"]) == "home_visit"
            and str(self.sessions[s]["offer_id"]) in self.staffed_offers
            for ss in pairs.values()
            for s in ss
        )
        if not limited:
            return _assignment_bound(pids, pairs, self.free_places, self.priority)
        if len(pids) > max_patients:
            return None
        return self._search_bound(pids, pairs)

    def _search_bound(self, pids: list[str], pairs: Mapping[str, list[str]]) -> int:
        free = {s: self.free_places(s) for s in self.sessions}
        staff: dict[tuple[str, str], float] = {}
        best = 0
        order = sorted(pids, key=lambda p: -self.priority(p))
        rest = [sum(self.priority(p) for p in order[i:]) for i in range(len(order) + 1)]

        def go(i: int, value: int) -> None:
            nonlocal best
            best = max(best, value)
            if i == len(order) or value + rest[i] <= best:
                return
            p = order[i]
            for s in pairs[p]:
                if free[s] <= 0:
                    continue
                offer_id = str(self.sessions[s]["offer_id"])
                key = (offer_id, str(self.sessions[s]["weekday"]))
                use = 0.0
                if str(self.offers[offer_id]["kind"]) == "home_visit":
                    use = self._strict_visit(p, offer_id) + self.tolerance
                    if staff.get(key, 0.0) + use > self.staff_limit(*key):
                        continue
                free[s] -= 1
                staff[key] = staff.get(key, 0.0) + use
                go(i + 1, value + self.priority(p))
                free[s] += 1
                staff[key] -= use
            go(i + 1, value)

        go(0, 0)
        return best


def placed_priority(checker: RuleChecker, plan: pd.DataFrame) -> int:
    """The priority a plan places."""
    return sum(
        checker.priority(str(r.patient_id))
        for r in plan.itertuples()
        if r.status == "placed" and str(r.patient_id) in checker.patients
    )


def _assignment_bound(
    pids: list[str],
    pairs: Mapping[str, list[str]],
    free: Any,
    priority: Any,
) -> int:
    from scipy.optimize import linear_sum_assignment

    sessions = sorted({s for ss in pairs.values() for s in ss})
    slots = [s for s in sessions for _ in range(min(free(s), len(pids)))]
    if not pids or not slots:
        return 0
    weight = np.zeros((len(pids), len(slots)))
    for i, p in enumerate(pids):
        ok = set(pairs[p])
        for j, s in enumerate(slots):
            if s in ok:
                weight[i, j] = priority(p)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return int(weight[rows, cols].sum())


def _records(frame: pd.DataFrame) -> Iterable[dict[str, Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    return pd.DataFrame(frame[columns]).to_dict(orient="records")


def _project(row: Mapping[str, Any]) -> tuple[float, float]:
    x, y = _TO_METRES.transform(float(row["lon"]), float(row["lat"]))
    return float(x), float(y)


def rules_broken(violations: Iterable[Violation]) -> set[str]:
    """The names of the rules among ``violations``."""
    return {v.rule for v in violations}
