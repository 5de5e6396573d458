"""`brobygger gaps` and `brobygger sites`: files written, suppression, bad input writes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from builders import build, offer, session
from gaps_support import analysis_of, at, people, two_districts
from typer.testing import CliRunner

from matcher import Dataset, load_dataset
from matcher.dataset.districts import read_districts
from matcher.domain import KINDS
from matcher.municipality.gapmap import draw_gaps
from matcher.municipality.gaps import gap_analysis

RUNNER = CliRunner()
OUTPUTS = ["coverage.csv", "gaps.csv", "gaps.geojson", "gaps.gpkg", "gaps.png"]


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    from matcher.cli import app

    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def files_under(folder: Path) -> list[str]:
    """Every file in ``folder`` (empty when it does not exist)."""
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def small_town(root: Path) -> Path:
    """A dataset folder: Vest with 10 patients, Øst with 3, 6 outside both, one
    walk in Vest, and a districts.geojson in EPSG:4326."""
    build(
        offers=[offer(**at(-1000))],
        sessions=[session(capacity=10)],
        patients=people(5, "V", -1000)
        + people(5, "A", -1000, languages="ar")
        + people(3, "E", 800)
        + people(6, "F", 9000),
        directory=root,
    )
    two_districts().to_crs("EPSG:4326").to_file(root / "districts.geojson", driver="GeoJSON")
    return root


def test_gaps_writes_contract_files(demo_dir: Path, tmp_path: Path) -> None:
    """gaps writes gaps.csv (contract columns first), coverage.csv, gaps.geojson and gaps.png."""
    status, output = run("gaps", demo_dir, "--out", tmp_path / "out")
    assert status == 0, output
    assert files_under(tmp_path / "out") == OUTPUTS
    table = pd.read_csv(tmp_path / "out" / "gaps.csv")
    contract = ["district_id", "name", "patients"]
    for kind in KINDS:
        contract += [f"served_share_{kind}", f"e2sfca_{kind}"]
    assert table.columns[: len(contract)].tolist() == contract
    assert len(table) == 16
    geo = gpd.read_file(tmp_path / "out" / "gaps.geojson")
    assert geo.crs == "EPSG:4326"
    assert geo["district_id"].tolist() == table["district_id"].astype(str).tolist()
    assert (tmp_path / "out" / "gaps.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_three_patient_district_shows_only_its_name(tmp_path: Path) -> None:
    """A district with 3 patients shows nothing but its name in CSV, GeoJSON and map labels."""
    root = small_town(tmp_path / "town")
    status, output = run("gaps", root, "--out", tmp_path / "out", "--kind", "association")
    assert status == 0, output
    table = pd.read_csv(tmp_path / "out" / "gaps.csv", dtype={"district_id": str})
    east = table.set_index("district_id").loc["D2"]
    assert east["name"] == "Øst"
    assert east.drop("name").isna().all()
    # the 6 outside are hidden too, or Øst's 3 would be 19 - 10 - 6
    assert pd.isna(table.set_index("district_id").loc["outside", "patients"])
    # and Vest's share (5 of 10 served), or the 9 in Øst and outside would all be known
    # to be without an option: the total without one (14) less Vest's 5
    assert pd.isna(table.set_index("district_id").loc["D1", "served_share_association"])
    assert table.set_index("district_id").loc["D1", "patients"] == 10
    features = json.loads((tmp_path / "out" / "gaps.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["district_id"]: f["properties"] for f in features["features"]}
    assert {k for k, v in props["D2"].items() if v is not None} == {"district_id", "name"}
    coverage = pd.read_csv(tmp_path / "out" / "coverage.csv", dtype={"district_id": str})
    small = coverage[coverage["district_id"] == "D2"]
    assert small[["patients", "served_share", "reason", "e2sfca"]].isna().all().all()
    # the map: Øst is labelled with its name only, Vest with its share
    figure = draw_gaps(gap_analysis(load_dataset(root)), ["association"])
    labels = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "Øst" in labels and "Vest" in labels
    shown = draw_gaps(analysis_of([10, 20, 30], [5, 10, 15]), ["association"])
    assert "N2\n50%" in [t.get_text() for ax in shown.axes for t in ax.texts]
    legend = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert any(text.startswith("suppressed") for text in legend)
    assert "some patients live outside every district (how many is hidden)" in legend
    assert "association" in figure.get_suptitle().lower()


def test_same_output_for_wgs84_and_utm_districts(demo: Dataset, tmp_path: Path) -> None:
    """gaps with --districts in EPSG:4326 or its EPSG:25832 copy writes the same gaps.csv."""
    assert demo.districts is not None
    wgs, utm = tmp_path / "wgs.geojson", tmp_path / "utm.shp"
    demo.districts.to_crs("EPSG:4326").to_file(wgs, driver="GeoJSON")
    demo.districts.rename(columns={"district_id": "kode"}).to_file(utm, driver="ESRI Shapefile")
    source = demo.source
    assert source is not None
    one = ("--kind", "exit_team")  # one map panel is enough here
    first = run("gaps", source, "--out", tmp_path / "a", "--districts", wgs, *one)
    second = run(
        "gaps", source, "--out", tmp_path / "b", "--districts", utm, "--id-column", "kode", *one
    )
    assert first[0] == second[0] == 0
    a = pd.read_csv(tmp_path / "a" / "gaps.csv")
    b = pd.read_csv(tmp_path / "b" / "gaps.csv")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-6)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--kind", "club"], "--kind:-:-: 'club' is not one of"),
        (["--band", "night"], "--band:-:-: 'night' is not day or evening"),
        (["--districts", "NOFILE.geojson"], "NOFILE.geojson:-:-: district file not found"),
        (["--districts", "DISTRICTS", "--id-column", "lau_1"], "districts.geojson:-:lau_1:"),
        (["--travel-times", "TRAVEL"], "router.csv:2:destination_id: offer 'O9' is not in"),
        (["--districts", "FLAT"], "flat.csv:-:geometry: has no geometry; give GeoJSON"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    tmp_path: Path, extra: list[str], expected: str
) -> None:
    """Bad options or files: exit status 2, every problem named, no output file."""
    root = small_town(tmp_path / "town")
    router = tmp_path / "router.csv"
    router.write_text("origin_id,destination_id,minutes\nD1,O9,5\n", encoding="utf-8")
    flat = tmp_path / "flat.csv"  # a table without shapes, given as a district map
    flat.write_text("district_id,name\nD1,Vest\n", encoding="utf-8")
    names = {"DISTRICTS": root / "districts.geojson", "TRAVEL": router, "FLAT": flat}
    args = [str(names.get(a, a)) for a in extra]
    status, output = run("gaps", root, "--out", tmp_path / "out", *args)
    assert status == 2
    assert expected in output
    assert "Traceback" not in output
    assert files_under(tmp_path / "out") == []


def test_travel_times_with_district_origins_are_used(tmp_path: Path) -> None:
    """--travel-times rows from a district id set that district's E2SFCA travel."""
    root = small_town(tmp_path / "town")
    router = tmp_path / "router.csv"
    router.write_text("origin_id,destination_id,minutes\nD1,O1,25\n", encoding="utf-8")
    one = ("--kind", "association")  # one map panel is enough here
    assert run("gaps", root, "--out", tmp_path / "near", *one)[0] == 0
    assert run("gaps", root, "--out", tmp_path / "far", "--travel-times", router, *one)[0] == 0
    near = pd.read_csv(tmp_path / "near" / "gaps.csv").set_index("district_id")
    far = pd.read_csv(tmp_path / "far" / "gaps.csv").set_index("district_id")
    # 10 places; Øst's patients reach the walk by bus in 22 min (weight 0.22); its 3 are
    # hidden with the 6 outside, so it counts as 9 / 2 = 4.5 (outside adds no demand).
    # Built in, Vest's centre is at the walk (weight 1.00); by the router 25 min away (0.22).
    assert near.loc["D1", "e2sfca_association"] == pytest.approx(
        1000 * 10 / (10 + 4.5 * 0.22), abs=0.01
    )
    assert far.loc["D1", "e2sfca_association"] == pytest.approx(1000 * 10 / 14.5, abs=0.01)
    # coverage is the patients' own travel: the router's district rows do not change it
    for column in ("patients", "served_share_association", "reason_association"):
        assert far[column].equals(near[column]), column


