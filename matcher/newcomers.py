"""A model for patients who are not in the dataset, on the dataset's own arrays.

A profile typed in at the closing conversation must be evaluated with the
very arrays the batch plan uses for everyone else: the same offers, sessions,
free places and cost weights. Rebuilding the whole ``MatchModel`` per profile
would take too long, so ``Newcomers`` builds only the patient side and joins
it to the dataset's model:

* the fast way builds the patient arrays from the new rows plus one
  "vocabulary" row that carries every language and interest of the dataset,
  on one offer and one session per time slot, so bit positions and time
  slots line up with the dataset's model; travel times come from the same
  ``EstimatedTravel`` (and ``travel_times.csv``) over all offers;
* the general way (new rows on every offer and one session per time slot)
  is used when a profile speaks a language or names an interest the dataset
  has never seen, or when the fast way's self-check at start-up fails.

Either way the result is ``dataclasses.replace`` of the dataset's model, so
sessions, places and offers are the very same arrays.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace

import numpy as np
import pandas as pd

from .costs import MatchModel, evaluate
from .geo import EstimatedTravel, MatrixTravel, TravelTimeSource
from .io import Dataset
from .weights import Weights

__all__ = ["Newcomers"]

_SESSION_FIELDS = frozenset(
    f.name for f in fields(MatchModel) if f.name.startswith("s_") or f.name == "session_ids"
)
#: Everything but the sessions: patients, offers, weights and travel.
_OTHER_FIELDS = tuple(f.name for f in fields(MatchModel) if f.name not in _SESSION_FIELDS)
#: The patient arrays (one row per patient).
_PATIENT_FIELDS = tuple(
    f.name for f in fields(MatchModel) if f.name.startswith("p_") or f.name == "patient_ids"
)


class Newcomers:
    """Models for new patient rows, joined to ``model`` (built from ``dataset``).

    Parameters
    ----------
    dataset
        The dataset ``model`` was built from (patients with ``x``, ``y`` in
        EPSG:25832 metres).
    model
        Its ``MatchModel``, with free places already reduced by bookings.
    weights
        The cost weights of ``model``.
    booked
        The bookings ``model`` counts (used only by the slowest fallback).
    """

    def __init__(
        self,
        dataset: Dataset,
        model: MatchModel,
        weights: Weights,
        booked: Mapping[str, int],
    ) -> None:
        self.dataset = dataset
        self.model = model
        self.weights = weights
        self.booked = dict(booked)
        self._slot_sessions = np.unique(model.s_slot, return_index=True)[1]
        offers = pd.DataFrame(dataset.offers.drop(columns="geometry", errors="ignore"))
        slot_sessions = dataset.sessions.iloc[self._slot_sessions].reset_index(drop=True)
        self._general = dataset.replace(offers=offers, sessions=slot_sessions)
        self._languages = frozenset(
            x
            for col in (dataset.patients["languages"], offers["languages"])
            for v in col
            for x in v
        )
        self._interests = frozenset(x for v in dataset.patients["interests"] for x in v)
        self._offer_pos = {str(o): i for i, o in enumerate(model.offer_ids)}
        self._fast: Dataset | None = None
        if len(offers) and len(dataset.patients):
            one_offer = offers.iloc[:1].reset_index(drop=True)
            self._fast = dataset.replace(
                offers=one_offer,
                sessions=slot_sessions.assign(offer_id=one_offer["offer_id"].iloc[0]),
                travel_times=None,
            )
            n = len(dataset.patients)
            sample = np.unique([0, n // 2, n - 1])
            rows = pd.DataFrame(dataset.patients.drop(columns="geometry", errors="ignore"))
            if not self._same(self._fast_model(rows.iloc[sample], dataset.travel_times), sample):
                self._fast = None

    def model_for(
        self, rows: pd.DataFrame, *, travel_times: pd.DataFrame | None = None
    ) -> MatchModel:
        """The dataset's model with ``rows`` (typed patient rows, ``x``, ``y``) as its patients.

        ``travel_times`` replaces the dataset's router table (e.g. with rows
        copied for other patient ids).
        """
        table = self.dataset.travel_times if travel_times is None else travel_times
        model = self._fast_model(rows, table) if self._fast is not None else None
        return model if model is not None else self._general_model(rows, table)

    # -- the two ways ---------------------------------------------------------
    def _fast_model(self, rows: pd.DataFrame, table: pd.DataFrame | None) -> MatchModel | None:
        assert self._fast is not None
        languages = {x for v in rows["languages"] for x in v}
        interests = {x for v in rows["interests"] for x in v}
        if not (languages <= self._languages and interests <= self._interests):
            return None
        # one more row that speaks every language and names every interest of the data
        carrier = {
            "patient_id": "\x00vocabulary",
            "languages": tuple(sorted(self._languages)),
            "interests": tuple(sorted(self._interests)),
        }
        patients = pd.DataFrame(
            {
                name: [*rows[name].tolist(), carrier.get(name, rows[name].iloc[0])]
                for name in rows.columns
            }
        )
        mini = MatchModel.from_dataset(
            self._fast.replace(patients=patients), self.weights, travel=self.model.travel
        )
        if not self._aligned(mini):
            return None
        n = len(rows)
        arrays = {name: getattr(mini, name)[:n] for name in _PATIENT_FIELDS}
        arrays["p_prior_offer"] = np.array(
            [self._offer_pos.get(str(v), -1) for v in rows["prior_offer_id"]], dtype=np.int64
        )
        return replace(self.model, **arrays, travel=self._travel(rows, table))

    def _general_model(self, rows: pd.DataFrame, table: pd.DataFrame | None) -> MatchModel:
        mini = MatchModel.from_dataset(
            self._general.replace(patients=rows, travel_times=table), self.weights
        )
        if not self._aligned(mini):  # time slots numbered differently: build it all
            full = self.dataset.replace(patients=rows, travel_times=table)
            return MatchModel.from_dataset(full, self.weights, booked=self.booked)
        return replace(self.model, **{name: getattr(mini, name) for name in _OTHER_FIELDS})

    # -- helpers --------------------------------------------------------------
    def _travel(self, rows: pd.DataFrame, table: pd.DataFrame | None) -> TravelTimeSource:
        travel: TravelTimeSource = EstimatedTravel(
            rows[["x", "y"]].to_numpy(dtype=float), self.model.o_xy, self.weights.travel
        )
        if table is not None and len(table):
            travel = MatrixTravel(
                travel, table, rows["patient_id"].to_numpy(), self.model.offer_ids
            )
        return travel

    def _aligned(self, mini: MatchModel) -> bool:
        """The mini model numbers time slots as the dataset's model does."""
        return mini.p_slot_ok.shape[1] == self.model.p_slot_ok.shape[1] and np.array_equal(
            mini.s_slot, self.model.s_slot[self._slot_sessions]
        )

    def _same(self, joined: MatchModel | None, sample: np.ndarray) -> bool:
        """The joined model evaluates the ``sample`` patients of the dataset exactly as
        the dataset's model does (the fast way's self-check)."""
        if joined is None:
            return False
        a = evaluate(self.model, sample, explain=True)
        b = evaluate(joined, np.arange(len(sample)), explain=True)
        return all(
            np.array_equal(getattr(a, name), getattr(b, name))
            for name in ("feasible", "cost", "travel_min", "mode", "start_day", "terms", "fails")
        )
