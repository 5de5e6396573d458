"""`brobygger gaps` writes gaps.gpkg beside gaps.geojson, and `--where` takes one municipality
from a national district file."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()
DEMO = Path(__file__).resolve().parents[2] / "data" / "activities"


def run(*args: str | Path) -> tuple[int, str]:
    """Run brobygger in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def national(tmp_path: Path) -> Path:
    """The demo's districts as a 'national' file of two municipalities (0461 and 0479)."""
    shapes = gpd.read_file(DEMO / "districts.geojson")
    shapes["kommunekode"] = ["0461" if i % 2 == 0 else "0479" for i in range(len(shapes))]
    path = tmp_path / "national.gpkg"
    shapes.to_file(path, driver="GPKG")
    return path


def test_gaps_writes_a_geopackage_in_utm32_with_its_layers(tmp_path: Path) -> None:
    """gaps.gpkg opens with pyogrio: districts, coverage and offers in EPSG:25832."""
    code, said = run("gaps", DEMO, "--out", tmp_path)
    assert code == 0, said
    assert "gaps.gpkg" in said
    names = [str(n) for n, _ in pyogrio.list_layers(tmp_path / "gaps.gpkg")]
    assert {"districts", "coverage", "offers", "layer_styles"} == set(names)
    assert pyogrio.read_info(tmp_path / "gaps.gpkg", layer="districts")["crs"] == "EPSG:25832"


def test_where_keeps_only_that_municipality_s_districts(tmp_path: Path) -> None:
    """--where "kommunekode='0461'" on a national file reports only the districts of 0461."""
    path = national(tmp_path)
    keep = gpd.read_file(path, where="kommunekode='0461'")["district_id"]
    code, said = run(
        "gaps",
        DEMO,
        "--out",
        tmp_path / "out",
        "--districts",
        path,
        "--where",
        "kommunekode='0461'",
    )
    assert code == 0, said
    gaps = pd.read_csv(tmp_path / "out" / "gaps.csv")
    districts = set(gaps["district_id"]) - {"outside"}
    assert districts == set(keep)
    assert 0 < len(districts) < len(gpd.read_file(path))
    layer = gpd.read_file(tmp_path / "out" / "gaps.gpkg", layer="districts")
    assert set(layer["district_id"]) == set(keep)


def test_a_condition_gdal_cannot_read_exits_2_naming_the_file(tmp_path: Path) -> None:
    """A broken --where is bad input (exit 2, the file named), never a traceback."""
    path = national(tmp_path)
    code, said = run(
        "gaps", DEMO, "--out", tmp_path / "out", "--districts", path, "--where", "kommunekode="
    )
    assert code == 2
    assert "national.gpkg" in said and "Traceback" not in said
    assert not (tmp_path / "out").exists()


def test_where_without_districts_is_refused(tmp_path: Path) -> None:
    """--where filters a --districts file; alone it is bad input."""
    code, said = run("gaps", DEMO, "--out", tmp_path / "out", "--where", "kommunekode='0461'")
    assert code == 2
    assert "goes with --districts FILE" in said


SITES = ["--kind", "association", "--weekday", "monday", "--start", "10:00", "--end", "12:00"]


def test_sites_writes_the_chosen_sites_as_a_geopackage_beside_its_csv(tmp_path: Path) -> None:
    """sites --out sites.csv also writes sites.gpkg: the chosen sites (as in the CSV, hidden
    counts NULL) and the offers, in EPSG:25832."""
    out = tmp_path / "sites.csv"
    code, said = run("sites", DEMO, *SITES, "--group-size", "10", "--k", "2", "--out", out)
    assert code == 0, said
    table = pd.read_csv(out)
    layer = gpd.read_file(tmp_path / "sites.gpkg", layer="sites")
    assert list(layer["candidate_id"]) == list(table["candidate_id"])
    assert (layer["serves"].isna() == table["serves"].isna()).all()
    assert layer.crs == "EPSG:25832"
    names = {str(n) for n, _ in pyogrio.list_layers(tmp_path / "sites.gpkg")}
    assert names == {"sites", "offers", "layer_styles"}


def test_sites_refuses_an_out_that_is_the_map_s_own_name(tmp_path: Path) -> None:
    """--out sites.gpkg would be overwritten by the map written beside it: exit 2, nothing
    written."""
    out = tmp_path / "sites.gpkg"
    code, said = run("sites", DEMO, *SITES, "--group-size", "10", "--out", out)
    assert code == 2
    assert "give a name ending in .csv" in said
    assert not list(tmp_path.iterdir())
