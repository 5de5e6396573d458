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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .domain import (
    DIAGNOSES,
    GROUP_LIMIT,
    INTENSITY_LEVEL,
    KINDS,
    MODES,
    VULNERABILITY_FLAGS,
)
from .geo import EstimatedTravel, MatrixTravel, TravelTimeSource
from .io import Dataset
from .weights import Weights

__all__ = ["COST_TERMS", "RULES", "Evaluation", "MatchModel", "Rule", "evaluate"]

HOME_VISIT = KINDS.index("home_visit")
_GENDER = {"any": 0, "men": 1, "women": 2, "man": 1, "woman": 2, "other": 3}
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday (Monday = 0)
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


def _bits(lists: pd.Series | np.ndarray, vocabulary: list[str]) -> np.ndarray:
    """Each list as a row of 64-bit words with one bit per vocabulary entry."""
    index = {v: i for i, v in enumerate(vocabulary)}
    words = max(1, -(-len(vocabulary) // 64))
    out = np.zeros((len(lists), words), dtype=np.uint64)
    cache: dict[tuple[str, ...], np.ndarray] = {}
    for row, items in enumerate(lists):
        key = tuple(items)
        if key not in cache:
            value = np.zeros(words, dtype=np.uint64)
            for item in key:
                if item in index:
                    i = index[item]
                    value[i // 64] |= np.uint64(1) << np.uint64(i % 64)
            cache[key] = value
        out[row] = cache[key]
    return out


def _share(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """True where bit rows of ``a`` (n, w) and ``b`` (m, w) share a bit: shape (n, m)."""
    return ((a[:, None, :] & b[None, :, :]) != 0).any(axis=-1)


def _days(dates: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


@dataclass(frozen=True, eq=False)
class MatchModel:
    """A dataset as arrays for matching. Times are minutes after midnight,
    dates are days since 1970-01-01, coordinates are EPSG:25832 metres."""

    weights: Weights
    travel: TravelTimeSource
    # patients
    patient_ids: np.ndarray
    p_discharge: np.ndarray
    p_diag: np.ndarray
    p_lang: np.ndarray
    p_gender: np.ndarray
    p_same_gender: np.ndarray
    p_modes: np.ndarray  # (P, len(MODES)) bool
    p_max_travel: np.ndarray
    p_group_limit: np.ndarray
    p_individual: np.ndarray
    p_budget: np.ndarray
    p_intensity: np.ndarray
    p_needs_supervision: np.ndarray
    p_home_bound: np.ndarray
    p_interests: np.ndarray
    p_has_interests: np.ndarray
    p_escalate: np.ndarray
    p_priority: np.ndarray
    p_prior_offer: np.ndarray  # offer position or -1
    p_slot_ok: np.ndarray  # (P, slots) bool: patient available for the time slot
    # offers
    offer_ids: np.ndarray
    o_xy: np.ndarray
    o_kind: np.ndarray
    o_diag: np.ndarray
    o_lang: np.ndarray
    o_gender: np.ndarray
    o_group: np.ndarray
    o_intensity: np.ndarray
    o_supervised: np.ndarray
    o_fee: np.ndarray
    o_tags: np.ndarray
    # sessions
    session_ids: np.ndarray
    s_offer: np.ndarray
    s_day: np.ndarray
    s_start: np.ndarray
    s_end: np.ndarray
    s_first: np.ndarray
    s_capacity: np.ndarray
    s_slot: np.ndarray
    s_time_of_day: np.ndarray  # hours outside the comfortable band

    @property
    def n_patients(self) -> int:
        return len(self.patient_ids)

    @property
    def n_sessions(self) -> int:
        return len(self.session_ids)

    @classmethod
    def from_dataset(
        cls,
        dataset: Dataset,
        weights: Weights | None = None,
        *,
        booked: Mapping[str, int] | None = None,
        travel: TravelTimeSource | None = None,
        district_of_patient: np.ndarray | None = None,
    ) -> MatchModel:
        """Arrays for ``dataset``.

        Parameters
        ----------
        booked
            Places already taken per session id; they are subtracted from
            ``capacity`` (never below 0).
        travel
            A travel-time source over (patients, offers); by default the
            built-in estimate, with ``travel_times.csv`` laid over it.
        district_of_patient
            District id per patient, so ``travel_times.csv`` rows may name a
            district as origin.
        """
        w = weights or Weights.load()
        pat, off, ses = dataset.patients, dataset.offers, dataset.sessions
        offer_pos = pd.Series(np.arange(len(off)), index=off["offer_id"].to_numpy())
        languages = sorted(
            {x for col in (pat["languages"], off["languages"]) for v in col for x in v}
        )
        interests = sorted({x for v in pat["interests"] for x in v})
        o_diag = _bits(off["diagnoses"], list(DIAGNOSES))
        o_diag[np.array([tuple(v) == ("all",) for v in off["diagnoses"]], dtype=bool)] = ~np.uint64(
            0
        )
        if travel is None:
            travel = EstimatedTravel(
                pat[["x", "y"]].to_numpy(), off[["x", "y"]].to_numpy(), w.travel
            )
            if dataset.travel_times is not None and len(dataset.travel_times):
                travel = MatrixTravel(
                    travel,
                    dataset.travel_times,
                    pat["patient_id"].to_numpy(),
                    off["offer_id"].to_numpy(),
                    district_of_patient,
                )
        capacity = ses["capacity"].to_numpy(dtype=np.int64).copy()
        if booked:
            taken = ses["session_id"].map(booked).fillna(0).to_numpy(dtype=np.int64)
            capacity = np.maximum(capacity - taken, 0)
        slots, s_slot = np.unique(
            ses[["day", "start_min", "end_min"]].to_numpy(dtype=np.int64).reshape(-1, 3),
            axis=0,
            return_inverse=True,
        )
        start, end = ses["start_min"].to_numpy(), ses["end_min"].to_numpy()
        early = np.clip(w.comfortable_start - start, 0, end - start)
        late = np.clip(end - w.comfortable_end, 0, end - start)
        prior = pat["prior_offer_id"].map(offer_pos).fillna(-1).to_numpy(dtype=np.int64)
        flags = pat[list(VULNERABILITY_FLAGS)].to_numpy(dtype=bool)
        return cls(
            weights=w,
            travel=travel,
            patient_ids=pat["patient_id"].to_numpy(dtype=object),
            p_discharge=_days(pat["discharge_date"]),
            p_diag=_bits(pat["diagnoses"], list(DIAGNOSES)),
            p_lang=_bits(pat["languages"], languages),
            p_gender=pat["gender"].map(_GENDER).to_numpy(dtype=np.int8),
            p_same_gender=(pat["gender_pref"] == "same").to_numpy(),
            p_modes=np.array([[m in v for m in MODES] for v in pat["modes"]], dtype=bool).reshape(
                -1, len(MODES)
            ),
            p_max_travel=pat["max_travel_min"].to_numpy(dtype=np.float32),
            p_group_limit=pat["group_tolerance"].map(GROUP_LIMIT).to_numpy(dtype=np.int64),
            p_individual=(pat["group_tolerance"] == "individual").to_numpy(),
            p_budget=pat["budget_dkk_month"].to_numpy(dtype=float),
            p_intensity=pat["intensity_max"].map(INTENSITY_LEVEL).to_numpy(dtype=np.int8),
            p_needs_supervision=pat["needs_supervision"].to_numpy(dtype=bool),
            p_home_bound=pat["home_bound"].to_numpy(dtype=bool),
            p_interests=_bits(pat["interests"], interests),
            p_has_interests=np.array([len(v) > 0 for v in pat["interests"]], dtype=bool),
            p_escalate=pat["escalate"].to_numpy(dtype=bool),
            p_priority=1 + flags.sum(axis=1).astype(np.int64),
            p_prior_offer=prior,
            p_slot_ok=_slot_ok(pat["available"].to_numpy(), slots),
            offer_ids=off["offer_id"].to_numpy(dtype=object),
            o_xy=off[["x", "y"]].to_numpy(dtype=float),
            o_kind=off["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy(dtype=np.int8),
            o_diag=o_diag,
            o_lang=_bits(off["languages"], languages),
            o_gender=off["gender"].map(_GENDER).to_numpy(dtype=np.int8),
            o_group=off["group_size"].to_numpy(dtype=np.int64),
            o_intensity=off["intensity"].map(INTENSITY_LEVEL).to_numpy(dtype=np.int8),
            o_supervised=off["supervised"].to_numpy(dtype=bool),
            o_fee=off["fee_dkk_month"].to_numpy(dtype=float),
            o_tags=_bits(off["tags"], interests),
            session_ids=ses["session_id"].to_numpy(dtype=object),
            s_offer=ses["offer_id"].map(offer_pos).to_numpy(dtype=np.int64),
            s_day=ses["day"].to_numpy(dtype=np.int64),
            s_start=start.astype(np.int64),
            s_end=end.astype(np.int64),
            s_first=_days(ses["first_date"]),
            s_capacity=capacity,
            s_slot=s_slot.reshape(-1).astype(np.int64),
            s_time_of_day=(early + late) / 60.0,
        )

    def with_capacity(self, capacity: np.ndarray) -> MatchModel:
        """The same model with other free places per session."""
        from dataclasses import replace

        return replace(self, s_capacity=np.asarray(capacity, dtype=np.int64))


def _slot_ok(available: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """(patients, slots): the slot lies inside one of the patient's windows."""
    out = np.ones((len(available), len(slots)), dtype=bool)
    if len(slots) == 0:
        return out
    day, start, end = slots[:, 0], slots[:, 1], slots[:, 2]
    cache: dict[Any, np.ndarray] = {}
    for i, windows in enumerate(available):
        if not windows:
            continue
        if windows not in cache:
            ok = np.zeros(len(slots), dtype=bool)
            for wnd in windows:
                ok |= (day == wnd.day) & (start >= wnd.start) & (end <= wnd.end)
            cache[windows] = ok
        out[i] = cache[windows]
    return out


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
    """The offer is open to all or shares a diagnosis with the patient."""
    return _share(m.p_diag[p], m.o_diag)


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
    """(c, S): the session has a free place left."""
    return np.broadcast_to(m.s_capacity[None, :] > 0, (len(p), m.n_sessions))


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
    minutes = m.travel.minutes(p, np.arange(len(m.offer_ids)))  # (c, O, modes)
    allowed = np.where(m.p_modes[p][:, None, :], minutes, np.inf)
    mode = np.argmin(allowed, axis=-1)
    best = np.take_along_axis(allowed, mode[..., None], axis=-1)[..., 0]
    home = m.o_kind == HOME_VISIT
    if home.any():
        car = MODES.index("car")
        best[:, home] = minutes[:, home, car]
        mode[:, home] = -1
    mode[~np.isfinite(best)] = -2
    return _Block(best.astype(np.float32), mode.astype(np.int8))


def evaluate(m: MatchModel, patients: np.ndarray, *, explain: bool = False) -> Evaluation:
    """Feasibility and costs of every session for the patients at ``patients``."""
    p = np.asarray(patients, dtype=np.int64)
    w = m.weights
    block = _travel(m, p)
    s_off = m.s_offer
    ok_offer = np.ones((len(p), len(m.offer_ids)), dtype=bool)
    offer_fails = []
    for rule in OFFER_RULES:
        holds = rule.check(m, p, block)
        ok_offer &= holds
        if explain:
            offer_fails.append(~holds[:, s_off])
    feasible = ok_offer[:, s_off]
    session_fails = []
    for _, _, check in SESSION_RULES:
        holds = check(m, p)
        feasible = feasible & holds
        if explain:
            session_fails.append(~holds)
    # dates: the first occurrence of the weekday on or after both dates
    d0 = np.maximum(m.s_first[None, :], m.p_discharge[p, None])
    start_day = d0 + (m.s_day[None, :] - (d0 + _EPOCH_WEEKDAY)) % 7
    wait = start_day - m.p_discharge[p, None]
    travel = block.travel_min[:, s_off]
    home = (m.o_kind == HOME_VISIT)[s_off][None, :]
    interest_miss = m.p_has_interests[p, None] & ~_share(m.p_interests[p], m.o_tags)[:, s_off]
    prior = m.p_prior_offer[p]
    has_prior = prior >= 0
    same_offer = s_off[None, :] == prior[:, None]
    prior_xy = m.o_xy[np.maximum(prior, 0)]
    venue_xy = m.o_xy[s_off]
    same_venue = (
        np.hypot(
            prior_xy[:, None, 0] - venue_xy[None, :, 0], prior_xy[:, None, 1] - venue_xy[None, :, 1]
        )
        < 50.0
    )
    continuity = np.where(
        has_prior[:, None], np.where(same_offer, 0.0, np.where(same_venue, 0.5, 1.0)), 0.0
    )
    shape = feasible.shape
    terms = np.stack(
        [
            np.where(home, 0.0, travel),
            wait.astype(float),
            np.broadcast_to(m.s_time_of_day[None, :], shape),
            interest_miss.astype(float),
            continuity,
            np.broadcast_to(m.o_fee[s_off][None, :], shape),
            np.broadcast_to(home, shape).astype(float),
            np.where(home, travel, 0.0),
        ]
    )
    weight = np.array(
        [
            w.travel_min,
            w.wait_day,
            w.time_of_day_hour,
            w.interest_miss,
            w.continuity_miss,
            w.fee_dkk,
            w.home_visit,
            w.staff_drive_min,
        ]
    )
    cost = np.tensordot(weight, terms, axes=1)
    cost = np.where(feasible, cost, np.inf)
    fails = np.stack(offer_fails + session_fails) if explain else None
    return Evaluation(
        patients=p,
        feasible=feasible,
        cost=cost,
        travel_min=travel,
        mode=block.mode[:, s_off],
        start_day=start_day,
        wait_days=wait,
        terms=terms,
        fails=fails,
    )


def block_size(m: MatchModel, budget_cells: int = 2_000_000) -> int:
    """Patients per block so one evaluation holds about ``budget_cells`` pairs."""
    return max(1, budget_cells // max(1, m.n_sessions, len(m.offer_ids) * len(MODES)))
