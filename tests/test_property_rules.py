"""Random small datasets inside the contract: every plan and every recommendation obeys
every rule of a match (checked by ``rulecheck``, written from the documented rules),
the plan places as much priority as any plan within the rules, and no command fails."""

from __future__ import annotations

import csv
import json
import os
import random
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rulecheck import RuleChecker, placed_priority
from typer.testing import CliRunner

import matcher
from matcher.cli import app
from matcher.discharge.options import as_dict

RUNNER = CliRunner()
LAT, LON = 55.3959, 10.3883  # Odense centre
KINDS = ("exit_team", "network_group", "association", "home_visit")
DIAGNOSES = ("heart", "copd", "diabetes", "cancer", "musculoskeletal", "mental", "other")
LANGUAGES = ("da", "en", "ar", "tr")
TAGS = ("walking", "strength", "dance", "choir", "social", "yoga")
MODES = ("walk", "bike", "bus", "car", "flextrafik")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NEEDS = ("wheelchair", "visual", "hearing", "seated")
TALK = ("little", "some", "social")
FLAGS = ("lives_alone", "short_education", "low_income", "multimorbidity", "mental_health")
DAY0 = date(2027, 1, 1)
#: Fast runs are the same cases every time (CI); the slow runs draw new ones.
FAST = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: The slow runs go only when asked for: they take minutes.
slow_run = pytest.mark.skipif(
    not os.environ.get("BROBYGGER_PROPERTY_SLOW"),
    reason="set BROBYGGER_PROPERTY_SLOW=1 for the long random run",
)
COUNTS: dict[str, int] = {}


