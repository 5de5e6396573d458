"""Where people finishing rehabilitation have no suitable next step.

For the municipality, per district and kind of next step, and per time band
(``day``: sessions that start before 16:00; ``evening``: at or after 16:00;
``any``: both):

- **coverage**: the share of the district's patients with at least one
  session that obeys every rule of a match (``matcher.match.costs.evaluate``, the
  same rules as the plan), and for the others the most common excluding rule
  (one of ``matcher.match.costs.RULES``, or ``no_sessions`` when the kind has no
  session in the band at all);
- **accessibility**: E2SFCA places per 1,000 patients (``e2sfca``), from the
  district's population centre.

E2SFCA travel: the built-in estimate takes the faster of **walking and bus**
from the centre (``E2SFCA_MODES``): the modes open to nearly everyone without
a car or a bike, who are the people most often left without a next step; for
``home_visit`` it is the staff's drive by car from their base, as in the
rules of a match. A ``travel_times.csv`` row whose ``origin_id`` is a
district id replaces the estimate for that pair. Patients outside every
district are counted and covered, but they have no catchment centre, so they
get no E2SFCA score and add no demand.

Privacy: every count below ``MIN_COUNT`` (5) is suppressed, and so is every
share or score computed from it: a district with fewer than 5 patients shows
only its name; a share is shown only when the district's served and unserved
patients both number at least 5 (0 included: "nobody" and "everybody" reveal
each person's outcome too); a reason only when at least 5 unserved patients
share it and its share is shown. Nor can a hidden count be worked out by subtraction from the
total number of patients: when the hidden district counts are only one, or
add up to fewer than 5, the next-smallest districts' counts (and the shares,
scores and reasons in their rows) are hidden too
(``matcher.municipality.equity.complementary``); their offers stay. The same holds for the
served and the unserved counts behind the shares, per kind and band: the
municipality's number of patients without an option of a kind is printed
(``brobygger sites``, the app), so when only one district's share of a kind
is hidden, or the hidden districts' served or unserved patients add up to
fewer than 5, the next-smallest districts' shares of that kind are hidden
too (``GapAnalysis.shown_shares``). Escalated patients are counted like
everyone else (as patients without an option: the ``escalated`` rule).

Scores and reasons could give a hidden count away as well, and are published
so that they do not: E2SFCA demand is the published one
(``published_demand``: a hidden district counts as the hidden districts'
patients spread evenly over them), so supply / score, or the scores of the
districts around it, give no hidden count back; and a reason (at least 5
without an option) shows only with its share, since next to a count of 5 it
would say that all 5 have no option.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from ..dataset.districts import population_centres
from ..dataset.load import Dataset, districts_for
from ..domain import KINDS, MODES
from ..errors import InputError, Problem
from ..geo import (
    CRS,
    OUTSIDE,
    OUTSIDE_NAME,
    EstimatedTravel,
    MatrixTravel,
    TravelTimeSource,
    locate,
)
from ..match.costs import RULES, MatchModel, block_size, evaluate
from ..match.weights import Weights
from .equity import complementary, hidden_outcomes

__all__ = [
    "BANDS",
    "E2SFCA_MODES",
    "E2SFCA_STEPS",
    "EVENING_FROM",
    "MIN_COUNT",
    "NO_SESSIONS",
    "GapAnalysis",
    "band_mask",
    "centre_minutes",
    "e2sfca",
    "gap_analysis",
    "hidden_counts",
    "published_demand",
    "step_weights",
]

#: Sessions starting at or after this minute of the day are evening sessions (16:00).
EVENING_FROM = 16 * 60
#: Time bands, in the order of every array's band axis.
BANDS: tuple[str, ...] = ("any", "day", "evening")
#: E2SFCA travel bands: up to (and including) these minutes, this weight; none beyond.
E2SFCA_STEPS: tuple[tuple[float, float], ...] = ((10.0, 1.0), (20.0, 0.68), (30.0, 0.22))
#: Modes of the built-in E2SFCA travel estimate (the fastest of them counts).
E2SFCA_MODES: tuple[str, ...] = ("walk", "bus")
#: E2SFCA is reported as places per this many patients.
PER_PATIENTS = 1000.0
#: Smallest count shown to a municipality.
MIN_COUNT = 5
#: The excluding "rule" when the kind has no session in the band at all.
NO_SESSIONS = "no_sessions"
REASONS: tuple[str, ...] = (*RULES, NO_SESSIONS)


def band_mask(start_min: np.ndarray, band: str) -> np.ndarray:
    """Sessions (by start, minutes after midnight) in a time band of ``BANDS``."""
    start = np.asarray(start_min)
    if band == "day":
        return start < EVENING_FROM
    if band == "evening":
        return start >= EVENING_FROM
    return np.ones(start.shape, dtype=bool)


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


def _patient_coverage(model: MatchModel, kinds: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per patient, kind and band: has an option (bool) and, if not, the
    excluding rule as an index into ``REASONS`` (-1 where served).

    The excluding rule of a patient is the one that alone removes the most
    sessions of the kind and band (then the one that removes most at all,
    then the first in ``RULES``), as in the plan's reasons.
    """
    n, k, b = model.n_patients, len(kinds), len(BANDS)
    served = np.zeros((n, k, b), dtype=bool)
    reason = np.full((n, k, b), -1, dtype=np.int64)
    session_kind = np.array(KINDS)[model.o_kind[model.s_offer]]
    masks = [
        [(session_kind == kind) & band_mask(model.s_start, band) for band in BANDS]
        for kind in kinds
    ]
    step = max(1, block_size(model, 1_000_000) // 2)
    for lo in range(0, n, step):
        rows = np.arange(lo, min(n, lo + step))
        ev = evaluate(model, rows, explain=True)
        assert ev.fails is not None
        for ki in range(k):
            for bi in range(b):
                cols = masks[ki][bi]
                if not cols.any():
                    reason[rows, ki, bi] = REASONS.index(NO_SESSIONS)
                    continue
                has = ev.feasible[:, cols].any(axis=1)
                fails = ev.fails[:, :, cols]  # (rules, c, s)
                alone = (fails & (fails.sum(axis=0) == 1)[None]).sum(axis=2)
                score = alone * (cols.sum() + 1) + fails.sum(axis=2)
                served[rows, ki, bi] = has
                reason[rows, ki, bi] = np.where(has, -1, score.argmax(axis=0))
    return served, reason


def _ints(values: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.array([None if np.isnan(v) else int(v) for v in values], dtype="Int64")


def _floats(values: np.ndarray) -> pd.arrays.FloatingArray:
    return pd.array(np.asarray(values, dtype=float), dtype="Float64")  # NaN becomes <NA>


def _texts(values: np.ndarray) -> pd.arrays.StringArray:
    return pd.array(list(values), dtype="string")


def _listed_groups(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Groups listed: every district, and the outside group when it has anyone."""
    return (np.asarray(group_ids) != OUTSIDE) | (np.asarray(patients) + np.asarray(offers) > 0)


def _split_groups(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """The groups that split the total number of patients: every listed group,
    except an empty outside group (listed only for its offers; the map says
    nobody lives outside)."""
    empty_outside = (np.asarray(group_ids) == OUTSIDE) & (np.asarray(patients) == 0)
    return _listed_groups(group_ids, patients, offers) & ~empty_outside


def hidden_counts(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Groups whose patient count is hidden: fewer than 5 patients, or needed to
    keep a smaller hidden count from being worked out by subtracting the shown
    ones from the total (complementary suppression, ``matcher.municipality.equity.complementary``).

    ``group_ids`` are the districts and, last, ``OUTSIDE``; ``offers`` the
    offers per group (an empty outside group is listed only for its offers).
    """
    counts = np.asarray(patients, dtype=np.int64)
    hidden = counts < MIN_COUNT
    cells = _split_groups(group_ids, counts, offers)
    hidden[cells] = complementary(counts[cells], hidden[cells])
    return hidden


def published_demand(group_ids: np.ndarray, patients: np.ndarray, offers: np.ndarray) -> np.ndarray:
    """Patients per group as E2SFCA demand: the count where it is shown; where it
    is hidden, the hidden groups' patients spread evenly over them.

    So no score depends on a hidden count: the hidden groups' total follows from
    the municipality's number of patients less the shown counts anyway, and how
    it splits among them changes no score (with the exact counts, 4 places for
    12 patients alone at them score 333.33, and 4000 / 333.33 gives the 12 back;
    a neighbour's score would give it back as well).
    """
    counts = np.asarray(patients, dtype=float)
    # an empty outside group is no cell of the total: nobody lives there, as the map says
    hidden = hidden_counts(group_ids, patients, offers) & _split_groups(group_ids, patients, offers)
    demand = counts.copy()
    if hidden.any():
        demand[hidden] = counts[hidden].sum() / hidden.sum()
    return demand


@dataclass(frozen=True)
class GapAnalysis:
    """Coverage and accessibility per district, kind and time band.

    Arrays have shape (groups, kinds, bands): groups are the districts in
    table order and, last, the ``OUTSIDE`` group; bands follow ``BANDS``.
    Counts here are exact: use ``table()``, ``long_table()`` and
    ``to_geojson()`` for anything shown to a municipality (suppressed).
    """

    districts: gpd.GeoDataFrame  # district_id, name, geometry (EPSG:25832), centre_x, centre_y
    kinds: tuple[str, ...]
    band: str  # the band of the contract's columns
    group_ids: np.ndarray  # (groups,) district ids, then OUTSIDE
    group_names: np.ndarray
    patients: np.ndarray  # (groups,)
    offers: np.ndarray  # (groups,) offers whose venue lies in the group
    served: np.ndarray  # (groups, kinds, bands) patients with an option
    reason: np.ndarray  # (groups, kinds, bands) most common excluding rule or ""
    score: np.ndarray  # (groups, kinds, bands) E2SFCA per 1,000, published demand (NaN outside)
    reason_count: np.ndarray  # (groups, kinds, bands) unserved patients with that reason

    def _split(self) -> np.ndarray:
        """The groups that split the total number of patients (see ``hidden_counts``)."""
        return _split_groups(self.group_ids, self.patients, self.offers)

    def _counted(self) -> np.ndarray:
        """Groups whose patient count (and shares, scores and reasons) are shown."""
        return ~hidden_counts(self.group_ids, self.patients, self.offers)

    def shown_patients(self) -> np.ndarray:
        """Patients per group as shown (float, NaN where suppressed)."""
        return np.where(self._counted(), self.patients, np.nan)

    def shown_shares(self) -> np.ndarray:
        """Which served shares are shown, per (group, kind, band).

        A share shows the served and unserved counts of its district (times the
        patients shown), and the municipality's totals are known too (all
        patients; those without an option of a kind are printed by ``brobygger
        sites`` and the app, with the escalated). So within each kind and band,
        for the served and the unserved counts alike, the hidden shares are at
        least two and their districts add up to at least 5, widened to the
        next-smallest district when not (``matcher.municipality.equity.hidden_outcomes``);
        a district whose count is hidden hides its shares.
        """
        counted = self._counted()
        cells = self._split()
        out = np.ones(self.served.shape, dtype=bool)
        for k in range(self.served.shape[1]):
            for b in range(self.served.shape[2]):
                out[cells, k, b] = ~hidden_outcomes(
                    self.patients[cells], self.served[cells, k, b], ~counted[cells]
                )
        return out & counted[:, None, None]

    def _cells(self) -> dict[str, np.ndarray]:
        """Shown values per (group, kind, band), NaN/None where suppressed.

        A reason says that at least 5 of the district's patients have no option,
        a lower bound that, next to its count or the hidden cells' total, can pin
        a hidden served count (5 patients, a reason: all 5 without an option); so
        a reason shows only with its share, or when the kind has no session in
        the band at all (then nobody anywhere has an option, as the catalogue
        says). A score shows only with its district's count: it is computed from
        the published demand (``published_demand``), so it holds no hidden count.
        """
        counted = self._counted()
        unserved = self.patients[:, None, None] - self.served
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.served / self.patients[:, None, None]
        share_ok = self.shown_shares()
        reason_ok = (self.reason_count >= MIN_COUNT) & (unserved > 0)
        reason_ok &= share_ok | (counted[:, None, None] & (self.reason == NO_SESSIONS))
        return {
            "patients": np.where(counted, self.patients, np.nan),
            "share": np.where(share_ok, np.round(share, 3), np.nan),
            "reason": np.where(reason_ok, self.reason, np.array(None, dtype=object)),
            "score": np.where(counted[:, None, None], np.round(self.score, 2), np.nan),
        }

    def _listed(self) -> np.ndarray:
        """Groups listed: every district, and the outside group when it has anyone."""
        return _listed_groups(self.group_ids, self.patients, self.offers)

    def table(self) -> pd.DataFrame:
        """gaps.csv: one row per district (and the outside group when it has
        anyone): ``district_id, name, patients``, then per kind
        ``served_share_<kind>`` and ``e2sfca_<kind>`` for ``band``; then
        ``offers``, per kind ``reason_<kind>``, and for ``band="any"`` the
        ``_day`` and ``_evening`` columns. Suppressed cells are empty (<NA>)."""
        cells = self._cells()
        b = BANDS.index(self.band)
        out: dict[str, object] = {
            "district_id": self.group_ids,
            "name": self.group_names,
            "patients": _ints(cells["patients"]),
        }
        for k, kind in enumerate(self.kinds):
            out[f"served_share_{kind}"] = _floats(cells["share"][:, k, b])
            out[f"e2sfca_{kind}"] = _floats(cells["score"][:, k, b])
        # a district with fewer than 5 patients shows nothing but its name
        out["offers"] = _ints(np.where(self.patients >= MIN_COUNT, self.offers, np.nan))
        for k, kind in enumerate(self.kinds):
            out[f"reason_{kind}"] = _texts(cells["reason"][:, k, b])
        if self.band == "any":
            for k, kind in enumerate(self.kinds):
                for bi in (1, 2):
                    out[f"served_share_{kind}_{BANDS[bi]}"] = _floats(cells["share"][:, k, bi])
                    out[f"e2sfca_{kind}_{BANDS[bi]}"] = _floats(cells["score"][:, k, bi])
        return pd.DataFrame(out)[self._listed()].reset_index(drop=True)

    def long_table(self) -> pd.DataFrame:
        """coverage.csv: one row per district, kind and band (``any``, ``day``,
        ``evening``): ``district_id, name, kind, band, patients,
        served_share, reason, e2sfca``, suppressed like ``table()``."""
        cells = self._cells()
        keep = self._listed()
        rows = [
            pd.DataFrame(
                {
                    "district_id": self.group_ids[keep],
                    "name": self.group_names[keep],
                    "kind": kind,
                    "band": band,
                    "patients": _ints(cells["patients"][keep]),
                    "served_share": _floats(cells["share"][keep, k, bi]),
                    "reason": _texts(cells["reason"][keep, k, bi]),
                    "e2sfca": _floats(cells["score"][keep, k, bi]),
                }
            )
            for k, kind in enumerate(self.kinds)
            for bi, band in enumerate(BANDS)
        ]
        return pd.concat(rows, ignore_index=True)

    def geodata(self) -> gpd.GeoDataFrame:
        """``table()`` with each district's shape in EPSG:25832 (none for the outside group)."""
        table = self.table()
        shapes = self.districts.set_index("district_id").geometry
        geometry = [shapes.get(i) for i in table["district_id"]]
        return gpd.GeoDataFrame(table, geometry=geometry, crs=CRS)

    def to_geojson(self) -> str:
        """gaps.geojson: ``table()`` as features in EPSG:4326 (RFC 7946);
        suppressed values are null, and the outside group has no geometry."""
        frame = self.geodata().to_crs("EPSG:4326")
        plain = frame.drop(columns="geometry").astype(object)
        plain = plain.where(frame.drop(columns="geometry").notna(), None)
        out = gpd.GeoDataFrame(plain, geometry=frame.geometry, crs="EPSG:4326")
        return out.to_json(na="null", show_bbox=False, drop_id=True, to_wgs84=False)


def gap_analysis(
    dataset: Dataset,
    districts: gpd.GeoDataFrame | None = None,
    *,
    weights: Weights | None = None,
    band: str = "any",
    kinds: Sequence[str] = KINDS,
    modes: Sequence[str] = E2SFCA_MODES,
) -> GapAnalysis:
    """Coverage and E2SFCA per district, kind and time band.

    Parameters
    ----------
    districts
        District shapes (``district_id``, ``name``, geometry); by default the
        dataset's own, else a regular grid (``matcher.dataset.districts.districts_for``).
    weights
        The travel estimate and rules' parameters (default weights).
    band
        ``any``, ``day`` (sessions starting before 16:00) or ``evening``:
        the band of the contract's columns in ``table()``.
    kinds
        The kinds of next step to report, in column order.
    modes
        Modes of the built-in E2SFCA travel estimate (fastest counts).

    Raises
    ------
    InputError
        For an unknown band, kind or mode.
    """
    problems = []
    if band not in BANDS:
        problems.append(Problem("--band", None, None, f"'{band}' is not day or evening"))
    problems += [
        Problem("--kind", None, None, f"'{k}' is not one of {', '.join(KINDS)}")
        for k in kinds
        if k not in KINDS
    ]
    problems += [
        Problem("modes", None, None, f"'{m}' is not one of {', '.join(MODES)}")
        for m in modes
        if m not in MODES
    ]
    if problems:
        raise InputError(problems)
    w = weights or Weights.load()
    shapes = districts_for(dataset, districts).reset_index(drop=True)
    n = len(shapes)
    ids = np.append(shapes["district_id"].to_numpy(dtype=object), OUTSIDE)
    names = np.append(shapes["name"].to_numpy(dtype=object), OUTSIDE_NAME)
    p_pos = locate(dataset.patients.geometry, shapes)
    o_pos = locate(dataset.offers.geometry, shapes)
    p_group = np.where(p_pos >= 0, p_pos, n)
    o_group = np.where(o_pos >= 0, o_pos, n)
    p_xy = dataset.patients[["x", "y"]].to_numpy(dtype=float)
    centres = population_centres(shapes, p_xy, p_pos)
    model = MatchModel.from_dataset(dataset, w, district_of_patient=ids[p_group])
    served_p, reason_p = _patient_coverage(model, kinds)

    groups = n + 1
    k, b = len(kinds), len(BANDS)
    patients = np.bincount(p_group, minlength=groups)
    flat = (p_group[:, None, None] * k + np.arange(k)[None, :, None]) * b + np.arange(b)
    served = np.bincount(flat.ravel(), weights=served_p.ravel(), minlength=groups * k * b)
    served = served.reshape(groups, k, b).astype(np.int64)
    r = len(REASONS)
    unserved = reason_p >= 0
    tally = np.bincount(
        (flat * r + np.maximum(reason_p, 0))[unserved], minlength=groups * k * b * r
    ).reshape(groups, k, b, r)
    top = tally.argmax(axis=-1)
    reason = np.where(tally.max(axis=-1) > 0, np.array(REASONS, dtype=object)[top], "")

    minutes = centre_minutes(dataset, centres, ids[:n], w, modes)
    offer_kind = dataset.offers["kind"].to_numpy(dtype=object)
    sessions = dataset.sessions
    s_offer = (
        pd.Series(np.arange(len(dataset.offers)), index=dataset.offers["offer_id"].to_numpy())
        .reindex(sessions["offer_id"].to_numpy())
        .to_numpy(dtype=np.int64)
    )
    capacity = sessions["capacity"].to_numpy(dtype=float)
    offers_per_group = np.bincount(o_group, minlength=groups)
    demand = published_demand(ids, patients, offers_per_group)[:n]
    score = np.full((groups, k, b), np.nan)
    for ki, kind in enumerate(kinds):
        cols = offer_kind == kind
        for bi, name in enumerate(BANDS):
            in_band = band_mask(sessions["start_min"].to_numpy(), name)
            supply = np.bincount(
                s_offer[in_band], weights=capacity[in_band], minlength=len(offer_kind)
            )
            score[:n, ki, bi] = e2sfca(minutes[:, cols], demand, supply[cols])

    table = shapes[["district_id", "name", "geometry"]].copy()
    table["centre_x"], table["centre_y"] = centres[:, 0], centres[:, 1]
    return GapAnalysis(
        districts=table,
        kinds=tuple(kinds),
        band=band,
        group_ids=ids,
        group_names=names,
        patients=patients,
        offers=offers_per_group,
        served=served,
        reason=reason,
        score=score,
        reason_count=tally.max(axis=-1),
    )
