"""`brobygger export --format hsds|openactive` and `brobygger import-catalogue`: files
written whole, every unmapped field printed, bad input refused with exit status 2,
naming the file, record and field, never a traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from exchange_support import OFFER_COLUMNS, SESSION_COLUMNS, differences, rich_catalogue
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.cli import app

RUNNER = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_export_and_import_give_back_the_catalogue(tmp_path: Path) -> None:
    """Both formats: export exits 0 with its files, import-catalogue exits 0, says
    every field was mapped, and the folder loads to the same offers and sessions."""
    rich = rich_catalogue(tmp_path / "rich")
    for fmt, source in (("hsds", "hsds"), ("openactive", "openactive/session-series.jsonld")):
        status, said = run("export", tmp_path / "rich", tmp_path / fmt, "--format", fmt)
        assert status == 0, said
        assert "wrote 3 offers as" in said
        status, said = run(
            "import-catalogue", tmp_path / source, tmp_path / f"back-{fmt}", "--format", fmt
        )
        assert status == 0, said
        assert "read 3 offers and 4 sessions" in said and "every field was mapped" in said
        shutil.copy(tmp_path / "rich" / "patients.csv", tmp_path / f"back-{fmt}")
        back = load_dataset(tmp_path / f"back-{fmt}")
        assert differences(rich, back, OFFER_COLUMNS, "offers") == []
        assert differences(rich, back, SESSION_COLUMNS, "sessions") == []
    assert (tmp_path / "hsds" / "datapackage.json").is_file()


def test_unmapped_fields_are_printed(tmp_path: Path) -> None:
    """Properties Brobygger has no column for are listed under a header with their count."""
    rich_catalogue(tmp_path / "rich")
    run("export", tmp_path / "rich", tmp_path / "oa", "--format", "openactive")
    path = tmp_path / "oa" / "session-series.jsonld"
    found = json.loads(path.read_text(encoding="utf-8"))
    found[0]["leader"] = [{"@type": "Person", "name": "Anne"}]
    path.write_text(json.dumps(found), encoding="utf-8")
    status, said = run("import-catalogue", path, tmp_path / "back", "--format", "openactive")
    assert status == 0, said
    assert "1 field Brobygger could not map (not imported):" in said
    assert "session-series.jsonld: leader (1)" in said


def test_a_malformed_file_is_refused_with_its_place(tmp_path: Path) -> None:
    """A schedule whose weekday HSDS does not know is exit 2 with file, row and field,
    no traceback, and nothing written into the dataset folder."""
    rich_catalogue(tmp_path / "rich")
    run("export", tmp_path / "rich", tmp_path / "hsds")
    path = tmp_path / "hsds" / "schedules.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",WE,", ",XX,", 1), encoding="utf-8")
    (tmp_path / "back").mkdir()
    status, said = run("import-catalogue", tmp_path / "hsds", tmp_path / "back")
    assert status == 2, said
    assert "hsds/schedules.csv:2:weekday:" in said
    assert "Traceback" not in said
    assert list((tmp_path / "back").iterdir()) == []


def test_an_unknown_format_and_a_folder_of_other_files_are_refused(tmp_path: Path) -> None:
    """--format fhir is bad input, and so is an OUT that holds a dataset (never replaced)."""
    rich_catalogue(tmp_path / "rich")
    status, said = run("export", tmp_path / "rich", tmp_path / "x", "--format", "fhir")
    assert status == 2 and "'fhir' is not a catalogue format (hsds, openactive)" in said
    status, said = run("export", tmp_path / "rich", tmp_path / "rich")
    assert status == 2 and "holds other files" in said
    assert not (tmp_path / "x").exists()
    assert (tmp_path / "rich" / "offers.csv").is_file()
