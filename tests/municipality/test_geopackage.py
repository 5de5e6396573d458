"""gaps.gpkg: its layers and CRS, suppression as in gaps.geojson, typed columns, no patient on
the map, and a QGIS style for every layer."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

from matcher import Dataset
from matcher.dataset.demo import make_demo
from matcher.municipality.gaps import GapAnalysis, gap_analysis
from matcher.municipality.geopackage import LAYERS, write_gpkg


@pytest.fixture(scope="module")
def small() -> tuple[Dataset, GapAnalysis]:
    """A small demo town, whose districts hold few patients, so counts are hidden."""
    dataset = make_demo(60, 20, seed=1)
    return dataset, gap_analysis(dataset)


@pytest.fixture(scope="module")
def gpkg(small: tuple[Dataset, GapAnalysis], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """gaps.gpkg of the small town."""
    dataset, analysis = small
    return write_gpkg(analysis, dataset, tmp_path_factory.mktemp("gpkg") / "gaps.gpkg")


def test_the_layers_open_with_pyogrio_in_etrs89_utm32(gpkg: Path) -> None:
    """districts, coverage and offers are map layers in EPSG:25832, beside layer_styles."""
    layers = {str(name): geometry for name, geometry in pyogrio.list_layers(gpkg)}
    assert set(LAYERS) | {"layer_styles"} == set(layers)
    assert layers["districts"] == layers["coverage"] == "Polygon"
    assert layers["offers"] == "Point"
    for name in LAYERS:
        assert pyogrio.read_info(gpkg, layer=name)["crs"] == "EPSG:25832"


def test_hidden_counts_are_null_exactly_where_the_geojson_hides_them(
    small: tuple[Dataset, GapAnalysis], gpkg: Path
) -> None:
    """Every district value is NULL in the GeoPackage exactly where gaps.geojson has null,
    and equal elsewhere."""
    _, analysis = small
    features = json.loads(analysis.to_geojson())["features"]
    shown = pd.DataFrame([f["properties"] for f in features if f["geometry"] is not None])
    layer = gpd.read_file(gpkg, layer="districts").drop(columns="geometry")
    assert shown["patients"].isna().any()  # the check is about something hidden
    assert list(layer.columns) == list(shown.columns)
    for column in shown.columns:
        assert (layer[column].isna() == shown[column].isna()).all(), column
        given = shown[column].notna()
        assert list(layer[column][given]) == list(shown[column][given]), column


def test_columns_are_typed_even_when_empty(gpkg: Path) -> None:
    """Counts are integers and shares reals in the file, also a column with nothing shown."""
    info = pyogrio.read_info(gpkg, layer="districts")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types["patients"] == "int64"
    assert types["offers"] == "int64"
    assert all(types[f] == "float64" for f in info["fields"] if f.startswith("served_share_"))
    assert types["name"] == "object"
    coverage = pyogrio.read_info(gpkg, layer="coverage")
    assert dict(zip(coverage["fields"], coverage["dtypes"], strict=True))["served_share"] == (
        "float64"
    )


def test_the_map_holds_venues_and_districts_never_a_patient(
    small: tuple[Dataset, GapAnalysis], gpkg: Path
) -> None:
    """No layer has a patient id or a point at a patient's home; offers sit at their venues."""
    dataset, _ = small
    homes = set(zip(dataset.patients["x"].round(3), dataset.patients["y"].round(3), strict=True))
    for name in LAYERS:
        layer = gpd.read_file(gpkg, layer=name)
        assert "patient_id" not in layer.columns
        if name == "offers":
            points = set(zip(layer.geometry.x.round(3), layer.geometry.y.round(3), strict=True))
            assert not points & homes
            assert sorted(layer["offer_id"]) == sorted(dataset.offers["offer_id"])
            venue = dataset.offers.set_index("offer_id")
            first = layer.iloc[0]
            assert np.isclose(first.geometry.x, venue.loc[first["offer_id"], "x"])


def test_every_layer_has_a_default_qgis_style(gpkg: Path) -> None:
    """layer_styles holds one default, well-formed style per layer, districts coloured by share
    with a grey rule for a hidden one."""
    with sqlite3.connect(gpkg) as db:
        rows = db.execute(
            "SELECT f_table_name, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
        registered = db.execute(
            "SELECT table_name FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchall()
    assert registered  # GDAL, and so QGIS, sees the table
    styles = {name: (qml, default) for name, qml, default in rows}
    assert set(styles) == set(LAYERS)
    for qml, default in styles.values():
        assert default
        root = ElementTree.fromstring(qml.split("\n", 1)[1])
        assert root.find("renderer-v2") is not None
    rules = ElementTree.fromstring(styles["districts"][0].split("\n", 1)[1]).iter("rule")
    filters = [r.get("filter") for r in rules]
    assert any(f is not None and "IS NULL" in f for f in filters)
    assert any(f is not None and "served_share_" in f and ">=" in f for f in filters)


def test_the_chosen_sites_sit_at_their_venue_or_district_centre(
    small: tuple[Dataset, GapAnalysis],
) -> None:
    """sites_gpkg puts each chosen site at its own point, with the CSV's columns and the
    hidden counts of SiteChoice.table(); no layer is about patients."""
    from matcher.municipality.geopackage import sites_gpkg
    from matcher.municipality.siting import NewActivity, best_sites

    dataset, _ = small
    activity = NewActivity(
        kind="association", weekday="mon", start="10:00", end="12:00", group_size=10
    )
    choice = best_sites(dataset, activity, 2, time_limit=5)
    layers = sites_gpkg(choice, dataset)
    assert set(layers) == {"sites", "offers", "layer_styles"}
    sites = layers["sites"]
    assert isinstance(sites, gpd.GeoDataFrame)
    assert sites.crs == "EPSG:25832"
    assert np.allclose(sites.geometry.x, choice.sites["x"])
    table = choice.table()
    assert list(sites["candidate_id"]) == list(table["candidate_id"])
    assert (sites["serves"].isna() == table["serves"].isna()).all()
