"""The planner's view, without a browser."""

from __future__ import annotations

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
    view.sort.value = "wait_days"
    assert "<td>uden plads</td>" in view.table.value
    assert "<th>Ventetid (dage)</th>" in view.table.value


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
