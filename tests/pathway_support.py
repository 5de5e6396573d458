"""An independent check of PATHWAYS.csv against the documented rules of a pathway.

Written from the module docstrings of ``matcher.planning.pathways`` and
``ladders``, ``[pathway]`` of weights.toml and the packaged pathways.csv (read
here with the csv module), not from the planner's code: every step must obey
the rules of a match (``rulecheck.RuleChecker``; a step after the first with the
group tolerance ``grows`` levels higher), start on a meeting of its session on
or after its first date and the discharge, inside an exit-team cohort's join
weeks, follow the step before along a rung within its gap, and no session may
hold more people than its capacity in any week of the horizon.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from rulecheck import WEEKDAYS, RuleChecker

ROOT = Path(__file__).resolve().parents[1]
LADDERS_FILE = ROOT / "matcher" / "planning" / "pathways.csv"
WEIGHTS_FILE = ROOT / "matcher" / "match" / "weights.toml"
TOLERANCES = ("individual", "small", "medium", "large")
LASTING = {"network_group", "association"}


def documented_ladders(path: Path = LADDERS_FILE) -> dict[tuple[str, str], tuple[int, int]]:
    """(from kind, to kind) -> (min, max) gap in days."""
    with path.open(encoding="utf-8") as f:
        return {
            (r["from_kind"], r["to_kind"]): (int(r["min_gap_days"]), int(r["max_gap_days"]))
            for r in csv.DictReader(f)
        }


def documented_settings(path: Path = WEIGHTS_FILE) -> dict[str, Any]:
    """``[pathway]`` of the weights file."""
    return dict(tomllib.loads(path.read_text(encoding="utf-8"))["pathway"])


def _reachable(ready: str, rungs: dict[tuple[str, str], tuple[int, int]]) -> set[str]:
    found, todo = {ready}, [ready]
    while todo:
        k = todo.pop()
        for a, b in rungs:
            if a == k and b not in found:
                found.add(b)
                todo.append(b)
    return found


def check_pathways(
    dataset: Any,
    table: pd.DataFrame,
    *,
    start: date,
    weeks: int,
    join_weeks: int = 2,
    one_step: bool = False,
) -> list[str]:
    """Every broken rule of a PATHWAYS.csv frame, in words (empty: all hold)."""
    rungs, settings = documented_ladders(), documented_settings()
    checker = RuleChecker(dataset)
    sessions = {str(r["session_id"]): r for r in dataset.sessions.to_dict("records")}
    offers = {str(r["offer_id"]): r for r in dataset.offers.to_dict("records")}
    end_day = start + timedelta(weeks=weeks)
    wrong: list[str] = []
    held: Counter[tuple[str, int]] = Counter()
    steps = table[table["step"].notna()].copy()
    steps["step"] = steps["step"].astype(int)
    for pid, rows in steps.groupby("patient_id"):
        rows = rows.sort_values("step")
        p = checker.patients[str(pid)]
        if list(rows["step"]) != list(range(1, len(rows) + 1)):
            wrong.append(f"{pid}: steps {list(rows['step'])} are not 1, 2, ...")
        if rows["kind"].duplicated().any():
            wrong.append(f"{pid}: two steps of one kind")
        if one_step and len(rows) > 1:
            wrong.append(f"{pid}: more than one step in a one-step plan")
        tolerance = str(p["group_tolerance"])
        ready = str(p.get("ready_for") or "")
        if not ready or ready != ready:
            home = bool(p["home_bound"]) or tolerance == "individual"
            ready = "home_visit" if home else "exit_team"
        previous: dict[str, Any] | None = None
        for r in rows.to_dict("records"):
            sid = str(r["session_id"])
            s, kind = sessions[sid], str(r["kind"])
            o = offers[str(s["offer_id"])]
            if str(o["kind"]) != kind:
                wrong.append(f"{pid} {sid}: kind {kind} but the offer is {o['kind']}")
            grown = tolerance
            if r["step"] > 1:
                level = min(TOLERANCES.index(tolerance) + settings["grows"], 3)
                grown = TOLERANCES[level]
            checker.patients[str(pid)] = {**p, "group_tolerance": grown}
            found = checker.pair_violations(str(pid), sid)
            checker.patients[str(pid)] = p
            wrong += [f"{pid} {sid} step {r['step']}: {v}" for v in found]
            begin = date.fromisoformat(str(r["start_date"]))
            first = pd.Timestamp(s["first_date"]).date()
            discharge = pd.Timestamp(p["discharge_date"]).date()
            if WEEKDAYS[begin.weekday()] != str(s["weekday"]):
                wrong.append(f"{pid} {sid}: starts on a {WEEKDAYS[begin.weekday()]}")
            if begin < max(first, discharge) or begin >= end_day:
                wrong.append(f"{pid} {sid}: starts {begin}, outside its dates")
            if kind == "exit_team":
                meets = first + timedelta(
                    days=(WEEKDAYS.index(str(s["weekday"])) - first.weekday()) % 7
                )
                if begin >= meets + timedelta(weeks=join_weeks):
                    wrong.append(f"{pid} {sid}: joins the cohort after its join weeks")
            length = int(s.get("weeks") or 0) or {
                "home_visit": settings["home_visit_weeks"],
                "exit_team": settings["exit_team_weeks"],
            }.get(kind, 0)
            last = begin + timedelta(weeks=length - 1) if length else None
            shown = str(r["last_date"] or "")
            if shown != (last.isoformat() if last else "") and shown != "nan":
                wrong.append(f"{pid} {sid}: last date {shown}, expected {last}")
            if previous is None:
                every = {"exit_team", "network_group", "association", "home_visit"}
                allowed = every if one_step else _reachable(ready, rungs)
                if kind not in allowed:
                    wrong.append(f"{pid}: first step {kind}, ready for {ready}")
            else:
                pair = (str(previous["kind"]), kind)
                if pair not in rungs:
                    wrong.append(f"{pid}: {pair[1]} after {pair[0]} is no rung")
                elif previous["last"] is None:
                    wrong.append(f"{pid}: a step after a lasting step")
                else:
                    gap = (begin - previous["last"]).days
                    low, high = rungs[pair]
                    if not low <= gap <= high:
                        wrong.append(f"{pid}: {gap} days after {pair[0]}, not {low} to {high}")
            hold_to = last or end_day - timedelta(days=1)
            week = (begin - start).days // 7
            while week < weeks and start + timedelta(weeks=week) <= hold_to:
                held[(sid, week)] += 1
                week += 1
            previous = {"kind": kind, "last": last}
    for (sid, week), n in held.items():
        if n > int(sessions[sid]["capacity"]):
            wrong.append(f"{sid} week {week}: {n} people, {sessions[sid]['capacity']} places")
    return wrong


def check_companions(dataset: Any, table: pd.DataFrame, *, km: float = 15.0) -> list[str]:
    """Every broken rule of the companions named in a PATHWAYS.csv frame, from the
    documentation of staff.csv and ``matcher.planning.company``: a companion row
    (``accompanies``) on the session's weekday, speaking one of the person's languages,
    of their gender when they want their own, based at most ``km`` from the venue, the
    session and the drive by car inside the shift, and no two trips of one companion
    on one date at the same time."""
    from rulecheck import clock, documented_travel

    modes, _ = documented_travel()
    car = modes["car"]
    staff = [r for r in dataset.staff.to_dict("records") if bool(r.get("accompanies"))]
    sessions = {str(r["session_id"]): r for r in dataset.sessions.to_dict("records")}
    people = {str(r["patient_id"]): r for r in dataset.patients.to_dict("records")}
    checker = RuleChecker(dataset)
    wrong: list[str] = []
    trips: dict[tuple[str, str], list[tuple[float, float]]] = {}
    rows = table[table["companion_id"].fillna("").astype(str) != ""]
    for r in rows.to_dict("records"):
        pid, sid, cid = str(r["patient_id"]), str(r["session_id"]), str(r["companion_id"])
        s, p = sessions[sid], people[pid]
        shifts = [c for c in staff if str(c["staff_id"]) == cid and c["weekday"] == s["weekday"]]
        if not shifts:
            wrong.append(f"{pid} {sid}: {cid} is no companion on {s['weekday']}")
            continue
        c = shifts[0]
        if not set(c["languages"]) & set(p["languages"]):
            wrong.append(f"{pid}: {cid} speaks none of {p['languages']}")
        if str(p["gender_pref"]) == "same" and str(c["gender"]) != str(p["gender"]):
            wrong.append(f"{pid}: {cid} is not of their gender")
        (bx, by), (vx, vy) = (checker._xy[("o", str(o))] for o in (c["offer_id"], s["offer_id"]))
        metres = math.hypot(bx - vx, by - vy)
        if metres > km * 1000 + 1:
            wrong.append(f"{pid}: {cid} is {metres / 1000:.1f} km away")
        drive = car.minutes(metres)
        leave, back = clock(s["start"]) - drive, clock(s["end"]) + drive
        if leave < clock(c["shift_start"]) - 0.5 or back > clock(c["shift_end"]) + 0.5:
            wrong.append(f"{pid}: the trip {leave:.0f}-{back:.0f} is outside {cid}'s shift")
        for a, b in trips.get((cid, str(r["start_date"])), []):
            if leave < b and a < back:
                wrong.append(f"{cid} is at two first meetings at once on {r['start_date']}")
        trips.setdefault((cid, str(r["start_date"])), []).append((leave, back))
    return wrong
