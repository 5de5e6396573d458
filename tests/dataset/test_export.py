"""Writing datasets and tables: both CSV dialects round-trip, and nothing is half-written."""

from __future__ import annotations

import csv
import io
import os
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from builders import offer, patient, session, write
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Dataset, load_dataset
from matcher.csvsafe import FORMULA_STARTS
from matcher.dataset.export import Dialect, atomic_path, save_dataset, write_csv, write_text
from matcher.dataset.export import _host as this_host
from matcher.dataset.schema import PATIENTS

TABLES = ("offers", "sessions", "patients", "staff", "candidates", "travel_times")


def assert_same_dataset(left: Dataset, right: Dataset) -> None:
    """Every table equal, column by column and type by type; districts to a micrometre."""
    for name in TABLES:
        a, b = getattr(left, name), getattr(right, name)
        assert (a is None) == (b is None), name
        if a is not None:
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)
    if left.districts is None or right.districts is None:
        assert left.districts is right.districts
        return
    pd.testing.assert_frame_equal(
        left.districts.drop(columns="geometry"), right.districts.drop(columns="geometry")
    )
    assert left.districts.crs == right.districts.crs
    # districts pass through EPSG:4326 in the file, so compare to a micrometre
    assert left.districts.geometry.geom_equals_exact(right.districts.geometry, 1e-6).all()


@pytest.mark.parametrize("dialect", ["utf8", "danish"])
def test_saved_demo_loads_to_identical_frames(
    demo: Dataset, tmp_path: Path, dialect: Dialect
) -> None:
    """The demo written as UTF-8 or as a Danish spreadsheet export loads to the same frames,
    geometry included."""
    save_dataset(demo, tmp_path / dialect, dialect=dialect)
    again = load_dataset(tmp_path / dialect)
    assert_same_dataset(demo, again)
    assert again.warnings == ()


def test_danish_export_is_what_a_danish_spreadsheet_writes(demo: Dataset, tmp_path: Path) -> None:
    """Windows-1252, ';', decimal comma, '|' lists, DD-MM-YYYY dates, ja/nej and CRLF."""
    save_dataset(demo, tmp_path, dialect="danish")
    raw = (tmp_path / "patients.csv").read_bytes()
    text = raw.decode("cp1252")
    header, first = text.split("\r\n")[:2]
    assert header.startswith("patient_id;lat;lon;discharge_date;")
    cells = dict(zip(header.split(";"), first.split(";"), strict=True))
    row = demo.patients.iloc[0]
    assert cells["lat"] == repr(float(row["lat"])).replace(".", ",")
    assert cells["discharge_date"] == row["discharge_date"].strftime("%d-%m-%Y")
    assert cells["modes"] == "|".join(row["modes"])
    assert cells["lives_alone"] == ("ja" if row["lives_alone"] else "nej")
    offers = (tmp_path / "offers.csv").read_bytes()
    assert "Næsby".encode("cp1252") in offers  # demo names with æ, ø, å in Windows-1252
    assert not offers.startswith(b"\xef\xbb\xbf")


