"""Where to add something: the best sites for a new activity.

A planner describes a new activity (kind, weekday and time, group size, fee,
...) and asks for the best ``k`` sites among candidates: existing venues and
district population centres. "Best" is the maximal covering location
problem: choose at most ``k`` sites so that as many currently unserved
patients as possible would have the new activity as an option. A patient is
served by a site when a session of the activity there would obey every rule
of a match for them (``matcher.match.costs.evaluate``, the same rules as the plan),
travel included.

Two doors, as in spopt: ``best_sites`` works from a dataset; ``solve_mclp``
(``matcher.municipality.mclp``) takes a plain coverage matrix and knows
nothing of geography. The model is
solved exactly with OR-Tools CP-SAT (one worker, fixed seed by default).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from ..dataset.districts import population_centres
from ..dataset.export import write_csv
from ..dataset.load import Dataset, districts_for
from ..dataset.schema import OFFERS, SESSIONS, FileSpec
from ..dataset.tables import language_codes
from ..domain import DIAGNOSES, INTENSITIES, KINDS, OFFER_GENDERS, WEEKDAYS, parse_clock
from ..errors import InputError, Problem
from ..geo import CRS, OUTSIDE, locate
from ..match.costs import MatchModel, block_size, evaluate
from ..match.weights import Weights
from ..words.notes import noted
from ..words.problems import problem
from .mclp import MclpSolution, solve_mclp

__all__ = [
    "MclpSolution",
    "NewActivity",
    "SiteChoice",
    "best_sites",
    "candidate_sites",
    "site_coverage",
    "solve_mclp",
]

_MIN_SHOWN = 5


@dataclass(frozen=True)
class NewActivity:
    """A new activity with one weekly session, to be placed at a site.

    Times are ``HH:MM``; ``fee_dkk_month`` in DKK per month; ``capacity``
    (places) defaults to ``group_size``. The other fields are the columns of
    offers.csv, with open defaults (all diagnoses, Danish, any gender, low
    intensity, a professional present).
    """

    kind: str
    weekday: str
    start: str
    end: str
    group_size: int
    fee_dkk_month: float = 0.0
    diagnoses: tuple[str, ...] = ("all",)
    languages: tuple[str, ...] = ("da",)
    gender: str = "any"
    intensity: str = "low"
    supervised: bool = True
    tags: tuple[str, ...] = ()
    capacity: int | None = None

    def problems(self) -> list[Problem]:
        """Everything wrong with the description, one problem per option."""
        found = []
        for option, value, known in (
            ("--kind", self.kind, KINDS),
            ("--weekday", self.weekday, WEEKDAYS),
        ):
            if value not in known:
                found.append(_not_one_of(option, value, known))
        clock = {}
        for option in ("start", "end"):
            text = getattr(self, option)
            try:
                clock[option] = parse_clock(text, allow_24=option == "end")
            except ValueError as exc:
                found.append(_clock_problem(f"--{option}", text, str(exc)))
        if len(clock) == 2 and clock["start"] >= clock["end"]:
            found.append(
                problem(
                    "--end",
                    None,
                    None,
                    "{end} is not after {start}",
                    end=self.end,
                    start=self.start,
                )
            )
        if not 1 <= self.group_size <= _MAX_GROUP:  # the limits of offers.csv
            found.append(
                problem(
                    "--group-size",
                    None,
                    None,
                    "must be at least 1 and at most {high:,g}",
                    high=_MAX_GROUP,
                )
            )
        if not 0 <= self.fee_dkk_month <= _MAX_FEE:  # also refuses NaN
            found.append(
                problem(
                    "--fee",
                    None,
                    None,
                    "must be at least 0 DKK and at most {high:,g} DKK",
                    high=_MAX_FEE,
                )
            )
        if self.capacity is not None and not 1 <= self.capacity <= _MAX_CAPACITY:
            found.append(
                problem(
                    "--capacity",
                    None,
                    None,
                    "must be at least 1 and at most {high:,g}",
                    high=_MAX_CAPACITY,
                )
            )
        for option, value, known in (
            ("--gender", self.gender, OFFER_GENDERS),
            ("--intensity", self.intensity, INTENSITIES),
        ):
            if value not in known:
                found.append(_not_one_of(option, value, known))
        unknown = [d for d in self.diagnoses if d not in (*DIAGNOSES, "all")]
        if unknown:
            found.append(
                problem(
                    "--diagnoses", None, None, "unknown: {diagnoses}", diagnoses=", ".join(unknown)
                )
            )
        elif not self.diagnoses:
            found.append(problem("--diagnoses", None, None, "unknown: none given"))
        if not self.languages:
            found.append(
                problem(
                    "--languages", None, None, "give at least one language (ISO 639-1, e.g. da)"
                )
            )
        wrong = [code for code in self.languages if code not in language_codes()]
        if wrong:
            found.append(
                problem(
                    "--languages",
                    None,
                    None,
                    "'{value}' is not a language code of ISO 639-1 (e.g. da, en)",
                    value=wrong[0],
                )
            )
        return found


def _not_one_of(option: str, value: str, known: tuple[str, ...]) -> Problem:
    options = ", ".join(known)
    return problem(
        option, None, None, "'{value}' is not one of {options}", value=value, options=options
    )


def _clock_problem(option: str, text: str, said: str) -> Problem:
    """The domain's ``said`` about a clock time ``text``, keyed by its template."""
    if said.endswith("(HH:MM)"):
        return problem(option, None, None, "'{text}' is not a time of day (HH:MM)", text=text)
    return problem(
        option, None, None, "'{text}' is not a time of day (HH:MM, 00:00-23:59)", text=text
    )


