"""Weights of the cost model and travel estimates, from one documented file.

The defaults live in ``matcher/match/weights.toml``; a user's file passed with
``--weights`` overrides any subset of its keys. Malformed TOML, unknown keys,
wrong types and values outside a key's limits (``LIMITS``; never NaN or
infinite) are input errors naming the file, the line and the key.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from ..domain import KINDS, MODES, parse_clock
from ..errors import InputError, Problem
from ..geo import ModeSpeed
from ..words.problems import problem

__all__ = ["LIMITS", "PathwaySettings", "TransportCosts", "Weights", "default_weights_text"]

#: A weights file larger than this is not a weights file (the default is 4 KB).
MAX_BYTES = 1_000_000
_SPEED_KEYS = tuple(f.name for f in fields(ModeSpeed))


@dataclass(frozen=True)
class Limit:
    """The numbers a key accepts: ``low`` to ``high``, whole numbers only if ``whole``;
    ``above`` makes ``low`` itself refused."""

    low: float
    high: float
    whole: bool = False
    above: bool = False

    def problem(self, value: int | float) -> str | None:
        """Why ``value`` is refused, or None."""
        found = self.refused(value, "", None, None)
        return None if found is None else found.message

    def refused(
        self, value: int | float, file: str, row: int | None, column: str | None
    ) -> Problem | None:
        """Why ``value`` (in ``file`` at ``row`` and ``column``) is refused, or None."""
        if not math.isfinite(value):
            return problem(file, row, column, "must be a finite number, not {value}", value=value)
        if self.whole and value != int(value):
            return problem(file, row, column, "must be a whole number, not {value}", value=value)
        if self.above and value <= self.low:
            return problem(
                file, row, column, "must be above {low:g}, not {value:g}", low=self.low, value=value
            )
        if value < self.low:
            return problem(
                file,
                row,
                column,
                "must be at least {low:g}, not {value:g}",
                low=self.low,
                value=value,
            )
        if value > self.high:
            return problem(
                file,
                row,
                column,
                "must be at most {high:g}, not {value:g}",
                high=self.high,
                value=value,
            )
        return None


#: Limits of every number in a weights file, by key (``*`` for every weight or mode).
#: Costs above these make the solver's integer costs too coarse or overflow; a
#: detour below 1 would make a trip shorter than the straight line.
LIMITS: dict[str, Limit] = {
    "weights.*": Limit(0, 10_000),
    "travel.*.speed_kmh": Limit(0, 300, above=True),
    "travel.*.detour": Limit(1, 10),
    "travel.*.fixed_min": Limit(0, 600),
    "travel.*.min_km": Limit(0, 1000),
    "plan.all_pairs_up_to": Limit(0, 1_000_000_000, whole=True),
    "plan.candidates_per_patient": Limit(1, 10_000, whole=True),
    "plan.home_visit_min": Limit(1, 720, whole=True),
    "plan.together_bonus": Limit(0, 10_000),
    "transport.trips_per_session": Limit(0, 10),
    "transport.sessions_per_month": Limit(0, 31),
    "transport.bus_zone_km": Limit(0, 1000, above=True),
    "transport.ride_together_km": Limit(0, 100),
    "transport.*": Limit(0, 10_000),
    "pathway.step_points": Limit(0, 10_000),
    "pathway.complete_points": Limit(0, 10_000),
    "pathway.candidates_per_step": Limit(1, 50, whole=True),
    "pathway.start_weeks": Limit(0, 26, whole=True),
    "pathway.grows": Limit(0, 3, whole=True),
    "pathway.accompany_km": Limit(0, 200),
    "pathway.*": Limit(1, 104, whole=True),
    "freshness.stale_months": Limit(1, 240, whole=True),
}


def _limit(key: str) -> Limit | None:
    parts = key.split(".")
    for pattern, limit in LIMITS.items():
        wanted = pattern.split(".")
        if len(wanted) == len(parts) and all(
            w in ("*", p) for w, p in zip(wanted, parts, strict=True)
        ):
            return limit
    return None


def default_weights_text() -> str:
    """The text of the packaged default weights file, comments included."""
    return resources.files("matcher.match").joinpath("weights.toml").read_text(encoding="utf-8")


def _defaults() -> dict[str, Any]:
    """The default file as a dict, every mode with every ``ModeSpeed`` key."""
    data = tomllib.loads(default_weights_text())
    for mode in MODES:
        speed = ModeSpeed(**data["travel"][mode])
        data["travel"][mode] = {k: getattr(speed, k) for k in _SPEED_KEYS}
    return data


@dataclass(frozen=True)
class TransportCosts:
    """What getting to an offer costs the patient, from ``[transport]`` of weights.toml.

    A trip's fare: by bus ``bus_fare_2_zones`` plus ``bus_fare_extra_zone`` for
    every whole ``bus_zone_km`` of straight-line distance; by car
    ``car_dkk_per_km`` per road km; by flextrafik ``flextrafik_dkk_per_km`` per
    road km, at least ``flextrafik_min_dkk``; walking and cycling are free. A month
    is ``trips_per_session * sessions_per_month`` trips. ``in_budget`` counts the
    month's transport with the fee against the patient's budget; ``ride_together_km``
    is the distance between two homes close enough to share a ride.
    """

    in_budget: bool = False
    trips_per_session: float = 2.0
    sessions_per_month: float = 4.33
    bus_fare_2_zones: float = 18.0
    bus_fare_extra_zone: float = 6.4
    bus_zone_km: float = 8.0
    car_dkk_per_km: float = 2.23
    flextrafik_dkk_per_km: float = 6.0
    flextrafik_min_dkk: float = 40.0
    ride_together_km: float = 1.5

    @property
    def trips_per_month(self) -> float:
        """One-way trips a month to a weekly session."""
        return self.trips_per_session * self.sessions_per_month

    @property
    def charges(self) -> bool:
        """Whether any trip costs anything at all."""
        fares = (
            self.bus_fare_2_zones,
            self.bus_fare_extra_zone,
            self.car_dkk_per_km,
            self.flextrafik_dkk_per_km,
            self.flextrafik_min_dkk,
        )
        return self.trips_per_month > 0 and any(f > 0 for f in fares)


@dataclass(frozen=True)
class PathwaySettings:
    """How pathways are planned, from ``[pathway]`` of weights.toml: the points for
    each further step and for reaching a lasting one, the candidates per step, the
    weeks a first step may start late, the group-tolerance levels gained for the
    steps after the first, the weeks of a home-visit or exit-team step without its own,
    and how far a companion goes to a first visit."""

    step_points: float = 20.0
    complete_points: float = 40.0
    candidates_per_step: int = 4
    start_weeks: int = 4
    grows: int = 1
    home_visit_weeks: int = 4
    exit_team_weeks: int = 12
    accompany_km: float = 15.0


@dataclass(frozen=True)
class Weights:
    """Cost weights (points per unit) and the travel model's parameters.

    See ``matcher/match/weights.toml`` for what each one means and why.
    """

    travel_min: float
    wait_day: float
    time_of_day_hour: float
    interest_miss: float
    continuity_miss: float
    fee_dkk: float
    home_visit: float
    staff_drive_min: float
    comfortable_start: int
    comfortable_end: int
    travel: dict[str, ModeSpeed]
    candidates_per_patient: int
    home_visit_min: int
    all_pairs_up_to: int = 2_000_000
    transport_dkk: float = 0.05
    transport: TransportCosts = TransportCosts()
    together_bonus: float = 10.0
    #: Kinds of offer that do not meet on a Danish public holiday (``[holidays]``).
    holiday_kinds: tuple[str, ...] = ("exit_team", "home_visit")
    pathway: PathwaySettings = PathwaySettings()
    #: An offer verified more than this many months ago is stale (``[freshness]``).
    stale_months: int = 12

    @classmethod
    def load(cls, path: str | Path | None = None) -> Weights:
        """The defaults, with the keys of ``path`` (a TOML file) laid over them.

        Raises ``InputError`` naming the file (and line and key) for a missing
        or unreadable file, malformed TOML, an unknown key, a wrong type or a
        value outside its limits.
        """
        data = _defaults()
        if path is None:
            return cls._from_dict(data, "weights.toml", {})
        path = Path(path)
        text = _read(path)
        try:
            user = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = re.search(r"at line (\d+)", str(exc))
            row = int(line.group(1)) if line else None
            raise InputError(
                [problem(path.name, row, None, "is not valid TOML ({reason})", reason=exc)]
            ) from None
        except RecursionError:
            raise InputError(
                [problem(path.name, None, None, "is not valid TOML (nested too deeply)")]
            ) from None
        lines = _key_lines(text)
        problems = _merge(data, user, path.name, "", lines)
        if problems:
            raise InputError(problems)
        return cls._from_dict(data, path.name, lines)

    @classmethod
    def _from_dict(cls, data: dict[str, Any], name: str, lines: dict[str, int]) -> Weights:
        w, tod, plan = data["weights"], data["time_of_day"], data["plan"]
        ride = data["transport"]
        problems: list[Problem] = []
        clock: dict[str, int] = {}
        for key in ("comfortable_start", "comfortable_end"):
            where = f"time_of_day.{key}"
            try:
                clock[key] = parse_clock(tod[key], allow_24=key == "comfortable_end")
            except ValueError as exc:
                problems.append(_clock_problem(name, lines.get(where), where, tod[key], str(exc)))
        start, end = clock.get("comfortable_start"), clock.get("comfortable_end")
        if start is not None and end is not None and start >= end:
            problems.append(
                problem(
                    name,
                    lines.get("time_of_day.comfortable_start"),
                    "time_of_day.comfortable_start",
                    "{start} is not before comfortable_end {end}",
                    start=tod["comfortable_start"],
                    end=tod["comfortable_end"],
                )
            )
        if problems:
            raise InputError(problems)
        known = {f.name for f in fields(cls)}
        return cls(
            **{k: float(v) for k, v in w.items() if k in known},
            comfortable_start=start or 0,
            comfortable_end=end or 0,
            travel={
                m: ModeSpeed(**{k: float(v) for k, v in data["travel"][m].items()}) for m in MODES
            },
            candidates_per_patient=int(plan["candidates_per_patient"]),
            home_visit_min=int(plan["home_visit_min"]),
            all_pairs_up_to=int(plan["all_pairs_up_to"]),
            transport=TransportCosts(
                in_budget=bool(ride["in_budget"]),
                **{k: float(v) for k, v in ride.items() if k != "in_budget"},
            ),
            together_bonus=float(plan["together_bonus"]),
            holiday_kinds=tuple(k for k in KINDS if data["holidays"][k]),
            pathway=_pathway(data["pathway"]),
            stale_months=int(data["freshness"]["stale_months"]),
        )


def _pathway(section: dict[str, Any]) -> PathwaySettings:
    """``[pathway]`` of the merged file: its points as decimals, the rest as counts."""
    return PathwaySettings(
        step_points=float(section["step_points"]),
        complete_points=float(section["complete_points"]),
        candidates_per_step=int(section["candidates_per_step"]),
        start_weeks=int(section["start_weeks"]),
        grows=int(section["grows"]),
        home_visit_weeks=int(section["home_visit_weeks"]),
        exit_team_weeks=int(section["exit_team_weeks"]),
        accompany_km=float(section["accompany_km"]),
    )


def _read(path: Path) -> str:
    """The text of a user's weights file, or an InputError naming it."""
    if not path.exists():
        raise InputError([problem(path.name, None, None, "weights file not found")])
    if not path.is_file():
        raise InputError([problem(path.name, None, None, "is not a file (give a TOML file)")])
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(
                [problem(path.name, None, None, "is larger than {limit:,} bytes", limit=MAX_BYTES)]
            )
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [
                problem(
                    path.name,
                    None,
                    None,
                    "is not valid TOML (not UTF-8 text: {reason})",
                    reason=exc,
                )
            ]
        ) from None
    except OSError as exc:
        raise InputError(
            [
                problem(
                    path.name, None, None, "cannot be read ({reason})", reason=exc.strerror or exc
                )
            ]
        ) from None


