"""A model for patients who are not in the dataset, on the dataset's own arrays.

A profile typed in at the closing conversation must be evaluated with the
very arrays the batch plan uses for everyone else: the same offers, sessions,
free places and cost weights. ``Newcomers`` builds only the patient side,
against the dataset model's own vocabulary of languages, interests and time
slots (``MatchModel.with_patients``), and the travel times from the new homes
to every offer, with the same ``EstimatedTravel`` and ``travel_times.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..geo import EstimatedTravel, MatrixTravel, TravelTimeSource
from .model import MatchModel, PatientRows

__all__ = ["Newcomers"]


class Newcomers:
    """Models for new patient rows, joined to ``model`` (built from ``dataset``).

    Parameters
    ----------
    dataset
        The dataset ``model`` was built from.
    model
        Its ``MatchModel``, with free places already reduced by bookings.
    """

    def __init__(self, dataset: Dataset, model: MatchModel) -> None:
        self.dataset = dataset
        self.model = model

    def model_for(
        self, rows: PatientRows, *, travel_times: pd.DataFrame | None = None
    ) -> MatchModel:
        """The dataset's model with ``rows`` (typed patient rows, ``x``, ``y`` in
        EPSG:25832 metres; a frame or its columns as arrays) as its patients.

        ``travel_times`` replaces the dataset's router table (e.g. with rows
        copied for other patient ids).
        """
        table = self.dataset.travel_times if travel_times is None else travel_times
        return self.model.with_patients(rows, self._travel(rows, table))

    def _travel(self, rows: PatientRows, table: pd.DataFrame | None) -> TravelTimeSource:
        xy = np.column_stack([np.asarray(rows["x"], float), np.asarray(rows["y"], float)])
        travel: TravelTimeSource = EstimatedTravel(xy, self.model.o_xy, self.model.weights.travel)
        if table is not None and len(table):
            ids = np.asarray(rows["patient_id"])
            travel = MatrixTravel(travel, table, ids, self.model.offer_ids)
        return travel