def _largest(spec: FileSpec, column: str) -> float:
    """The largest value the data contract allows in ``column`` of ``spec``."""
    value = spec.column(column).maximum
    assert value is not None, column
    return value


_MAX_GROUP = _largest(OFFERS, "group_size")
_MAX_FEE = _largest(OFFERS, "fee_dkk_month")
_MAX_CAPACITY = _largest(SESSIONS, "capacity")


def candidate_sites(dataset: Dataset, districts: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Candidate sites: every distinct venue, then every district's population centre.

    Returns
    -------
    DataFrame
        ``candidate_id`` (``venue:<offer_id>`` or ``district:<district_id>``),
        ``name``, ``source`` (``venue`` or ``district``), ``offer_id`` (the
        venue's first offer, so ``travel_times.csv`` rows for it apply; empty
        for a centre), ``x``, ``y`` (EPSG:25832 metres).
    """
    offers = dataset.offers
    spot = np.round(offers[["x", "y"]].to_numpy(dtype=float))
    _, first = np.unique(spot, axis=0, return_index=True)
    venues = offers.iloc[np.sort(first)]
    address = venues["address"] if "address" in venues.columns else venues["name"]
    label = np.where(address.fillna("") != "", address, venues["name"])
    shapes = districts_for(dataset, districts).reset_index(drop=True)
    pos = locate(dataset.patients.geometry, shapes)
    centres = population_centres(shapes, dataset.patients[["x", "y"]].to_numpy(float), pos)
    return pd.DataFrame(
        {
            "candidate_id": [f"venue:{o}" for o in venues["offer_id"]]
            + [f"district:{d}" for d in shapes["district_id"]],
            "name": [f"{a} ({n})" for a, n in zip(label, venues["name"], strict=True)]
            + [f"{n} (district centre)" for n in shapes["name"]],
            "source": ["venue"] * len(venues) + ["district"] * len(shapes),
            "offer_id": list(venues["offer_id"]) + [""] * len(shapes),
            "x": np.concatenate([venues["x"].to_numpy(float), centres[:, 0]]),
            "y": np.concatenate([venues["y"].to_numpy(float), centres[:, 1]]),
        }
    )


def _hypothetical(dataset: Dataset, activity: NewActivity, sites: pd.DataFrame) -> Dataset:
    """The dataset with one offer of ``activity`` per site, one session each."""
    n = len(sites)
    ids = np.where(sites["offer_id"] != "", sites["offer_id"], sites["candidate_id"])
    where = gpd.points_from_xy(sites["x"], sites["y"], crs=CRS)
    lonlat = where.to_crs("EPSG:4326")
    offers = gpd.GeoDataFrame(
        {
            "offer_id": ids,
            "name": sites["name"].to_numpy(),
            "kind": activity.kind,
            "provider": "",
            "lat": lonlat.y,
            "lon": lonlat.x,
            "diagnoses": [tuple(activity.diagnoses)] * n,
            "languages": [tuple(activity.languages)] * n,
            "gender": activity.gender,
            "group_size": activity.group_size,
            "intensity": activity.intensity,
            "supervised": activity.supervised,
            "fee_dkk_month": float(activity.fee_dkk_month),
            "tags": [tuple(activity.tags)] * n,
            "x": sites["x"].to_numpy(float),
            "y": sites["y"].to_numpy(float),
        },
        geometry=where,
        crs=CRS,
    )
    start = parse_clock(activity.start)
    end = parse_clock(activity.end, allow_24=True)
    first = dataset.patients["discharge_date"].min() if len(dataset.patients) else pd.Timestamp(0)
    sessions = pd.DataFrame(
        {
            "session_id": [f"new:{i}" for i in ids],
            "offer_id": ids,
            "weekday": activity.weekday,
            "day": WEEKDAYS.index(activity.weekday),
            "start": activity.start,
            "start_min": start,
            "end": activity.end,
            "end_min": end,
            "capacity": activity.capacity or activity.group_size,
            "first_date": pd.Timestamp(first),
            "weeks": 0,
        }
    )
    return dataset.replace(offers=offers, sessions=sessions, staff=None, candidates=None)


def site_coverage(
    dataset: Dataset,
    activity: NewActivity,
    sites: pd.DataFrame,
    patients: np.ndarray,
    weights: Weights | None = None,
    district_of_patient: np.ndarray | None = None,
) -> np.ndarray:
    """Which patients (rows, positions in ``dataset.patients``) the activity
    at each site (columns, rows of ``sites``) would serve: every rule holds."""
    patients = np.asarray(patients, dtype=np.int64)
    out = np.zeros((len(patients), len(sites)), dtype=bool)
    if len(patients) == 0 or len(sites) == 0:
        return out
    model = MatchModel.from_dataset(
        _hypothetical(dataset, activity, sites), weights, district_of_patient=district_of_patient
    )
    step = block_size(model)
    for lo in range(0, len(patients), step):
        out[lo : lo + step] = evaluate(model, patients[lo : lo + step]).feasible
    return out


@dataclass(frozen=True)
class SiteChoice:
    """The chosen sites for a new activity and whom they would serve.

    ``sites`` has one row per chosen site: ``candidate_id, name, source, x,
    y`` (EPSG:25832 metres), ``lat, lon``, ``serves`` (currently unserved
    patients the site would serve) and ``only_here`` (of those, the ones no
    other chosen site serves). Counts are exact here; ``table()`` and
    ``shown_covered()`` suppress them for a municipality.
    """

    activity: NewActivity
    sites: pd.DataFrame
    unserved: int  # patients without an option now
    covered: int  # of them, served by at least one chosen site
    candidates: int
    optimal: bool
    status: str
    notes: tuple[str, ...] = field(default=())

    def _hidden(self) -> tuple[np.ndarray, np.ndarray, bool]:
        """Which ``serves`` and ``only_here`` counts, and whether ``covered``, to hide.

        A count shows only when it is at least 5, and ``serves`` and ``covered``
        also only when the patients without an option that they leave out
        (``unserved`` less them) number at least 5, as for a share; a site's
        ``only_here`` also only when the patients it shares with another
        chosen site (``serves`` less ``only_here``) number at least 5. The
        figures depend on each other (with two sites, one site's ``only_here``
        is ``covered`` less the other's ``serves``; with one site all three are
        one number): when any of them is hidden, every ``only_here`` and
        ``covered`` are hidden too, so none follows from the rest.
        """
        serves = self.sites["serves"].to_numpy(dtype=np.int64)
        only = self.sites["only_here"].to_numpy(dtype=np.int64)
        hide_serves = (serves < _MIN_SHOWN) | (self.unserved - serves < _MIN_SHOWN)
        hide_only = only < _MIN_SHOWN
        if len(serves) > 1:
            hide_only |= serves - only < _MIN_SHOWN
        hide_covered = self.covered < _MIN_SHOWN or self.unserved - self.covered < _MIN_SHOWN
        if hide_serves.any() or hide_only.any() or hide_covered:
            hide_only[:] = True
            hide_covered = True
            if len(serves) == 1:
                hide_serves[:] = True
        return hide_serves, hide_only, bool(hide_covered)

    def table(self) -> pd.DataFrame:
        """``sites`` for a municipality: counts below 5, and those that would let a
        hidden one be worked out, left empty (see ``shown_covered``)."""
        out = self.sites.drop(columns=["x", "y"]).copy()
        hide_serves, hide_only, _ = self._hidden()
        for column, hide in (("serves", hide_serves), ("only_here", hide_only)):
            out[column] = out[column].astype("Int64").where(~hide)
        return out

    def shown_covered(self) -> int | None:
        """``covered`` for a municipality, or None when it is hidden: below 5,
        fewer than 5 from ``unserved``, or with a site's count hidden (it would
        give that count away by subtraction)."""
        return None if self._hidden()[2] else self.covered

    def summary(self) -> dict[str, Any]:
        """Plain data for JSON, suppressed like ``table()``: the ``activity``,
        the number of ``candidates``, the chosen ``sites`` (rows of ``table()``,
        a hidden count as None), ``unserved`` (None below 5), ``covered``
        (``shown_covered()``), ``optimal``, ``status`` and ``notes``."""
        activity = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self.activity).items()
        }
        table = self.table().astype(object)
        sites = table.where(table.notna(), None).to_dict(orient="records")
        return {
            "activity": activity,
            "candidates": int(self.candidates),
            "sites": [{str(k): _plain(v) for k, v in row.items()} for row in sites],
            "unserved": self.unserved if self.unserved >= _MIN_SHOWN else None,
            "covered": self.shown_covered(),
            "optimal": bool(self.optimal),
            "status": self.status,
            "notes": list(self.notes),
        }

    def write(self, path: str | Path) -> Path:
        """Write ``table()`` as CSV to ``path`` (what ``brobygger sites --out``
        writes), whole or not at all, text cells made safe for spreadsheets
        (``matcher.csvsafe``); a hidden count is an empty cell."""
        target = Path(path)
        write_csv(self.table(), target)
        return target


def _plain(value: Any) -> Any:
    """A table cell as a Python value (numpy numbers as ``int`` or ``float``)."""
    return value.item() if isinstance(value, np.generic) else value


def best_sites(
    dataset: Dataset,
    activity: NewActivity,
    k: int = 3,
    *,
    districts: gpd.GeoDataFrame | None = None,
    weights: Weights | None = None,
    among: Literal["kind", "any"] = "kind",
    sites: pd.DataFrame | None = None,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
) -> SiteChoice:
    """The best ``k`` sites for ``activity`` (maximal covering location).

    Parameters
    ----------
    districts
        For district centres as candidates (default: the dataset's own, else
        a grid; see ``matcher.dataset.districts.districts_for``).
    among
        Whom to serve: patients with no option of the activity's kind now
        (``kind``), or with no option at all (``any``).
    sites
        Candidate sites (``candidate_sites`` columns); by default every venue
        and district centre.

    Raises
    ------
    InputError
        When the activity's description or ``k`` is wrong.
    """
    problems = activity.problems()
    if k < 1:
        problems.append(problem("--k", None, None, "must be at least 1"))
    if among not in ("kind", "any"):
        problems.append(problem("among", None, None, "'{value}' is not kind or any", value=among))
    if problems:
        raise InputError(problems)
    w = weights or Weights.load()
    shapes = districts_for(dataset, districts).reset_index(drop=True)
    pos = locate(dataset.patients.geometry, shapes)
    ids = np.append(shapes["district_id"].to_numpy(dtype=object), OUTSIDE)[
        np.where(pos >= 0, pos, len(shapes))
    ]
    candidates = candidate_sites(dataset, shapes) if sites is None else sites.reset_index(drop=True)
    current = MatchModel.from_dataset(dataset, w, district_of_patient=ids)
    kind_of_session = np.array(KINDS)[current.o_kind[current.s_offer]]
    relevant = (
        kind_of_session == activity.kind
        if among == "kind"
        else np.ones_like(kind_of_session, dtype=bool)
    )
    has = np.zeros(current.n_patients, dtype=bool)
    step = block_size(current)
    for lo in range(0, current.n_patients, step):
        rows = np.arange(lo, min(current.n_patients, lo + step))
        has[rows] = evaluate(current, rows).feasible[:, relevant].any(axis=1)
    pool = np.flatnonzero(~has & ~current.p_escalate)  # escalated: a person acts first
    cover = site_coverage(dataset, activity, candidates, pool, w, ids)
    solution = solve_mclp(cover, k, time_limit=time_limit, workers=workers, seed=seed)
    chosen = candidates.iloc[solution.chosen].reset_index(drop=True)
    picked = cover[:, solution.chosen]
    lonlat = gpd.points_from_xy(chosen["x"], chosen["y"], crs=CRS).to_crs("EPSG:4326")
    table = chosen[["candidate_id", "name", "source", "x", "y"]].copy()
    table["lat"], table["lon"] = np.round(lonlat.y, 6), np.round(lonlat.x, 6)
    table["serves"] = picked.sum(axis=0)
    table["only_here"] = (picked & (picked.sum(axis=1) == 1)[:, None]).sum(axis=0)
    notes = []
    if len(solution.chosen) < k:
        notes.append(
            noted(
                "only {n} site(s) serve anyone new; more sites would add nobody",
                n=len(solution.chosen),
            )
        )
    return SiteChoice(
        activity=activity,
        sites=table,
        unserved=len(pool),
        covered=int(solution.covered.sum()),
        candidates=len(candidates),
        optimal=solution.optimal,
        status=solution.status,
        notes=tuple(notes),
    )
