"""One patient against every session: the arrays and the rules, no ranking yet.

``Evaluator`` turns a dataset into the batch plan's ``MatchModel`` once, and
evaluates one patient at a time (a patient of the dataset by id, or a new
profile given as a mapping with the columns of ``patients.csv``) with the
same ``costs.evaluate`` the plan uses. ``options.Recommender`` ranks what it
finds; ``suggest`` re-evaluates changed profiles to say what would open more.

A typed-in profile goes from its checked cells straight to the model's arrays
(``checked_columns``, ``MatchModel.with_patients``), without a frame in
between; ``fast=False`` takes the straightforward way through frames (the same
answers, slower: kept to check the quick way against).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..dataset.profile import check_patient, checked_columns
from ..errors import InputError
from ..match.costs import Evaluation, MatchModel, evaluate
from ..match.newcomers import Newcomers
from ..match.weights import Weights
from ..words.problems import problem

__all__ = ["Evaluated", "Evaluator"]


# -- evaluating one patient --------------------------------------------------
@dataclass(frozen=True)
class Evaluated:
    """One patient evaluated against every session.

    ``model`` holds the patient at row ``index``; ``evaluation`` has shape
    (1, sessions); ``row`` is the patient's typed row (dates as the model
    sees them: never before ``today``).
    """

    model: MatchModel
    index: int
    evaluation: Evaluation
    row: pd.Series
    today: np.datetime64
    #: The patient's typed row as its columns (one-value arrays), when at hand.
    columns: Mapping[str, np.ndarray] | None = None

    @property
    def patient_id(self) -> str:
        return str(self.row["patient_id"])

    @property
    def options(self) -> np.ndarray:
        """Sessions that obey every rule, cheapest first (ties: dataset order)."""
        feasible = np.flatnonzero(self.evaluation.feasible[0])
        cost = self.evaluation.cost[0, feasible]
        return feasible[np.lexsort((feasible, cost))]


class Evaluator:
    """One patient at a time against every session, with the batch plan's cost model.

    Parameters
    ----------
    dataset
        The municipality's offers, sessions and patients.
    weights
        Cost weights (default: ``matcher/match/weights.toml``).
    booked
        Places already booked per session id; they reduce the free places.
    today
        The date of the conversation. Nobody starts before it: a discharge
        date before ``today`` counts as ``today`` (for dates and waiting), and
        "starts in N days" counts from it. Default: each patient's discharge
        date.
    fast
        Take the quick way (default); ``False`` takes the straightforward way
        through frames, every changed profile of "what would open more" built
        as a frame and evaluated in full. Both give the same answers.
    """

    def __init__(
        self,
        dataset: Dataset,
        *,
        weights: Weights | None = None,
        booked: Mapping[str, int] | None = None,
        today: date | str | np.datetime64 | None = None,
        fast: bool = True,
    ) -> None:
        self.dataset = dataset
        self.fast = bool(fast)
        self.weights = weights or Weights.load()
        self.booked = dict(booked or {})
        self.today = None if today is None else np.datetime64(pd.Timestamp(today).date(), "D")
        patients = self._from_today(pd.DataFrame(dataset.patients.drop(columns="geometry")))
        self.model = MatchModel.from_dataset(
            dataset.replace(patients=patients), self.weights, booked=self.booked
        )
        self._patients = patients
        self._row_of = {str(p): i for i, p in enumerate(self.model.patient_ids)}
        self._newcomers = Newcomers(dataset.replace(patients=patients), self.model)
        offers, sessions = dataset.offers, dataset.sessions
        self._offer = {c: offers[c].to_numpy() for c in offers.columns if c != "geometry"}
        self._session = {c: sessions[c].to_numpy() for c in sessions.columns}
        self._session_pos = {str(s): i for i, s in enumerate(self.model.session_ids)}

    @cached_property
    def _columns(self) -> dict[str, np.ndarray]:
        """The dataset's patients (from ``today``) as column arrays."""
        return {str(c): self._patients[c].to_numpy() for c in self._patients.columns}

    @cached_property
    def offered_languages(self) -> tuple[str, ...]:
        """Every language an offer speaks, sorted."""
        return tuple(sorted({c for v in self.dataset.offers["languages"] for c in v}))

    @cached_property
    def has_online(self) -> bool:
        """Whether any offer is online."""
        offers = self.dataset.offers
        return "online" in offers.columns and bool(offers["online"].astype(bool).any())

    def columns_of(self, found: Evaluated) -> dict[str, np.ndarray]:
        """The typed row of an evaluated patient as its columns (one-value arrays)."""
        if found.columns is not None:
            return dict(found.columns)
        i = self._row_of.get(found.patient_id)
        if i is not None and found.model is self.model:
            return {c: v[i : i + 1] for c, v in self._columns.items()}
        frame = pd.DataFrame([found.row.to_dict()])
        return {str(c): frame[c].to_numpy() for c in frame.columns}

    # -- patients ---------------------------------------------------------
    def _from_today(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.today is None:
            return frame
        out = frame.copy()
        today = pd.Timestamp(self.today)
        out["discharge_date"] = out["discharge_date"].where(out["discharge_date"] >= today, today)
        return out

    def _columns_from_today(self, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """``_from_today`` of a row given as its columns."""
        if self.today is None:
            return columns
        day = np.asarray(columns["discharge_date"], dtype="datetime64[ns]")
        today = self.today.astype("datetime64[ns]")
        return {**columns, "discharge_date": np.where(day >= today, day, today)}

    def model_for(
        self, rows: pd.DataFrame, *, travel_times: pd.DataFrame | None = None
    ) -> MatchModel:
        """A model of these typed patient rows (``x``, ``y`` in EPSG:25832)
        against every session of the dataset, with the same free places.

        ``travel_times`` replaces the dataset's router table (e.g. with rows
        copied for other patient ids).
        """
        return self._newcomers.model_for(self._from_today(rows), travel_times=travel_times)

    def patient_row(self, patient: str | Mapping[str, Any]) -> pd.DataFrame:
        """The typed row of a patient id or of a profile (checked like ``patients.csv``)."""
        if isinstance(patient, str):
            return self._patients.iloc[[self._index(patient)]]
        return check_patient(patient)

    def _index(self, patient_id: str) -> int:
        if patient_id not in self._row_of:
            raise InputError(
                [
                    problem(
                        "patients.csv",
                        None,
                        "patient_id",
                        "patient '{patient_id}' is not in the dataset",
                        patient_id=patient_id,
                    )
                ]
            )
        return self._row_of[patient_id]

    def evaluate(self, patient: str | Mapping[str, Any], *, explain: bool = False) -> Evaluated:
        """Every session for one patient (an id in the dataset or a profile mapping)."""
        columns = None
        if isinstance(patient, str):
            index = self._index(patient)
            model, row = self.model, self._patients.iloc[index]
        elif self.fast:
            columns = self._columns_from_today(checked_columns(patient))
            model, index, row = self._newcomers.model_for(columns), 0, _row(columns)
        else:
            rows = check_patient(patient)
            model, index, row = self.model_for(rows), 0, self._from_today(rows).iloc[0]
        ev = evaluate(model, np.array([index]), explain=explain)
        today = (
            self.today
            if self.today is not None
            else np.datetime64(pd.Timestamp(row["discharge_date"]).date(), "D")
        )
        return Evaluated(model, index, ev, row, today, columns)

    # -- sessions ---------------------------------------------------------
    def session_index(self, session_id: str) -> int:
        """The position of ``session_id``; an unknown id is an input error."""
        if session_id not in self._session_pos:
            raise InputError(
                [
                    problem(
                        "sessions.csv",
                        None,
                        "session_id",
                        "session '{session_id}' is not in the dataset",
                        session_id=session_id,
                    )
                ]
            )
        return self._session_pos[session_id]

    # -- recommendations --------------------------------------------------


def _row(columns: Mapping[str, np.ndarray]) -> pd.Series:
    """The one row of ``columns`` as ``frame.iloc[0]`` gives it (values of their
    Python or numpy types, dates as ``Timestamp``), without building the frame."""
    values: dict[str, Any] = {}
    for name, array in columns.items():
        value = array[0]
        if array.dtype == bool:
            value = bool(value)
        elif array.dtype.kind == "M":
            value = pd.Timestamp(value)
        values[name] = value
    return pd.Series(values, dtype=object, name=0)
