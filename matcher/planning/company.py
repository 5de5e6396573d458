"""An accompanied first visit ("følgeskab"): who goes along to a step's first meeting.

The seeds: a member of staff or a volunteer who goes along the first time keeps
people who would otherwise not dare. A step of a pathway **needs company** when
it is not a home visit and the person speaks no Danish, has the
``mental_health`` flag (anxiety in groups), or manages only one-to-one
(``group_tolerance`` individual: their first group ever). A **companion** is a
staff.csv row with ``accompanies`` set: on its weekday and shift it can meet
the person at the venue, speaks one of the person's languages, is of the
person's gender when they want their own (``gender_pref`` same), and its base
(its ``offer_id``'s place) is at most ``accompany_km`` from the venue. Going
along takes the session's length and the drive there and back by car, and all
of a companion's first visits on one date fit their shift without overlapping.

``assign_companions`` gives each step that needs company a companion where it
can (one 0-1 model, HiGHS: as many steps as possible, then the fewest minutes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from ortools.linear_solver import pywraplp

from ..dataset.load import Dataset
from ..dataset.staff import companion_shifts
from ..match.weights import Weights

__all__ = ["Company", "assign_companions", "needs_company"]


@dataclass(frozen=True)
class Company:
    """Per step (a row position of the steps' frame): the companion's ``staff_id`` or
    "" and the minutes going along takes, and how many steps needed company."""

    staff_id: list[str]
    minutes: list[float]
    needed: int

    @property
    def found(self) -> int:
        return sum(1 for s in self.staff_id if s)


def needs_company(person: pd.Series, kind: str) -> bool:
    """Whether a step of ``kind`` needs someone to go along to its first meeting."""
    if kind == "home_visit":
        return False
    languages = person["languages"]
    no_danish = "da" not in (tuple(languages) if not isinstance(languages, str) else (languages,))
    anxious = bool(person.get("mental_health", False))
    return no_danish or anxious or str(person["group_tolerance"]) == "individual"


def _car_minutes(weights: Weights, metres: float) -> float:
    return float(weights.travel["car"].minutes(np.array([metres]))[0])


def assign_companions(dataset: Dataset, steps: pd.DataFrame, weights: Weights) -> Company:
    """Companions for the first meetings of ``steps`` (rows with ``patient_id``,
    ``kind``, ``session_id`` and ``start_date``: PATHWAYS.csv's steps)."""
    n = len(steps)
    shifts = companion_shifts(dataset)
    people = dataset.patients.set_index("patient_id")
    need = [
        bool(needs_company(people.loc[r.patient_id], str(r.kind)))
        for r in steps.itertuples(index=False)
    ]
    staff_of, minutes_of = [""] * n, [0.0] * n
    if not any(need) or shifts.empty:
        return Company(staff_of, minutes_of, sum(need))
    sessions = dataset.sessions.set_index("session_id")
    xy = dataset.offers.to_crs(25832).set_index(dataset.offers["offer_id"]).geometry
    pairs: list[tuple[int, int, float, int, int, str]] = []  # step, shift, minutes, from, to, date
    for i, r in enumerate(steps.itertuples(index=False)):
        if not need[i]:
            continue
        person, session = people.loc[r.patient_id], sessions.loc[r.session_id]
        venue = xy[str(session["offer_id"])]
        for j, c in enumerate(shifts.itertuples(index=False)):
            if str(c.weekday) != str(session["weekday"]):
                continue
            metres = float(xy[str(c.offer_id)].distance(venue))
            if metres > weights.pathway.accompany_km * 1000:
                continue
            if not set(c.languages) & set(person["languages"]):
                continue
            if str(person["gender_pref"]) == "same" and str(c.gender) != str(person["gender"]):
                continue
            drive = _car_minutes(weights, metres)
            leave, back = session["start_min"] - drive, session["end_min"] + drive
            if leave < c.shift_start_min or back > c.shift_end_min:
                continue
            pairs.append((i, j, back - leave, int(leave), int(back), str(r.start_date)))
    if not pairs:
        return Company(staff_of, minutes_of, sum(need))
    chosen = _solve(pairs, shifts, n)
    for k in chosen:
        i, j, minutes = pairs[k][0], pairs[k][1], pairs[k][2]
        staff_of[i], minutes_of[i] = str(shifts.at[j, "staff_id"]), round(minutes, 1)
    return Company(staff_of, minutes_of, sum(need))


def _solve(
    pairs: list[tuple[int, int, float, int, int, str]], shifts: pd.DataFrame, n: int
) -> list[int]:
    """The pairs chosen: at most one companion per step, a companion's trips on one
    date never overlapping (so they fit the shift), most steps, then fewest minutes."""
    mip = pywraplp.Solver.CreateSolver("HIGHS")
    mip.SetSolverSpecificParametersAsString("output_flag=false")
    y = [mip.BoolVar(f"y{k}") for k in range(len(pairs))]
    by_step: dict[int, list[int]] = {}
    by_day: dict[tuple[str, str], list[int]] = {}
    for k, (i, j, _, _, _, day) in enumerate(pairs):
        by_step.setdefault(i, []).append(k)
        by_day.setdefault((str(shifts.at[j, "staff_id"]), day), []).append(k)
    for ks in by_step.values():
        mip.Add(sum(y[k] for k in ks) <= 1)
    for ks in by_day.values():
        for a in range(len(ks)):
            for b in range(a + 1, len(ks)):
                ka, kb = ks[a], ks[b]
                if pairs[ka][3] < pairs[kb][4] and pairs[kb][3] < pairs[ka][4]:
                    mip.Add(y[ka] + y[kb] <= 1)
    most = max(p[2] for p in pairs) + 1.0
    mip.Maximize(sum(y[k] * (most * n - pairs[k][2]) for k in range(len(pairs))))
    mip.Solve()
    return [k for k in range(len(pairs)) if y[k].solution_value() > 0.5]
