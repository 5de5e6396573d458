"""The planner's view, without a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher.ui.state import DataState, PlanningState
from matcher.ui.views.planning import PlanningView


@pytest.fixture(scope="module")
def view(demo_dir: Path) -> PlanningView:
    data = DataState()
    assert data.load(demo_dir)
    return PlanningView(data, PlanningState(data))


def test_waiting_list_is_shown_before_planning(view: PlanningView) -> None:
    """The waiting list lists patients by discharge date and never vulnerability flags."""
    assert "P00" in view.waiting.value
    for flag in ("lives_alone", "low_income", "mental_health"):
        assert flag not in view.waiting.value


def test_plan_table_filters_and_sorts(view: PlanningView) -> None:
    """After planning, the table can show only unplaced patients, sorted as asked."""
    view.state.run(background=False)
    assert "har fået et næste skridt" in view.status.value
    assert view.waits.value and view.capacity.value
    view.show.value = "unplaced"
    assert "<td>placeret</td>" not in view.table.value
    assert "<td>uden plads</td>" in view.table.value
    view.table.sort_by("patient_id", descending=True)
    assert "<td>uden plads</td>" in view.table.value
    assert "aria-sort='descending'" in view.table.value
    ids = [c for c in _cells(view.table.value) if c.startswith("P0")]
    assert ids == sorted(ids, reverse=True) and len(ids) > 1
    view.show.value = ""
    view.table.sort_by("wait_days")
    assert re.search(r"aria-sort='ascending'[^>]*><button[^>]*>Ventetid \(dage\)", view.table.value)


def test_bad_budget_text_is_explained(view: PlanningView) -> None:
    """Budgets that are not numbers get a message, and nothing runs."""
    view.budgets.value = "0,lots"
    view._schedule()
    assert "budgets" in view.schedule_status.value
    assert not view.state.running


def test_schedule_renders_charts_and_tradeoff(view: PlanningView) -> None:
    """Plan over weeks shows places against demand per team and week, waits and the trade-off."""
    view.weeks.value = 3
    view.budgets.value = "0,40"
    view.state.run_schedule(3, (0.0, 40.0), 28, background=False)
    assert view.state.error == ""
    assert view.team_weeks.value
    assert view.schedule_waits.value
    assert "budget" in view.tradeoff_table.value
    for word in ("OPTIMAL", "LOCAL", "FEASIBLE", "KEPT", "status_note"):  # solver words
        assert word not in view.tradeoff_table.value, word
    assert view.tradeoff_plot.value


def test_stop_button_stops_a_running_plan() -> None:
    """Pressing Stop while a plan runs ends it with no plan, says so, and enables Plan all again."""
    import threading

    from builders import build, patient

    data = DataState()
    data.use(build(patients=[patient(), patient(patient_id="P2")]))
    state = PlanningState(data)
    view = PlanningView(data, state)
    reached, pressed = threading.Event(), threading.Event()
    original = state._progress

    def hold_at_first_step(stage: str, share: float) -> None:
        reached.set()
        assert pressed.wait(30), "the test never pressed stop"
        original(stage, share)

    state._progress = hold_at_first_step  # type: ignore[method-assign]
    view.run_button.click()
    assert reached.wait(30), "the plan never started"
    assert state.running and not view.stop_button.disabled and view.run_button.disabled
    view.stop_button.click()
    pressed.set()
    state.wait(60)
    assert state.stopped
    assert state.result is None and not state.running
    assert "stoppet" in view.status.value
    assert view.stop_button.disabled and not view.run_button.disabled


def test_reasons_follow_the_page_language(view: PlanningView) -> None:
    """The plan keeps PLAN.csv's English reasons; the table says them in the page's language."""
    from matcher.match.explain import reason_in

    if view.state.result is None:
        view.state.run(background=False)
    assert view.state.result is not None
    plan = view.state.result.assignments
    reasons = [r for r in plan["reason"] if isinstance(r, str) and r]
    assert reasons, "the demo plan leaves someone without a place"
    view.show.value = "unplaced"
    shown = [reason_in(r, "da") for r in reasons]
    assert all(d != r for d, r in zip(shown, reasons, strict=True))
    assert any(d in view.table.value for d in {_html(d) for d in shown})
    view.data.lang = "en"
    try:
        assert any(_html(r) in view.table.value for r in reasons)
    finally:
        view.data.lang = "da"


def _html(text: str) -> str:
    import html

    return html.escape(text)


def _cells(table_html: str) -> list[str]:
    import re

    return re.findall(r"<td[^>]*>(.*?)</td>", table_html)


def test_plan_table_names_offers_and_sessions_and_drops_the_cost(view: PlanningView) -> None:
    """The plan shows an offer's name and its session's day and time, never their ids or cost."""
    if view.state.result is None:
        view.state.run(background=False)
    view.show.value = ""
    cells = _cells(view.table.value)
    assert not any(c.startswith(("O0", "S0")) for c in cells)
    ds = view.data.dataset
    first = view.state.result.assignments.iloc[0]
    offer = ds.offers.set_index("offer_id").loc[first["offer_id"], "name"]
    assert _html(offer) in cells
    assert any(c.startswith(("mandag ", "tirsdag ", "onsdag ", "torsdag ")) for c in cells)
    assert "Omkostning" not in view.table.value


def test_the_verdict_is_in_words_with_what_it_means(view: PlanningView) -> None:
    """The solver's status reads 'bedste plan fundet' with a line saying what that means."""
    if view.state.result is None:
        view.state.run(background=False)
    assert view.state.result.summary()["status"] == "OPTIMAL"
    assert "(bedste plan fundet, " in view.status.value
    assert "bevist den bedste plan" in view.status.value
    assert "OPTIMAL" not in view.status.value