def test_a_travel_time_pair_given_twice_in_travel_times_option_is_bad_input(
    tmp_path: Path,
) -> None:
    """--travel-times is held to the dataset's rule: a pair given twice (3 and 300 minutes)
    is bad input naming the row, and nothing is written."""
    root = small_town(tmp_path / "town")
    router = tmp_path / "router.csv"
    router.write_text("origin_id,destination_id,minutes\nD1,O1,3\nD1,O1,300\n", encoding="utf-8")
    code, output = run("gaps", root, "--out", tmp_path / "out", "--travel-times", router)
    assert code == 2, output
    assert "router.csv:3:origin_id: the pair D1 to O1 for every mode is given twice" in output
    assert files_under(tmp_path / "out") == []


def test_a_districts_option_that_is_a_named_pipe_is_bad_input(tmp_path: Path) -> None:
    """--districts reads only a regular file: a named pipe is refused, never waited on."""
    root = small_town(tmp_path / "town")
    pipe = tmp_path / "districts.geojson"
    os.mkfifo(pipe)
    code, output = run("gaps", root, "--out", tmp_path / "out", "--districts", pipe)
    assert code == 2, output
    assert "districts.geojson:-:-: is not a regular file" in output


def test_real_postal_code_districts(shared_dk: Path, demo_dir: Path, tmp_path: Path) -> None:
    """gaps runs on the real postal-code file with its own id and name columns."""
    status, output = run(
        "gaps",
        demo_dir,
        "--out",
        tmp_path / "out",
        "--districts",
        shared_dk / "postal_codes.geojson",
        "--id-column",
        "postal_code",
        "--name-column",
        "label_dk",
        "--kind",
        "exit_team",
    )
    assert status == 0, output
    table = pd.read_csv(tmp_path / "out" / "gaps.csv", dtype={"district_id": str})
    odense = table[table["district_id"].isin(["5000", "5200", "5210", "5220", "5230", "5240"])]
    assert len(odense) == 6
    assert odense["patients"].notna().any()
    assert table["patients"].sum() <= len(load_dataset(demo_dir).patients)


