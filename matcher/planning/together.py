"""Team-mates who go on together: one shared next session per finishing cohort.

People who finish the same course (same ``prior_offer_id`` and the same
``discharge_date``) and said yes to going on together (``patients.csv``
``together``) form a *cohort*. A bonus for being placed with each other is a
pairwise term: what a place is worth to one of them depends on where the
others go, and the min-cost flow of ``plan`` (like its staff-minute search)
prices every patient's pair on its own. So the bonus is carried as a cost on a
shared *cohort choice*:

1. ``cohort_sessions`` picks each cohort's session before the solve: the one
   whose pairs, less ``together_bonus``, come closest to what its members
   would pay at their own best session, for as many of them as it has places
   (at least two).
2. ``with_bonus`` takes ``together_bonus`` points off every member's pair at
   that session. That is a plain assignment cost, so the solve that follows
   is as exact as before, for the cost with the bonus.
3. ``apart`` finds the cohorts whose session ended up with fewer than two of
   them (others had a better claim on the places): the bonus bought no
   company, so ``plan`` drops it for those cohorts and solves again (at most
   once per cohort). In the plan it returns, every bonus counted has at least
   two team-mates in the session.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..match.pairs import Pairs

__all__ = ["apart", "cohort_sessions", "cohorts", "together_count", "with_bonus"]


def cohorts(dataset: Dataset) -> list[np.ndarray]:
    """The patient positions of each cohort of at least two who go on together: same
    non-empty ``prior_offer_id`` and ``discharge_date``, ``together`` set, not
    escalated; in the order of their first member."""
    pat = dataset.patients
    if "together" not in pat.columns or len(pat) == 0:
        return []
    prior = pat["prior_offer_id"].astype(str).to_numpy()
    wants = pat["together"].to_numpy(dtype=bool) & (prior != "") & ~pat["escalate"].to_numpy(bool)
    if wants.sum() < 2:
        return []
    keys = pd.DataFrame({"prior": prior, "day": pd.to_datetime(pat["discharge_date"]).to_numpy()})[
        wants
    ]
    groups = [
        np.asarray(rows, dtype=np.int64)
        for _, rows in keys.groupby(["prior", "day"], sort=False).indices.items()
    ]
    found = [np.flatnonzero(wants)[g] for g in groups if len(g) >= 2]
    return sorted(found, key=lambda g: int(g[0]))


def _member_pairs(store: Pairs, members: np.ndarray) -> np.ndarray:
    """Store positions of every pair of ``members`` (the store is ordered by patient)."""
    lo = np.searchsorted(store.row, members, side="left")
    hi = np.searchsorted(store.row, members, side="right")
    if len(members) == 0 or int((hi - lo).sum()) == 0:
        return np.zeros(0, np.int64)
    return np.concatenate([np.arange(a, b) for a, b in zip(lo, hi, strict=True)])


def cohort_sessions(
    store: Pairs, groups: list[np.ndarray], bonus: float, capacity: np.ndarray
) -> np.ndarray:
    """The session each cohort shares (-1: none fits two of them).

    For a session, a member's margin is ``bonus`` less how much more the member's
    pair there costs than their cheapest pair; the session's worth is the sum of the
    largest positive margins, as many as it has places, and counts only with two
    or more. The worthiest session wins (ties: more members, then the first)."""
    chosen = np.full(len(groups), -1, dtype=np.int64)
    if bonus <= 0:
        return chosen
    for g, members in enumerate(groups):
        at = _member_pairs(store, members)
        if len(at) == 0:
            continue
        row, session, cost = store.row[at], store.session[at].astype(np.int64), store.cost[at]
        cheapest = pd.Series(cost).groupby(row).transform("min").to_numpy()
        margin = bonus - (cost - cheapest)
        good = margin > 0
        best: tuple[float, int, int] | None = None
        for s in np.unique(session[good]):
            gains = np.sort(margin[good & (session == s)])[::-1][: max(0, int(capacity[s]))]
            if len(gains) < 2:
                continue
            key = (float(gains.sum()), len(gains), -int(s))
            if best is None or key > best:
                best = key
        if best is not None:
            chosen[g] = -best[2]
    return chosen


def with_bonus(store: Pairs, groups: list[np.ndarray], chosen: np.ndarray, bonus: float) -> Pairs:
    """``store`` with ``bonus`` points off each member's pair at their cohort's chosen
    session (the same store when no cohort has one)."""
    if not (chosen >= 0).any():
        return store
    cost = store.cost.copy()
    for members, s in zip(groups, chosen.tolist(), strict=True):
        if s < 0:
            continue
        at = _member_pairs(store, members)
        cost[at[store.session[at] == s]] -= bonus
    return replace(store, cost=cost)


def together_count(
    groups: list[np.ndarray], chosen: np.ndarray, session_of: np.ndarray
) -> np.ndarray:
    """Members of each cohort placed in its chosen session (``session_of``: the
    session per patient, -1 unplaced)."""
    return np.array(
        [
            int((session_of[m] == s).sum()) if s >= 0 else 0
            for m, s in zip(groups, chosen.tolist(), strict=True)
        ],
        dtype=np.int64,
    )


def apart(groups: list[np.ndarray], chosen: np.ndarray, session_of: np.ndarray) -> np.ndarray:
    """The cohorts with a chosen session that holds fewer than two of them."""
    count = together_count(groups, chosen, session_of)
    return np.flatnonzero((chosen >= 0) & (count < 2))