def test_utf8_export_is_plain_csv(demo: Dataset, tmp_path: Path) -> None:
    """UTF-8 without BOM, ',', decimal point, ';' lists, ISO dates, true/false and LF."""
    save_dataset(demo, tmp_path)
    raw = (tmp_path / "patients.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in raw
    header, first = raw.decode("utf-8").split("\n")[:2]
    row = demo.patients.iloc[0]
    assert f",{row['discharge_date']:%Y-%m-%d}," in first
    assert ("true" if row["lives_alone"] else "false") in first
    assert header.count(",") == len(PATIENTS.columns) - 1


def test_letters_windows_1252_cannot_hold_are_kept(demo: Dataset, tmp_path: Path) -> None:
    """A Polish or Arabic name is never replaced by '?': the Danish file becomes UTF-8 with BOM
    and loads back unchanged."""
    offers = demo.offers.copy()
    offers.loc[0, "name"] = "Spacer w Łodzi"
    offers.loc[1, "description"] = "مجموعة المشي"
    changed = demo.replace(offers=offers)
    save_dataset(changed, tmp_path, dialect="danish")
    raw = (tmp_path / "offers.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"?" not in raw
    again = load_dataset(tmp_path)
    pd.testing.assert_frame_equal(again.offers, changed.offers)
    assert (tmp_path / "sessions.csv").read_bytes()[:3] != b"\xef\xbb\xbf"  # others stay cp1252


def test_open_ended_sessions_are_written_as_empty_weeks(demo: Dataset, tmp_path: Path) -> None:
    """weeks = 0 in a frame means 'not given' and is written as an empty cell, not 0."""
    save_dataset(demo, tmp_path)
    sessions = pd.read_csv(tmp_path / "sessions.csv", dtype=str, keep_default_na=False)
    open_ended = demo.sessions["weeks"].to_numpy() == 0
    assert open_ended.any()
    assert (sessions.loc[open_ended, "weeks"] == "").all()


def test_a_failed_save_writes_nothing(
    demo: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the last file cannot be written, none of the others appear, and no temporary
    file is left behind."""

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken)
    with pytest.raises(OSError, match="disk full"):
        save_dataset(demo, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_a_failed_save_keeps_the_previous_files(
    demo: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving over a dataset that fails half-way leaves the old dataset exactly as it was."""
    save_dataset(demo, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(gpd.GeoDataFrame, "to_file", broken)
    smaller = demo.replace(patients=demo.patients.iloc[:10])
    with pytest.raises(OSError):
        save_dataset(smaller, tmp_path, dialect="danish")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_atomic_path_replaces_only_on_success(tmp_path: Path) -> None:
    """A block that fails leaves the old file untouched and no temporary file behind."""
    target = tmp_path / "PLAN.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PLAN.csv"]
    with atomic_path(target) as tmp:
        tmp.write_text("new\n", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PLAN.csv"]


def test_write_text_creates_folders_and_writes_whole_files(tmp_path: Path) -> None:
    """write_text makes the parent folder and writes the text in one piece."""
    target = tmp_path / "out" / "PLAN.json"
    write_text(target, '{"placed": 3}\n')
    assert target.read_text(encoding="utf-8") == '{"placed": 3}\n'


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        ("utf8", "patient_id,travel_min,start_date\nP1,12.5,2027-01-04\n"),
        ("danish", "patient_id;travel_min;start_date\r\nP1;12,5;2027-01-04\r\n"),
    ],
)
def test_write_csv_speaks_both_dialects(tmp_path: Path, dialect: Dialect, expected: str) -> None:
    """A result table is written with '.' or, for Danish Excel, ';', a decimal comma and
    UTF-8 with a byte-order mark."""
    frame = pd.DataFrame({"patient_id": ["P1"], "travel_min": [12.5], "start_date": ["2027-01-04"]})
    write_csv(frame, tmp_path / "PLAN.csv", dialect=dialect)
    encoding = "utf-8-sig" if dialect == "danish" else "utf-8"
    assert (tmp_path / "PLAN.csv").read_bytes() == expected.encode(encoding)


#: Cells a spreadsheet would run, and what a planner's spreadsheet must get instead.
FORMULAS = {
    '=HYPERLINK("http://x","y")': """'=HYPERLINK("http://x","y")""",
    "+45 12 34 56 78": "'+45 12 34 56 78",
    "-1-1": "'-1-1",
    "@SUM(A1)": "'@SUM(A1)",
    "\t=1": "'\t=1",
    "\r=1": "'\n=1",  # a carriage return would end the row: it becomes a line feed
    "Gåklub\r\nP9,placed": "Gåklub\nP9,placed",
    "-3.5": "-3.5",  # text that is a plain number cannot hold a formula
    "'=quoted": "'=quoted",  # already quoted
    "Gåklub - Vest": "Gåklub - Vest",
}


def _rows(raw: bytes, dialect: Dialect) -> list[list[str]]:
    # result tables are UTF-8 (with a byte-order mark in Danish), a Danish dataset Windows-1252
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig" if dialect == "utf8" or bom else "cp1252")
    return list(
        csv.reader(io.StringIO(text, newline=""), delimiter="," if dialect == "utf8" else ";")
    )


@pytest.mark.parametrize("dialect", ["utf8", "danish"])
def test_write_csv_puts_a_quote_before_a_cell_a_spreadsheet_would_run(
    tmp_path: Path, dialect: Dialect
) -> None:
    """A text cell starting with =, +, -, @, tab or CR gets a ' in front; numbers in a numeric
    column stay numbers, in both dialects."""
    frame = pd.DataFrame(
        {"name": list(FORMULAS), "cost": [-3.5] * len(FORMULAS), "n": [-2] * len(FORMULAS)}
    )
    write_csv(frame, tmp_path / "out.csv", dialect=dialect)
    header, *rows = _rows((tmp_path / "out.csv").read_bytes(), dialect)
    assert header == ["name", "cost", "n"]
    assert [r[0] for r in rows] == list(FORMULAS.values())
    assert {r[1] for r in rows} == {"-3.5" if dialect == "utf8" else "-3,5"}
    assert {r[2] for r in rows} == {"-2"}


@pytest.mark.parametrize("dialect", ["utf8", "danish"])
def test_a_saved_dataset_holds_no_formula_and_saves_again_the_same(
    tmp_path: Path, dialect: Dialect
) -> None:
    """save_dataset quotes free text that starts a formula (names, providers) and leaves the
    rest as it was; the dataset it loads back to saves to the very same bytes."""
    root = tmp_path / "data"
    root.mkdir()
    names = [n for n in FORMULAS if not n.startswith(("\t", "\r"))]  # cells are stripped
    write(
        root,
        "offers.csv",
        [offer(offer_id=f"O{i}", name=n, provider="-Foreningen") for i, n in enumerate(names)],
    )
    write(root, "sessions.csv", [session(offer_id="O0")])
    write(root, "patients.csv", [patient()])
    save_dataset(load_dataset(root), tmp_path / "once", dialect=dialect)
    header, *rows = _rows((tmp_path / "once" / "offers.csv").read_bytes(), dialect)
    cells = [dict(zip(header, r, strict=True)) for r in rows]
    assert [c["name"] for c in cells] == [FORMULAS[n] for n in names]
    assert {c["provider"] for c in cells} == {"'-Foreningen"}
    assert all(c["offer_id"].startswith("O") for c in cells)
    save_dataset(load_dataset(tmp_path / "once"), tmp_path / "twice", dialect=dialect)
    for name in ("offers.csv", "sessions.csv", "patients.csv"):
        assert (tmp_path / "twice" / name).read_bytes() == (tmp_path / "once" / name).read_bytes()


def _dead_pid() -> int:
    """The id of a process of this machine that has ended."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(child.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="processes are told apart by age there")
def test_a_killed_writer_leaves_no_temporary_file_after_the_next_write(tmp_path: Path) -> None:
    """A writer killed half-way leaves a hidden temporary file; the next write of the same
    file removes it, and touches nothing else (a running writer's file, other files)."""
    target = tmp_path / "PLAN.csv"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from matcher.dataset.export import atomic_path\n"
            "with atomic_path(sys.argv[1]) as tmp:\n"
            "    tmp.write_text('half a plan')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n",
            str(target),
        ],
        check=False,
    )
    assert killed.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".PLAN.csv.") and not target.exists()
    host = this_host()
    dead, running = _dead_pid(), os.getppid()
    keep = [
        f".PLAN.csv.brobygger-{host}-{running}-abc123.tmp",  # a writer that still runs
        f".PLAN.csv.brobygger-otherhost-{dead}-abc123.tmp",  # another machine's, fresh
        f".OTHER.csv.brobygger-{host}-{dead}-abc123.tmp",  # another file's
        ".PLAN.csv.abcd1234",  # an earlier version's, fresh
        "PLAN.csv.bak",
    ]
    stale = [
        f".PLAN.csv.brobygger-{host}-{dead}-xyz789.tmp",
        f".PLAN.csv.brobygger-otherhost-{running}-old123.tmp",
        ".PLAN.csv.old12345",
    ]
    for name in keep + stale:
        (tmp_path / name).write_text("left over", encoding="utf-8")
    two_days_ago = time.time() - 2 * 24 * 3600
    for name in stale[1:]:
        os.utime(tmp_path / name, (two_days_ago, two_days_ago))
    write_csv(pd.DataFrame({"patient_id": ["P1"]}), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*keep, "PLAN.csv"])
    assert target.read_text(encoding="utf-8") == "patient_id\nP1\n"


