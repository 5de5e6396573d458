"""What the state and view tests of the app start from: the demo data loaded, a private
bookings database, and the demo's gap analysis."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ui.municipality import MunicipalityState
from matcher.ui.state import DataState, PlanningState


@pytest.fixture()
def data(demo_dir: Path) -> DataState:
    """The demo data, loaded into a fresh data state."""
    state = DataState()
    assert state.load(demo_dir)
    return state


@pytest.fixture()
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A bookings database in the test's folder, also set as $BROBYGGER_DB."""
    url = f"sqlite:///{tmp_path / 'brobygger.sqlite3'}"
    monkeypatch.setenv("BROBYGGER_DB", url)
    return url


@pytest.fixture(scope="module")
def analysed(demo_dir: Path) -> tuple[DataState, PlanningState, MunicipalityState]:
    """The demo data, its planning state and its gap analysis, once per test file."""
    data = DataState()
    assert data.load(demo_dir)
    planning = PlanningState(data)
    state = MunicipalityState(data, planning)
    state.analyse(background=False)
    assert state.error == ""
    return data, planning, state
