"""The rules of a match and the cost of every allowed patient-session pair.

``MatchModel.from_dataset`` turns a ``Dataset`` into arrays once. Then
``evaluate`` gives, for a block of patients against the sessions, which pairs
every rule allows and what each costs, all vectorised: no Python loop over
pairs. The batch plan, one patient's recommendations and the gap analysis all
use this one function, so they never disagree about what fits and what is
good.

Each hard rule is a small function below, named after the rule, listed once
in ``RULES`` in the order used to explain why nothing fits.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..domain import MODES
from .model import HOME_VISIT, MatchModel

__all__ = [
    "COST_TERMS",
    "HOME_VISIT",
    "RULES",
    "THREADS",
    "Evaluation",
    "MatchModel",
    "Pairs",
    "Rule",
    "allowed_pairs",
    "evaluate",
]

_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
#: Threads that evaluate blocks of patients at once (one per core, at most four);
#: numpy lets go of the interpreter lock in the heavy steps, so they share the work.
THREADS = max(1, min(4, len(os.sched_getaffinity(0))))
#: Cost terms in their own units, in the order of ``Evaluation.terms``.
COST_TERMS: tuple[str, ...] = (
    "travel_min",
    "wait_days",
    "time_of_day_hours",
    "interest_miss",
    "continuity_miss",
    "fee_dkk",
    "home_visit",
    "staff_drive_min",
)


def _share(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where bit rows of ``a`` (n, w) and ``b`` (m, w) share a bit: shape (n, m)."""
    if a.shape[-1] == 1:
        return (a[:, None, 0] & b[None, :, 0]) != 0
    return ((a[:, None, :] & b[None, :, :]) != 0).any(axis=-1)