#: Letters of Danish text, punctuation that needs quoting, and letters Windows-1252 lacks.
_ALPHABET = string.ascii_letters + string.digits + " .,;:'\"-/()&æøåÆØÅéü" + "Łłść" + "مرحبا"
#: Text that loads back unchanged (text starting a formula gets a ', see the formula tests).
_text = (
    st.text(alphabet=_ALPHABET, min_size=1, max_size=24)
    .map(str.strip)
    .filter(lambda t: t and not t.startswith(FORMULA_STARTS))
)
_offer_rows = st.lists(
    st.fixed_dictionaries(
        {
            "name": _text,
            "provider": _text,
            "fee_dkk_month": st.decimals(0, 5000, places=2).map(float),
            "lat": st.floats(54.6, 57.7).map(lambda v: round(v, 6)),
            "lon": st.floats(8.1, 15.1).map(lambda v: round(v, 6)),
            "group_size": st.integers(1, 40),
            "supervised": st.booleans(),
            "tags": st.lists(st.sampled_from(["walking", "dans", "kor", "svømning"]), max_size=3),
            "languages": st.lists(st.sampled_from(["da", "en", "ar", "pl"]), min_size=1),
        }
    ),
    min_size=1,
    max_size=6,
)


@pytest.mark.slow
@settings(max_examples=15, deadline=None, derandomize=True)
@given(rows=_offer_rows)
def test_any_offers_round_trip_through_both_dialects(rows: list[dict[str, object]]) -> None:
    """Offers with quotes, separators, Danish and non-Windows-1252 letters, decimals and lists
    load back identically from UTF-8 and from a Danish spreadsheet export."""
    with tempfile.TemporaryDirectory(prefix="brobygger-test-") as tmp:
        root = Path(tmp)
        offers = [offer(offer_id=f"O{i}", **row) for i, row in enumerate(rows, start=1)]
        write(root, "offers.csv", offers)
        write(root, "sessions.csv", [session(offer_id="O1")])
        write(root, "patients.csv", [patient()])
        original = load_dataset(root)
        for dialect in ("utf8", "danish"):
            save_dataset(original, root / dialect, dialect=dialect)
            assert_same_dataset(original, load_dataset(root / dialect))


