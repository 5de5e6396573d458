"""Districts: reading map files in any CRS, dissolving, repairing, placing points,
fallbacks (the checks of a file's shapes and names are in test_district_checks, the
grid and the population centres in test_district_grids)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from dataset_support import (
    DISTRICTS,
    EAST,
    ISLAND,
    WEST,
    X0,
    Y0,
    geojson_with,
    layer,
    problems_of,
    save,
)
from shapely.geometry import MultiPolygon, Point, Polygon, box

from matcher import InputError
from matcher.dataset.districts import read_districts
from matcher.dataset.load import districts_for
from matcher.geo import CRS, OUTSIDE, assign_districts, locate


def with_z(polygon: Polygon, z: float = -999.0) -> Polygon:
    """The polygon with a Z value on every vertex, as real Danish files have."""
    return Polygon([(x, y, z) for x, y in polygon.exterior.coords])


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "shp"])
def test_same_districts_from_wgs84_and_utm_copies(tmp_path: Path, suffix: str) -> None:
    """A file in EPSG:4326 and its EPSG:25832 copy give the same districts."""
    base = layer([WEST, EAST], ["D1", "D2"])
    wgs = read_districts(save(base.to_crs("EPSG:4326"), tmp_path / f"wgs.{suffix}"))
    utm = read_districts(save(base, tmp_path / f"utm.{suffix}"))
    assert wgs.crs == utm.crs == CRS
    assert wgs["district_id"].tolist() == utm["district_id"].tolist() == ["D1", "D2"]
    assert wgs.geometry.geom_equals_exact(utm.geometry, tolerance=0.01).all()


def test_z_values_are_dropped(tmp_path: Path) -> None:
    """Z coordinates (-999 in real files) are dropped on reading."""
    path = save(layer([with_z(WEST)], ["D1"], crs="EPSG:4326"), tmp_path / "z.geojson")
    assert gpd.read_file(path).has_z.all()
    assert not read_districts(path).has_z.any()


def test_parts_sharing_an_id_dissolve_into_one_multipolygon(tmp_path: Path) -> None:
    """Islands and split features sharing a district_id become one row."""
    frame = layer([WEST, ISLAND, EAST], ["D1", "D1", "D2"], ["Vest", "Vest", "Øst"])
    got = read_districts(save(frame, tmp_path / "islands.geojson"))
    assert got["district_id"].tolist() == ["D1", "D2"]
    west = got.geometry.iloc[0]
    assert isinstance(west, MultiPolygon)
    assert len(west.geoms) == 2
    assert west.area == pytest.approx(WEST.area + ISLAND.area, rel=1e-6)


def test_split_feature_merges_into_one_polygon(tmp_path: Path) -> None:
    """A district cut into touching features is one polygon again."""
    frame = layer([WEST, EAST], ["D1", "D1"])
    got = read_districts(save(frame, tmp_path / "split.geojson"))
    assert len(got) == 1
    assert got.geometry.iloc[0].geom_type == "Polygon"
    assert got.geometry.iloc[0].area == pytest.approx(8e6, rel=1e-6)


@pytest.mark.parametrize(
    ("columns", "id_column", "name_column"),
    [
        ({"lau_1": ["461", "479"], "label_dk": ["Odense", "Svendborg"]}, "lau_1", "label_dk"),
        ({"LAU_1": ["461", "479"], "Label_DK": ["Odense", "Svendborg"]}, "lau_1", "label_dk"),
        (
            {"postal_code": ["461", "479"], "label_dk": ["Odense", "Svendborg"]},
            "postal_code",
            "label_dk",
        ),
    ],
)
def test_id_and_name_columns_can_be_chosen(
    tmp_path: Path, columns: dict, id_column: str, name_column: str
) -> None:
    """Real files name their id and name columns differently (lau_1, label_dk)."""
    frame = gpd.GeoDataFrame(columns, geometry=[WEST, EAST], crs=CRS)
    got = read_districts(
        save(frame, tmp_path / "m.geojson"), id_column=id_column, name_column=name_column
    )
    assert got["district_id"].tolist() == ["461", "479"]
    assert got["name"].tolist() == ["Odense", "Svendborg"]


def test_shapefile_cut_column_name_is_found(tmp_path: Path) -> None:
    """A Shapefile stores district_id as district_i (10 characters); it still reads."""
    path = save(layer([WEST], ["D1"]), tmp_path / "cut.shp")
    assert "district_i" in gpd.read_file(path).columns
    assert read_districts(path)["district_id"].tolist() == ["D1"]


def test_numeric_ids_and_missing_names(tmp_path: Path) -> None:
    """Whole-number ids read as text without '.0'; without names the id is the name."""
    frame = gpd.GeoDataFrame({"district_id": [5000.0, 5200.0]}, geometry=[WEST, EAST], crs=CRS)
    got = read_districts(save(frame, tmp_path / "n.geojson"))
    assert got["district_id"].tolist() == ["5000", "5200"]
    assert got["name"].tolist() == ["5000", "5200"]


def test_invalid_ring_is_repaired(tmp_path: Path) -> None:
    """A self-crossing ring (bow tie) is repaired, not rejected."""
    bow = Polygon([(X0, Y0), (X0 + 1000, Y0 + 1000), (X0 + 1000, Y0), (X0, Y0 + 1000)])
    got = read_districts(save(layer([bow], ["D1"]), tmp_path / "bow.gpkg"))
    assert got.geometry.is_valid.all()
    assert got.geometry.iloc[0].area == pytest.approx(500_000, rel=1e-6)


@pytest.mark.parametrize(
    ("frame", "options", "expected"),
    [
        (
            gpd.GeoDataFrame({"kode": ["1"]}, geometry=[WEST], crs=CRS),
            {},
            "bad.geojson:-:district_id: required property is missing (found: kode)",
        ),
        (
            gpd.GeoDataFrame({"lau_1": ["1"]}, geometry=[WEST], crs=CRS),
            {"id_column": "lau_1", "name_column": "label_dk"},
            "bad.geojson:-:label_dk: name property is missing (found: lau_1)",
        ),
        (
            gpd.GeoDataFrame(
                {"district_id": ["D1", "D2"]}, geometry=[WEST, Point(X0, Y0)], crs=CRS
            ),
            {},
            "bad.geojson:2:geometry: is a Point, not a polygon",
        ),
        (
            gpd.GeoDataFrame({"district_id": ["D1", None]}, geometry=[WEST, EAST], crs=CRS),
            {},
            "bad.geojson:2:district_id: district id is empty",
        ),
        (
            gpd.GeoDataFrame(
                {"district_id": ["D1"]},
                geometry=[Polygon([(X0, Y0), (X0 + 10, Y0), (X0 + 20, Y0)])],
                crs=CRS,
            ),
            {},
            "bad.geojson:1:geometry: has no area left once its rings are repaired",
        ),
        (
            gpd.GeoDataFrame({"district_id": [OUTSIDE]}, geometry=[WEST], crs=CRS),
            {},
            "bad.geojson:1:district_id: 'outside' is kept for points in no district",
        ),
    ],
)
def test_bad_files_name_file_feature_and_column(
    tmp_path: Path, frame: gpd.GeoDataFrame, options: dict, expected: str
) -> None:
    """Every problem names the file, the feature and the property."""
    assert expected in problems_of(save(frame, tmp_path / "bad.geojson"), **options)


def test_missing_file_and_unreadable_file(tmp_path: Path) -> None:
    """A missing or broken file is a problem with the file, not a traceback."""
    assert problems_of(tmp_path / "none.geojson") == ["none.geojson:-:-: district file not found"]
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert problems_of(empty) == ["empty.geojson:-:-: holds no district (no features)"]
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not json", encoding="utf-8")
    assert problems_of(broken)[0].startswith("broken.geojson:-:-: cannot be read as a map layer")


@pytest.mark.parametrize("text", ["district_id,name\nD1,Vest\nD2,Øst\n", "district_id,name\n"])
def test_table_without_shapes_names_geometry(tmp_path: Path, text: str) -> None:
    """A readable table without shapes (e.g. CSV) is a problem naming the geometry column."""
    table = tmp_path / "districts.csv"
    table.write_text(text, encoding="utf-8")
    assert problems_of(table) == [
        f"{table.name}:-:geometry: has no geometry; give GeoJSON, GeoPackage or Shapefile"
    ]


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((X0 + 500, Y0 + 500), 0),
        ((X0 + 3500, Y0 + 500), 1),
        ((X0 + 2000, Y0 + 1000), 0),  # on the shared border: the first district
        ((X0 - 100, Y0 - 100), -1),
    ],
)
def test_locate_puts_each_point_in_one_district(point: tuple, expected: int) -> None:
    """Each point goes to the district that holds it, the first on a border, -1 outside."""
    points = gpd.GeoSeries([Point(point)], crs=CRS)
    assert locate(points, DISTRICTS).tolist() == [expected]


def test_points_outside_are_kept_as_outside() -> None:
    """Points in no district get the OUTSIDE label and are never dropped."""
    wgs = gpd.GeoSeries(
        [Point(X0 + 500, Y0 + 500), Point(X0 + 9000, Y0), Point(X0 + 3000, Y0 + 10)], crs=CRS
    ).to_crs("EPSG:4326")
    got = assign_districts(wgs, DISTRICTS)
    assert got.tolist() == ["D1", OUTSIDE, "D2"]


def test_districts_fallback_order(demo) -> None:
    """Given districts win, then the dataset's own, then a grid."""
    given = layer([WEST], ["X1"])
    assert districts_for(demo, given)["district_id"].tolist() == ["X1"]
    assert districts_for(demo)["district_id"].tolist() == demo.districts["district_id"].tolist()
    grid = districts_for(demo.replace(districts=None))
    assert grid["name"].str.startswith("grid ").all()
    everyone = gpd.GeoSeries(list(demo.patients.geometry) + list(demo.offers.geometry), crs=CRS)
    assert (locate(everyone, grid) >= 0).all()