def _share_pairs(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where bit rows ``a[i]`` and ``b[i]`` share a bit (rows paired, any shape)."""
    return ((a & b) != 0).any(axis=-1)


# -- the hard rules: each gives a (patients, offers or sessions) boolean ------
@dataclass(frozen=True)
class Rule:
    """A hard rule: its name, its plain-language reason, and where it applies."""

    name: str
    reason: str
    check: Callable[[MatchModel, np.ndarray, _Block], np.ndarray]


@dataclass
class _Block:
    """Quantities shared by the rules for one block of patients (rows) x offers."""

    travel_min: np.ndarray  # (c, O) best allowed one-way minutes (home visit: staff drive)
    mode: np.ndarray  # (c, O) index into MODES, -1 for staff travel


def not_escalated(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """An escalated patient is never matched automatically: a person acts first."""
    return np.broadcast_to(~m.p_escalate[p, None], (len(p), len(m.offer_ids)))


def home_visits_for_those_at_home(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """Home-bound patients only get home visits; home visits go only to the
    home-bound or to those who tolerate nothing but one-to-one."""
    home = m.o_kind[None, :] == HOME_VISIT
    bound = m.p_home_bound[p, None]
    return np.where(home, bound | m.p_individual[p, None], ~bound)


def shares_a_diagnosis(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """The offer is open to all (also to a patient with no diagnosis recorded yet)
    or shares a diagnosis with the patient."""
    return _share(m.p_diag[p], m.o_diag) | m.o_all_diagnoses[None, :]


def shares_a_language(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """The offer speaks a language the patient speaks."""
    return _share(m.p_lang[p], m.o_lang)


def gender_fits(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """Men-only and women-only groups take only men or women; a patient who
    wants their own gender gets only a group of their own gender."""
    og, pg = m.o_gender[None, :], m.p_gender[p, None]
    allowed = (og == 0) | (og == pg)
    return allowed & (~m.p_same_gender[p, None] | (og == pg))


def group_small_enough(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """The typical group is no larger than the patient tolerates (1, 6, 12, any)."""
    return m.o_group[None, :] <= m.p_group_limit[p, None]


def intensity_manageable(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """The offer is no harder than the patient can manage."""
    return m.o_intensity[None, :] <= m.p_intensity[p, None]


def supervised_if_needed(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """A patient who needs supervision gets an offer with a professional present."""
    return m.o_supervised[None, :] | ~m.p_needs_supervision[p, None]


def affordable(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """The monthly fee is within the patient's budget."""
    return m.o_fee[None, :] <= m.p_budget[p, None] + 1e-9


def within_travel_time(m: MatchModel, p: np.ndarray, b: _Block) -> np.ndarray:
    """One-way travel by one of the patient's modes (home visits: the staff's
    drive) is at most the patient's limit."""
    return b.travel_min <= m.p_max_travel[p, None]


#: Rules on (patient, offer), in the order used to explain a missing option.
OFFER_RULES: tuple[Rule, ...] = (
    Rule("escalated", "a person must act first (escalated)", not_escalated),
    Rule("home", "home visits are only for people who stay at home", home_visits_for_those_at_home),
    Rule("diagnosis", "not for the patient's diagnoses", shares_a_diagnosis),
    Rule("language", "not in a language the patient speaks", shares_a_language),
    Rule("gender", "not for the patient's gender", gender_fits),
    Rule("group_size", "groups larger than the patient tolerates", group_small_enough),
    Rule("intensity", "harder than the patient can manage", intensity_manageable),
    Rule("supervision", "no professional present", supervised_if_needed),
    Rule("fee", "fee above the patient's budget", affordable),
    Rule("travel", "too far away", within_travel_time),
)


def available_then(m: MatchModel, p: np.ndarray) -> np.ndarray:
    """(c, S): the session lies inside one of the patient's available windows."""
    return m.p_slot_ok[p][:, m.s_slot]


def has_free_places(m: MatchModel, p: np.ndarray) -> np.ndarray:
    """(c, S): the session has a free place left. A home visit on a weekday on which
    its service has no staff shift in staff.csv has none: zero staff minutes."""
    free = (m.s_capacity > 0) & m.s_staffed
    return np.broadcast_to(free[None, :], (len(p), m.n_sessions))


#: Rules on (patient, session): name and plain reason.
SESSION_RULES: tuple[tuple[str, str, Callable[[MatchModel, np.ndarray], np.ndarray]], ...] = (
    ("time", "not at a time the patient is available", available_then),
    ("capacity", "no free places", has_free_places),
)
RULES: tuple[str, ...] = tuple(r.name for r in OFFER_RULES) + tuple(r[0] for r in SESSION_RULES)


@dataclass
class Evaluation:
    """Every session for a block of patients: shape (patients, sessions).

    ``feasible`` is true where every rule holds; ``cost`` is the weighted cost
    in points (``inf`` where infeasible); ``terms`` holds the cost terms of
    ``COST_TERMS`` in their own units, shape (len(COST_TERMS), c, S).
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


def _travel(m: MatchModel, p: np.ndarray) -> _Block:
    """Best allowed one-way minutes per (patient, offer); home visits: the staff's drive."""
    offers = np.arange(len(m.offer_ids))
    allowed = m.p_modes[p]
    fastest = getattr(m.travel, "best_minutes", None)
    if fastest is not None:
        best, mode = fastest(p, offers, allowed)
    else:
        minutes = m.travel.minutes(p, offers)  # (c, O, modes)
        best = np.full(minutes.shape[:2], np.inf, dtype=np.float32)
        mode = np.full(minutes.shape[:2], -2, dtype=np.int8)
        for k in range(len(MODES)):
            better = allowed[:, k, None] & (minutes[:, :, k] < best)
            np.copyto(best, minutes[:, :, k], where=better)
            mode[better] = k
    home = np.flatnonzero(m.o_kind == HOME_VISIT)
    if len(home):
        car = m.travel.minutes(p, home)[:, :, MODES.index("car")]
        best[:, home] = car
        mode[:, home] = np.where(np.isfinite(car), -1, -2)
    return _Block(best.astype(np.float32, copy=False), mode.astype(np.int8, copy=False))


def _offer_stage(
    m: MatchModel, p: np.ndarray, explain: bool
) -> tuple[_Block, np.ndarray, list[np.ndarray]]:
    """Travel, the offer rules together, and (when explaining) each rule's failures."""
    block = _travel(m, p)
    ok = np.ones((len(p), len(m.offer_ids)), dtype=bool)
    fails = []
    for rule in OFFER_RULES:
        holds = rule.check(m, p, block)
        ok &= holds
        if explain:
            fails.append(~holds)
    return block, ok, fails


def _dates(m: MatchModel, p: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start day (days since 1970-01-01) and days of waiting for patients ``p`` at
    sessions ``s`` (index arrays of one broadcast shape): the first occurrence of the
    session's weekday on or after both its first date and the discharge date."""
    discharge = m.p_discharge[p]
    d0 = np.maximum(m.s_first[s], discharge)
    start = d0 + (m.s_day[s] - (d0 + _EPOCH_WEEKDAY)) % 7
    return start, start - discharge


def _interest_miss(m: MatchModel, p: np.ndarray, o: np.ndarray) -> np.ndarray:
    """The patient named interests and offer ``o`` serves none (index arrays, one shape)."""
    return m.p_has_interests[p] & ~_share_pairs(m.p_interests[p], m.o_tags[o])


def _continuity(m: MatchModel, p: np.ndarray, o: np.ndarray) -> np.ndarray:
    """0 for the prior offer (or no prior), 0.5 at the prior offer's venue, else 1."""
    prior = m.p_prior_offer[p]
    here, there = m.o_xy[o], m.o_xy[np.maximum(prior, 0)]
    same_venue = np.hypot(here[..., 0] - there[..., 0], here[..., 1] - there[..., 1]) < 50.0
    return np.where((prior < 0) | (o == prior), 0.0, np.where(same_venue, 0.5, 1.0))


def _offer_cost(
    m: MatchModel, p: np.ndarray, o: np.ndarray, travel: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Cost points of patients ``p`` at offers ``o`` before the session's part, and the
    terms it is made of (travel, interest, continuity, fee, home, staff drive)."""
    w = m.weights
    home = m.o_kind[o] == HOME_VISIT
    minutes = travel.astype(np.float64)
    miss = _interest_miss(m, p, o)
    continuity = _continuity(m, p, o)
    fee = m.o_fee[o]
    cost = np.where(home, w.staff_drive_min * minutes + w.home_visit, w.travel_min * minutes)
    cost = cost + w.interest_miss * miss + w.continuity_miss * continuity + w.fee_dkk * fee
    return cost, (
        np.where(home, 0.0, minutes),
        miss,
        continuity,
        fee,
        home,
        np.where(home, minutes, 0.0),
    )


def _total_cost(
    m: MatchModel, offer_cost: np.ndarray, s: np.ndarray, wait: np.ndarray
) -> np.ndarray:
    """The pair's cost in points: the offer's part, the time of day and the waiting."""
    w = m.weights
    return offer_cost + (w.time_of_day_hour * m.s_time_of_day[s] + w.wait_day * wait)


def evaluate(m: MatchModel, patients: np.ndarray, *, explain: bool = False) -> Evaluation:
    """Feasibility and costs of every session for the patients at ``patients``."""
    p = np.asarray(patients, dtype=np.int64)
    block, ok_offer, offer_fails = _offer_stage(m, p, explain)
    s_off = m.s_offer
    feasible = ok_offer[:, s_off]
    fails = [f[:, s_off] for f in offer_fails]
    for _, _, check in SESSION_RULES:
        holds = check(m, p)
        feasible &= holds
        if explain:
            fails.append(~holds)
    sessions = np.arange(m.n_sessions)
    start_day, wait = _dates(m, p[:, None], sessions[None, :])
    offer_cost, parts = _offer_cost(
        m, p[:, None], np.arange(len(m.offer_ids))[None, :], block.travel_min
    )
    cost = _total_cost(m, offer_cost[:, s_off], sessions[None, :], wait)
    shape = feasible.shape
    terms = np.empty((len(COST_TERMS), *shape))
    travel, miss, continuity, fee, home, staff = parts
    terms[0] = travel[:, s_off]
    terms[1] = wait
    terms[2] = m.s_time_of_day[None, :]
    terms[3] = miss[:, s_off]
    terms[4] = continuity[:, s_off]
    terms[5] = np.broadcast_to(fee, offer_cost.shape)[:, s_off]
    terms[6] = np.broadcast_to(home, offer_cost.shape)[:, s_off]
    terms[7] = staff[:, s_off]
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


@dataclass
class Pairs:
    """The allowed pairs of a block of patients, ordered by patient, then session.

    ``row`` indexes the block's patients, ``session`` the sessions; ``cost`` is in
    points (exactly what ``evaluate`` gives for the pair), ``travel_min`` the one-way
    minutes and ``mode`` the index into ``MODES`` (-1: the staff's drive).
    """

    row: np.ndarray
    session: np.ndarray
    cost: np.ndarray
    travel_min: np.ndarray
    mode: np.ndarray

    def __len__(self) -> int:
        return len(self.row)


def allowed_pairs(m: MatchModel, patients: np.ndarray) -> Pairs:
    """Only the allowed pairs of ``patients`` and their costs: what ``evaluate`` gives
    where ``feasible`` holds, computed without the full (patients, sessions) tables."""
    p = np.asarray(patients, dtype=np.int64)
    block, ok_offer, _ = _offer_stage(m, p, False)
    feasible = ok_offer[:, m.s_offer]
    for _, _, check in SESSION_RULES:
        feasible &= check(m, p)
    row, session = np.nonzero(feasible)
    offer = m.s_offer[session]
    patient = p[row]
    travel = block.travel_min[row, offer]
    offer_cost, _ = _offer_cost(m, patient, offer, travel)
    _, wait = _dates(m, patient, session)
    return Pairs(
        row=row,
        session=session,
        cost=_total_cost(m, offer_cost, session, wait),
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
