"""No hidden count can be worked out from what a municipality is shown.

An attacker, written apart from Brobygger's own hiding code, reads every table
published to a municipality (gaps.csv, coverage.csv, gaps.geojson, the app's
coverage, equity and new-site tables, ``brobygger sites`` and its CSV), takes
as hidden whatever cell is empty there, and tries to compute each hidden
count from the published figures and what a municipality knows besides: the
number of patients, the number with an option of each kind and time of day,
the number placed, the places of every offer and the travel times.

Counts and shares are handled exactly: every published figure becomes a
constraint on whole numbers (a share rounded to 3 decimals bounds its served
count, a column total less the shown cells bounds the hidden ones, a shown
reason says at least 5 have no option, a site's count is the sum of the
regions of the sites' overlap, "fewer than 5" says at most 4) and OR-Tools
CP-SAT is asked whether the hidden count could be anything but its true
value. If it could not, the count is recovered and the test names the
table, the cell and the rule that gave it away. E2SFCA scores are attacked
with the scores' own algebra: supply / score for a district alone at its
offers, and the linear system the scores of the districts with known counts
give over the hidden ones.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from builders import build, offer, session
from gaps_support import CX, CY, at, people
from ortools.sat.python import cp_model
from shapely.geometry import box
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.domain import KINDS
from matcher.geo import CRS, OUTSIDE
from matcher.match.weights import Weights
from matcher.municipality.gaps import (
    BANDS,
    GapAnalysis,
    band_mask,
    centre_minutes,
    gap_analysis,
    step_weights,
)
from matcher.municipality.siting import NewActivity, SiteChoice, best_sites

RUNNER = CliRunner()
#: The new activity asked of ``brobygger sites`` and the app (k = 3).
ACTIVITIES = (
    NewActivity("association", "tue", "17:00", "18:30", 10),
    NewActivity("exit_team", "wed", "10:00", "11:30", 8),
)
#: (patients, offers, seed) of the generated datasets: small, so many counts are small.
GENERATED = (
    (60, 20, 1), (40, 12, 2), (30, 10, 3), (80, 16, 4), (25, 8, 5), (120, 24, 6), (50, 14, 7),
    (200, 30, 8), (15, 6, 9),
)  # fmt: skip


# --------------------------------------------------------------------- the solver


@dataclass
class Target:
    """A hidden count: where it is shown empty, its expression, its true value."""

    table: str
    cell: str
    expr: Any
    truth: int


@dataclass
class Attack:
    """Published figures as constraints on whole numbers, per family of rule."""

    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    targets: list[Target] = field(default_factory=list)
    truths: list[tuple[Any, int]] = field(default_factory=list)

    def var(self, name: str, hi: int, truth: int) -> Any:
        v = self.model.new_int_var(0, max(int(hi), int(truth)), name)
        self.truths.append((v, int(truth)))
        return v


def fixed_targets(attack: Attack) -> list[Target]:
    """The targets whose value no assignment obeying every constraint can change."""
    model = attack.model
    true = model.new_bool_var("true figures")
    for v, t in attack.truths:  # the true figures must obey the attacker's constraints
        model.add(v == t).only_enforce_if(true)
    model.add_assumptions([true])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10.0
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE), (
        "the attacker's constraints reject the true figures"
    )
    targets = attack.targets
    open_ = list(range(len(targets)))
    rng = np.random.default_rng(0)
    for _ in range(8):  # far-apart assignments first: each moves many targets at once
        if not open_:
            break
        model.clear_assumptions()
        signs = rng.choice([-1, 1], size=len(open_))
        model.maximize(sum(int(w) * targets[j].expr for w, j in zip(signs, open_, strict=True)))
        if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            open_ = [j for j in open_ if solver.value(targets[j].expr) == targets[j].truth]
    model.clear_objective()
    fixed = []
    while open_:
        i = open_.pop(0)
        target = attack.targets[i]
        lit = model.new_bool_var(f"other_{i}")
        model.add(target.expr != target.truth).only_enforce_if(lit)
        model.clear_assumptions()
        model.add_assumptions([lit])
        status = solver.solve(model)
        model.add_bool_or([~lit])  # this target's question is answered
        if status == cp_model.INFEASIBLE:
            fixed.append(target)
            continue
        assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE), status
        # every other target that this assignment moves is not fixed either
        open_ = [
            j for j in open_ if solver.value(attack.targets[j].expr) == attack.targets[j].truth
        ]
    return fixed


def recoveries(
    build_attack: Callable[[frozenset[str]], Attack], families: Iterable[str]
) -> list[str]:
    """Every recovered hidden count as 'table: cell = value: rule', the rule being
    the first single family, or pair of families, of published figures that
    gives it away (else all of them together)."""
    families = tuple(families)
    every = fixed_targets(build_attack(frozenset(families)))
    if not every:
        return []
    subsets = [*itertools.combinations(families, 1), *itertools.combinations(families, 2)]
    found = {(t.table, t.cell): (t, " and ".join(families)) for t in every}
    named: set[tuple[str, str]] = set()
    for chosen in subsets:
        if len(named) == len(found):
            break
        for t in fixed_targets(build_attack(frozenset(chosen))):
            key = (t.table, t.cell)
            if key in found and key not in named:
                found[key] = (t, " and ".join(chosen))
                named.add(key)
    return [f"{t.table}: {t.cell} = {t.truth}: {rule}" for t, rule in found.values()]


def share_bounds(attack: Attack, part: Any, whole: Any, share: float) -> None:
    """A share rounded to 3 decimals: |part / whole - share| <= 0.0005."""
    q = round(share * 1000)
    attack.model.add(2000 * part - 2 * q * whole <= whole)
    attack.model.add(2000 * part - 2 * q * whole >= -whole)


# ---------------------------------------------------------- what was published


def shown(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass
class GapFigures:
    """One table's published gap figures, keyed by district id (and kind, band)."""

    table: str
    patients: dict[str, float | None]
    share: dict[tuple[str, str, str], float | None]
    score: dict[tuple[str, str, str], float | None]
    reason: dict[tuple[str, str, str], str | None]