def test_real_municipalities_dissolve_and_drop_z(shared_dk: Path) -> None:
    """Real municipality file: Odense (461) is one 2-D district; islands dissolve."""
    path = shared_dk / "municipalities.geojson"
    raw = gpd.read_file(path)
    got = read_districts(path, id_column="lau_1", name_column="label_dk")
    assert got.crs == CRS
    assert not got.has_z.any()
    assert got["district_id"].is_unique
    assert len(got) == raw["lau_1"].nunique()
    odense = got[got["district_id"] == "461"]
    assert odense["name"].tolist() == ["Odense"]
    assert odense.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    odense_raw = raw[raw["lau_1"] == "461"].to_crs(CRS).geometry.area.sum()
    assert odense.geometry.area.iloc[0] == pytest.approx(odense_raw, rel=1e-6)
    # the municipality split into the most features becomes one multipolygon of islands
    most = raw["lau_1"].value_counts()
    lau, parts = str(most.index[0]), int(most.iloc[0])
    islands = got.set_index("district_id").geometry[lau]
    assert isinstance(islands, MultiPolygon)
    assert len(islands.geoms) == parts > 1


def test_real_postal_codes_load_and_take_points(shared_dk: Path, demo) -> None:
    """Real postal-code areas: Odense's 5000-5270 load and demo patients land in them."""
    got = read_districts(
        shared_dk / "postal_codes.geojson", id_column="postal_code", name_column="label_dk"
    )
    assert not got.has_z.any()
    odense = {"5000", "5200", "5210", "5220", "5230", "5240", "5250", "5260", "5270"}
    assert odense <= set(got["district_id"])
    assert got.set_index("district_id").loc["5000", "name"] == "Odense C"
    ids = assign_districts(demo.patients.geometry, got)
    assert len(ids) == len(demo.patients)
    inside = ids[ids != OUTSIDE]
    assert np.isin(inside, sorted(odense)).mean() > 0.5