def test_no_pandas_marker_or_minus_one_is_shown(demo_dir: Path) -> None:
    """Neither the plan, the breaches nor the trade-off shows <NA>, None, nan or -1."""
    data = DataState()
    assert data.load(demo_dir)
    view = PlanningView(data, PlanningState(data))
    view.state.run(background=False)
    view.state.run_schedule(3, (0.0, 40.0), 28, background=False)
    assert (view.state.schedule.breaches["earliest_wait"] == -1).any()  # the file says -1
    for table in (view.table, view.breaches, view.tradeoff_table, view.waiting):
        assert table.value
        for cell in _cells(table.value):
            assert cell not in ("&lt;NA&gt;", "None", "nan", "NaN", "-1", "NaT"), cell
    assert "–: intet tilbud passer borgeren" in view.breaches.value
    assert "god plan, ikke bevist bedst:" in view.tradeoff_table.value
    assert "C00" not in view.tradeoff_table.value  # candidate teams by name


def test_charts_appear_only_once_drawn_and_have_alt_text(demo_dir: Path) -> None:
    """Before a plan no chart (and no empty image) shows; after, each chart has alt text."""
    import re

    data = DataState()
    assert data.load(demo_dir)
    view = PlanningView(data, PlanningState(data))
    charts = (view.waits, view.capacity, view.schedule_waits, view.team_weeks)
    assert all(chart.value == "" for chart in charts)
    view.state.run(background=False)
    for chart in (view.waits, view.capacity):
        (alt,) = re.findall(r"<img [^>]*alt='([^']+)'", chart.value)
        assert len(alt) > 30
    placed = int((view.state.result.assignments["status"] == "placed").sum())
    assert f"for {placed} placerede borgere" in view.waits.value


def test_a_result_says_what_it_is_and_when_it_was_computed(view: PlanningView) -> None:
    """The plan's table is captioned with its kind and the time it was computed."""
    if view.state.result is None:
        view.state.run(background=False)
    at = view.state.computed["plan"]
    assert f"Plan for hele ventelisten · beregnet kl. {at:%H.%M}" in view.table.value


def test_progress_shows_next_to_the_button_that_started_the_work() -> None:
    """While a plan over weeks runs, its progress and stop sit by its button, not by Plan all."""
    import threading

    from builders import build, patient

    data = DataState()
    data.use(build(patients=[patient(), patient(patient_id="P2")]))
    state = PlanningState(data)
    view = PlanningView(data, state)
    reached, release = threading.Event(), threading.Event()
    original = state._progress

    def hold(stage: str, share: float) -> None:
        reached.set()
        assert release.wait(30)
        original(stage, share)

    state._progress = hold  # type: ignore[method-assign]
    view.schedule_button.click()
    assert reached.wait(30)
    try:
        assert "role='status'" in view.schedule_progress.value
        assert view.progress.value == ""
        assert not view.schedule_stop.disabled and view.stop_button.disabled
        assert view.schedule_bar.layout.visibility == "visible"
        assert view.bar.layout.visibility == "hidden"
    finally:
        release.set()
        state.wait(60)
    assert view.schedule_progress.value == "" and view.schedule_stop.disabled


def test_a_filtered_plan_shows_only_the_columns_its_rows_have(view: PlanningView) -> None:
    """Showing only the unplaced drops the offer, day and travel columns they all lack
    (the reason is then a column); showing only the placed drops the reason."""
    if view.state.result is None:
        view.state.run(background=False)
    view.show.value = "unplaced"
    assert ">Årsag<span" in view.table.value and ">Tilbud<span" not in view.table.value
    view.show.value = "placed"
    assert ">Tilbud<span" in view.table.value and ">Årsag<span" not in view.table.value
    view.show.value = ""
    # beside the offer's many columns the reason is a line under its row, read whole
    assert ">Tilbud<span" in view.table.value and ">Årsag<span" not in view.table.value
    view.table.sort_by("reason")
    if not view.table.rows()["reason"].iloc[0]:
        view.table.sort_by("reason")  # the other way: rows with a reason first
    page = view.table.rows().iloc[: view.table.page_size]
    with_reason = int((page["reason"].fillna("") != "").sum())
    assert with_reason > 0
    assert view.table.value.count("<tr class='bb-below'><td colspan=") == with_reason
    assert "<span class='bb-below-label'>Årsag:</span>" in view.table.value
