"""Which step of a pathway may follow which: the ladders of ``pathways.csv``.

A pathway is a person's sequence of steps (home visits, then an exit team, then
an association activity, ...). Each row of ``pathways.csv`` is one rung: a step
of ``to_kind`` may follow a step of ``from_kind``, starting between
``min_gap_days`` and ``max_gap_days`` after the last meeting of that step
(negative: before it ends, e.g. a club that starts in a team's last two weeks).
A kind that no row leads to is only ever a first step; a pathway may skip a
kind when a row leads past it (home visits straight to a club). The packaged
defaults, from the seeds' ladder home visit -> walk nearby -> exit team -> club:

| from | to | gap (days) |
|---|---|---|
| home_visit | exit_team | 0 to 14 |
| home_visit | network_group | 0 to 14 |
| home_visit | association | 0 to 14 |
| exit_team | association | -14 to 0 (in the team's last two weeks) |
| exit_team | network_group | -14 to 14 |

A person's first step is their ``ready_for`` (patients.csv), by default a home
visit for someone home-bound or who manages only one-to-one, else an exit team;
they may also start at any kind a rung leads to from there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..dataset.schema import Column, FileSpec
from ..dataset.tables import read_table
from ..domain import KINDS
from ..errors import InputError, Problem
from ..words.problems import problem

__all__ = ["LADDERS", "LASTING", "Ladders", "Rung", "ready_kinds"]

#: The columns of pathways.csv.
LADDERS = FileSpec(
    "pathways.csv",
    (
        Column("from_kind", "enum", choices=KINDS),
        Column("to_kind", "enum", choices=KINDS),
        Column("min_gap_days", "int", minimum=-365, maximum=365),
        Column("max_gap_days", "int", minimum=-365, maximum=365),
    ),
)
#: Kinds whose steps last when their session has no end (a club, a network group):
#: reaching one completes a ladder.
LASTING: tuple[str, ...] = ("network_group", "association")


@dataclass(frozen=True)
class Rung:
    """A step of ``to_kind`` may start ``min_gap_days`` to ``max_gap_days`` after the
    last meeting of a step of ``from_kind``."""

    from_kind: str
    to_kind: str
    min_gap_days: int
    max_gap_days: int


@dataclass(frozen=True)
class Ladders:
    """The rungs, in an order where every kind comes after each kind leading to it."""

    rungs: tuple[Rung, ...]

    @classmethod
    def load(cls, path: str | Path | None = None) -> Ladders:
        """The packaged ``pathways.csv``, or the file at ``path``. Raises ``InputError``
        naming file, row and column for a bad cell, a gap whose minimum is above its
        maximum, a rung from a kind to itself or twice, and rungs that go round in a
        circle."""
        if path is None:
            source = resources.files("matcher.planning").joinpath("pathways.csv")
            with resources.as_file(source) as packaged:
                return cls._read(Path(packaged))
        return cls._read(Path(path))

    @classmethod
    def _read(cls, path: Path) -> Ladders:
        read = read_table(path, replace(LADDERS, name=path.name))
        if read.problems or read.frame is None:
            raise InputError(read.problems)
        frame, rows = read.frame, read.rows
        problems: list[Problem] = []
        seen: set[tuple[str, str]] = set()
        rungs: list[Rung] = []
        for i, r in enumerate(frame.itertuples(index=False)):
            row = int(rows[i])
            pair = (str(r.from_kind), str(r.to_kind))
            if pair[0] == pair[1]:
                problems.append(
                    problem(path.name, row, "to_kind", "a step cannot follow its own kind")
                )
            elif pair in seen:
                problems.append(
                    problem(
                        path.name,
                        row,
                        "to_kind",
                        "{src} to {dst} is already a rung above",
                        src=pair[0],
                        dst=pair[1],
                    )
                )
            if int(r.min_gap_days) > int(r.max_gap_days):
                problems.append(
                    problem(
                        path.name,
                        row,
                        "min_gap_days",
                        "{low} is above max_gap_days {high}",
                        low=int(r.min_gap_days),
                        high=int(r.max_gap_days),
                    )
                )
            seen.add(pair)
            rungs.append(Rung(pair[0], pair[1], int(r.min_gap_days), int(r.max_gap_days)))
        if problems:
            raise InputError(problems)
        order = _kind_order(rungs)
        if order is None:
            raise InputError(
                [problem(path.name, None, None, "the rungs go round in a circle of kinds")]
            )
        rank = {k: i for i, k in enumerate(order)}
        return cls(tuple(sorted(rungs, key=lambda g: (rank[g.to_kind], rank[g.from_kind]))))

    @property
    def kinds(self) -> tuple[str, ...]:
        """Every kind, each after the kinds that lead to it."""
        order = _kind_order(list(self.rungs))
        assert order is not None  # checked when loaded
        return order

    def into(self, kind: str) -> tuple[Rung, ...]:
        """The rungs that lead to ``kind``."""
        return tuple(g for g in self.rungs if g.to_kind == kind)

    def reachable(self, kind: str) -> tuple[str, ...]:
        """``kind`` and every kind some rungs lead to from it, in ladder order."""
        found, todo = {kind}, [kind]
        while todo:
            k = todo.pop()
            for g in self.rungs:
                if g.from_kind == k and g.to_kind not in found:
                    found.add(g.to_kind)
                    todo.append(g.to_kind)
        return tuple(k for k in self.kinds if k in found)


def _kind_order(rungs: list[Rung]) -> tuple[str, ...] | None:
    """The kinds in an order where each comes after those leading to it (None: a circle)."""
    order: list[str] = []
    left = list(KINDS)
    while left:
        free = [k for k in left if not any(g.to_kind == k and g.from_kind in left for g in rungs)]
        if not free:
            return None
        order += free
        left = [k for k in left if k not in free]
    return tuple(order)


def ready_kinds(patients: pd.DataFrame) -> np.ndarray:
    """Each person's first step: ``ready_for`` where given, else a home visit for a
    person who is home-bound or manages only one-to-one, else an exit team."""
    home = patients["home_bound"].astype(bool).to_numpy() | (
        patients["group_tolerance"].astype(str).to_numpy() == "individual"
    )
    default = np.where(home, "home_visit", "exit_team")
    if "ready_for" not in patients.columns:
        return default
    given = patients["ready_for"].fillna("").astype(str).to_numpy()
    return np.where(given != "", given, default)