def bow_tie(x: float, y: float, side: float = 1000.0) -> Polygon:
    """A ring that crosses itself in its middle: two triangles meeting at a point."""
    return Polygon([(x, y), (x + side, y + side), (x + side, y), (x, y + side)])


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "shp"])
def test_a_repaired_district_shape_is_reported_as_a_warning(tmp_path: Path, suffix: str) -> None:
    """A self-crossing shape is repaired with make_valid, keeps its area and its patients,
    and a warning names the file, the feature and the district."""
    bow = bow_tie(X0 + 6000, Y0)
    frame = layer([WEST, bow], ["D1", "D2"], ["Vest", "Sløjfe"], crs="EPSG:4326")
    path = save(frame, tmp_path / f"bow.{suffix}")
    got = read_districts(path)
    assert got.geometry.is_valid.all()
    assert got.geometry.iloc[1].area == pytest.approx(500_000, rel=1e-3)
    home = gpd.GeoSeries([Point(X0 + 6900, Y0 + 500)], crs=CRS)  # in the bow's right triangle
    assert assign_districts(home, got).tolist() == ["D2"]
    warned = [str(w) for w in got.attrs["warnings"]]
    assert len(warned) == 1
    assert warned[0].startswith(f"bow.{suffix}:2:geometry: district 'D2' (Sløjfe): ")
    assert "Self-intersection" in warned[0] and "repaired" in warned[0]


def test_valid_districts_carry_no_warnings(demo_dir: Path) -> None:
    """The demo's valid district file gives no warning."""
    assert read_districts(demo_dir / "districts.geojson").attrs["warnings"] == ()


