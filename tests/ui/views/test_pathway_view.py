"""The planning tab's pathways: figures in words, each person's steps by name, and the
button's state."""

from __future__ import annotations

from matcher.ui.pathways import PathwayState
from matcher.ui.state import DataState
from matcher.ui.views.pathway_view import PathwayView, figures_html
from matcher.words.app import text


def test_the_figures_read_in_words_and_say_how_sure() -> None:
    """Each figure has its words; a plan stopped by time says how far from the best."""
    figures = {
        "patients": 40,
        "complete": 20,
        "with_step": 30,
        "none": 10,
        "steps": {"1": 25, "2": 5, "3": 0, "4": 0},
        "mean_gap_days": -7.5,
        "accompanied": 2,
        "needs_company": 3,
        "status": "FEASIBLE",
        "gap": 0.0123,
    }
    shown = figures_html(figures, "da")
    assert text("pw_no_lasting", "da") in shown and "<td>10</td>" in shown
    assert "<td>5</td>" in shown and "-7,5" in shown and "2 / 3" in shown
    assert "1,23 %" in shown and "FEASIBLE" not in shown


def test_planning_pathways_shows_the_figures_and_the_steps(data: DataState) -> None:
    """After planning, the figures and a table of steps with offer names and no codes."""
    state = PathwayState(data)
    view = PathwayView(data, state)
    assert view.figures.value == "" and not view.button.disabled
    state.run(12, background=False)
    assert text("pw_complete", "da") in view.figures.value
    assert text("pw_proven", "da") in view.figures.value
    shown = view.table.value
    offer = state.result.table.dropna(subset=["step"])["offer_name"].iloc[0]
    assert offer in shown and "exit_team" not in shown and "association" not in shown
    data.lang = "en"
    assert text("pw_run", "en") == view.button.description
