"""A dataset as arrays for matching: ``MatchModel``.

``MatchModel.from_dataset`` turns a ``Dataset`` into numpy arrays once:
lists as bit rows, availability as a (patients, time slots) table, dates as
days since 1970-01-01, times as minutes after midnight, coordinates in
EPSG:25832 metres. The rules (``matcher.match.rules``) and the costs
(``matcher.match.costs``) work on these arrays only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..dataset.schema import ACCESS_NEEDS, INTERPRETER_AT, TALK_LEVELS
from ..dataset.staff import visiting_staff
from ..dates import Spans
from ..domain import (
    DIAGNOSES,
    GROUP_LIMIT,
    INTENSITY_LEVEL,
    KINDS,
    MODES,
    VULNERABILITY_FLAGS,
    WEEKDAYS,
    priority,
)
from ..geo import EstimatedTravel, MatrixTravel, TravelTimeSource
from .weights import Weights

__all__ = [
    "HOME_VISIT",
    "NEVER",
    "MatchModel",
    "PatientRows",
    "offer_options",
    "staff_minutes",
    "staffed_sessions",
]

HOME_VISIT = KINDS.index("home_visit")
#: Typed ``patients.csv`` rows: a frame, or its columns as equally long arrays.
PatientRows: TypeAlias = pd.DataFrame | Mapping[str, np.ndarray]
_GENDER = {"any": 0, "men": 1, "women": 2, "man": 1, "woman": 2, "other": 3}


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


def _days(dates: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def staff_minutes(dataset: Dataset) -> pd.Series | None:
    """Shift minutes per (home-visit ``offer_id``, ``weekday``) from staff.csv, or
    ``None`` when the dataset has no staff.csv rows.

    Only the services staff.csv lists are limited by staff minutes: on a weekday
    without a row here, such a service has zero minutes and makes no visits. A
    service staff.csv does not list (or any service, without staff.csv) has no
    staff limit, as before staff.csv existed.
    """
    staff = visiting_staff(dataset)
    if staff is None or len(staff) == 0:
        return None
    return (
        (staff["shift_end_min"] - staff["shift_start_min"])
        .groupby([staff["offer_id"].astype(str), staff["weekday"].astype(str)])
        .sum()
    )


def staffed_sessions(dataset: Dataset) -> np.ndarray:
    """Per session of ``dataset``: whether its staff can make the visit at all.

    False only for a home-visit session of a service listed in staff.csv on a
    weekday without a shift for it (zero staff minutes that day); true for every
    other session.
    """
    ses, off = dataset.sessions, dataset.offers
    out = np.ones(len(ses), dtype=bool)
    minutes = staff_minutes(dataset)
    if minutes is None or len(ses) == 0:
        return out
    kind = ses["offer_id"].map(off.set_index("offer_id")["kind"]).to_numpy(dtype=object)
    listed = set(minutes.index.get_level_values(0))
    on_shift = set(minutes.index[minutes.to_numpy() > 0])
    offer_ids = ses["offer_id"].astype(str).to_numpy(dtype=object)
    days = ses["day"].to_numpy(dtype=np.int64)
    for i in np.flatnonzero((kind == "home_visit") & np.isin(offer_ids, list(listed))):
        out[i] = (offer_ids[i], WEEKDAYS[int(days[i])]) in on_shift
    return out


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
    p_xy: np.ndarray  # (P, 2) home in EPSG:25832 metres
    p_transport_help: np.ndarray  # (P,) bool: the ride is booked and paid for the patient
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
    o_all_diagnoses: np.ndarray  # (O,) bool: open to every diagnosis, also to none recorded
    # sessions
    session_ids: np.ndarray
    s_offer: np.ndarray
    s_day: np.ndarray
    s_start: np.ndarray
    s_end: np.ndarray
    s_first: np.ndarray
    s_capacity: np.ndarray
    s_staffed: np.ndarray  # (S,) bool: false for a home visit on a weekday without staff
    s_slot: np.ndarray
    s_time_of_day: np.ndarray  # hours outside the comfortable band
    # what the bit rows and time slots stand for
    languages: tuple[str, ...]  # the bits of p_lang and o_lang
    interests: tuple[str, ...]  # the bits of p_interests and o_tags
    slots: np.ndarray  # (slots, 3): weekday, start and end minute of each time slot
    # dates without a meeting and days a person cannot start (optional columns)
    s_exceptions: Spans = field(default_factory=Spans.none)  # owner: session position
    p_away: Spans = field(default_factory=Spans.none)  # owner: patient position
    p_not_before: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # interpreters, access, talk, online and status (optional columns)
    p_needs: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))  # ACCESS_NEEDS bits
    p_talk_max: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # TALK_LEVELS
    p_online_ok: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    o_interpreter: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.int8)
    )  # INTERPRETER_AT
    o_interpreter_lang: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), np.uint64))
    o_access: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint8))  # ACCESS_NEEDS bits
    o_talk: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int8))  # TALK_LEVELS
    o_online: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    o_open_from: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.int64)
    )  # first start day

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
        spoken = [pat["languages"], off["languages"], _column(off, "interpreter_languages", ())]
        languages = tuple(sorted({x for col in spoken for v in col for x in v}))
        interests = tuple(
            sorted({x for col in (pat["interests"], off["tags"]) for v in col for x in v})
        )
        o_diag = _bits(off["diagnoses"], list(DIAGNOSES))
        o_all = np.array([tuple(v) == ("all",) for v in off["diagnoses"]], dtype=bool)
        o_diag[o_all] = ~np.uint64(0)
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
        return cls(
            weights=w,
            travel=travel,
            **patient_arrays(pat, languages, interests, slots, off["offer_id"].to_numpy()),
            offer_ids=off["offer_id"].to_numpy(dtype=object),
            o_xy=off[["x", "y"]].to_numpy(dtype=float),
            o_kind=off["kind"].map({k: i for i, k in enumerate(KINDS)}).to_numpy(dtype=np.int8),
            o_diag=o_diag,
            o_lang=_bits(off["languages"], list(languages)),
            o_gender=off["gender"].map(_GENDER).to_numpy(dtype=np.int8),
            o_group=off["group_size"].to_numpy(dtype=np.int64),
            o_intensity=off["intensity"].map(INTENSITY_LEVEL).to_numpy(dtype=np.int8),
            o_supervised=off["supervised"].to_numpy(dtype=bool),
            o_fee=off["fee_dkk_month"].to_numpy(dtype=float),
            o_tags=_bits(off["tags"], list(interests)),
            o_all_diagnoses=o_all,
            session_ids=ses["session_id"].to_numpy(dtype=object),
            s_offer=ses["offer_id"].map(offer_pos).to_numpy(dtype=np.int64),
            s_day=ses["day"].to_numpy(dtype=np.int64),
            s_start=start.astype(np.int64),
            s_end=end.astype(np.int64),
            s_first=_days(ses["first_date"]),
            s_capacity=capacity,
            s_staffed=staffed_sessions(dataset),
            s_slot=s_slot.reshape(-1).astype(np.int64),
            s_time_of_day=(early + late) / 60.0,
            s_exceptions=_periods(ses, "exceptions"),
            **offer_options(off, languages),
            languages=languages,
            interests=interests,
            slots=slots.reshape(-1, 3),
        )

    def with_patients(self, patients: PatientRows, travel: TravelTimeSource) -> MatchModel:
        """The same offers, sessions and free places with other patients (typed
        ``patients.csv`` rows, as a frame or as its columns); ``travel`` covers
        (these patients, the offers).

        A language or interest the model has never seen is served by no offer,
        so leaving its bit out changes nothing.
        """
        arrays = patient_arrays(
            patients, self.languages, self.interests, self.slots, self.offer_ids
        )
        return replace(self, travel=travel, **arrays)

    def with_capacity(self, capacity: np.ndarray) -> MatchModel:
        """The same model with other free places per session."""
        return replace(self, s_capacity=np.asarray(capacity, dtype=np.int64))


def patient_arrays(
    pat: PatientRows,
    languages: tuple[str, ...],
    interests: tuple[str, ...],
    slots: np.ndarray,
    offer_ids: np.ndarray,
) -> dict[str, Any]:
    """The patient arrays of ``MatchModel`` for typed ``patients.csv`` rows (a frame,
    or its columns as arrays), with bits for ``languages`` and ``interests``,
    availability per time slot of ``slots`` and the prior offer as a position in
    ``offer_ids``."""
    priors = [str(v) for v in pat["prior_offer_id"]]
    named = set(priors) - {""}
    offer_pos = {str(o): i for i, o in enumerate(offer_ids) if str(o) in named} if named else {}
    n = len(priors)
    flags = np.column_stack(
        [np.asarray(pat[f], dtype=bool).reshape(n) for f in VULNERABILITY_FLAGS]
    ).reshape(n, len(VULNERABILITY_FLAGS))
    tolerance = np.asarray(pat["group_tolerance"], dtype=object)
    return {
        "patient_ids": np.asarray(pat["patient_id"], dtype=object),
        "p_discharge": _days(pat["discharge_date"]),
        "p_diag": _bits(pat["diagnoses"], list(DIAGNOSES)),
        "p_lang": _bits(pat["languages"], list(languages)),
        "p_gender": np.array([_GENDER[g] for g in pat["gender"]], dtype=np.int8),
        "p_same_gender": np.asarray(pat["gender_pref"], dtype=object) == "same",
        "p_modes": np.array([[m in v for m in MODES] for v in pat["modes"]], dtype=bool).reshape(
            -1, len(MODES)
        ),
        "p_max_travel": np.asarray(pat["max_travel_min"], dtype=np.float32),
        "p_group_limit": np.array([GROUP_LIMIT[t] for t in tolerance], dtype=np.int64),
        "p_individual": tolerance == "individual",
        "p_budget": np.asarray(pat["budget_dkk_month"], dtype=float),
        "p_intensity": np.array([INTENSITY_LEVEL[i] for i in pat["intensity_max"]], dtype=np.int8),
        "p_needs_supervision": np.asarray(pat["needs_supervision"], dtype=bool),
        "p_home_bound": np.asarray(pat["home_bound"], dtype=bool),
        "p_interests": _bits(pat["interests"], list(interests)),
        "p_has_interests": np.array([len(v) > 0 for v in pat["interests"]], dtype=bool),
        "p_escalate": np.asarray(pat["escalate"], dtype=bool),
        "p_priority": priority(flags),
        "p_prior_offer": np.array([offer_pos.get(v, -1) for v in priors], dtype=np.int64),
        "p_slot_ok": _slot_ok(np.asarray(pat["available"]), slots),
        "p_xy": np.column_stack(
            [np.asarray(pat["x"], dtype=float), np.asarray(pat["y"], dtype=float)]
        ).reshape(-1, 2),
        "p_transport_help": _flag(pat, "transport_help"),
        "p_away": _periods(pat, "away"),
        "p_not_before": _not_before(pat),
        "p_needs": _access_bits(_column(pat, "needs", ())),
        "p_talk_max": _levels(_column(pat, "talk_level_max", "social"), TALK_LEVELS),
        "p_online_ok": _flag(pat, "online_ok"),
    }


#: ``o_open_from`` of a closed offer, or of one paused without an end: after any date.
NEVER = np.iinfo(np.int64).max // 2


def offer_options(off: pd.DataFrame, languages: tuple[str, ...]) -> dict[str, Any]:
    """The offer arrays of the optional columns: interpreter (``INTERPRETER_AT`` index)
    and its languages as bits of ``languages``, accessibility as ``ACCESS_NEEDS`` bits,
    talk level, online, and the first day a person may start (``status``)."""
    status = np.asarray(_column(off, "status", "open"), dtype=object)
    until = np.full(len(off), np.datetime64("NaT"), "datetime64[D]")
    if "paused_until" in off.columns:
        until = pd.to_datetime(off["paused_until"], errors="coerce").to_numpy("datetime64[D]")
    paused = np.where(np.isnat(until), NEVER, until.astype(np.int64) + 1)
    open_from = np.where(status == "closed", NEVER, np.where(status == "paused", paused, NO_DATE))
    return {
        "o_interpreter": _levels(_column(off, "interpreter", "none"), INTERPRETER_AT),
        "o_interpreter_lang": _bits(_column(off, "interpreter_languages", ()), list(languages)),
        "o_access": _access_bits(_column(off, "accessibility", ())),
        "o_talk": _levels(_column(off, "talk_level", "some"), TALK_LEVELS),
        "o_online": _flag(off, "online"),
        "o_open_from": open_from.astype(np.int64),
    }


def _has(table: PatientRows, column: str) -> bool:
    return column in (table.columns if isinstance(table, pd.DataFrame) else table)


def _rows(table: PatientRows) -> int:
    if isinstance(table, pd.DataFrame):
        return len(table)
    return len(next(iter(table.values()))) if len(table) else 0


def _column(table: PatientRows, column: str, default: Any) -> list[Any]:
    """The values of an optional column, ``default`` where it is absent or empty."""
    if not _has(table, column):
        return [default] * _rows(table)
    values = list(np.asarray(table[column], dtype=object))
    return [default if v is None or (isinstance(v, float) and np.isnan(v)) else v for v in values]


def _levels(values: list[Any], order: tuple[str, ...]) -> np.ndarray:
    """Each value's position in ``order``."""
    return np.array([order.index(str(v)) for v in values], dtype=np.int8).reshape(-1)


