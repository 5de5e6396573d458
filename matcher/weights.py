"""Weights of the cost model and travel estimates, from one documented file.

The defaults live in ``matcher/weights.toml``; a user's file passed with
``--weights`` overrides any subset of its keys. Unknown keys and wrong types
are input errors, listed with the line of the key where possible.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from .domain import MODES, parse_clock
from .errors import InputError, Problem
from .geo import ModeSpeed

__all__ = ["Weights", "default_weights_text"]


def default_weights_text() -> str:
    """The text of the packaged default weights file, comments included."""
    return resources.files("matcher").joinpath("weights.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Weights:
    """Cost weights (points per unit) and the travel model's parameters.

    See ``matcher/weights.toml`` for what each one means and why.
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

    @classmethod
    def load(cls, path: str | Path | None = None) -> Weights:
        """The defaults, with the keys of ``path`` (a TOML file) laid over them."""
        data = tomllib.loads(default_weights_text())
        if path is not None:
            path = Path(path)
            try:
                user = tomllib.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise InputError(
                    [Problem(path.name, None, None, "weights file not found")]
                ) from None
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise InputError(
                    [Problem(path.name, None, None, f"is not valid TOML ({exc})")]
                ) from None
            problems = _merge(data, user, path.name, "")
            if problems:
                raise InputError(problems)
        return cls._from_dict(data, path.name if path is not None else "weights.toml")

    @classmethod
    def _from_dict(cls, data: dict[str, Any], name: str) -> Weights:
        w, tod, plan = data["weights"], data["time_of_day"], data["plan"]
        problems = [
            Problem(name, None, f"weights.{key}", f"must be at least 0, not {value}")
            for key, value in w.items()
            if value < 0
        ]
        try:
            start = parse_clock(tod["comfortable_start"])
            end = parse_clock(tod["comfortable_end"], allow_24=True)
        except ValueError as exc:
            problems.append(Problem(name, None, "time_of_day", str(exc)))
            start, end = 0, 0
        for mode in MODES:
            if data["travel"][mode]["speed_kmh"] <= 0:
                problems.append(Problem(name, None, f"travel.{mode}.speed_kmh", "must be above 0"))
        if plan["candidates_per_patient"] < 1:
            problems.append(
                Problem(name, None, "plan.candidates_per_patient", "must be at least 1")
            )
        if plan["all_pairs_up_to"] < 0:
            problems.append(Problem(name, None, "plan.all_pairs_up_to", "must be at least 0"))
        if plan["home_visit_min"] < 1:
            problems.append(Problem(name, None, "plan.home_visit_min", "must be at least 1"))
        if problems:
            raise InputError(problems)
        known = {f.name for f in fields(cls)}
        return cls(
            **{k: float(v) for k, v in w.items() if k in known},
            comfortable_start=start,
            comfortable_end=end,
            travel={
                m: ModeSpeed(**{k: float(v) for k, v in data["travel"][m].items()}) for m in MODES
            },
            candidates_per_patient=int(plan["candidates_per_patient"]),
            home_visit_min=int(plan["home_visit_min"]),
            all_pairs_up_to=int(plan["all_pairs_up_to"]),
        )


def _merge(base: dict[str, Any], user: dict[str, Any], name: str, prefix: str) -> list[Problem]:
    """Lay ``user`` over ``base`` in place; problems for unknown keys or types."""
    problems = []
    for key, value in user.items():
        where = f"{prefix}{key}"
        if key not in base:
            known = ", ".join(sorted(base))
            problems.append(Problem(name, None, where, f"unknown key (known here: {known})"))
        elif isinstance(base[key], dict):
            if isinstance(value, dict):
                problems += _merge(base[key], value, name, f"{where}.")
            else:
                problems.append(Problem(name, None, where, "must be a table of keys"))
        elif isinstance(base[key], str) != isinstance(value, str) or isinstance(
            value, dict | list | bool
        ):
            problems.append(Problem(name, None, where, f"has the wrong type ({value!r})"))
        else:
            base[key] = value
    return problems
