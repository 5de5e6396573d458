"""The municipality state, without a browser: gaps by kind and band, small districts hidden,
equity after a plan, and sites."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matcher.ui.municipality import MunicipalityState
from matcher.ui.state import DataState, PlanningState
from matcher.ui.views.municipality import MunicipalityView


def test_shown_table_follows_kind_and_band(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Switching kind or band changes the rows to that kind and band's figures."""
    _, _, state = analysed
    state.kind, state.band = "association", "any"
    any_band = state.shown()
    state.band = "evening"
    evening = state.shown()
    assert list(any_band.columns) == [
        "district_id",
        "name",
        "patients",
        "served_share",
        "reason",
        "e2sfca",
    ]
    assert len(any_band) == len(evening) >= 10
    shares = pd.to_numeric(any_band["served_share"], errors="coerce")
    evening_shares = pd.to_numeric(evening["served_share"], errors="coerce")
    both = shares.notna() & evening_shares.notna()
    assert (evening_shares[both] <= shares[both] + 1e-9).all()


def _largest_district_cut_to_three(data: DataState) -> tuple[DataState, int]:
    """The data with its largest district left with 3 patients (everyone else stays),
    and that district's position."""
    from matcher.geo import locate

    ds = data.dataset
    pos = locate(ds.patients.geometry, ds.districts)
    target = int(pd.Series(pos[pos >= 0]).value_counts().index[0])
    keep = (pos != target) | ((pos == target).cumsum() <= 3)
    assert int((pos[keep] == target).sum()) == 3  # the target district keeps 3 patients
    assert int((pos[keep] != target).sum()) == int((pos != target).sum())  # the rest all stay
    small = DataState()
    small.use(ds.replace(patients=ds.patients[keep].reset_index(drop=True)))
    return small, target


