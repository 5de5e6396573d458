"""The municipality map's kind and time-band toggles, without a browser."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.ui.municipality import MunicipalityState
from matcher.ui.state import DataState, PlanningState
from matcher.ui.views.municipality import MunicipalityView, share_colour


@pytest.fixture(scope="module")
def view(demo_dir: Path) -> MunicipalityView:
    data = DataState()
    assert data.load(demo_dir)
    state = MunicipalityState(data, PlanningState(data))
    state.analyse(background=False)
    assert state.error == ""
    return MunicipalityView(data, state)


def _fills(view: MunicipalityView) -> dict[str, str]:
    (layer,) = [x for x in view.map.layers if getattr(x, "name", "") == "districts"]
    return {f["properties"]["district_id"]: f["properties"]["fill"] for f in layer.data["features"]}


def _expected(view: MunicipalityView) -> dict[str, str]:
    shown = view.state.shown()
    return {
        str(d): share_colour(None if pd.isna(v) else float(v))
        for d, v in zip(shown["district_id"], shown["served_share"], strict=True)
    }


def test_kind_toggle_recolours_the_map_and_retitles_it(view: MunicipalityView) -> None:
    """Clicking another kind shows that kind's served share on the map, title and table."""
    view.kind.value = "association"
    before = _fills(view)
    view.kind.value = "exit_team"
    assert view.state.kind == "exit_team"
    assert view.title.value == "<h3>Udslusningshold: hele dagen</h3>"
    after = _fills(view)
    assert after == _expected(view)
    assert after != before
    assert ">Andel med et tilbud<span" in view.table.value


def test_band_toggle_follows_the_time_of_day(view: MunicipalityView) -> None:
    """Clicking evening shows the evening figures of the chosen kind."""
    view.kind.value = "association"
    view.band.value = "evening"
    assert view.state.band == "evening"
    assert view.title.value == "<h3>Foreningsaktivitet: aften (fra 16)</h3>"
    assert _fills(view) == _expected(view)
    view.band.value = "any"


def test_coverage_reason_is_a_rule_in_words(view: MunicipalityView) -> None:
    """The most common excluding rule reads as words (rejsetid), never as its code (travel)."""
    view.kind.value = "association"
    reasons = set(view.state.shown()["reason"].dropna())
    assert "travel" in reasons
    assert "<td>rejsetid</td>" in view.table.value
    assert "<td>travel</td>" not in view.table.value
