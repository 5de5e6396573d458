"""The municipality view's widgets, without a browser: the gap map's districts, labels and
legend, the chosen sites' markers, and the colour of a served share."""

from __future__ import annotations

import pytest

from matcher.ui.municipality import MunicipalityState
from matcher.ui.state import DataState, PlanningState
from matcher.ui.views.municipality import MunicipalityView, share_colour


def test_sites_are_chosen_and_drawn(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Find sites picks K sites and the map shows one marker per site."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    state.kind = "exit_team"
    state.find_sites("tue", "17:00", "18:30", 10, 0.0, k=2, background=False)
    assert state.error == ""
    assert state.sites is not None and len(state.sites.sites) == 2
    markers = [layer for layer in view.map.layers if getattr(layer, "name", "").startswith("site ")]
    assert len(markers) == 2
    assert "53 af 270" in view.sites.value  # served by the sites, of those without an option


def test_map_has_polygons_labels_and_legend(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """The gap map draws every district with a name label and a legend, without tiles."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    names = [layer for layer in view.map.layers if getattr(layer, "title", "")]
    polygons = [layer for layer in view.map.layers if getattr(layer, "name", "") == "districts"]
    assert len(polygons) == 1
    assert len(names) == len(data.dataset.districts)
    assert view.legend.legend


@pytest.mark.parametrize(("share", "darker_than"), [(0.9, 0.1), (0.5, 0.1), (0.9, 0.5)])
def test_share_colour_is_darker_for_more_served(share: float, darker_than: float) -> None:
    """More served reads as a darker colour on the map."""

    def lightness(colour: str) -> int:
        return sum(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    assert lightness(share_colour(share)) < lightness(share_colour(darker_than))
    assert share_colour(None) == "#dddddd"
