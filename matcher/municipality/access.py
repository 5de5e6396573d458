"""Places within reach: the E2SFCA access measure of the gap analysis.

The enhanced two-step floating catchment area score (``e2sfca``) gives each
origin (a district's population centre) the places per 1,000 patients it
reaches, weighting travel by the bands of ``E2SFCA_STEPS``.

E2SFCA travel: the built-in estimate takes the faster of **walking and bus**
from the centre (``E2SFCA_MODES``): the modes open to nearly everyone without
a car or a bike, who are the people most often left without a next step; for
``home_visit`` it is the staff's drive by car from their base, as in the
rules of a match. A ``travel_times.csv`` row whose ``origin_id`` is a
district id replaces the estimate for that pair (``centre_minutes``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ..dataset.load import Dataset
from ..domain import MODES
from ..geo import EstimatedTravel, MatrixTravel, TravelTimeSource
from ..match.weights import Weights

__all__ = [
    "E2SFCA_MODES",
    "E2SFCA_STEPS",
    "PER_PATIENTS",
    "centre_minutes",
    "e2sfca",
    "step_weights",
]

#: E2SFCA travel bands: up to (and including) these minutes, this weight; none beyond.
E2SFCA_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
#: Modes of the built-in E2SFCA travel estimate (the fastest of them counts).
E2SFCA_MODES: tuple[str, ...] = ("walk", "bus")
#: E2SFCA is reported as places per this many patients.
PER_PATIENTS = 1000.0


def step_weights(
    minutes: np.ndarray, steps: Sequence[tuple[float, float]] = E2SFCA_STEPS
) -> np.ndarray:
    """E2SFCA weight of each travel time: ``steps`` gives (upper minute, weight)
    bands, upper edges included; beyond the last band, and for missing or
    infinite minutes, the weight is 0."""
    edges = np.array([s[0] for s in steps], dtype=float)
    values = np.array([*(s[1] for s in steps), 0.0])
    return values[np.searchsorted(edges, np.asarray(minutes, dtype=float), side="left")]


def e2sfca(
    minutes: np.ndarray,
    demand: np.ndarray,
    supply: np.ndarray,
    steps: Sequence[tuple[float, float]] = E2SFCA_STEPS,
    per: float = PER_PATIENTS,
) -> np.ndarray:
    """Enhanced two-step floating catchment area score per origin.

    Step 1, per offer j: R_j = S_j / sum_i P_i W(t_ij). Step 2, per origin i:
    A_i = per * sum_j R_j W(t_ij). An offer that no demand reaches gets R_j = 0.
    Vectorised: the weights form a matrix (sparse when most pairs lie beyond
    the catchment), and both steps are matrix-vector products (no loop over
    pairs).

    Parameters
    ----------
    minutes
        Travel minutes from each origin (district population centre, rows) to
        each offer (columns), shape (origins, offers).
    demand
        Patients per origin, P_i.
    supply
        Places per offer, S_j (sum of its sessions' capacities).
    steps
        (upper minute, weight) bands; the contract's 0-10, 10-20, 20-30
        minutes weighted 1.00, 0.68, 0.22 by default.
    per
        Report places per this many patients (1,000).

    Returns
    -------
    numpy.ndarray
        A_i, places per ``per`` patients, shape (origins,).
    """
    t = np.asarray(minutes, dtype=float)
    inside = t <= steps[-1][0]
    weight: np.ndarray | sparse.csr_array
    if inside.sum() > 0.4 * inside.size:  # most pairs within reach: a plain matrix is cheaper
        weight = step_weights(t, steps)
    else:  # only pairs inside the catchment carry weight: a sparse matrix
        flat = np.flatnonzero(inside)
        rows_start = np.concatenate([[0], np.cumsum(inside.sum(axis=1))])
        weight = sparse.csr_array(
            (step_weights(t.ravel()[flat], steps), flat % t.shape[1], rows_start), shape=t.shape
        )
    reached = weight.T @ np.asarray(demand, dtype=float)
    ratio = np.divide(
        np.asarray(supply, dtype=float),
        reached,
        out=np.zeros(t.shape[1]),
        where=reached > 0,
    )
    return np.asarray(weight @ ratio) * per


def centre_minutes(
    dataset: Dataset,
    centres_xy: np.ndarray,
    district_ids: np.ndarray,
    weights: Weights,
    modes: Sequence[str] = E2SFCA_MODES,
) -> np.ndarray:
    """Minutes from each district centre (rows) to each offer (columns).

    The fastest of ``modes`` by the built-in estimate, with the dataset's
    ``travel_times.csv`` rows laid over it where they name a district as
    origin; ``home_visit`` offers: the staff's drive by car.
    """
    offers = dataset.offers
    source: TravelTimeSource = EstimatedTravel(
        centres_xy, offers[["x", "y"]].to_numpy(dtype=float), weights.travel
    )
    if dataset.travel_times is not None and len(dataset.travel_times):
        source = MatrixTravel(
            source,
            dataset.travel_times,
            np.asarray(district_ids, dtype=object),
            offers["offer_id"].to_numpy(dtype=object),
        )
    per_mode = source.minutes(np.arange(len(centres_xy)), np.arange(len(offers)))
    best = per_mode[:, :, [MODES.index(m) for m in modes]].min(axis=-1)
    home = (offers["kind"] == "home_visit").to_numpy()
    best[:, home] = per_mode[:, home, MODES.index("car")]
    return best.astype(float)
