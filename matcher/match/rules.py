"""The hard rules of a match: which patient-session pairs are allowed at all.

Each rule is a small function below, named after what it demands, and listed
once in ``RULE_TABLE`` as a ``Rule``: its short name (the code plans, gaps and
the app show), whether it is decided per offer or per session, the function,
and the message id of its reason in the app's and the patient's words
(``matcher.words``). The table's order is the order used to explain why
nothing fits; ``RULES`` holds the names in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..dates import next_free_meeting
from ..domain import KINDS, MODES
from .model import HOME_VISIT, NEVER, MatchModel
from .transport import ONLINE, PAID_MODES, chosen_dkk, monthly_dkk

__all__ = [
    "RULES",
    "RULE_TABLE",
    "Block",
    "Rule",
    "Scope",
    "check_rules",
    "interpreter_only",
    "skips_holidays",
    "start_days",
    "travel_block",
]

#: Where a rule is decided: per (patient, offer), shared by the offer's sessions,
#: or per (patient, session).
Scope = Literal["offer", "session"]


@dataclass
class Block:
    """Quantities shared by the rules for one block of patients (rows) x offers."""

    travel_min: np.ndarray  # (c, O) one-way minutes by the chosen mode (home visit: staff drive)
    mode: np.ndarray  # (c, O) index into MODES, -1 for staff travel
    transport_dkk: np.ndarray  # (c, O) the patient's DKK a month by that mode (0: free or helped)


@dataclass(frozen=True)
class Rule:
    """A hard rule: its name, where it is decided, its check and its reason's message id.

    ``check(model, patients, block)`` is true where the rule allows the pair:
    shape (patients, offers) for scope ``"offer"``, (patients, sessions) for
    ``"session"``. ``message`` is the key of the rule's reason in the app's
    words (``matcher.words.app``) and in the patient's (``matcher.words.patient``).
    """

    name: str
    scope: Scope
    check: Callable[[MatchModel, np.ndarray, Block], np.ndarray]
    message: str


def _share(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where bit rows of ``a`` (n, w) and ``b`` (m, w) share a bit: shape (n, m)."""
    if a.shape[-1] == 1:
        return (a[:, None, 0] & b[None, :, 0]) != 0
    return ((a[:, None, :] & b[None, :, :]) != 0).any(axis=-1)


_PAID = np.array([m in PAID_MODES for m in MODES])


def _distance(m: MatchModel, p: np.ndarray) -> np.ndarray:
    """Straight-line metres from each patient's home to each offer: shape (c, O)."""
    a, b = m.p_xy[p], m.o_xy
    return np.hypot(a[:, 0, None] - b[None, :, 0], a[:, 1, None] - b[None, :, 1])


