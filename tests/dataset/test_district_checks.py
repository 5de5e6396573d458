"""The checks of a district file: coordinates that cannot be right in its coordinate
system, one id under two names, ids and names that cannot be shown safely, districts
outside Denmark and a GeoJSON naming an unknown coordinate system."""

from __future__ import annotations

from pathlib import Path

import pytest
from dataset_support import EAST, ISLAND, WEST, X0, Y0, geojson_with, layer, problems_of, save
from shapely.geometry import Polygon, box

from matcher import InputError
from matcher.dataset.districts import WARNINGS, read_districts


def test_missing_crs_with_metres_is_refused(tmp_path: Path) -> None:
    """A file without a CRS whose coordinates are metres is not taken for lon/lat."""
    path = save(layer([WEST], ["D1"]), tmp_path / "noprj.shp")
    path.with_suffix(".prj").unlink()
    assert any("declares no coordinate system" in p for p in problems_of(path))


@pytest.mark.parametrize(
    ("xy", "words"),
    [
        (("500", "55.4"), "has longitude 500, latitude 55.4: impossible in"),
        (("-181", "55.4"), "has longitude -181, latitude 55.4: impossible in"),
        (("10.4", "100"), "has longitude 10.4, latitude 100: impossible in"),
        (("1e300", "55.4"), "has longitude 1e+300"),
        (("NaN", "55.4"), "has a coordinate that is not a number"),
        (("10.4", "Infinity"), "has a coordinate that is not a number"),
    ],
)
def test_impossible_coordinates_are_bad_input(
    tmp_path: Path, demo_dir: Path, xy: tuple, words: str
) -> None:
    """A longitude beyond ±180, a latitude beyond ±90 or a coordinate that is not a
    finite number is an InputError naming the file, the feature and the district."""
    problems = problems_of(geojson_with(tmp_path, demo_dir, 2, 1, xy))
    assert len(problems) == 1
    assert problems[0].startswith("districts.geojson:3:geometry: district 'D03' ")
    assert words in problems[0]


@pytest.mark.parametrize("suffix", ["gpkg", "shp"])
def test_projected_coordinates_far_outside_their_crs_are_bad_input(
    tmp_path: Path, suffix: str
) -> None:
    """A vertex of a UTM file a thousand times too far east is refused, naming the feature."""
    typo = Polygon([(X0, Y0), (X0 * 1000, Y0), (X0, Y0 + 2000)])
    path = save(layer([WEST, typo], ["D1", "D2"]), tmp_path / f"utm.{suffix}")
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"utm.{suffix}:2:geometry: district 'D2' has x 584000000")
    assert "far outside the area of EPSG:25832" in problems[0]


def test_one_district_id_under_two_names_is_bad_input(tmp_path: Path) -> None:
    """Features that share an id are parts of one district: a second name for the id is
    refused, naming the feature and both names."""
    frame = layer([WEST, EAST, ISLAND], ["D1", "D1", "D1"], ["Vest", "Øst", "Vest"])
    problems = problems_of(save(frame, tmp_path / "twice.geojson"))
    assert problems == [
        "twice.geojson:2:name: district id 'D1' is named 'Vest' in feature 1 and 'Øst' here; "
        "features that share an id are parts of one district (islands) and need one name, "
        "so give each district its own id"
    ]


@pytest.mark.parametrize(
    ("ids", "names", "expected"),
    [
        (["=1+1"], None, "d.geojson:1:district_id: an id cannot start with '='"),
        (["@D1"], None, "d.geojson:1:district_id: an id cannot start with '@'"),
        (["D1"], ["Vest\x1b[31m"], "d.geojson:1:name: holds a control character"),
        (["D1"], ["Vest\u202eØst"], "d.geojson:1:name: holds a control character"),
    ],
)
def test_district_ids_and_names_that_cannot_be_shown_safely_are_bad_input(
    tmp_path: Path, ids: list[str], names: list[str] | None, expected: str
) -> None:
    """A district id that starts like a formula, or an id or name with control characters,
    is refused naming the feature and the property."""
    path = save(layer([WEST], ids, names), tmp_path / "d.geojson")
    with pytest.raises(InputError) as caught:
        read_districts(path)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value


def test_a_district_plainly_outside_denmark_is_a_warning(tmp_path: Path) -> None:
    """A district wholly outside a generous box around Denmark (another country's file, a
    wrong CRS) is read but named in a warning."""
    sydney = layer([WEST], ["D1"], crs="EPSG:4326")
    sydney = sydney.set_geometry([box(151.2, -33.9, 151.3, -33.8)], crs="EPSG:4326")
    path = save(sydney, tmp_path / "d.geojson")
    districts = read_districts(path)
    assert [str(w) for w in districts.attrs[WARNINGS]] == [
        "d.geojson:-:geometry: district 'D1' lies plainly outside Denmark"
    ]
    assert (
        read_districts(save(layer([WEST], ["D1"]), tmp_path / "dk.geojson")).attrs[WARNINGS] == ()
    )


def test_a_geojson_naming_an_unknown_coordinate_system_is_bad_input(tmp_path: Path) -> None:
    """A GeoJSON whose crs member names a system nobody knows is refused, not quietly read
    as longitude/latitude (GDAL's fallback)."""
    path = save(layer([WEST], ["D1"], crs="EPSG:4326"), tmp_path / "d.geojson")
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"type": "FeatureCollection",',
        '"type": "FeatureCollection", "crs": '
        '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},',
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        InputError, match="declares the coordinate system 'urn:ogc:def:crs:EPSG::999999'"
    ):
        read_districts(path)
