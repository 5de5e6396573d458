"""Candidate exit teams for what-if planning, expanded into cohorts.

A candidate team (``candidates.csv``) becomes cohorts over the horizon: its
first meeting on or after ``first_date`` (and not before the horizon), then
every ``cohort_every_weeks`` weeks while the horizon lasts, each with
``size`` places. Opened, it costs ``staff_hours_week`` for every week it runs
inside the horizon (from its first cohort to the horizon's end).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..dataset.load import points
from ..dataset.schema import CANDIDATES
from ..dataset.tables import read_table
from ..domain import WEEKDAYS
from ..errors import InputError
from ..words.problems import problem
from .horizon import Horizon, first_meeting

__all__ = ["CandidateTeams", "expand_candidates", "load_candidates"]

_SESSION_COLUMNS = [
    "session_id",
    "offer_id",
    "weekday",
    "start",
    "end",
    "capacity",
    "first_date",
    "weeks",
    "start_min",
    "end_min",
    "day",
]


def load_candidates(path: str | Path) -> gpd.GeoDataFrame:
    """Read and check a candidates file (same columns as ``candidates.csv``).

    Raises
    ------
    InputError
        Listing every problem as ``file:row:column: message``.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError([problem(path.name, None, None, "candidates file not found")])
    read = read_table(path, CANDIDATES)
    table, problems = read[0], list(read[1])
    if table is not None:
        rows = getattr(read, "rows", None)
        row_of = np.arange(len(table)) + 2 if rows is None else np.asarray(rows)
        bad = np.flatnonzero((table["start_min"] >= table["end_min"]).to_numpy())
        problems += [
            problem(
                path.name,
                int(row_of[i]),
                "start",
                "starts at {start}, not before it ends at {end}",
                start=table["start"].iloc[i],
                end=table["end"].iloc[i],
            )
            for i in bad
        ]
    if problems or table is None:
        raise InputError(
            [replace(q, file=path.name) for q in problems]  # the user's name
        )
    out = points(table)
    out.attrs["source"] = path.name
    return out


@dataclass(frozen=True)
class CandidateTeams:
    """Candidate teams expanded into cohorts over a horizon.

    ``table`` has one row per candidate that has a cohort in the horizon:
    ``candidate_id, name, cohorts, first_cohort, weeks_running,
    staff_hours_week, hours`` (``hours``: staff hours over the horizon).
    ``offers`` and ``sessions`` are rows in the form of ``offers.csv`` and
    ``sessions.csv`` (offer id = candidate id, one session per cohort).
    """

    table: pd.DataFrame
    offers: gpd.GeoDataFrame
    sessions: pd.DataFrame
    skipped: tuple[str, ...] = ()

    @property
    def hours(self) -> np.ndarray:
        return self.table["hours"].to_numpy(dtype=float)


def _common_tags(offers: pd.DataFrame) -> tuple[str, ...]:
    """The activities the municipality's exit teams most often have."""
    tags = offers.loc[offers["kind"] == "exit_team", "tags"]
    if tags.empty:
        return ()
    return tuple(pd.Series([tuple(t) for t in tags]).value_counts().index[0])