def wide_figures(table: str, frame: pd.DataFrame) -> GapFigures:
    """gaps.csv or the gaps.geojson properties (band ``any`` with _day and _evening columns)."""
    figures = GapFigures(table, {}, {}, {}, {})
    for _, row in frame.iterrows():
        d = str(row["district_id"])
        figures.patients[d] = shown(row["patients"])
        for kind in KINDS:
            for band, tail in (("any", ""), ("day", "_day"), ("evening", "_evening")):
                figures.share[(d, kind, band)] = shown(row[f"served_share_{kind}{tail}"])
                figures.score[(d, kind, band)] = shown(row[f"e2sfca_{kind}{tail}"])
            reason = row[f"reason_{kind}"]
            figures.reason[(d, kind, "any")] = None if pd.isna(reason) else str(reason)
    return figures


def long_figures(table: str, frame: pd.DataFrame) -> GapFigures:
    """coverage.csv or the app's coverage table (one row per district, kind and band)."""
    figures = GapFigures(table, {}, {}, {}, {})
    for _, row in frame.iterrows():
        d, key = str(row["district_id"]), (str(row["district_id"]), row["kind"], row["band"])
        figures.patients[d] = shown(row["patients"])
        figures.share[key] = shown(row["served_share"])
        figures.score[key] = shown(row["e2sfca"])
        figures.reason[key] = None if pd.isna(row["reason"]) else str(row["reason"])
    return figures


@dataclass
class Truth:
    """What the municipality knows besides the tables, and the true counts."""

    analysis: GapAnalysis
    dataset: Any

    def patients(self, d: str) -> int:
        return int(self.analysis.patients[list(self.analysis.group_ids).index(d)])

    def served(self, d: str, kind: str, band: str) -> int:
        g = list(self.analysis.group_ids).index(d)
        return int(self.analysis.served[g, KINDS.index(kind), BANDS.index(band)])


# ------------------------------------------------------------- the gap tables


