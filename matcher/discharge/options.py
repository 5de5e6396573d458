"""One patient at the closing conversation: the next steps that fit, ranked and explained.

``Recommender`` turns a dataset into arrays once, with the same
``costs.MatchModel`` and ``costs.evaluate`` that the batch plan uses, so the
two never disagree about what fits and what is good. Each recommendation then
evaluates one patient against every session (a patient of the dataset by id,
or a new profile given as a mapping with the columns of ``patients.csv``),
keeps only sessions that obey every rule of a match with a free place left,
ranks them by the plan's weighted cost and keeps the list varied: at most
two sessions of one offer, and the best option of each kind that fits.

Each call returns a ``Recommendation`` (``matcher.discharge.recommendation``):
the options as ``table()``, plain data as ``summary()``, and ``write(path)``.
``recommend(dataset, patient)`` is the one-call convenience: it keeps the
arrays of each loaded dataset (``kept_recommender``), so repeated calls cost
what a reused ``Recommender`` costs.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..domain import KINDS, WEEKDAYS
from ..errors import InputError
from ..match.costs import RULES
from ..match.transport import mode_names, ride_task
from ..match.weights import Weights
from ..words.patient import Wording, wording
from ..words.problems import problem
from .evaluate import Evaluated, Evaluator
from .reasons import option_reasons
from .recommendation import Recommendation

__all__ = [
    "OPTION_COLUMNS",
    "Evaluated",
    "Recommendation",
    "Recommender",
    "as_dict",
    "forget",
    "kept_recommender",
    "recommend",
    "varied",
]

#: Columns of a recommendation, in order.
OPTION_COLUMNS: tuple[str, ...] = (
    "rank",
    "offer_id",
    "name",
    "session_id",
    "kind",
    "first_date",
    "weekday",
    "start",
    "end",
    "when",
    "days_until_start",
    "wait_days",
    "travel_min",
    "travel_mode",
    "fee_dkk_month",
    "transport_dkk_month",
    "ride_task",
    "group_size",
    "places_left",
    "cost",
    "fits",
    "less_good",
)


class Recommender(Evaluator):
    """Ranked next steps for one patient at a time, with the batch plan's cost model.

    Takes the parameters of ``Evaluator`` (dataset, weights, booked places,
    the day of the conversation) and ranks what fits.
    """

    #: The table of no options, once made (``frame``).
    _no_options: pd.DataFrame | None = None
    #: The first meetings worded so far (``_when``): the same few dates and times recur.
    _worded: dict[tuple[Any, ...], str] | None = None

    def _when(self, words: Wording, day: np.datetime64, start: int, end: int) -> str:
        """``_when_text``, each (language, date, times) worded once."""
        if not self.fast:
            return _when_text(words, day, start, end)
        if self._worded is None or len(self._worded) > 10_000:
            self._worded = {}
        key = (words.lang, id(words.table), day, start, end)
        if key not in self._worded:
            self._worded[key] = _when_text(words, day, start, end)
        return self._worded[key]

    def ranked(self, patient: str | Mapping[str, Any], *, lang: str = "da") -> Recommendation:
        """Every session that fits, cheapest first, without the variety rule."""
        found = self.evaluate(patient)
        return Recommendation(found.patient_id, self.frame(found, found.options, wording(lang)))

    def recommend(
        self,
        patient: str | Mapping[str, Any],
        top: int = 5,
        *,
        lang: str = "da",
        suggest: bool = True,
    ) -> Recommendation:
        """The ``top`` next steps for one patient, ranked, with reasons.

        Parameters
        ----------
        patient
            A ``patient_id`` of the dataset, or a mapping with the columns of
            ``patients.csv`` (checked as the loader checks the file).
        top
            How many options at most.
        lang
            ``da`` (default) or ``en`` for the reasons.
        suggest
            When nothing fits, work out what would open options.

        Returns
        -------
        Recommendation
            ``table()`` has one row per option with the columns of ``OPTION_COLUMNS``:
            ``first_date`` (a date), ``weekday``/``start``/``end`` and ``when``
            in words, ``days_until_start`` and ``wait_days`` (days),
            ``travel_min`` (minutes one way; for a home visit the staff's
            drive), ``travel_mode`` (a mode, or ``staff``), ``fee_dkk_month``
            (DKK), ``transport_dkk_month`` (what the way there and back costs
            the patient a month, whole DKK; 0 on foot, by bike, for a home visit
            or with transport help), ``ride_task`` (the patient has transport
            help and goes by bus, car or flextrafik: a ride to book), ``cost``
            (the plan's cost points), and ``fits`` / ``less_good``
            (plain-language reasons). ``patient_id`` names the
            patient; when nothing fits, ``nothing_fits`` holds a
            ``matcher.discharge.suggest.NothingFits``: the rules that removed
            the options and what would open the most.
        """
        if int(top) < 1:
            raise InputError(
                [problem("--top", None, None, "must be at least 1, not {top}", top=top)]
            )
        words = wording(lang)
        found = self.evaluate(patient, explain=False)
        chosen = varied(found.options, self.model.s_offer, self.model.o_kind, int(top))
        frame = self.frame(found, chosen, words)
        if len(frame) == 0 and suggest:
            from .suggest import nothing_fits

            why = nothing_fits(self, patient, lang=lang, found=found)
            return Recommendation(found.patient_id, frame, why)
        return Recommendation(found.patient_id, frame)

    def option(
        self,
        patient: str | Mapping[str, Any],
        session_id: str,
        *,
        lang: str = "da",
        need_place: bool = False,
    ) -> Recommendation:
        """One session for one patient, as a one-row recommendation.

        Raises ``InputError`` when the session does not fit the patient by
        a rule other than free places (a place may just have been booked),
        naming each broken rule; with ``need_place``, also when the session
        has no free place left (counting ``booked``).
        """
        s = self.session_index(session_id)
        found = self.evaluate(patient, explain=True)
        fails = found.evaluation.fails
        assert fails is not None
        if not found.model.s_staffed[s]:
            raise InputError(
                [
                    problem(
                        "sessions.csv",
                        None,
                        "weekday",
                        "session '{session_id}' is a home visit on a weekday without a shift "
                        "for its service in staff.csv: its staff make no visits that day",
                        session_id=session_id,
                    )
                ]
            )
        broken = [RULES[r] for r in np.flatnonzero(fails[:, 0, s]) if RULES[r] != "capacity"]
        words = wording(lang)
        if broken:
            text = "; ".join(f"{r} ({words(f'rule_{r}')})" for r in broken)
            raise InputError(
                [
                    problem(
                        "sessions.csv",
                        None,
                        "session_id",
                        "session '{session_id}' does not fit patient '{patient_id}': {rules}",
                        session_id=session_id,
                        patient_id=found.patient_id,
                        rules=text,
                    )
                ]
            )
        if need_place and int(found.model.s_capacity[s]) <= 0:
            raise InputError(
                [
                    problem(
                        "sessions.csv",
                        None,
                        "capacity",
                        "session '{session_id}' is full: every place is booked by others, "
                        "so there is none for patient '{patient_id}'; choose another "
                        "session",
                        session_id=session_id,
                        patient_id=found.patient_id,
                    )
                ]
            )
        return Recommendation(found.patient_id, self.frame(found, np.array([s]), words))

    def frame(self, found: Evaluated, sessions: np.ndarray, words: Wording) -> pd.DataFrame:
        """Options at these session positions, in this order, as ``OPTION_COLUMNS``."""
        m, ev = found.model, found.evaluation
        s = np.asarray(sessions, dtype=np.int64)
        if len(s) == 0 and self._no_options is not None:
            return self._no_options.copy()
        o = m.s_offer[s]
        start_day = ev.start_day[0, s]
        mode_index = ev.mode[0, s].astype(np.int64)
        offers = [{k: v[int(x)] for k, v in self._offer.items()} for x in o.tolist()]
        reasons = [
            option_reasons(m, ev, int(x), found.row, offer, found.today, words)
            for x, offer in zip(s.tolist(), offers, strict=True)
        ]
        first = start_day.astype("datetime64[D]")
        columns = {
            "rank": np.arange(1, len(s) + 1),
            "offer_id": m.offer_ids[o].astype(str),
            "name": self._offer["name"][o].astype(str),
            "session_id": m.session_ids[s].astype(str),
            "kind": np.array(KINDS, dtype=object)[m.o_kind[o]].astype(str),
            "first_date": first.astype("datetime64[ns]"),
            "weekday": np.array(WEEKDAYS, dtype=object)[m.s_day[s]].astype(str),
            "start": self._session["start"][s].astype(str),
            "end": self._session["end"][s].astype(str),
            "when": [
                self._when(words, d, int(a), int(b))
                for d, a, b in zip(first, m.s_start[s], m.s_end[s], strict=True)
            ],
            "days_until_start": (start_day - found.today.astype(np.int64)).astype(np.int64),
            "wait_days": ev.wait_days[0, s].astype(np.int64),
            "travel_min": np.round(ev.travel_min[0, s].astype(float), 1),
            "travel_mode": mode_names(mode_index).astype(str),
            "fee_dkk_month": m.o_fee[o].astype(float),
            "transport_dkk_month": np.round(ev.term("transport_dkk")[0, s], 0),
            "ride_task": ride_task(mode_index, m.p_transport_help[found.index]),
            "group_size": m.o_group[o].astype(np.int64),
            "places_left": m.s_capacity[s].astype(np.int64),
            "cost": np.round(ev.cost[0, s].astype(float), 2),
            "fits": [r[0] for r in reasons],
            "less_good": [r[1] for r in reasons],
        }
        frame = pd.DataFrame(columns, copy=False)  # in the order of OPTION_COLUMNS
        if len(s) == 0 and self.fast:  # the same empty table for everyone: kept
            self._no_options = frame.copy()
        return frame


def _when_text(words: Wording, day: np.datetime64, start: int, end: int) -> str:
    """The first meeting in words: its date, and from and to on the clock."""
    span = words("clock_span", start=words.clock(start), end=words.clock(end))
    return f"{words.date(pd.Timestamp(day).date())} {span}"


def varied(options: np.ndarray, s_offer: np.ndarray, o_kind: np.ndarray, top: int) -> np.ndarray:
    """Up to ``top`` of the ranked ``options`` (session positions, best first),
    with at most two sessions of one offer and the best option of each kind.

    When more kinds fit than ``top`` allows, the best options of the ``top``
    best kinds are kept. The result stays in rank order.
    """
    per_offer: dict[int, int] = {}
    allowed: list[int] = []
    best_of_kind: dict[int, int] = {}
    for s in options.tolist():
        offer = int(s_offer[s])
        if per_offer.get(offer, 0) >= 2:
            continue
        per_offer[offer] = per_offer.get(offer, 0) + 1
        allowed.append(s)
        best_of_kind.setdefault(int(o_kind[offer]), s)
    required = set(list(best_of_kind.values())[:top])
    free = top - len(required)
    chosen = []
    for s in allowed:
        if s in required:
            chosen.append(s)
        elif free > 0:
            chosen.append(s)
            free -= 1
    return np.array(chosen, dtype=np.int64)


def recommend(
    dataset: Dataset,
    patient: str | Mapping[str, Any],
    top: int = 5,
    *,
    weights: Weights | None = None,
    booked: Mapping[str, int] | None = None,
    today: date | str | np.datetime64 | None = None,
    lang: str = "da",
) -> Recommendation:
    """The ``top`` next steps that fit one patient, ranked by the batch plan's cost.

    A one-call convenience over ``Recommender(dataset, ...).recommend(...)``;
    see there for the columns. The recommender is kept with the dataset
    (``kept_recommender``): the first call for a dataset builds its arrays,
    later calls with the same options reuse them.
    """
    recommender = kept_recommender(dataset, weights=weights, booked=booked, today=today)
    return recommender.recommend(patient, top, lang=lang)


# -- recommenders kept per loaded dataset ------------------------------------
#: How many recommenders (weights, bookings, day) are kept per dataset.
KEPT_PER_DATASET = 4


@dataclass
class _Kept:
    """The recommenders of one loaded dataset, and what they were built from."""

    tables: tuple[Any, ...]
    shapes: tuple[Any, ...]
    sessions: tuple[np.ndarray, ...]
    built: list[tuple[tuple[Any, ...], Recommender]] = field(default_factory=list)


#: ``id(dataset)`` -> what is kept for it; an entry goes when its dataset does.
_KEPT: dict[int, _Kept] = {}


def _tables(dataset: Dataset) -> tuple[Any, ...]:
    return tuple(getattr(dataset, f.name) for f in fields(dataset))


def _shapes(tables: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(
        (t.shape, tuple(t.columns)) if isinstance(t, pd.DataFrame) else None for t in tables
    )


#: The sessions' columns whose in-place edits are noticed.
_SESSION_NUMBERS = ("capacity", "day", "start_min", "end_min", "first_date", "weeks")


def _session_numbers(dataset: Dataset) -> tuple[np.ndarray, ...]:
    """Copies of the sessions' numbers (places, days, times, dates, weeks)."""
    sessions = dataset.sessions
    return tuple(sessions[c].to_numpy().copy() for c in _SESSION_NUMBERS if c in sessions.columns)


def _same_numbers(dataset: Dataset, kept: tuple[np.ndarray, ...]) -> bool:
    sessions = dataset.sessions
    now = [sessions[c].to_numpy() for c in _SESSION_NUMBERS if c in sessions.columns]
    return len(now) == len(kept) and all(
        np.array_equal(a, b) for a, b in zip(now, kept, strict=True)
    )


def _entry(dataset: Dataset) -> _Kept:
    """The kept entry of ``dataset``, new when its tables changed since."""
    key = id(dataset)
    tables = _tables(dataset)
    entry = _KEPT.get(key)
    if entry is not None and (
        len(entry.tables) != len(tables)
        or any(a is not b for a, b in zip(entry.tables, tables, strict=True))
        or entry.shapes != _shapes(tables)
        or not _same_numbers(dataset, entry.sessions)
    ):
        entry = None
    if entry is None:
        if key not in _KEPT:
            weakref.finalize(dataset, _KEPT.pop, key, None)
        entry = _Kept(tables, _shapes(tables), _session_numbers(dataset))
        _KEPT[key] = entry
    return entry


def kept_recommender(
    dataset: Dataset,
    *,
    weights: Weights | None = None,
    booked: Mapping[str, int] | None = None,
    today: date | str | np.datetime64 | None = None,
) -> Recommender:
    """The ``Recommender`` of ``dataset`` with these options, built once and kept.

    It is kept while the dataset lives (the dataset is held by a weak
    reference) and built again when the dataset's tables change: a table
    replaced on the same object, rows or columns added or removed in place,
    or a session's places, day, times, first date or weeks edited in place.
    ``Dataset.replace`` and ``less_capacity`` give a new dataset with its own
    recommenders. Other cells edited in place are not noticed: call
    ``forget(dataset)`` after such an edit. At most ``KEPT_PER_DATASET``
    combinations of ``weights``, ``booked`` and ``today`` are kept per dataset,
    the least recently used dropped first.
    """
    entry = _entry(dataset)
    day = None if today is None else np.datetime64(pd.Timestamp(today).date(), "D")
    key = (weights, sorted((str(k), int(v)) for k, v in (booked or {}).items()), day)
    for i, (known, recommender) in enumerate(entry.built):
        if known == key:
            entry.built.append(entry.built.pop(i))
            return recommender
    # Built on a copy of the dataset object (the same tables), so the kept
    # recommender does not keep the caller's dataset alive.
    recommender = Recommender(dataset.replace(), weights=weights, booked=booked, today=today)
    entry.built.append((key, recommender))
    del entry.built[:-KEPT_PER_DATASET]
    return recommender


def forget(dataset: Dataset) -> None:
    """Drop the recommenders kept for ``dataset`` (after editing its cells in place)."""
    _KEPT.pop(id(dataset), None)


def as_dict(recommendation: Recommendation) -> dict[str, Any]:
    """A recommendation as plain data for JSON: ``Recommendation.summary()``."""
    return recommendation.summary()