def expand_candidates(
    candidates: gpd.GeoDataFrame, horizon: Horizon, offers: pd.DataFrame, sessions: pd.DataFrame
) -> CandidateTeams:
    """Cohorts, places and staff hours of each candidate over ``horizon``.

    A new team does what the municipality's exit teams most often do (their
    most common ``tags``), is free for the patient and has no provider yet.
    Candidates whose first cohort would start after the horizon are skipped.

    Raises
    ------
    InputError
        When a candidate id is already an offer id.
    """
    source = str(candidates.attrs.get("source", "candidates.csv"))
    clash = candidates["candidate_id"].isin(set(offers["offer_id"])).to_numpy()
    if clash.any():
        raise InputError(
            [
                problem(
                    source, int(i) + 2, "candidate_id", "'{value}' is already an offer_id", value=v
                )
                for i, v in zip(
                    np.flatnonzero(clash), candidates["candidate_id"][clash], strict=True
                )
            ]
        )
    first = candidates["first_date"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    day = np.array([WEEKDAYS.index(w) for w in candidates["weekday"]], dtype=np.int64)
    every = 7 * candidates["cohort_every_weeks"].to_numpy(dtype=np.int64)
    meeting = first_meeting(first, day)
    behind = np.maximum(horizon.first_day - meeting, 0)
    meeting = meeting + every * -(-behind // every)  # first cohort inside the horizon
    tags = _common_tags(offers)
    rows, cohort_rows, skipped = [], [], []
    known_sessions = set(sessions["session_id"])
    for i, cand in enumerate(candidates.itertuples(index=False)):
        dates = np.arange(meeting[i], horizon.end_day, every[i])
        if len(dates) == 0:
            skipped.append(str(cand.candidate_id))
            continue
        weeks_running = int(-(-(horizon.end_day - dates[0]) // 7))
        rows.append(
            {
                "candidate_id": cand.candidate_id,
                "name": cand.name,
                "cohorts": len(dates),
                "first_cohort": str(np.datetime64(int(dates[0]), "D")),
                "weeks_running": weeks_running,
                "staff_hours_week": float(cand.staff_hours_week),
                "hours": float(cand.staff_hours_week) * weeks_running,
                "row": i,
            }
        )
        for k, date in enumerate(dates.tolist()):
            session_id = f"{cand.candidate_id}/{k + 1}"
            if session_id in known_sessions:
                raise InputError(
                    [
                        problem(
                            source,
                            i + 2,
                            "candidate_id",
                            "its cohort id '{session_id}' is already a session_id",
                            session_id=session_id,
                        )
                    ]
                )
            cohort_rows.append(
                {
                    "session_id": session_id,
                    "offer_id": cand.candidate_id,
                    "weekday": cand.weekday,
                    "start": cand.start,
                    "end": cand.end,
                    "capacity": int(cand.size),
                    "first_date": np.datetime64(int(date), "D").astype("datetime64[ns]"),
                    "weeks": int(cand.cohort_every_weeks),
                    "start_min": int(cand.start_min),
                    "end_min": int(cand.end_min),
                    "day": int(day[i]),
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "candidate_id",
            "name",
            "cohorts",
            "first_cohort",
            "weeks_running",
            "staff_hours_week",
            "hours",
            "row",
        ],
    )
    chosen = candidates.iloc[table["row"].to_numpy(dtype=np.int64)]
    new_offers = gpd.GeoDataFrame(
        {
            "offer_id": chosen["candidate_id"].to_numpy(),
            "name": chosen["name"].to_numpy(),
            "kind": "exit_team",
            "provider": "",
            "lat": chosen["lat"].to_numpy(),
            "lon": chosen["lon"].to_numpy(),
            "diagnoses": chosen["diagnoses"].to_numpy(),
            "languages": chosen["languages"].to_numpy(),
            "gender": chosen["gender"].to_numpy(),
            "group_size": chosen["size"].to_numpy(dtype=np.int64),
            "intensity": chosen["intensity"].to_numpy(),
            "supervised": chosen["supervised"].to_numpy(dtype=bool),
            "fee_dkk_month": 0.0,
            "tags": pd.Series([tags] * len(chosen), dtype=object).to_numpy(),
            "address": "",
            "phone": "",
            "description": "",
            "x": chosen["x"].to_numpy(),
            "y": chosen["y"].to_numpy(),
        },
        geometry=chosen.geometry.to_numpy(),
        crs=candidates.crs,
    )
    return CandidateTeams(
        table=table.drop(columns="row"),
        offers=new_offers,
        sessions=pd.DataFrame(cohort_rows, columns=_SESSION_COLUMNS),
        skipped=tuple(skipped),
    )