def _fastest(m: MatchModel, p: np.ndarray, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Minutes and mode of the fastest allowed mode per (patient, offer)."""
    offers = np.arange(len(m.offer_ids))
    fastest = getattr(m.travel, "best_minutes", None)
    if fastest is not None:
        best, mode = fastest(p, offers, allowed)
        return best, mode
    minutes = m.travel.minutes(p, offers)  # (c, O, modes)
    best = np.full(minutes.shape[:2], np.inf, dtype=np.float32)
    mode = np.full(minutes.shape[:2], -2, dtype=np.int8)
    for k in range(len(MODES)):
        better = allowed[:, k, None] & (minutes[:, :, k] < best)
        np.copyto(best, minutes[:, :, k], where=better)
        mode[better] = k
    return best, mode


def _cheapest(
    m: MatchModel, p: np.ndarray, allowed: np.ndarray, pays: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Minutes, mode and DKK a month of the mode each (patient, offer) travels by.

    The modes that keep within the travel limit and (with ``in_budget``) leave the
    fee and the fares within the budget come first, the cheapest in points (travel
    minutes and DKK by their weights); then, for the rules to name what is wrong,
    the fastest within the limit (the money does not fit), then the fastest that is
    paid for (too far), then the fastest of all.
    """
    w, costs = m.weights, m.weights.transport
    minutes = m.travel.minutes(p, np.arange(len(m.offer_ids)))  # (c, O, modes)
    distance = _distance(m, p)
    limit = m.p_max_travel[p][:, None]
    fee, budget = m.o_fee[None, :], m.p_budget[p][:, None] + 1e-9
    shape = minutes.shape[:2]
    tier = np.full(shape, 4, dtype=np.int8)
    score = np.full(shape, np.inf)
    best = np.full(shape, np.inf, dtype=np.float32)
    mode = np.full(shape, -2, dtype=np.int8)
    money = np.zeros(shape)
    for k, name in enumerate(MODES):
        rows = allowed[:, k]
        if not rows.any():
            continue
        t = minutes[:, :, k]
        dkk = np.zeros(shape)
        if _PAID[k]:
            dkk = np.where(pays[:, None], monthly_dkk(costs, w.travel, name, distance), 0.0)
        within = t <= limit
        fits = fee + dkk <= budget if costs.in_budget else np.ones(shape, dtype=bool)
        level = np.where(within, np.where(fits, 0, 1), np.where(fits, 2, 3)).astype(np.int8)
        points = np.where(level == 0, w.travel_min * t + w.transport_dkk * dkk + 1e-6 * t, t)
        better = (
            rows[:, None] & np.isfinite(t) & ((level < tier) | ((level == tier) & (points < score)))
        )
        np.copyto(tier, level, where=better)
        np.copyto(score, points, where=better)
        np.copyto(best, t, where=better)
        np.copyto(mode, np.int8(k), where=better)
        np.copyto(money, dkk, where=better)
    return best, mode, money


def travel_block(m: MatchModel, p: np.ndarray) -> Block:
    """How each patient of ``p`` gets to each offer: the mode, its one-way minutes and
    what it costs a month; home visits: the staff's drive, free for the patient.

    Without money in play every trip goes by the fastest allowed mode; when a trip by
    bus, car or flextrafik costs the patient something, the mode is chosen by
    ``_cheapest``. A patient with transport help pays nothing.
    """
    allowed = m.p_modes[p]
    costs = m.weights.transport
    helped = m.p_transport_help[p]
    pays = ~helped & allowed[:, _PAID].any(axis=1)
    weighed = costs.in_budget or m.weights.transport_dkk > 0
    if costs.charges and weighed and pays.any():
        best, mode, money = _cheapest(m, p, allowed, pays)
    else:
        best, mode = _fastest(m, p, allowed)
        money = chosen_dkk(costs, m.weights.travel, mode, _distance(m, p), helped[:, None])
    home = np.flatnonzero(m.o_kind == HOME_VISIT)
    if len(home):
        car = m.travel.minutes(p, home)[:, :, MODES.index("car")]
        best[:, home] = car
        mode[:, home] = np.where(np.isfinite(car), -1, -2)
        money[:, home] = 0.0
    online = np.flatnonzero(m.o_online)
    if len(online):  # no trip at all: 0 minutes, no fares
        best[:, online] = 0.0
        mode[:, online] = ONLINE
        money[:, online] = 0.0
    return Block(best.astype(np.float32, copy=False), mode.astype(np.int8, copy=False), money)


# -- rules on (patient, offer): each gives a (patients, offers) boolean -------
def not_escalated(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """An escalated patient is never matched automatically: a person acts first."""
    return np.broadcast_to(~m.p_escalate[p, None], (len(p), len(m.offer_ids)))


def home_visits_for_those_at_home(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """Home-bound patients only get home visits; home visits go only to the
    home-bound or to those who tolerate nothing but one-to-one."""
    home = m.o_kind[None, :] == HOME_VISIT
    bound = m.p_home_bound[p, None]
    return np.where(home, bound | m.p_individual[p, None], ~bound)


def shares_a_diagnosis(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The offer is open to all (also to a patient with no diagnosis recorded yet)
    or shares a diagnosis with the patient."""
    return _share(m.p_diag[p], m.o_diag) | m.o_all_diagnoses[None, :]


def shares_a_language(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The offer speaks a language the patient speaks, or has an interpreter (at the
    first session or at all of them) for one of the patient's languages."""
    return _share(m.p_lang[p], m.o_lang) | interpreter_only(m, p)


def interpreter_only(m: MatchModel, p: np.ndarray) -> np.ndarray:
    """Where only the offer's interpreter speaks a language of the patient's: (c, O)."""
    helps = (m.o_interpreter > 0)[None, :] & _share(m.p_lang[p], m.o_interpreter_lang)
    return helps & ~_share(m.p_lang[p], m.o_lang)


def needs_met(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """Every need of the patient's (wheelchair, visual, hearing, seated) is in the
    offer's accessibility."""
    return (m.p_needs[p, None] & ~m.o_access[None, :]) == 0


def talk_level_fits(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The offer involves no more talking than the patient is comfortable with
    (little < some < social)."""
    return m.o_talk[None, :] <= m.p_talk_max[p, None]


def online_if_ok(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """An online offer only for a patient who can take part online."""
    return ~m.o_online[None, :] | m.p_online_ok[p, None]


def gender_fits(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """Men-only and women-only groups take only men or women; a patient who
    wants their own gender gets only a group of their own gender."""
    og, pg = m.o_gender[None, :], m.p_gender[p, None]
    allowed = (og == 0) | (og == pg)
    return allowed & (~m.p_same_gender[p, None] | (og == pg))


def group_small_enough(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The typical group is no larger than the patient tolerates (1, 6, 12, any)."""
    return m.o_group[None, :] <= m.p_group_limit[p, None]


def intensity_manageable(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The offer is no harder than the patient can manage."""
    return m.o_intensity[None, :] <= m.p_intensity[p, None]


def supervised_if_needed(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """A patient who needs supervision gets an offer with a professional present."""
    return m.o_supervised[None, :] | ~m.p_needs_supervision[p, None]


def affordable(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The monthly fee is within the patient's budget; with ``in_budget`` of
    weights.toml's ``[transport]``, the fee plus the month's fares there and back."""
    fee = m.o_fee[None, :]
    if m.weights.transport.in_budget:
        fee = fee + b.transport_dkk
    return fee <= m.p_budget[p, None] + 1e-9


def within_travel_time(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """One-way travel by one of the patient's modes (home visits: the staff's
    drive) is at most the patient's limit."""
    return b.travel_min <= m.p_max_travel[p, None]


# -- rules on (patient, session): each gives a (patients, sessions) boolean ---
def available_then(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The session lies inside one of the patient's available windows."""
    return m.p_slot_ok[p][:, m.s_slot]


def open_then(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The offer is not closed, and not paused on the patient's first session there
    (a pause lasts to ``paused_until``, both days included)."""
    open_from = m.o_open_from[m.s_offer]
    ok = np.broadcast_to(open_from < NEVER, (len(p), m.n_sessions)).copy()
    paused = np.flatnonzero((open_from > np.iinfo(np.int64).min // 2) & (open_from < NEVER))
    if len(paused):
        start = start_days(m, p[:, None], paused[None, :])
        ok[:, paused] = start >= open_from[paused][None, :]
    return ok


def start_days(m: MatchModel, p: np.ndarray, s: np.ndarray) -> np.ndarray:
    """First meeting (days since 1970-01-01) of patients ``p`` at sessions ``s`` (index
    arrays of one broadcast shape): the session's weekday on or after its first date,
    the discharge date and the patient's ``not_before``, past Danish public holidays
    for the kinds of offer ``[holidays]`` of the weights names, the session's
    ``exceptions`` and the patient's time ``away``."""
    d0 = np.maximum(np.maximum(m.s_first[s], m.p_discharge[p]), m.p_not_before[p])
    blocked = ((m.s_exceptions, s), (m.p_away, p))
    start: np.ndarray = next_free_meeting(d0, m.s_day[s], skips_holidays(m)[s], blocked)
    return start


def skips_holidays(m: MatchModel) -> np.ndarray:
    """Per session, whether it does not meet on a Danish public holiday (its offer's
    kind is one of the weights' ``holiday_kinds``)."""
    kinds = [KINDS.index(k) for k in m.weights.holiday_kinds if k in KINDS]
    skip: np.ndarray = np.isin(m.o_kind[m.s_offer], kinds)
    return skip


def has_free_places(m: MatchModel, p: np.ndarray, b: Block) -> np.ndarray:
    """The session has a free place left. A home visit on a weekday on which its
    service has no staff shift in staff.csv has none: zero staff minutes."""
    free = (m.s_capacity > 0) & m.s_staffed
    return np.broadcast_to(free[None, :], (len(p), m.n_sessions))


#: Every hard rule, in the order used to explain a missing option: the offer's
#: rules first, then the session's.
RULE_TABLE: tuple[Rule, ...] = (
    Rule("escalated", "offer", not_escalated, "rule_escalated"),
    Rule("home", "offer", home_visits_for_those_at_home, "rule_home"),
    Rule("diagnosis", "offer", shares_a_diagnosis, "rule_diagnosis"),
    Rule("language", "offer", shares_a_language, "rule_language"),
    Rule("needs", "offer", needs_met, "rule_needs"),
    Rule("talk", "offer", talk_level_fits, "rule_talk"),
    Rule("online", "offer", online_if_ok, "rule_online"),
    Rule("gender", "offer", gender_fits, "rule_gender"),
    Rule("group_size", "offer", group_small_enough, "rule_group_size"),
    Rule("intensity", "offer", intensity_manageable, "rule_intensity"),
    Rule("supervision", "offer", supervised_if_needed, "rule_supervision"),
    Rule("fee", "offer", affordable, "rule_fee"),
    Rule("travel", "offer", within_travel_time, "rule_travel"),
    Rule("time", "session", available_then, "rule_time"),
    Rule("status", "session", open_then, "rule_status"),
    Rule("capacity", "session", has_free_places, "rule_capacity"),
)
#: The rules' names, in the order of ``RULE_TABLE`` (and of ``Evaluation.fails``).
RULES: tuple[str, ...] = tuple(r.name for r in RULE_TABLE)


def check_rules(
    m: MatchModel,
    p: np.ndarray,
    block: Block,
    scope: Scope,
    *,
    failures: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Where every rule of ``scope`` allows the pairs of patients ``p``; each rule's
    failures (where it forbids) are appended to ``failures`` in table order, if given."""
    shape = (len(p), len(m.offer_ids) if scope == "offer" else m.n_sessions)
    ok = np.ones(shape, dtype=bool)
    for rule in RULE_TABLE:
        if rule.scope != scope:
            continue
        holds = rule.check(m, p, block)
        ok &= holds
        if failures is not None:
            failures.append(~holds)
    return ok