def test_a_file_without_crs_in_degrees_is_taken_as_wgs84_with_a_warning(tmp_path: Path) -> None:
    """A Shapefile without .prj whose coordinates are longitude/latitude is read as
    EPSG:4326, and a warning says so."""
    path = save(layer([WEST], ["D1"], crs="EPSG:4326"), tmp_path / "noprj.shp")
    path.with_suffix(".prj").unlink()
    got = read_districts(path)
    assert got.geometry.iloc[0].area == pytest.approx(WEST.area, rel=1e-3)
    assert [str(w) for w in got.attrs["warnings"]] == [
        "noprj.shp:-:geometry: declares no coordinate system; its coordinates are taken as "
        "longitude/latitude (EPSG:4326)"
    ]


def test_an_empty_file_or_a_folder_is_bad_input(tmp_path: Path) -> None:
    """A district file of 0 bytes, or a folder in its place, is refused by name."""
    empty = tmp_path / "districts.geojson"
    empty.write_bytes(b"")
    assert problems_of(empty) == ["districts.geojson:-:-: is empty (0 bytes)"]
    folder = tmp_path / "districts.gpkg"
    folder.mkdir()
    assert problems_of(folder) == [
        "districts.gpkg:-:-: is not a file; give GeoJSON, GeoPackage or Shapefile"
    ]


def test_huge_numeric_ids_are_read_as_text(tmp_path: Path) -> None:
    """A numeric id too large for a whole number is kept as its text, not a crash."""
    frame = gpd.GeoDataFrame({"district_id": [1e300, 5000.0]}, geometry=[WEST, EAST], crs=CRS)
    got = read_districts(save(frame, tmp_path / "n.geojson"))
    assert got["district_id"].tolist() == ["1e+300", "5000"]


def dataset_with_districts(tmp_path: Path, demo_dir: Path, text: str | bytes) -> Path:
    """A copy of the demo dataset whose districts.geojson is ``text``."""
    import shutil

    folder = tmp_path / "ds"
    shutil.copytree(demo_dir, folder)
    target = folder / "districts.geojson"
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return folder


POINTS_ONLY = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", '
    '"properties": {"district_id": "D1"}, "geometry": {"type": "Point", '
    '"coordinates": [10.4, 55.4]}}]}'
)
NO_ID = (
    '{"type": "FeatureCollection", "features": [{"type": "Feature", '
    '"properties": {"kode": "D1"}, "geometry": {"type": "Polygon", '
    '"coordinates": [[[10.3, 55.3], [10.4, 55.3], [10.4, 55.4], [10.3, 55.3]]]}}]}'
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("lon500", "districts.geojson:2:geometry: district 'D02' has longitude 500"),
        ("nan", "districts.geojson:2:geometry: district 'D02' has a coordinate that is not a"),
        (b"", "districts.geojson:-:-: is empty (0 bytes)"),
        (b"\x00\xff\x13garbage", "districts.geojson:-:-: cannot be read as a map layer"),
        ('{"type": "FeatureCollection", "features": []}', "holds no district (no features)"),
        (POINTS_ONLY, "districts.geojson:1:geometry: is a Point, not a polygon"),
        (NO_ID, "districts.geojson:-:district_id: required property is missing (found: kode)"),
    ],
)
def test_validate_refuses_a_bad_district_file_with_exit_2(
    tmp_path: Path, demo_dir: Path, content: str | bytes, expected: str
) -> None:
    """brobygger validate on a dataset with a bad district file exits 2 naming the file
    and the feature, never with a traceback."""
    from typer.testing import CliRunner

    from matcher.cli import app

    if content in ("lon500", "nan"):
        xy = ("500", "55.4") if content == "lon500" else ("NaN", "55.4")
        content = geojson_with(tmp_path, demo_dir, 1, 2, xy).read_text(encoding="utf-8")
    folder = dataset_with_districts(tmp_path, demo_dir, content)
    result = CliRunner().invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Traceback" not in result.output


def test_degrees_in_a_file_that_declares_metres_are_bad_input(tmp_path: Path) -> None:
    """A file that declares EPSG:25832 but holds degrees gives districts of a fraction
    of a square metre: refused, asking whether the coordinate system is the declared one."""
    path = save(layer([box(10.38, 55.38, 10.42, 55.41)], ["D1"]), tmp_path / "d.geojson")
    with pytest.raises(InputError) as caught:
        read_districts(path)
    assert "are its coordinates in the coordinate system the file declares" in str(caught.value)


def test_a_district_whose_corners_lie_on_a_line_is_bad_input(tmp_path: Path) -> None:
    """A sliver of a few hundred m² (corners almost on one line) is no district: refused."""
    sliver = Polygon([(X0, Y0), (X0 + 2500, Y0 + 0.1), (X0 + 1250, Y0 + 0.2), (X0, Y0)])
    path = save(layer([sliver], ["D1"]), tmp_path / "d.geojson")
    with pytest.raises(InputError, match="district 'D1' has an area of"):
        read_districts(path)