def gap_attack(
    figures: GapFigures, truth: Truth, families: frozenset[str], attack: Attack
) -> dict[str, Any]:
    """Constraints of one gap table; returns the district count variables."""
    a = truth.analysis
    total = int(a.patients.sum())
    ids = list(figures.patients)
    count = {}
    for d in ids:
        count[d] = attack.var(f"P_{d}", total, truth.patients(d))
        if figures.patients[d] is not None:
            attack.model.add(count[d] == int(figures.patients[d]))
        elif d == OUTSIDE and truth.patients(d) == 0:
            attack.model.add(count[d] == 0)  # the map says that nobody lives outside
        else:
            attack.targets.append(
                Target(figures.table, f"patients of {d}", count[d], truth.patients(d))
            )
    if "the total number of patients" in families:
        attack.model.add(sum(count.values()) == total)
    for kind, band in itertools.product(KINDS, BANDS):
        g = KINDS.index(kind), BANDS.index(band)
        with_option = int(a.served[:, g[0], g[1]].sum())
        # when nobody (or everybody) has an option of the kind at that time, every
        # district's count follows from that total alone, which no table cell holds:
        # the catalogue (no session of the kind) or the number without an option says it
        everyone = with_option in (0, total)
        served = {}
        for d in ids:
            served[d] = attack.var(f"S_{d}_{kind}_{band}", total, truth.served(d, kind, band))
            attack.model.add(served[d] <= count[d])
            share = figures.share.get((d, kind, band))
            if share is not None and "shares (share x count, count / share)" in families:
                share_bounds(attack, served[d], count[d], share)
            if (
                figures.reason.get((d, kind, band))
                and "reasons (at least 5 without an option)" in families
            ):
                attack.model.add(count[d] - served[d] >= 5)
            if share is None and not everyone and not (d == OUTSIDE and truth.patients(d) == 0):
                s, p = truth.served(d, kind, band), truth.patients(d)
                where = f"{kind} {band} of {d}"
                attack.targets.append(Target(figures.table, f"served {where}", served[d], s))
                attack.targets.append(
                    Target(figures.table, f"without an option {where}", count[d] - served[d], p - s)
                )
        if "the number with an option per kind and time of day" in families:
            attack.model.add(sum(served.values()) == with_option)
    return count


GAP_FAMILIES = (
    "the total number of patients",
    "the number with an option per kind and time of day",
    "shares (share x count, count / share)",
    "reasons (at least 5 without an option)",
)


def gap_recoveries(figures: GapFigures, truth: Truth) -> list[str]:
    def make(families: frozenset[str]) -> Attack:
        attack = Attack()
        gap_attack(figures, truth, families, attack)
        return attack

    return recoveries(make, GAP_FAMILIES)