def count(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


# -- cells ---------------------------------------------------------------------------
class Chooser:
    """Draws the values of a dataset: from hypothesis (``draw``, shrinks well) or from
    a seeded ``random.Random`` (many cheap rows); the ranges are written once below."""

    def __init__(self, draw: st.DrawFn | None = None, rnd: random.Random | None = None):
        self.draw, self.rnd = draw, rnd

    def integer(self, low: int, high: int) -> int:
        if self.draw is not None:
            return self.draw(st.integers(low, high))
        assert self.rnd is not None
        return self.rnd.randint(low, high)

    def pick(self, items: Sequence[Any]) -> Any:
        return items[self.integer(0, len(items) - 1)]

    def flag(self, one_in: int = 2) -> bool:
        return self.integer(1, one_in) == 1

    def subset(self, items: tuple[str, ...], min_size: int = 0) -> tuple[str, ...]:
        size = self.integer(min_size, 3)
        pool = list(items)
        return tuple(pool.pop(self.integer(0, len(pool) - 1)) for _ in range(size))

    def real(self, low: float, high: float, digits: int) -> float:
        scale = 10**digits
        return self.integer(round(low * scale), round(high * scale)) / scale


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def money(c: Chooser) -> float | int:
    return c.pick([0, 0, 25, 50, 100, 300]) if c.flag() else c.real(0, 1000, 2)


def near(c: Chooser) -> tuple[float, float]:
    """A point within about 5 km of the centre of Odense."""
    return round(LAT + c.real(-0.04, 0.04, 5), 5), round(LON + c.real(-0.07, 0.07, 5), 5)


def a_date(c: Chooser) -> date:
    return DAY0 + timedelta(days=c.integer(-20, 60))


def offer_rows(c: Chooser, n: int) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        kind = c.pick(KINDS)
        lat, lon = near(c)
        rows.append(
            {
                "offer_id": f"O{i + 1}",
                "name": f"Tilbud {i + 1}",
                "kind": kind,
                "provider": c.pick(["", "Kommune", "Forening"]),
                "lat": lat,
                "lon": lon,
                "diagnoses": ("all",) if c.flag() else c.subset(DIAGNOSES, 1),
                "languages": c.subset(LANGUAGES, 1),
                "gender": c.pick(["any", "any", "men", "women"]),
                "group_size": c.integer(1, 3) if kind == "home_visit" else c.integer(1, 30),
                "intensity": c.pick(["low", "moderate", "high"]),
                "supervised": c.flag(),
                "fee_dkk_month": money(c),
                "tags": c.subset(TAGS),
                **offer_options(c),
            }
        )
    return rows


def offer_options(c: Chooser) -> dict[str, Any]:
    """Interpreter, accessibility, talk level, online and status: empty (their defaults)
    in most offers, drawn in about one in three."""
    if not c.flag(3):
        return dict.fromkeys(
            ("interpreter", "interpreter_languages", "accessibility", "talk_level", "online"),
            "",
        ) | {"status": "", "paused_until": ""}
    return {
        "interpreter": c.pick(["none", "first_session", "all"]),
        "interpreter_languages": c.subset(LANGUAGES),
        "accessibility": c.subset(NEEDS),
        "talk_level": c.pick(TALK),
        "online": c.flag(3),
        "status": c.pick(["open", "open", "paused", "closed"]),
        "paused_until": "" if c.flag(3) else a_date(c),
    }


def session_rows(c: Chooser, n: int, offer_ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for i in range(n):
        start = c.integer(6 * 4, 21 * 4) * 15
        end = min(24 * 60, start + c.integer(2, 12) * 15)
        rows.append(
            {
                "session_id": f"S{i + 1}",
                "offer_id": c.pick(offer_ids),
                "weekday": c.pick(WEEKDAYS),
                "start": clock(start),
                "end": clock(end),
                "capacity": c.integer(0, 3),
                "first_date": a_date(c),
                "weeks": "" if c.flag() else c.integer(1, 12),
            }
        )
    return rows


def windows(c: Chooser) -> str:
    spans = []
    for _ in range(c.integer(1, 3)):
        start = c.integer(6 * 4, 20 * 4) * 15
        end = min(24 * 60, start + c.integer(2, 24) * 15)
        spans.append(f"{c.pick(WEEKDAYS)} {clock(start)}-{clock(end)}")
    return ";".join(spans)


def patient_rows(c: Chooser, n: int, offer_ids: list[str], prefix: str = "P") -> list[dict]:
    rows = []
    for i in range(n):
        lat, lon = near(c)
        rows.append(
            {
                "patient_id": f"{prefix}{i + 1}",
                "lat": lat,
                "lon": lon,
                "discharge_date": a_date(c),
                "diagnoses": c.subset(DIAGNOSES),
                "gender": c.pick(["woman", "man", "other"]),
                "gender_pref": c.pick(["any", "any", "any", "same"]),
                "modes": c.subset(MODES, 1),
                "max_travel_min": c.integer(1, 60),
                "available": "" if c.flag() else windows(c),
                "group_tolerance": c.pick(["individual", "small", "medium", "large"]),
                "budget_dkk_month": money(c),
                "languages": c.subset(LANGUAGES, 1),
                "intensity_max": c.pick(["low", "moderate", "high"]),
                "needs_supervision": c.flag(),
                "home_bound": c.flag(4),
                "interests": c.subset(TAGS),
                **{flag: c.flag() for flag in FLAGS},
                "escalate": c.flag(8),
                "prior_offer_id": c.pick(["", "", *offer_ids]),
                "needs": c.subset(NEEDS) if c.flag(3) else "",
                "talk_level_max": c.pick(["", "", *TALK]),
                "online_ok": c.flag(),
            }
        )
    return rows


def staff_rows(c: Chooser, home_offers: list[str]) -> list[dict[str, Any]]:
    rows = []
    for offer_id in home_offers:
        for k in range(c.integer(1, 3)):
            start = c.integer(6 * 4, 14 * 4) * 15
            end = start + c.integer(2, 32) * 15
            rows.append(
                {
                    "staff_id": f"{offer_id}-T{k + 1}",
                    "offer_id": offer_id,
                    "weekday": c.pick(WEEKDAYS),
                    "shift_start": clock(start),
                    "shift_end": clock(end),
                    "role": c.pick(["", "nurse", "physiotherapist"]),
                }
            )
    return rows


def travel_rows(c: Chooser, patient_ids: list[str], offer_ids: list[str]) -> list[dict]:
    pairs = {(c.pick(patient_ids), c.pick(offer_ids)) for _ in range(c.integer(0, 4))}
    return [
        {
            "origin_id": p,
            "destination_id": o,
            "minutes": c.integer(0, 90) if c.flag() else c.real(0, 90, 2),
            "mode": c.pick(["", *MODES]),
        }
        for p, o in sorted(pairs)
    ]


def dataset_rows(
    c: Chooser, max_offers: int = 4, max_sessions: int = 6, max_patients: int = 6
) -> dict[str, Any]:
    """The rows of a small dataset inside the contract, and its dialect."""
    offers = offer_rows(c, c.integer(1, max_offers))
    offer_ids = [o["offer_id"] for o in offers]
    sessions = session_rows(c, c.integer(1, max_sessions), offer_ids)
    patients = patient_rows(c, c.integer(1, max_patients), offer_ids)
    files: dict[str, list[dict[str, Any]]] = {
        "offers.csv": offers,
        "sessions.csv": sessions,
        "patients.csv": patients,
    }
    home = [o["offer_id"] for o in offers if o["kind"] == "home_visit"]
    if home and c.flag():
        files["staff.csv"] = staff_rows(c, home)
    if c.flag(3):
        files["travel_times.csv"] = travel_rows(c, [p["patient_id"] for p in patients], offer_ids)
    if c.flag(3):  # an optional cell left empty takes its documented default
        column = c.pick(["modes", "languages", "gender", "available"])
        patients[c.integer(0, len(patients) - 1)][column] = ""
        column = c.pick(["languages", "intensity", "gender", "tags"])
        offers[c.integer(0, len(offers) - 1)][column] = ""
    return {"files": files, "danish": c.flag(3)}


@st.composite
def datasets(
    draw: st.DrawFn, max_offers: int = 4, max_sessions: int = 6, max_patients: int = 6
) -> dict[str, Any]:
    """A small dataset inside the contract, drawn value by value (shrinks well)."""
    return dataset_rows(Chooser(draw=draw), max_offers, max_sessions, max_patients)


# -- writing -------------------------------------------------------------------------
def cell(value: Any, danish: bool) -> str:
    if isinstance(value, bool):
        return ("ja" if value else "nej") if danish else ("true" if value else "false")
    if isinstance(value, tuple | list):
        return ("|" if danish else ";").join(value)
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y") if danish else value.isoformat()
    if isinstance(value, float):
        text = repr(value)
        return text.replace(".", ",") if danish else text
    return str(value)


def write(
    directory: Path,
    data: Mapping[str, Any],
    mutate: Callable[[str, list[list[str]]], None] | None = None,
) -> Path:
    """Write the dataset's files (UTF-8 CSV or a Danish export); ``mutate`` may change
    the text cells of a file (header first) before it is written."""
    danish = bool(data["danish"])
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in data["files"].items():
        header = list(rows[0]) if rows else _HEADERS[name]
        table = [header, *([cell(r.get(c, ""), danish) for c in header] for r in rows)]
        if mutate is not None:
            mutate(name, table)
        with open(
            directory / name, "w", newline="", encoding="cp1252" if danish else "utf-8"
        ) as handle:
            csv.writer(handle, delimiter=";" if danish else ",", lineterminator="\n").writerows(
                table
            )
    return directory


_HEADERS = {
    "staff.csv": ["staff_id", "offer_id", "weekday", "shift_start", "shift_end"],
    "travel_times.csv": ["origin_id", "destination_id", "minutes", "mode"],
}


def run(*args: str | Path) -> Any:
    """brobygger in-process; no command may fail or print a traceback."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    return result


def show(data: Mapping[str, Any]) -> str:
    """The dataset as text, for a failing example."""
    parts = []
    for name, rows in data["files"].items():
        parts.append(f"--- {name}\n" + pd.DataFrame(rows).to_csv(index=False))
    return "\n".join(parts)


# -- the properties ------------------------------------------------------------------
def check_python_api(data: Mapping[str, Any], bound: bool = True) -> None:
    """plan and every patient's recommend obey every rule; the plan places the most priority."""
    with tempfile.TemporaryDirectory(prefix="brobygger-prop-") as tmp:
        ds = matcher.load_dataset(write(Path(tmp), data))
    result = matcher.plan(ds, time_limit=10)
    checker = RuleChecker(ds)
    found = checker.check_plan(result.assignments)
    assert not found, "\n".join(map(str, found)) + "\n" + show(data)
    if bound:
        best = checker.best_priority()
        if best is not None:
            got = placed_priority(checker, result.assignments)
            assert got >= best, f"plan places priority {got}, a plan within the rules {best}"
            count("bounded plans")
    recommender = matcher.Recommender(ds)
    for pid in ds.patients["patient_id"]:
        options = as_dict(recommender.recommend(str(pid), 3))["options"]
        found = checker.check_recommendations(str(pid), options, top=3)
        assert not found, "\n".join(map(str, found)) + "\n" + show(data)
        count("recommendations")
    count("plans")


@settings(FAST, max_examples=60)
@given(datasets())
def test_every_plan_and_recommendation_obeys_every_rule(data: dict[str, Any]) -> None:
    """A plan and every recommendation on a dataset inside the contract break no rule of a
    match, and the plan places as much priority as any plan within the rules."""
    check_python_api(data)


@pytest.mark.slow
@settings(FAST, max_examples=10)
@given(datasets(max_offers=3, max_sessions=4, max_patients=4))
def test_plan_and_recommend_commands_obey_every_rule(data: dict[str, Any]) -> None:
    """brobygger plan and recommend --json on a dataset inside the contract exit 0 and
    obey every rule of a match."""
    with tempfile.TemporaryDirectory(prefix="brobygger-prop-") as tmp:
        root = write(Path(tmp) / "data", data)
        ds = matcher.load_dataset(root)
        checker = RuleChecker(ds)
        assert run("validate", root).exit_code == 0
        out = Path(tmp) / "PLAN.csv"
        result = run("plan", root, "--out", out, "--time-limit", "10")
        assert result.exit_code == 0, result.output
        frame = pd.read_csv(out, dtype=str, keep_default_na=False)
        found = checker.check_plan(frame)
        assert not found, "\n".join(map(str, found)) + "\n" + show(data)
        summary = json.loads((Path(tmp) / "PLAN.json").read_text(encoding="utf-8"))
        assert summary["placed"] == int((frame["status"] == "placed").sum())
        assert summary["priority_placed"] == placed_priority(checker, frame)
        pid = str(ds.patients["patient_id"].iloc[0])
        result = run("recommend", root, "--patient", pid, "--json", "--top", "3")
        assert result.exit_code == 0, result.output
        options = json.loads(result.stdout)["options"]
        found = checker.check_recommendations(pid, options, top=3)
        assert not found, "\n".join(map(str, found)) + "\n" + show(data)
    count("commands")


@st.composite
def profiles(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A dataset and the profiles of a dozen people at their closing conversation (the
    profiles from a seeded generator: cheap, and each seed is one shrinkable value)."""
    data = draw(datasets(max_patients=2))
    offer_ids = [o["offer_id"] for o in data["files"]["offers.csv"]]
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    rows = patient_rows(Chooser(rnd=rnd), 12, offer_ids, prefix="Q")
    return data, [{k: cell(v, False) for k, v in r.items()} for r in rows]


@settings(FAST, max_examples=40)
@given(profiles())
def test_every_recommendation_for_a_profile_obeys_every_rule(
    case: tuple[dict[str, Any], list[dict[str, str]]],
) -> None:
    """recommend for a profile typed in at the conversation gives only sessions that obey
    every rule of a match, with a free place, and says nothing fits only when nothing does."""
    data, people = case
    with tempfile.TemporaryDirectory(prefix="brobygger-prop-") as tmp:
        ds = matcher.load_dataset(write(Path(tmp), data))
    checker = RuleChecker(ds)
    recommender = matcher.Recommender(ds)
    for person in people:
        checker.add_profile(person)
        options = as_dict(recommender.recommend(person, 3, suggest=False))["options"]
        found = checker.check_recommendations(person["patient_id"], options, top=3)
        assert not found, "\n".join(map(str, found)) + f"\n{person}\n" + show(data)
        count("profile recommendations")


@slow_run
@pytest.mark.slow
@settings(SLOW, max_examples=3000)
@given(datasets(max_offers=6, max_sessions=10, max_patients=12))
def test_every_plan_obeys_every_rule_on_many_random_datasets(data: dict[str, Any]) -> None:
    """Many new random datasets: plans and recommendations break no rule of a match."""
    check_python_api(data)


def test_the_properties_ran_enough_cases() -> None:
    """The fast properties above ran their cases (counted, printed with -s)."""
    print(f"property cases: {COUNTS}")
    if COUNTS.get("plans"):
        assert COUNTS["plans"] >= 60
        assert COUNTS["recommendations"] >= COUNTS["plans"]
    if COUNTS.get("profile recommendations"):
        assert COUNTS["profile recommendations"] >= 480