def _clock_problem(file: str, row: int | None, column: str, text: str, said: str) -> Problem:
    """The domain's ``said`` about a clock time ``text``, keyed by its template."""
    if said.endswith("(HH:MM)"):
        return problem(file, row, column, "'{text}' is not a time of day (HH:MM)", text=text)
    return problem(
        file, row, column, "'{text}' is not a time of day (HH:MM, 00:00-23:59)", text=text
    )


_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _key_lines(text: str) -> dict[str, int]:
    """The line of each key and table of a TOML text, as far as simple lines tell."""
    found: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = ".".join(p.strip().strip("\"'") for p in header.group(1).split("."))
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            dotted = ".".join(p.strip().strip("\"'") for p in key.group(1).split("."))
            found.setdefault(f"{table}.{dotted}" if table else dotted, number)
    return found


def _merge(
    base: dict[str, Any], user: dict[str, Any], name: str, prefix: str, lines: dict[str, int]
) -> list[Problem]:
    """Lay ``user`` over ``base`` in place; problems for unknown keys, types and limits."""
    problems = []
    for key, value in user.items():
        where = f"{prefix}{key}"
        row = lines.get(where)
        if key not in base:
            known = ", ".join(sorted(base))
            problems.append(
                problem(name, row, where, "unknown key (known here: {known})", known=known)
            )
        elif isinstance(base[key], dict):
            if isinstance(value, dict):
                problems += _merge(base[key], value, name, f"{where}.", lines)
            else:
                problems.append(problem(name, row, where, "must be a table of keys"))
        elif isinstance(base[key], bool):
            if isinstance(value, bool):
                base[key] = value
            else:
                problems.append(
                    problem(
                        name,
                        row,
                        where,
                        "has the wrong type ({value!r}); give true or false",
                        value=value,
                    )
                )
        elif isinstance(base[key], str):
            if isinstance(value, str):
                base[key] = value
            else:
                problems.append(
                    problem(
                        name, row, where, "has the wrong type ({value!r}); give text", value=value
                    )
                )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(
                problem(
                    name, row, where, "has the wrong type ({value!r}); give a number", value=value
                )
            )
        else:
            limit = _limit(where)
            why = limit.refused(value, name, row, where) if limit is not None else None
            if why is not None:
                problems.append(why)
            else:
                base[key] = value
    return problems