def score_recoveries(figures: GapFigures, truth: Truth) -> list[str]:
    """E2SFCA algebra: P = 1000 x supply / score for a district alone at its offers,
    and the hidden counts the shown scores of the other districts determine."""
    a, ds = truth.analysis, truth.dataset
    n = len(a.districts)
    ids = [str(d) for d in a.group_ids[:n]]
    centres = a.districts[["centre_x", "centre_y"]].to_numpy(dtype=float)
    minutes = centre_minutes(ds, centres, a.group_ids[:n], Weights.load())
    weight = step_weights(minutes)
    sessions = ds.sessions
    offer_ids = ds.offers["offer_id"].tolist()
    found = []
    # The hidden districts' total is the municipality's patients less the shown
    # counts; spread evenly over them it is what the README says the scores use
    # for a hidden district. A count worked out to be that mean is no news from
    # the scores, whatever the true count; any other value that is the true count is.
    cells = [d for d in figures.patients if not (d == OUTSIDE and truth.patients(d) == 0)]
    empty = [d for d in cells if figures.patients[d] is None]
    rest = int(truth.analysis.patients.sum()) - sum(figures.patients[d] or 0 for d in cells)
    mean = rest / len(empty) if empty else None

    def check(d: str, value: float, rule: str, kind: str, band: str) -> None:
        near = round(value)
        if mean is not None and abs(value - mean) < 0.02:
            return
        if abs(value - near) < 0.02 and near == truth.patients(d):
            found.append(f"{figures.table}: patients of {d} = {near}: {rule} ({kind}, {band})")

    for kind, band in itertools.product(KINDS, BANDS):
        cols = (ds.offers["kind"] == kind).to_numpy()
        in_band = band_mask(sessions["start_min"].to_numpy(), band)
        per_offer = sessions[in_band].groupby("offer_id")["capacity"].sum()
        supply = np.array([per_offer.get(o, 0.0) for o in offer_ids], dtype=float)[cols]
        w = weight[:, cols] * (supply > 0)[None, :]
        known = {d: figures.patients.get(d) for d in ids}
        hidden = [i for i, d in enumerate(ids) if known[d] is None]
        scores = {i: figures.score.get((d, kind, band)) for i, d in enumerate(ids)}
        for h in hidden:
            reach = w[h] > 0
            score = scores[h]
            if not reach.any() or not score:
                continue
            others = [
                i for i in range(n) if i != h and (w[i, reach] > 0).any() and known[ids[i]] != 0
            ]
            if not others:
                check(ids[h], 1000 * supply[reach].sum() / score, "supply / score", kind, band)
        rows = [i for i in range(n) if scores[i] is not None]
        used = np.flatnonzero(w.any(axis=0))
        if not rows or not len(used) or not hidden:
            continue
        wr = w[np.ix_(rows, used)]
        ratio = np.linalg.lstsq(wr, np.array([scores[i] for i in rows]) / 1000, rcond=None)[0]
        _, sv, vt = np.linalg.svd(wr)
        free = vt[(sv > 1e-9).sum() :]
        determined = [
            j
            for j in range(len(used))
            if ratio[j] > 1e-9 and np.abs(free[:, j]).max(initial=0) < 1e-9
        ]
        if not determined:
            continue
        # offer j's weighted demand is supply / ratio; the known districts' part is known
        demand = supply[used[determined]] / ratio[determined]
        known_part = sum(
            w[i, used[determined]] * known[ids[i]] for i in range(n) if known[ids[i]] is not None
        )
        coef = w[np.ix_(hidden, used[determined])].T
        rest = demand - known_part
        solution = np.linalg.lstsq(coef, rest, rcond=None)[0]
        if np.abs(coef @ solution - rest).max(initial=0) > 0.05 * max(1.0, np.abs(rest).max()):
            continue  # the scores do not fit these demands: nothing certain
        _, sv, vt = np.linalg.svd(coef)
        free = vt[(sv > 1e-9).sum() :]
        for pos, h in enumerate(hidden):
            if np.abs(free[:, pos]).max(initial=0) < 1e-9:
                check(
                    ids[h],
                    solution[pos],
                    "scores of the districts that share its offers",
                    kind,
                    band,
                )
    return found


# ----------------------------------------------------------------- the equity table

EQUITY_FAMILIES = (
    "the total number of patients and placed",
    "shares (share x count, count / share)",
)