def test_small_districts_show_nothing_but_their_name(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """A district left with 3 patients shows only its name: every figure is empty."""
    data, _, _ = analysed
    ds = data.dataset
    small, target = _largest_district_cut_to_three(data)
    state = MunicipalityState(small, PlanningState(small))
    state.analyse(background=False)
    shown = state.shown()
    row = shown[shown["district_id"] == ds.districts["district_id"].iloc[target]].iloc[0]
    assert row["name"] == ds.districts["name"].iloc[target]
    assert row[["patients", "served_share", "reason", "e2sfca"]].isna().all()


def test_equity_appears_after_a_plan_and_is_suppressed_below_five(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """The equity table comes from the plan; no shown count is below 5."""
    _, planning, state = analysed
    assert state.equity is None
    planning.run(background=False)
    assert planning.error == ""
    equity = state.equity
    assert equity is not None
    assert set(equity["dimension"]) >= {"gender", "language", "district", "vulnerability"}
    for column in ("patients", "placed"):
        shown = equity[column].dropna()
        assert (shown >= 5).all()


def test_escalated_patients_per_district_cannot_be_worked_out(demo_dir: Path) -> None:
    """The gap table and the equity table show the same patients per district (hidden in
    the same districts), so no difference between them tells how many were escalated
    (3 in Centrum, 1 in several others on the demo); nor does anything else shown."""
    import numpy as np
    from scipy.optimize import linprog

    from matcher.geo import locate

    data = DataState()
    assert data.load(demo_dir)
    planning = PlanningState(data)
    state = MunicipalityState(data, planning)
    state.analyse(background=False)
    planning.run(background=False)
    assert state.error == "" and planning.error == "" and state.equity is not None
    ds = data.dataset
    pos = locate(ds.patients.geometry, ds.districts.reset_index(drop=True))
    escalated = np.bincount(pos[ds.patients["escalate"].to_numpy()], minlength=len(ds.districts))
    names = ds.districts["name"].tolist()
    assert escalated[names.index("Centrum")] == 3 and (escalated == 1).sum() >= 3

    equity = state.equity[state.equity["dimension"] == "district"].set_index("group")
    assert equity.index.tolist() == sorted(names)  # every district, none added or lost
    gaps = state.analysis.table().set_index("name")
    for long in (state.shown(), state.analysis.long_table()):
        assert long.set_index("name")["patients"].groupby(level=0).nunique(dropna=False).max() == 1
    pd.testing.assert_series_equal(
        gaps.loc[names, "patients"], equity.loc[names, "patients"], check_names=False
    )

    # what a reader knows of the escalated per district: 0 <= e_d <= unplaced_d where the
    # district's patients and placed are shown, and the plan's total; none is pinned
    total = int(planning.result.summary()["escalated"])
    patients = equity.loc[names, "patients"].astype("Float64").to_numpy(na_value=np.nan)
    placed = equity.loc[names, "placed"].astype("Float64").to_numpy(na_value=np.nan)
    upper = np.where(np.isnan(placed), np.nan_to_num(patients, nan=total), patients - placed)
    bounds = [(0, min(u, total)) for u in upper]
    for d, name in enumerate(names):
        goal = np.zeros(len(names))
        goal[d] = 1
        ones = np.ones((1, len(names)))
        low = linprog(goal, A_eq=ones, b_eq=[total], bounds=bounds, method="highs")
        high = linprog(-goal, A_eq=ones, b_eq=[total], bounds=bounds, method="highs")
        assert low.status == high.status == 0
        assert high.fun + low.fun < -0.5 or escalated[d] >= 5, name  # min < max: not pinned


def test_gap_and_equity_tables_hide_the_same_district_counts(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """With one district cut to 3 patients, both tables hide it and the same others."""
    data, _, _ = analysed
    ds = data.dataset
    small, target = _largest_district_cut_to_three(data)
    planning = PlanningState(small)
    state = MunicipalityState(small, planning)
    state.analyse(background=False)
    planning.run(background=False)
    assert state.equity is not None
    names = ds.districts["name"].tolist()
    equity = state.equity[state.equity["dimension"] == "district"].set_index("group")
    gaps = state.shown().set_index("name")["patients"]
    assert gaps.isna().sum() >= 2 and pd.isna(gaps[names[target]])
    pd.testing.assert_series_equal(gaps[names], equity.loc[names, "patients"], check_names=False)


def test_sites_total_is_left_out_when_it_would_give_a_count_away(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Association at 2 sites serves 11 and 8, 15 together: 15 - 11 would give the second
    site's 4 served only there, so neither the total nor any only-here count is shown."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    state.kind = "association"
    state.find_sites("tue", "17:00", "18:30", 10, 0.0, k=2, background=False)
    assert state.error == "" and state.sites is not None
    assert state.sites.covered == 15 and state.sites.shown_covered() is None
    assert "149" not in view.sites.value and "15 af" not in view.sites.value
    assert state.sites.table()["only_here"].isna().all()


def test_bad_site_description_is_shown_not_raised(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """A wrong time is reported in the page, naming the option."""
    _, _, state = analysed
    state.find_sites("tue", "25:00", "18:30", 10, 0.0, background=False)
    assert "--start" in state.error


def test_coverage_and_sites_in_the_background_update_the_map_on_the_loop(
    data: DataState,
) -> None:
    """Coverage and sites run in a thread, yet the view (whose map zooms with a coroutine)
    is updated on the kernel's loop: no error, and every change arrives on its thread."""
    import asyncio
    import threading

    seen: list[threading.Thread] = []

    async def finished(state: MunicipalityState) -> None:
        for _ in range(30000):
            await asyncio.sleep(0.01)
            if not state.busy:
                return
        raise AssertionError("the work did not finish")

    async def main() -> tuple[MunicipalityState, MunicipalityView, threading.Thread]:
        state = MunicipalityState(data, PlanningState(data))
        view = MunicipalityView(data, state)
        state.observe(
            lambda c: seen.append(threading.current_thread()), names=["analysis", "sites"]
        )
        state.analyse()
        assert state.busy
        state.find_sites("tue", "17:00", "18:30", 10, 0.0, k=2)  # refused: still busy
        await finished(state)
        assert state.sites is None
        state.find_sites("tue", "17:00", "18:30", 10, 0.0, k=2)
        await finished(state)
        await asyncio.sleep(0.1)  # the map's zoom coroutines run
        return state, view, threading.current_thread()

    state, view, here = asyncio.run(main())
    assert state.error == ""
    assert state.analysis is not None and state.sites is not None
    assert len(seen) == 2 and all(thread is here for thread in seen)
    assert view.table.value and view.sites.value
