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

E2SFCA travel (``matcher.municipality.access``): the faster of walking and bus
from the centre, for ``home_visit`` the staff's drive by car; a
``travel_times.csv`` row whose ``origin_id`` is a district id replaces the
estimate for that pair. Patients outside every district are counted and
covered, but they have no catchment centre, so they get no E2SFCA score and
add no demand.

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
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..dataset.districts import population_centres
from ..dataset.export import write_csv, write_text
from ..dataset.load import Dataset, districts_for
from ..domain import KINDS, MODES
from ..errors import InputError
from ..geo import CRS, OUTSIDE, OUTSIDE_NAME, locate
from ..match.costs import RULES, MatchModel, block_size, evaluate
from ..match.weights import Weights
from ..words.problems import problem
from .access import (
    E2SFCA_MODES,
    E2SFCA_STEPS,
    PER_PATIENTS,
    centre_minutes,
    e2sfca,
    step_weights,
)
from .equity import hidden_outcomes
from .suppression import (
    MIN_COUNT,
    hidden_counts,
    listed_groups,
    published_demand,
    split_groups,
)

__all__ = [
    "BANDS",
    "E2SFCA_MODES",
    "E2SFCA_STEPS",
    "EVENING_FROM",
    "MIN_COUNT",
    "NO_SESSIONS",
    "PER_PATIENTS",
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


@dataclass(frozen=True)
class GapAnalysis:
    """Coverage and accessibility per district, kind and time band.

    Arrays have shape (groups, kinds, bands): groups are the districts in
    table order and, last, the ``OUTSIDE`` group; bands follow ``BANDS``.
    Counts here are exact: use ``table()``, ``long_table()``, ``to_geojson()``,
    ``summary()`` and ``write()`` for anything shown to a municipality
    (suppressed).
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
        return split_groups(self.group_ids, self.patients, self.offers)

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
        return listed_groups(self.group_ids, self.patients, self.offers)

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

    def summary(self) -> dict[str, Any]:
        """Plain data for JSON, suppressed like ``table()``: ``band``, ``kinds``,
        ``districts`` (the rows of ``table()``: every district, and the outside
        group when it has anyone) and per kind in ``coverage`` the number of
        districts whose served share is ``shown`` and the ``lowest`` shown share
        (``district_id``, ``name``, ``served_share``; None when none is shown)."""
        table = self.table()
        coverage: dict[str, dict[str, Any]] = {}
        for kind in self.kinds:
            share = table[f"served_share_{kind}"]
            shown = share.notna()
            lowest = None
            if shown.any():
                low = table[shown].loc[share[shown].astype(float).idxmin()]
                lowest = {
                    "district_id": str(low["district_id"]),
                    "name": str(low["name"]),
                    "served_share": float(low[f"served_share_{kind}"]),
                }
            coverage[kind] = {"shown": int(shown.sum()), "lowest": lowest}
        return {
            "band": self.band,
            "kinds": list(self.kinds),
            "districts": len(table),
            "coverage": coverage,
        }

    def write(self, directory: str | Path) -> tuple[Path, Path, Path]:
        """Write gaps.csv (``table()``), coverage.csv (``long_table()``) and
        gaps.geojson (``to_geojson()``) into ``directory``, each whole or not at
        all, text cells made safe for spreadsheets (``matcher.csvsafe``). The
        map picture, gaps.png, is ``matcher.municipality.gapmap.gaps_png``."""
        folder = Path(directory)
        paths = (folder / "gaps.csv", folder / "coverage.csv", folder / "gaps.geojson")
        table, long, geojson = self.table(), self.long_table(), self.to_geojson()
        write_csv(table, paths[0])
        write_csv(long, paths[1])
        write_text(paths[2], geojson)
        return paths


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
        problems.append(
            problem("--band", None, None, "'{value}' is not day or evening", value=band)
        )
    problems += [
        problem(
            "--kind",
            None,
            None,
            "'{value}' is not one of {options}",
            value=k,
            options=", ".join(KINDS),
        )
        for k in kinds
        if k not in KINDS
    ]
    problems += [
        problem(
            "modes",
            None,
            None,
            "'{value}' is not one of {options}",
            value=m,
            options=", ".join(MODES),
        )
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