def test_the_demo_saved_as_workbooks_loads_to_identical_frames(
    demo: Dataset, tmp_path: Path
) -> None:
    """The demo written as one workbook per file (offers.xlsx, ...) loads to the same frames."""
    save_dataset(demo, tmp_path, excel=True)
    assert not list(tmp_path.glob("*.csv"))
    assert (tmp_path / "offers.xlsx").exists()
    again = load_dataset(tmp_path)
    assert_same_dataset(demo, again)
    assert again.warnings == ()


def test_saving_in_the_other_format_replaces_the_table_s_old_file(
    demo: Dataset, tmp_path: Path
) -> None:
    """A folder saved as CSV, then as workbooks (and back), holds each table once and loads."""
    save_dataset(demo, tmp_path)
    save_dataset(demo, tmp_path, excel=True)
    assert not (tmp_path / "offers.csv").exists()
    assert_same_dataset(demo, load_dataset(tmp_path))
    save_dataset(demo, tmp_path, dialect="danish")
    assert not (tmp_path / "offers.xlsx").exists()
    assert_same_dataset(demo, load_dataset(tmp_path))


def test_tables_in_a_danish_block_are_danish_csv_and_sheets_of_one_workbook(
    tmp_path: Path,
) -> None:
    """Inside table_outputs every CSV is ';', decimal comma and UTF-8 with BOM, and each table
    is also a sheet, named after its file, of the one workbook written when the block ends."""
    from openpyxl import load_workbook

    from matcher.dataset.export import table_outputs

    plan = pd.DataFrame({"patient_id": ["P1"], "name": ["Næsby"], "travel_min": [12.5]})
    routes = pd.DataFrame({"staff_id": ["H1"], "drive_min": [7]})
    with table_outputs(dialect="danish", workbook=tmp_path / "out.xlsx") as written:
        write_csv(plan, tmp_path / "schedule.csv")
        write_csv(routes, tmp_path / "routes.csv")
        assert not (tmp_path / "out.xlsx").exists()  # written whole, at the end
    assert written == [tmp_path / "out.xlsx"]
    raw = (tmp_path / "schedule.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    read = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(read, plan)
    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["schedule", "routes"]
    assert [c.value for c in book["schedule"][2]] == ["P1", "Næsby", 12.5]
    write_csv(plan, tmp_path / "after.csv")  # outside the block: UTF-8 as before
    assert (tmp_path / "after.csv").read_bytes().startswith(b"patient_id,")


def test_a_failed_block_writes_no_workbook(tmp_path: Path) -> None:
    """When the work inside table_outputs fails, its workbook is not written."""
    from matcher.dataset.export import table_outputs

    with pytest.raises(RuntimeError), table_outputs(workbook=tmp_path / "out.xlsx"):
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "a.csv")
        raise RuntimeError("stopped")
    assert not (tmp_path / "out.xlsx").exists()
