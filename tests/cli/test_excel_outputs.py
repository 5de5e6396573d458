"""`--excel` and `--dialect danish` on the commands that write tables: one workbook with a sheet
per table, Danish CSV that reads back to the same rows, and datasets as workbooks that load."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.cli import app
from matcher.words.app import column_text

RUNNER = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    """Run brobygger in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo municipality as CSV files."""
    folder = tmp_path_factory.mktemp("small") / "data"
    code, said = run("demo", "--out", folder, "--patients", "40", "--offers", "12")
    assert code == 0, said
    return folder


def danish_csv(path: Path) -> pd.DataFrame:
    """A CSV file written for Danish Excel, read as Danish Excel reads it."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")


def test_plan_excel_danish_writes_the_plan_as_danish_csv_and_a_workbook(
    small: Path, tmp_path: Path
) -> None:
    """PLAN.csv in the Danish dialect holds the rows of the plain one; PLAN.xlsx beside it has
    the plan as one sheet with Danish headers and the header row frozen."""
    code, said = run("plan", small, "--out", tmp_path / "plain" / "PLAN.csv", "--time-limit", "5")
    assert code == 0, said
    target = tmp_path / "dk" / "PLAN.csv"
    code, said = run(
        "plan", small, "--out", target, "--time-limit", "5", "--excel", "--dialect", "danish"
    )
    assert code == 0, said
    assert "PLAN.xlsx" in said
    plain = pd.read_csv(tmp_path / "plain" / "PLAN.csv")
    pd.testing.assert_frame_equal(danish_csv(target), plain)
    book = load_workbook(target.with_suffix(".xlsx"))
    assert book.sheetnames == ["PLAN"]
    sheet = book["PLAN"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [column_text(c, "da") for c in plain.columns]
    assert sheet.max_row == len(plain) + 1


def test_gaps_excel_has_a_sheet_per_table_it_writes(small: Path, tmp_path: Path) -> None:
    """gaps --excel writes gaps.xlsx with the gaps and coverage tables, the CSV files as before."""
    code, said = run("gaps", small, "--out", tmp_path, "--excel")
    assert code == 0, said
    book = load_workbook(tmp_path / "gaps.xlsx")
    assert book.sheetnames == ["gaps", "coverage"]
    gaps = pd.read_csv(tmp_path / "gaps.csv", dtype={"district_id": str})
    assert [c.value for c in book["gaps"][1]] == list(gaps.columns)
    assert book["gaps"].max_row == len(gaps) + 1


def test_demo_excel_writes_workbooks_that_validate_and_load_as_the_csv_files(
    small: Path, tmp_path: Path
) -> None:
    """demo --excel writes offers.xlsx and the rest instead of CSV, and they load to the same
    tables as the CSV demo of the same seed."""
    code, said = run("demo", "--out", tmp_path, "--patients", "40", "--offers", "12", "--excel")
    assert code == 0, said
    assert (tmp_path / "offers.xlsx").exists() and not (tmp_path / "offers.csv").exists()
    code, said = run("validate", tmp_path)
    assert code == 0, said
    books, plain = load_dataset(tmp_path), load_dataset(small)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(books, name), getattr(plain, name), obj=name)


def test_a_bad_cell_in_a_workbook_exits_2_naming_file_sheet_row_and_column(
    small: Path, tmp_path: Path
) -> None:
    """validate of a folder whose offers.xlsx has a bad fee lists it as file:sheet:row:column."""
    code, _ = run("demo", "--out", tmp_path, "--patients", "40", "--offers", "12", "--excel")
    assert code == 0
    book = load_workbook(tmp_path / "offers.xlsx")
    sheet = book.active
    assert sheet is not None
    column = [c.value for c in sheet[1]].index("fee_dkk_month") + 1
    sheet.cell(row=5, column=column, value="gratis")
    book.save(tmp_path / "offers.xlsx")
    code, said = run("validate", tmp_path)
    assert code == 2
    assert "offers.xlsx:offers:5:fee_dkk_month: 'gratis'" in said
    assert "Traceback" not in said


@pytest.mark.parametrize("command", ["plan", "gaps"])
def test_an_unknown_dialect_exits_2_and_writes_nothing(
    small: Path, tmp_path: Path, command: str
) -> None:
    """--dialect other than utf8 or danish is bad input, refused before any work."""
    out = tmp_path / ("PLAN.csv" if command == "plan" else "gaps")
    code, said = run(command, small, "--out", out, "--dialect", "excel")
    assert code == 2
    assert "'excel' is not a CSV dialect (utf8, danish)" in said
    assert not list(tmp_path.iterdir())