def test_real_municipalities_read_with_column_options(shared_dk: Path) -> None:
    """The district reader the command uses takes the municipality file's lau_1/label_dk."""
    shapes = read_districts(
        shared_dk / "municipalities.geojson", id_column="lau_1", name_column="label_dk"
    )
    assert shapes.set_index("district_id").loc["461", "name"] == "Odense"


def _tuesday_evening_sites(demo_dir: Path, kind: str, target: Path) -> tuple[int, str]:
    """brobygger sites for two sites of a Tuesday 17:00-18:30 activity of about 10."""
    return run(
        "sites",
        demo_dir,
        "--kind",
        kind,
        "--weekday",
        "tue",
        "--start",
        "17:00",
        "--end",
        "18:30",
        "--group-size",
        "10",
        "--k",
        "2",
        "--out",
        target,
    )


def test_sites_prints_and_writes_suppressed_counts(demo_dir: Path, tmp_path: Path) -> None:
    """sites picks K sites, prints them and writes a CSV where counts below 5 are empty."""
    target = tmp_path / "sites.csv"
    status, output = _tuesday_evening_sites(demo_dir, "exit_team", target)
    assert status == 0, output
    assert "proven best" in output
    table = pd.read_csv(target)
    assert len(table) == 2
    assert table.columns.tolist() == [
        "candidate_id",
        "name",
        "source",
        "lat",
        "lon",
        "serves",
        "only_here",
    ]
    counts = pd.concat([table["serves"], table["only_here"]]).dropna()
    assert (counts >= 5).all()