def equity_attack(
    table: str,
    published: pd.DataFrame,
    exact: pd.DataFrame,
    families: frozenset[str],
    attack: Attack,
) -> dict[str, Any]:
    """Constraints of the equity table; returns the district dimension's count variables."""
    total = int(exact[exact["dimension"] == "gender"]["patients"].sum())
    placed_total = int(exact[exact["dimension"] == "gender"]["placed"].sum())
    districts = {}
    # each dimension splits the patients, and so does each vulnerability flag (X / not X)
    split = published["dimension"] + np.where(
        published["dimension"] == "vulnerability",
        ": " + published["group"].astype(str).str.removeprefix("not "),
        "",
    )
    # A split into one group is the municipality's total, and with nobody (or everybody)
    # placed every group's placed count follows from that total: the plan's summary
    # says those, not a cell of this table, so they are no hidden cell to recover
    whole = placed_total in (0, total)
    for _, rows in published.groupby(split, sort=False):
        dimension = rows["dimension"].iloc[0]
        truths = exact[exact["dimension"] == dimension].set_index("group")
        alone = len(rows) == 1
        counts, placed = [], []
        for _, row in rows.iterrows():
            g, t = row["group"], truths.loc[row["group"]]
            p = attack.var(f"E_{dimension}_{g}", total, int(t["patients"]))
            q = attack.var(f"Q_{dimension}_{g}", total, int(t["placed"]))
            attack.model.add(q <= p)
            where = f"{dimension} = {g}"
            if shown(row["patients"]) is not None:
                attack.model.add(p == int(row["patients"]))
            elif not alone:
                attack.targets.append(Target(table, f"patients of {where}", p, int(t["patients"])))
            if shown(row["placed"]) is not None:
                attack.model.add(q == int(row["placed"]))
            elif not (alone or whole):
                attack.targets.append(Target(table, f"placed of {where}", q, int(t["placed"])))
                attack.targets.append(
                    Target(table, f"not placed of {where}", p - q, int(t["patients"] - t["placed"]))
                )
            share = shown(row["share_placed"])
            if share is not None and "shares (share x count, count / share)" in families:
                share_bounds(attack, q, p, share)
            counts.append(p)
            placed.append(q)
            if dimension == "district":
                districts[g] = p
        if "the total number of patients and placed" in families:
            attack.model.add(sum(counts) == total)
            attack.model.add(sum(placed) == placed_total)
    return districts


def equity_recoveries(table: str, published: pd.DataFrame, exact: pd.DataFrame) -> list[str]:
    def make(families: frozenset[str]) -> Attack:
        attack = Attack()
        equity_attack(table, published, exact, families, attack)
        return attack

    return recoveries(make, EQUITY_FAMILIES)


def joint_recoveries(
    gaps: GapFigures, truth: Truth, published: pd.DataFrame, exact: pd.DataFrame
) -> list[str]:
    """The equity table and gaps.csv together: a district's patients are one number."""
    names = dict(zip(truth.analysis.group_ids, truth.analysis.group_names, strict=True))
    table = f"equity table with {gaps.table}"

    def make(families: frozenset[str]) -> Attack:
        attack = Attack()
        gap_counts = gap_attack(
            GapFigures(table, gaps.patients, gaps.share, gaps.score, gaps.reason),
            truth,
            frozenset(f for f in families if f in GAP_FAMILIES),
            attack,
        )
        equity_counts = equity_attack(
            table, published, exact, frozenset(f for f in families if f in EQUITY_FAMILIES), attack
        )
        for d, var in gap_counts.items():
            group = "outside" if d == OUTSIDE else names[d]
            if group in equity_counts:
                attack.model.add(var == equity_counts[group])
        return attack

    return recoveries(make, (*GAP_FAMILIES, *EQUITY_FAMILIES))


# --------------------------------------------------------------------- the sites


@dataclass
class SiteFigures:
    """Published site figures: per site serves and only_here, the total served,
    the patients without an option; a number, None (hidden) or 'fewer than 5'."""

    table: str
    serves: list[Any]
    only_here: list[Any]
    covered: Any
    unserved: Any


def site_recoveries(figures: SiteFigures, choice: SiteChoice, cover: np.ndarray) -> list[str]:
    """Sites' counts are sums of the regions of their overlap (each chosen site
    serves someone no other serves: the covering model adds no useless site)."""
    k = len(figures.serves)
    serves = choice.sites["serves"].astype(int).tolist()
    only = choice.sites["only_here"].astype(int).tolist()

    def make(families: frozenset[str]) -> Attack:
        attack = Attack()
        m = attack.model
        unserved = choice.unserved
        sizes = region_sizes(cover)  # the true size of each region of the overlap
        var = {mask: attack.var(f"R_{mask}", unserved, size) for mask, size in sizes.items()}
        u = attack.var("U", max(unserved, 4), unserved)
        site_serves = [sum(var[m_] for m_ in var if m_ >> i & 1) for i in range(k)]
        site_only = [var[1 << i] for i in range(k)]
        covered = sum(var.values())
        m.add(covered <= u)
        if "the sites' overlap" in families:
            for i in range(k):
                m.add(site_only[i] >= 1)

        def publish(name: str, expr: Any, value: Any, true: int) -> None:
            if value == "fewer than 5":
                if "the words printed" in families:
                    m.add(expr <= 4)
                attack.targets.append(Target(figures.table, name, expr, true))
            elif value is None:
                attack.targets.append(Target(figures.table, name, expr, true))
            else:
                m.add(expr == int(value))

        publish("patients without an option", u, figures.unserved, unserved)
        publish("served by the chosen sites", covered, figures.covered, choice.covered)
        for i in range(k):
            publish(f"serves of site {i + 1}", site_serves[i], figures.serves[i], serves[i])
            publish(f"only here of site {i + 1}", site_only[i], figures.only_here[i], only[i])
        return attack

    return recoveries(make, ("the sites' overlap", "the words printed"))


