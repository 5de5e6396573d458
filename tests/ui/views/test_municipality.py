"""The municipality view's widgets, without a browser: the gap map's districts, labels and
legend, the chosen sites' markers, and the colour of a served share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher.ui.municipality import MunicipalityState
from matcher.ui.state import DataState, PlanningState
from matcher.ui.views.municipality import MunicipalityView, share_colour


def _two_sites(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> tuple[MunicipalityView, MunicipalityState]:
    """The view after two sites for a Tuesday evening exit team were chosen."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    state.kind = "exit_team"
    state.find_sites("tue", "17:00", "18:30", 10, 0.0, k=2, background=False)
    return view, state


def test_sites_are_chosen_and_drawn(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Find sites picks K sites and the map shows one marker per site."""
    view, state = _two_sites(analysed)
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


def _cells(table_html: str) -> list[str]:
    import re

    return re.findall(r"<td[^>]*>(.*?)</td>", table_html)


def test_coverage_table_names_districts_and_tells_hidden_from_zero(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """The coverage table shows district names, shares as per cent, and a hidden share as
    'skjult (under 5)' with its legend; no id, no <NA> and no raw fraction."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    state.kind, state.band = "association", "any"
    shown = state.shown()
    cells = _cells(view.table.value)
    assert not any(c.startswith("D0") for c in cells)
    assert set(shown["name"]) <= set(cells)
    first = shown.dropna(subset=["served_share"]).iloc[0]
    assert f"{round(float(first['served_share']) * 100)}\xa0%" in cells
    assert str(float(first["served_share"])) not in cells
    assert shown["served_share"].isna().any()
    assert "skjult (under 5)" in cells
    assert "skjult (under 5): færre end 5 borgere" in view.table.value
    assert "E2SFCA" in view.table.value  # the accessibility column is explained
    for cell in cells:
        assert cell not in ("&lt;NA&gt;", "None", "nan", "-1"), cell


def test_the_map_labels_each_district_with_its_share_or_hidden(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Each district's label and tooltip say its share, or that it is hidden (never 0 %)."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    state.kind, state.band = "association", "any"
    shown = state.shown().set_index("name")
    labels = {
        layer.title.split(":")[0]: layer for layer in view.map.layers if getattr(layer, "title", "")
    }
    for name, row in shown.iterrows():
        marker = labels[str(name)]
        if pd.isna(row["served_share"]):
            assert marker.title == f"{name}: skjult (under 5)"
            assert "skjult (under 5)" in marker.icon.html and "0\xa0%" not in marker.icon.html
        else:
            share = f"{round(float(row['served_share']) * 100)}\xa0%"
            assert share in marker.title and share in marker.icon.html
    assert view.legend.title == "Andel med et tilbud"
    assert list(view.legend.legend)[-2:] == ["80-100 %", "skjult (under 5)"]


def test_pointing_at_a_district_tells_its_figures(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Hovering a district polygon writes its name and share in the map's corner."""
    data, _, state = analysed
    view = MunicipalityView(data, state)
    assert view.hover.value.startswith("Peg på et distrikt")
    shown = state.shown()
    row = shown.dropna(subset=["served_share"]).iloc[0]
    view._hovered(feature={"properties": {"district_id": row["district_id"]}})
    assert view.hover.value.startswith(f"{row['name']}: ")
    assert "har et tilbud" in view.hover.value


def test_the_map_opens_fitted_to_the_municipality(demo_dir: Path) -> None:
    """Before any analysis the map is centred on the districts at the zoom that shows them,
    with no empty legend on it."""
    from matcher.ui.views.maps import view_of

    data = DataState()
    assert data.load(demo_dir)
    view = MunicipalityView(data, MunicipalityState(data, PlanningState(data)))
    west, south, east, north = data.dataset.districts.to_crs("EPSG:4326").total_bounds
    centre, zoom = view_of([south, north], [west, east], (600, 400))
    assert tuple(view.map.center) == pytest.approx(centre)
    assert view.map.zoom == zoom
    assert view.legend not in view.map.controls
    view.map.zoom = zoom + 2  # the user zooms in; a new kind keeps the user's view
    view.state.kind = "exit_team"
    assert view.map.zoom == zoom + 2


def test_sites_are_named_places_with_their_district_not_ids_or_coordinates(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """The chosen sites show their address and name and district, never venue:O... or lat/lon."""
    view, state = _two_sites(analysed)
    cells = _cells(view.sites.value)
    assert not any("venue:" in c or "district:" in c for c in cells)
    sites = state.sites.sites
    assert str(round(float(sites.iloc[0]["lat"]), 4)) not in view.sites.value
    assert sites.iloc[0]["name"] in "".join(cells)
    assert set(cells) & set(view.data.dataset.districts["name"])
    assert "Nye steder for Udslusningshold, tirsdag 17.00-18.30 · beregnet kl." in view.sites.value


def test_equity_groups_are_danish_words_and_hidden_counts_said(
    analysed: tuple[DataState, PlanningState, MunicipalityState],
) -> None:
    """Genders and age bands read in Danish; a hidden count reads 'skjult (under 5)'."""
    data, planning, state = analysed
    view = MunicipalityView(data, state)
    if planning.result is None:
        planning.run(background=False)
    assert state.equity is not None
    cells = _cells(view.equity.value)
    assert "mænd" in cells and "man" not in cells
    assert "65-79 år" in cells
    assert "skjult (under 5)" in cells
    assert any(c.endswith("\xa0%") for c in cells)
    for cell in cells:
        assert cell not in ("&lt;NA&gt;", "None", "nan", "-1"), cell


def test_coverage_progress_shows_next_to_its_button(data: DataState) -> None:
    """While coverage runs, its progress is beside its button, not beside Find sites."""
    import threading

    state = MunicipalityState(data, PlanningState(data))
    view = MunicipalityView(data, state)
    release = threading.Event()
    state.runner.start(lambda: release.wait(30), lambda _: None, label="coverage")
    try:
        assert "role='status'" in view.status.value and "Arbejder" in view.status.value
        assert view.sites_status.value == ""
        assert view.analyse_button.disabled and view.sites_button.disabled
    finally:
        release.set()
        state.wait(30)
    assert view.status.value == "" and not view.analyse_button.disabled