def _access_bits(lists: list[Any]) -> np.ndarray:
    """Each list of ``ACCESS_NEEDS`` words as one byte, a bit per word."""
    return _bits(lists, list(ACCESS_NEEDS))[:, 0].astype(np.uint8)


def _periods(table: PatientRows, column: str) -> Spans:
    """The periods of an optional ``date_ranges`` column, one owner per row."""
    if not _has(table, column):
        return Spans.none()
    values = np.asarray(table[column], dtype=object)
    return Spans.of(v if isinstance(v, tuple) else () for v in values)


#: ``p_not_before`` of a patient who gave no date: before any date.
NO_DATE = np.iinfo(np.int64).min // 2


def _not_before(pat: PatientRows) -> np.ndarray:
    """Per patient, the first day they can start (``not_before``), or ``NO_DATE``."""
    if not _has(pat, "not_before"):
        return np.full(_rows(pat), NO_DATE, np.int64)
    days = np.asarray(pat["not_before"], dtype="datetime64[D]")
    return np.where(np.isnat(days), NO_DATE, days.astype(np.int64))


def _flag(pat: PatientRows, column: str) -> np.ndarray:
    """An optional yes/no column of typed patient rows (or offers); all false when
    absent, false where empty."""
    if not _has(pat, column):
        return np.zeros(_rows(pat), dtype=bool)
    values = pat[column]
    if isinstance(values, pd.Series):
        return values.fillna(False).to_numpy(dtype=bool)
    values = np.asarray(values)
    if values.dtype == bool:
        return values
    return np.where(pd.isna(values), False, values).astype(bool)


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
