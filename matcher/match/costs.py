"""The cost of every allowed patient-session pair, and the one ``evaluate``.

``MatchModel.from_dataset`` turns a ``Dataset`` into arrays once. Then
``evaluate`` gives, for a block of patients against the sessions, which pairs
every rule allows (``matcher.match.rules``) and what each costs, all
vectorised: no Python loop over pairs. The batch plan, one patient's
recommendations and the gap analysis all use this one function, so they
never disagree about what fits and what is good.

Each cost term is a small function below, listed once in ``COST_TABLE`` as a
``CostTerm``: its name, its unit, the weight (points per unit, a field of
``Weights`` and a key of ``weights.toml``) and the function. A pair costs the
sum of weight times value over the terms.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..domain import MODES
from .model import HOME_VISIT, MatchModel
from .pairs import Pairs
from .rules import (
    RULE_TABLE,
    RULES,
    Block,
    Rule,
    check_rules,
    skips_holidays,
    start_days,
    travel_block,
)
from .weights import Weights

__all__ = [
    "COST_TABLE",
    "COST_TERMS",
    "HOME_VISIT",
    "RULES",
    "RULE_TABLE",
    "THREADS",
    "CostTerm",
    "Evaluation",
    "MatchModel",
    "Pairing",
    "Pairs",
    "Rule",
    "allowed_pairs",
    "cost_weights",
    "evaluate",
    "explained",
    "skips_holidays",
]

#: Threads that evaluate blocks of patients at once (one per core, at most four);
#: numpy lets go of the interpreter lock in the heavy steps, so they share the work.
#: The cores this process may use: ``sched_getaffinity`` is Linux's only; elsewhere
#: ``process_cpu_count`` (Python 3.13) or ``cpu_count``, which may not know (None).
_CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
THREADS = max(1, min(4, _CORES or getattr(os, "process_cpu_count", os.cpu_count)() or 1))


@dataclass(frozen=True)
class Pairing:
    """Patients at offers and sessions, as index arrays of one broadcast shape.

    ``p``, ``o`` and ``s`` index the model's patients, offers and sessions;
    ``minutes`` is the one-way travel by (patient, offer) (home visit: the
    staff's drive), ``home`` whether the offer is a home visit, ``wait`` the
    days of waiting by (patient, session) and ``transport`` what the way there
    costs the patient, DKK a month by (patient, offer). In ``evaluate`` the offer side is
    (patients, offers) and the session side (patients, sessions); for a list of
    pairs every array is one entry per pair.
    """

    m: MatchModel
    p: np.ndarray
    o: np.ndarray
    s: np.ndarray
    minutes: np.ndarray
    home: np.ndarray
    wait: np.ndarray
    transport: np.ndarray


#: What a term's value depends on, and so when its points are added: the way
#: there ("trip": the patient's travel, or the staff's drive and the visit) and
#: the rest of the offer ("offer") per (patient, offer), then the session's own
#: ("session") per (patient, session). The order is fixed, so a pair costs the
#: same to the last bit wherever it is evaluated.
Part = Literal["trip", "offer", "session"]


@dataclass(frozen=True)
class CostTerm:
    """One term of a pair's cost: ``compute`` gives its value in ``unit``;
    ``weight`` names the ``Weights`` field (and ``weights.toml`` key) giving the
    points per unit; ``part`` says what the value depends on (``Part``)."""

    name: str
    unit: str
    weight: str
    part: Part
    compute: Callable[[Pairing], np.ndarray]

    def weight_in(self, weights: Weights) -> float:
        """Points per unit of this term under ``weights``."""
        points: float = getattr(weights, self.weight)
        return points


def _share_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where bit rows ``a[i]`` and ``b[i]`` share a bit (rows paired, any shape)."""
    return ((a & b) != 0).any(axis=-1)


def travel_minutes(at: Pairing) -> np.ndarray:
    """The patient's one-way minutes to the offer; 0 for a home visit."""
    return np.where(at.home, 0.0, at.minutes)


def waiting_days(at: Pairing) -> np.ndarray:
    """Days from discharge to the first session."""
    return at.wait


def hours_outside_comfort(at: Pairing) -> np.ndarray:
    """Hours of the session outside the comfortable band (weights.toml ``time_of_day``)."""
    hours: np.ndarray = at.m.s_time_of_day[at.s]
    return hours


def interest_missed(at: Pairing) -> np.ndarray:
    """1 where the patient named interests and the offer serves none."""
    m, p, o = at.m, at.p, at.o
    return m.p_has_interests[p] & ~_share_pairs(m.p_interests[p], m.o_tags[o])


def continuity_missed(at: Pairing) -> np.ndarray:
    """0 for the prior offer (or no prior), 0.5 at the prior offer's venue, else 1."""
    m, o = at.m, at.o
    prior = m.p_prior_offer[at.p]
    here, there = m.o_xy[o], m.o_xy[np.maximum(prior, 0)]
    same_venue = np.hypot(here[..., 0] - there[..., 0], here[..., 1] - there[..., 1]) < 50.0
    return np.where((prior < 0) | (o == prior), 0.0, np.where(same_venue, 0.5, 1.0))


def monthly_fee(at: Pairing) -> np.ndarray:
    """The offer's fee in DKK a month."""
    fee: np.ndarray = at.m.o_fee[at.o]
    return fee


def is_home_visit(at: Pairing) -> np.ndarray:
    """1 for a home visit: it costs staff time beyond the drive."""
    return at.home


def staff_drive(at: Pairing) -> np.ndarray:
    """The staff's one-way drive in minutes to a home visit; 0 otherwise."""
    return np.where(at.home, at.minutes, 0.0)


def transport_cost(at: Pairing) -> np.ndarray:
    """What the way there and back costs the patient, DKK a month (weights.toml
    ``[transport]``): 0 on foot, by bike, for a home visit or with transport help."""
    return np.where(at.home, 0.0, at.transport)


#: Every cost term, in the order of ``Evaluation.terms``.
COST_TABLE: tuple[CostTerm, ...] = (
    CostTerm("travel_min", "minutes", "travel_min", "trip", travel_minutes),
    CostTerm("wait_days", "days", "wait_day", "session", waiting_days),
    CostTerm("time_of_day_hours", "hours", "time_of_day_hour", "session", hours_outside_comfort),
    CostTerm("interest_miss", "0 or 1", "interest_miss", "offer", interest_missed),
    CostTerm("continuity_miss", "0, 0.5 or 1", "continuity_miss", "offer", continuity_missed),
    CostTerm("fee_dkk", "DKK a month", "fee_dkk", "offer", monthly_fee),
    CostTerm("home_visit", "0 or 1", "home_visit", "trip", is_home_visit),
    CostTerm("staff_drive_min", "minutes", "staff_drive_min", "trip", staff_drive),
    CostTerm("transport_dkk", "DKK a month", "transport_dkk", "trip", transport_cost),
)
#: The cost terms' names, in the order of ``Evaluation.terms``.
COST_TERMS: tuple[str, ...] = tuple(t.name for t in COST_TABLE)
#: Terms per (patient, offer), the way there first; then those per (patient, session).
_OFFER_SIDE = tuple(t for t in COST_TABLE if t.part == "trip") + tuple(
    t for t in COST_TABLE if t.part == "offer"
)
_SESSION_SIDE = tuple(t for t in COST_TABLE if t.part == "session")


def cost_weights(weights: Weights) -> np.ndarray:
    """Points per unit of each term of ``COST_TABLE``, in that order."""
    return np.array([t.weight_in(weights) for t in COST_TABLE])


def _points(
    weights: Weights, terms: tuple[CostTerm, ...], values: dict[str, np.ndarray]
) -> np.ndarray:
    """Weight times value of ``terms``, added up in their order."""
    total = terms[0].weight_in(weights) * values[terms[0].name]
    for term in terms[1:]:
        total = total + term.weight_in(weights) * values[term.name]
    return total


def _costs(at: Pairing) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Points of the offer side and of the session side of ``at``, and every term's value."""
    values = {t.name: t.compute(at) for t in COST_TABLE}
    w = at.m.weights
    return _points(w, _OFFER_SIDE, values), _points(w, _SESSION_SIDE, values), values


@dataclass
class Evaluation:
    """Every session for a block of patients: shape (patients, sessions).

    ``feasible`` is true where every rule holds; ``cost`` is the weighted cost
    in points (``inf`` where infeasible); ``terms`` holds the cost terms of
    ``COST_TERMS`` in their own units, shape (len(COST_TERMS), c, S): read one
    by name with ``term``.
    """

    patients: np.ndarray
    feasible: np.ndarray
    cost: np.ndarray
    travel_min: np.ndarray
    mode: np.ndarray
    start_day: np.ndarray
    wait_days: np.ndarray
    terms: np.ndarray
    fails: np.ndarray | None = None  # (len(RULES), c, S) when asked to explain

    def term(self, name: str) -> np.ndarray:
        """The values of cost term ``name`` (one of ``COST_TERMS``), shape (c, S)."""
        values: np.ndarray = self.terms[COST_TERMS.index(name)]
        return values


def _offer_stage(
    m: MatchModel, p: np.ndarray, explain: bool
) -> tuple[Block, np.ndarray, list[np.ndarray]]:
    """Travel, the offer rules together, and (when explaining) each rule's failures."""
    block = travel_block(m, p)
    fails: list[np.ndarray] = []
    ok = check_rules(m, p, block, "offer", failures=fails if explain else None)
    return block, ok, fails


def _dates(m: MatchModel, p: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start day (days since 1970-01-01, ``rules.start_days``) and days of waiting for
    patients ``p`` at sessions ``s`` (index arrays of one broadcast shape)."""
    start = start_days(m, p, s)
    return start, start - m.p_discharge[p]


def pair_costs(
    m: MatchModel,
    p: np.ndarray,
    s: np.ndarray,
    travel: np.ndarray,
    wait: np.ndarray,
    transport: np.ndarray,
) -> np.ndarray:
    """Cost in points of paired patients ``p`` and sessions ``s`` (one entry per pair),
    with their one-way ``travel`` minutes, days of ``wait`` and ``transport`` DKK a
    month: what ``evaluate`` gives."""
    o = m.s_offer[s]
    home = m.o_kind[o] == HOME_VISIT
    at = Pairing(m, p, o, s, travel.astype(np.float64), home, wait, transport)
    offer_points, session_points, _ = _costs(at)
    cost: np.ndarray = offer_points + session_points
    return cost


def evaluate(m: MatchModel, patients: np.ndarray, *, explain: bool = False) -> Evaluation:
    """Feasibility and costs of every session for the patients at ``patients``."""
    p = np.asarray(patients, dtype=np.int64)
    block, ok_offer, fails = _offer_stage(m, p, explain)
    s_off = m.s_offer
    fails = [f[:, s_off] for f in fails]
    session_ok = check_rules(m, p, block, "session", failures=fails if explain else None)
    feasible = ok_offer[:, s_off] & session_ok
    sessions = np.arange(m.n_sessions)
    start_day, wait = _dates(m, p[:, None], sessions[None, :])
    offers = np.arange(len(m.offer_ids))[None, :]
    home = m.o_kind[offers] == HOME_VISIT
    at = Pairing(
        m,
        p[:, None],
        offers,
        sessions[None, :],
        block.travel_min.astype(np.float64),
        home,
        wait,
        block.transport_dkk,
    )
    offer_points, session_points, values = _costs(at)
    cost = offer_points[:, s_off] + session_points
    terms = np.empty((len(COST_TABLE), *feasible.shape))
    for i, term in enumerate(COST_TABLE):
        terms[i] = values[term.name] if term.part == "session" else values[term.name][:, s_off]
    return Evaluation(
        patients=p,
        feasible=feasible,
        cost=np.where(feasible, cost, np.inf),
        travel_min=block.travel_min[:, s_off],
        mode=block.mode[:, s_off],
        start_day=start_day,
        wait_days=wait,
        terms=terms,
        fails=np.stack(fails) if explain else None,
    )


def explained(m: MatchModel, patients: np.ndarray, first: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``evaluate``'s ``feasible`` (patients, sessions) for the patients at ``patients``,
    and its ``fails`` with ``explain`` (len(RULES), first, sessions) for the ``first``
    of them only, without the costs."""
    p = np.asarray(patients, dtype=np.int64)
    block, ok_offer, offer_fails = _offer_stage(m, p, True)
    session_fails: list[np.ndarray] = []
    session_ok = check_rules(m, p, block, "session", failures=session_fails)
    fails = [f[:first, m.s_offer] for f in offer_fails] + [f[:first] for f in session_fails]
    allowed: np.ndarray = ok_offer[:, m.s_offer] & session_ok
    return allowed, np.stack(fails)


def allowed_pairs(m: MatchModel, patients: np.ndarray) -> Pairs:
    """Only the allowed pairs of ``patients`` and their costs: what ``evaluate`` gives
    where ``feasible`` holds, computed without the full (patients, sessions) tables."""
    p = np.asarray(patients, dtype=np.int64)
    block, ok_offer, _ = _offer_stage(m, p, False)
    feasible = ok_offer[:, m.s_offer] & check_rules(m, p, block, "session")
    row, session = np.nonzero(feasible)
    offer = m.s_offer[session]
    patient = p[row]
    travel = block.travel_min[row, offer]
    _, wait = _dates(m, patient, session)
    transport = block.transport_dkk[row, offer]
    return Pairs(
        row=row,
        session=session,
        cost=pair_costs(m, patient, session, travel, wait, transport),
        travel_min=travel,
        mode=block.mode[row, offer],
    )


def pair_dates(
    m: MatchModel, patients: np.ndarray, sessions: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Start day (days since 1970-01-01) and waiting days for paired patients and sessions."""
    return _dates(m, np.asarray(patients, np.int64), np.asarray(sessions, np.int64))


def block_size(m: MatchModel, budget_cells: int = 1_000_000) -> int:
    """Patients per block so one evaluation holds about ``budget_cells`` pairs."""
    return max(1, budget_cells // max(1, m.n_sessions, len(m.offer_ids) * len(MODES)))
