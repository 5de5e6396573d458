"""The planning tab's pathway plan in the background: a result, and it is dropped when
the data changes."""

from __future__ import annotations

from matcher.ui.pathways import PathwayState
from matcher.ui.state import DataState


def test_a_pathway_plan_runs_and_is_dropped_with_new_data(data: DataState) -> None:
    """Planning gives a proven plan over the demo's people; new data drops it."""
    state = PathwayState(data)
    state.run(12, background=False)
    assert state.error == "" and state.result is not None
    figures = state.result.summary()
    assert figures["status"] == "OPTIMAL" and figures["patients"] > 0
    assert state.computed is not None
    data.version += 1
    assert state.result is None and state.computed is None