def region_sizes(cover: np.ndarray) -> dict[int, int]:
    """Patients per region of the chosen sites' overlap (exact, from the coverage:
    one row per patient without an option, one column per chosen site)."""
    k = cover.shape[1]
    masks = (cover * (1 << np.arange(k))[None, :]).sum(axis=1)
    return {mask: int((masks == mask).sum()) for mask in range(1, 2**k)}


def exact_sites(dataset: Any, activity: NewActivity) -> tuple[SiteChoice, np.ndarray]:
    """The choice ``brobygger sites`` makes, and whom each chosen site serves (the truth)."""
    import matcher.municipality.siting as siting

    kept: list[np.ndarray] = []
    solve = siting.solve_mclp

    def spy(cover: np.ndarray, *args: Any, **kwargs: Any) -> Any:
        solution = solve(cover, *args, **kwargs)
        kept.append(np.asarray(cover)[:, solution.chosen])
        return solution

    siting.solve_mclp = spy
    try:
        choice = best_sites(dataset, activity, 3, time_limit=30.0, seed=0)
    finally:
        siting.solve_mclp = solve
    return choice, kept[-1]


def parse_count(text: str) -> Any:
    text = text.strip()
    if text == "hidden":
        return None
    if text == "fewer than 5":
        return text
    return int(text)


