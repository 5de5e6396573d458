"""One person's ladder from a chosen first step: what the discharge card shows.

At the closing conversation the physiotherapist picks a first step; this says
what could follow it by the ladders of ``pathways.csv`` (the same options and
rules as ``plan_pathways``, for this one person, over ``weeks`` weeks from
discharge): the chain of later steps with the most ``step_points`` and
``complete_points`` less their costs, each starting within its rung's gap
after the step before. Other people's places are not weighed here; the later
steps are a suggestion to book when the step before ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import KINDS
from ..match.costs import MatchModel
from ..match.weights import Weights
from .horizon import Horizon
from .ladders import LASTING, Ladders
from .pathways import PathwayOptions, build_options

__all__ = ["LadderStep", "ladder_from", "ladders_from"]


@dataclass(frozen=True)
class LadderStep:
    """One step of a ladder: its kind, offer and session, its first and last meeting
    (``last`` None for a lasting step)."""

    kind: str
    offer_id: str
    session_id: str
    start: np.datetime64
    last: np.datetime64 | None


@cache
def _packaged() -> Ladders:
    return Ladders.load()


def ladders_from(
    dataset: Dataset,
    patient: pd.DataFrame,
    session_ids: Iterable[str],
    *,
    model: MatchModel | None = None,
    weeks: int = 26,
    weights: Weights | None = None,
    ladders: Ladders | None = None,
) -> dict[str, list[LadderStep]]:
    """For each of ``session_ids`` that may be a first step of the one ``patient`` (a
    patients.csv row as a frame), the steps of the best ladder from it at its first
    possible meeting, that first step included. ``model``: the person's match model
    when one is at hand (a recommender's ``model_for``), which saves building it."""
    w = weights or Weights.load()
    rungs = ladders or _packaged()
    start = np.datetime64(pd.Timestamp(patient["discharge_date"].iloc[0]).date(), "D")
    person = dataset.replace(patients=patient.reset_index(drop=True))
    options = build_options(person, Horizon(start, int(weeks)), w, rungs, model=model)
    sessions = options.model.session_ids[options.session]
    found: dict[str, list[LadderStep]] = {}
    known: dict[int, tuple[float, list[int]]] = {}
    for sid in session_ids:
        firsts = np.flatnonzero(options.first_ok & (sessions == str(sid)))
        if len(firsts):
            first = int(firsts[np.argmin(options.start[firsts])])
            chain = [first, *_best_after(options, first, w, known)[1]]
            found[str(sid)] = [_step(options, i) for i in chain]
    return found


def ladder_from(
    dataset: Dataset, patient: pd.DataFrame, session_id: str, **kwargs: Any
) -> list[LadderStep]:
    """The ladder from one first session (see ``ladders_from``); empty when the
    session is no first step for the person."""
    return ladders_from(dataset, patient, [session_id], **kwargs).get(str(session_id), [])


def _best_after(
    options: PathwayOptions, i: int, weights: Weights, known: dict[int, tuple[float, list[int]]]
) -> tuple[float, list[int]]:
    """The most points the steps after option ``i`` can add, and those steps
    (``known``: the answers found so far, by option)."""
    if i in known:
        return known[i]
    settings = weights.pathway
    if options.end[i] < 0:
        return 0.0, []
    kind = KINDS[int(options.kind[i])]
    best: tuple[float, list[int]] = (0.0, [])
    for g in options.ladders.rungs:
        if g.from_kind != kind:
            continue
        gap = options.start - options.end[i]
        fits = np.flatnonzero(
            ~options.first_ok
            & (options.kind == KINDS.index(g.to_kind))
            & (gap >= g.min_gap_days)
            & (gap <= g.max_gap_days)
        )
        for j in fits:
            lasting = settings.complete_points if g.to_kind in LASTING else 0.0
            then, steps = _best_after(options, int(j), weights, known)
            value = settings.step_points + lasting - float(options.cost[j]) + then
            if value > best[0]:
                best = (value, [int(j), *steps])
    known[i] = best
    return best


def _step(options: PathwayOptions, i: int) -> LadderStep:
    m = options.model
    s = int(options.session[i])
    end = int(options.end[i])
    return LadderStep(
        kind=KINDS[int(options.kind[i])],
        offer_id=str(m.offer_ids[m.s_offer[s]]),
        session_id=str(m.session_ids[s]),
        start=np.datetime64(int(options.start[i]), "D"),
        last=np.datetime64(end, "D") if end >= 0 else None,
    )