def test_sites_hides_what_would_give_a_small_count_away(demo_dir: Path, tmp_path: Path) -> None:
    """On the demo, a Tuesday evening association at 2 sites serves 11 and 8, 15 together:
    the second site's 4 served only there would be 15 - 11, so no only-here count and no
    total is shown, and the terminal says why."""
    target = tmp_path / "sites.csv"
    status, output = _tuesday_evening_sites(demo_dir, "association", target)
    assert status == 0, output
    table = pd.read_csv(target)
    assert table["serves"].tolist() == [11, 8]
    assert table["only_here"].isna().all()
    assert "served by the chosen sites: hidden" in output
    assert "patients without a suitable option now: 149" in output
    assert "would let a count below 5 be worked out" in output
    assert output.count("hidden") == 4  # two only-here cells, the total and the note


def test_sites_bad_options_exit_2(demo_dir: Path, tmp_path: Path) -> None:
    """sites with a wrong kind, weekday and end time lists every problem, exit 2."""
    target = tmp_path / "sites.csv"
    status, output = run(
        "sites",
        demo_dir,
        "--kind",
        "club",
        "--weekday",
        "someday",
        "--start",
        "18:00",
        "--end",
        "17:00",
        "--group-size",
        "8",
        "--out",
        target,
    )
    assert status == 2
    for text in ("--kind:-:-:", "--weekday:-:-:", "--end:-:-: 17:00 is not after 18:00"):
        assert text in output
    assert not target.exists()


def test_sites_with_a_table_as_districts_exits_2(demo_dir: Path, tmp_path: Path) -> None:
    """sites --districts with a file without shapes: exit 2, the file and geometry named."""
    flat = tmp_path / "flat.csv"
    flat.write_text("district_id,name\nD1,Vest\n", encoding="utf-8")
    target = tmp_path / "sites.csv"
    status, output = run(
        "sites",
        demo_dir,
        "--kind",
        "exit_team",
        "--weekday",
        "tue",
        "--start",
        "17:00",
        "--end",
        "18:30",
        "--group-size",
        "10",
        "--districts",
        flat,
        "--out",
        target,
    )
    assert status == 2
    assert "flat.csv:-:geometry: has no geometry; give GeoJSON, GeoPackage or Shapefile" in output
    assert "Traceback" not in output
    assert not target.exists()


def _sites_for(root: Path, unserved: int) -> tuple[int, str]:
    """brobygger sites for an exit team where ``unserved`` patients live and none is."""
    build(
        offers=[offer(**at(-1000))],
        sessions=[session(capacity=10)],
        patients=people(unserved, "P", -1000),
        directory=root,
    )
    return run(
        "sites", root, "--kind", "exit_team", "--weekday", "mon", "--start", "10:00",
        "--end", "11:00", "--group-size", "10", "--k", "1",
    )  # fmt: skip


def test_sites_prints_one_word_for_every_hidden_count(tmp_path: Path) -> None:
    """sites prints 'hidden' for a count below 5 and for one hidden to protect another alike,
    'fewer than 5' only for the patients without an option, and says so in --help."""
    status, three = _sites_for(tmp_path / "three", 3)
    assert status == 0, three
    assert "patients without a suitable option now: fewer than 5" in three
    status, five = _sites_for(tmp_path / "five", 5)
    assert status == 0, five
    # the site serves all 5: not below 5, hidden since it leaves nobody out; had it read
    # differently from a count below 5, it would say that the site serves exactly 5
    assert "patients without a suitable option now: 5;" in five
    for output in (three, five):
        row = next(line for line in output.splitlines() if line.count("│") >= 4)
        assert [cell.strip() for cell in row.split("│")[3:5]] == ["hidden", "hidden"]
        assert "served by the chosen sites: hidden" in " ".join(output.split())
    status, help_text = run("sites", "--help")
    assert status == 0
    words = " ".join(help_text.replace("│", " ").split())
    assert "print as 'hidden' when below 5 or when they would let a count below 5" in words
    assert "one word for both" in words
    assert "prints as 'fewer than 5' when it is below 5" in words