def cli_sites(directory: Path, activity: NewActivity, out: Path) -> SiteFigures:
    """What ``brobygger sites`` prints and writes."""
    from matcher.cli import app

    result = RUNNER.invoke(
        app,
        [
            "sites", str(directory), "--kind", activity.kind, "--weekday", activity.weekday,
            "--start", activity.start, "--end", activity.end,
            "--group-size", str(activity.group_size), "--out", str(out),
        ],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    head = re.search(
        r"patients without a suitable option now: (.+?); served by the chosen sites: (.+?) \(", text
    )
    assert head, result.output
    table = pd.read_csv(out, dtype={"serves": "Int64", "only_here": "Int64"})
    rows = [line for line in result.output.splitlines() if line.count("│") >= 4]
    cells = [[c.strip() for c in line.split("│")[3:5]] for line in rows]
    assert len(cells) == len(table), result.output
    # the terminal's words for each cell
    serves = [parse_count(c[0]) for c in cells]
    only = [parse_count(c[1]) for c in cells]
    for word, value in zip(serves + only, [*table["serves"], *table["only_here"]], strict=True):
        assert (word is None or word == "fewer than 5") == pd.isna(value) or word == value
    return SiteFigures(
        f"brobygger sites --kind {activity.kind}",
        serves,
        only,
        parse_count(head.group(2)),
        parse_count(head.group(1)),
    )


def app_sites(state: Any, activity: NewActivity) -> SiteFigures:
    """The app's new-site table and the sentence above it."""
    state.kind = activity.kind
    state.find_sites(
        activity.weekday, activity.start, activity.end, activity.group_size, 0.0, background=False
    )
    choice = state.sites
    table = choice.table()
    covered = choice.shown_covered()
    said = covered is not None and choice.unserved >= 5  # the sentence is shown
    return SiteFigures(
        f"app new-site table ({activity.kind})",
        [shown(v) for v in table["serves"]],
        [shown(v) for v in table["only_here"]],
        covered if said else None,
        choice.unserved if said else None,
    )


# ------------------------------------------------------------------- the datasets


def generated(root: Path, patients: int, offers: int, seed: int) -> Path:
    from matcher.cli import app

    folder = root / f"demo-{patients}-{offers}-{seed}"
    result = RUNNER.invoke(
        app,
        ["demo", "--patients", str(patients), "--offers", str(offers), "--seed", str(seed),
         "--out", str(folder)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


def three_districts() -> gpd.GeoDataFrame:
    """West, Middle and East, 3 x 3 km each, 10 km apart (beyond any catchment)."""
    return gpd.GeoDataFrame(
        {"district_id": ["D1", "D2", "D3"], "name": ["Vest", "Midt", "Øst"]},
        geometry=[
            box(CX + x - 1500, CY - 1500, CX + x + 1500, CY + 1500) for x in (0, 10000, 20000)
        ],
        crs=CRS,
    )


def hand_built(root: Path, name: str, **rows: Any) -> Path:
    folder = root / name
    build(directory=folder, **rows)
    three_districts().to_crs("EPSG:4326").to_file(folder / "districts.geojson", driver="GeoJSON")
    return folder


def alone_at_its_walk(root: Path) -> Path:
    """Vest: 12 patients alone at a walk with 4 places; Midt: 3; Øst: 30 at a walk of 10.
    Vest's 12 is hidden so that Midt's 3 cannot be worked out from the total."""
    return hand_built(
        root,
        "alone-at-its-walk",
        offers=[offer(offer_id="O1", **at(0)), offer(offer_id="O2", **at(20000))],
        sessions=[
            session(session_id="S1", offer_id="O1", capacity=4),
            session(session_id="S2", offer_id="O2", capacity=10),
        ],
        patients=people(12, "V", 0) + people(3, "M", 10000) + people(30, "E", 20000),
    )


def five_left_out(root: Path) -> Path:
    """Vest: nobody; Midt: 5 who speak only Arabic near a Danish walk; Øst: 20 at a walk.
    Midt's 5 is hidden with Vest's 0; its reason would say that at least 5 have no option."""
    return hand_built(
        root,
        "five-left-out",
        offers=[offer(offer_id="O1", **at(10000)), offer(offer_id="O2", **at(20000))],
        sessions=[
            session(session_id="S1", offer_id="O1", capacity=10),
            session(session_id="S2", offer_id="O2", capacity=10),
        ],
        patients=people(5, "M", 10000, languages="ar") + people(20, "E", 20000),
    )


CASES = [pytest.param(p, id=f"demo-{p[0]}-{p[1]}-seed{p[2]}") for p in GENERATED] + [
    pytest.param(alone_at_its_walk, id="alone-at-its-walk"),
    pytest.param(five_left_out, id="five-left-out"),
]


def published_recoveries(case: Any, root: Path) -> list[str]:
    """Every hidden count the attacker recovers from the tables of one dataset."""
    from matcher.cli import app
    from matcher.ui.municipality import MunicipalityState
    from matcher.ui.state import DataState, PlanningState

    folder = generated(root, *case) if isinstance(case, tuple) else case(root)
    dataset = load_dataset(folder)
    truth = Truth(gap_analysis(dataset), dataset)
    out = root / f"{folder.name}-gaps"
    result = RUNNER.invoke(app, ["gaps", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    gaps_csv = pd.read_csv(out / "gaps.csv", dtype={"district_id": str})
    coverage_csv = pd.read_csv(out / "coverage.csv", dtype={"district_id": str})
    features = json.loads((out / "gaps.geojson").read_text(encoding="utf-8"))["features"]
    geojson = pd.DataFrame([f["properties"] for f in features])
    assert sorted(gaps_csv["district_id"]) == sorted(
        map(str, truth.analysis.table()["district_id"])
    )

    data = DataState()
    assert data.load(folder)
    planning = PlanningState(data)
    state = MunicipalityState(data, planning)
    state.analyse(background=False)
    app_coverage = []
    for kind, band in itertools.product(KINDS, BANDS):
        state.kind, state.band = kind, band
        app_coverage.append(state.shown().assign(kind=kind, band=band))
    planning.run(background=False)
    assert planning.error == "" and state.equity is not None, planning.error
    equity = state.equity
    import matcher.municipality.equity as equity_module

    with pytest.MonkeyPatch.context() as patch:  # the same table with nothing hidden
        patch.setattr(
            equity_module,
            "_hidden",
            lambda p, q: (np.zeros(len(p), dtype=bool), np.zeros(len(p), dtype=bool)),
        )
        state.update_equity()
        exact_equity = state.equity

    gap_tables = [
        wide_figures("gaps.csv", gaps_csv),
        long_figures("coverage.csv", coverage_csv),
        wide_figures("gaps.geojson", geojson),
        long_figures("app coverage table", pd.concat(app_coverage, ignore_index=True)),
    ]
    found: list[str] = []
    for figures in gap_tables:
        found += gap_recoveries(figures, truth)
        found += score_recoveries(figures, truth)
    found += equity_recoveries("app equity table", equity, exact_equity)
    found += joint_recoveries(gap_tables[0], truth, equity, exact_equity)
    for activity in ACTIVITIES:
        choice, cover = exact_sites(dataset, activity)
        if not len(choice.sites):
            continue
        printed = cli_sites(folder, activity, root / f"{folder.name}.csv")
        found += site_recoveries(printed, choice, cover)
        found += site_recoveries(app_sites(state, activity), choice, cover)
    return found


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_no_hidden_count_can_be_worked_out_from_published_tables(case: Any, tmp_path: Path) -> None:
    """No hidden count follows from totals, shares, scores, reasons or other cells of any table."""
    found = published_recoveries(case, tmp_path)
    assert not found, "hidden counts recovered:\n" + "\n".join(found)


def test_the_attacker_recovers_what_an_unprotected_table_gives_away(tmp_path: Path) -> None:
    """The attacker finds a count left to the total, to a reason, to supply / score and to
    the sites' overlap, naming table, cell and rule."""
    folder = alone_at_its_walk(tmp_path)
    dataset = load_dataset(folder)
    truth = Truth(gap_analysis(dataset), dataset)
    table = truth.analysis.table()
    # Vest's 12 shown: Midt's 3 is the 45 patients less 12 and 30
    figures = wide_figures("gaps.csv", table.assign(patients=[12, None, 30]))
    assert "gaps.csv: patients of D2 = 3: the total number of patients" in gap_recoveries(
        figures, truth
    )
    # Vest's score with its exact 12 patients alone at 4 places
    exact = table.astype({"e2sfca_association": "Float64"})
    exact.loc[0, "e2sfca_association"] = round(4000 / 12, 2)
    assert "gaps.csv: patients of D1 = 12: supply / score (association, any)" in (
        score_recoveries(wide_figures("gaps.csv", exact), truth)
    )
    # Midt's 5 of five-left-out with the reason that at least 5 of them have no option
    folder = five_left_out(tmp_path)
    dataset = load_dataset(folder)
    truth = Truth(gap_analysis(dataset), dataset)
    table = truth.analysis.table().astype({"patients": "Int64", "reason_association": "string"})
    table.loc[1, ["patients", "reason_association"]] = [5, "language"]
    assert "gaps.csv: served association any of D2 = 0: reasons (at least 5 without an option)" in (
        gap_recoveries(wide_figures("gaps.csv", table), truth)
    )
    # one site serving all 5 without an option, its count hidden but the total shown
    activity = ACTIVITIES[0]
    sites = pd.DataFrame({"serves": [5], "only_here": [5]})
    choice = SiteChoice(
        activity, sites, unserved=5, covered=5, candidates=1, optimal=True, status=""
    )
    printed = SiteFigures("sites", [None], [None], covered=5, unserved=5)
    assert site_recoveries(printed, choice, np.ones((5, 1), dtype=bool)) == [
        "sites: serves of site 1 = 5: the sites' overlap",
        "sites: only here of site 1 = 5: the sites' overlap",
    ]
