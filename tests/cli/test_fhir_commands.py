"""`brobygger fhir-import` and `fhir-export`: files written whole, what is not read
listed, bad input refused with exit 2 and no traceback, pseudonyms kept end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.bundle import Bundle
from fhir_support import REFERRALS, REFERRED, bundle, referral, write_json
from store_support import dataset_dir
from typer.testing import CliRunner

from matcher import load_dataset
from matcher.cli import app
from matcher.dataset.fhir_profile import CPR_SYSTEM
from matcher.store import book_from_dataset, import_catalogue, open_store

RUNNER = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def test_import_writes_patients_and_lists_what_it_did_not_read(tmp_path: Path) -> None:
    """fhir-import writes DIR/patients.csv, says how many, and lists every field not read."""
    code, output = run("fhir-import", REFERRALS, tmp_path / "data")
    assert code == 0, output
    assert "3 patients added, 0 replaced" in output
    assert "8 things in the input were not imported" in output
    assert "Patient pt-1: name is never read" in output
    text = (tmp_path / "data" / "patients.csv").read_text(encoding="utf-8")
    assert all(p in text for p in REFERRED) and "Testesen" not in text


def test_a_second_import_is_refused_unless_replace(tmp_path: Path) -> None:
    """The same pseudonyms again exit 2 and leave the file; with --replace they replace it."""
    run("fhir-import", REFERRALS, tmp_path)
    before = (tmp_path / "patients.csv").read_bytes()
    code, output = run("fhir-import", REFERRALS, tmp_path)
    assert code == 2 and "give --replace" in output
    assert (tmp_path / "patients.csv").read_bytes() == before
    code, output = run("fhir-import", REFERRALS, tmp_path, "--replace")
    assert code == 0 and "0 patients added, 3 replaced" in output


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"identifier": [{"system": CPR_SYSTEM, "value": "X1"}]}, "identifier[0].system"),
        ({"subject": {"identifier": {"value": "0101901234"}}}, "subject.identifier.value"),
    ],
)
def test_a_cpr_number_exits_2_and_writes_nothing(
    tmp_path: Path, changes: dict[str, object], field: str
) -> None:
    """The CPR OID or a CPR-shaped value: exit 2, file:entry:field named, no file written."""
    src = write_json(tmp_path / "b.json", bundle(referral(), referral("sr-2", **changes)))
    code, output = run("fhir-import", src, tmp_path / "data")
    assert code == 2
    assert f"{src}:2:{field}: ServiceRequest sr-2 carries a CPR number" in output
    assert "0101901234" not in output and "Traceback" not in output
    assert not (tmp_path / "data" / "patients.csv").exists()


def test_a_malformed_resource_exits_2_with_its_location(tmp_path: Path) -> None:
    """A resource fhir.resources refuses: exit 2 naming file, entry and field, no traceback."""
    src = write_json(tmp_path / "b.json", bundle(referral(authoredOn="yesterday")))
    code, output = run("fhir-import", src, tmp_path / "data")
    assert code == 2 and f"{src}:1:authoredOn: ServiceRequest sr-1" in output
    assert "Traceback" not in output


def test_invalid_json_exits_2(tmp_path: Path) -> None:
    """A file that is not JSON is bad input (exit 2), never a traceback."""
    src = tmp_path / "b.json"
    src.write_text("{oops", encoding="utf-8")
    code, output = run("fhir-import", src, tmp_path / "data")
    assert code == 2 and "is not valid JSON" in output and "Traceback" not in output


def test_without_the_extra_both_commands_name_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without fhir.resources each command exits 2 and says which extra to install."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name.startswith("fhir") else real(name, *a),
    )
    for args in (
        ("fhir-import", REFERRALS, tmp_path / "data"),
        ("fhir-export", "--db", tmp_path / "db.sqlite3", "--out", tmp_path / "b.json"),
    ):
        code, output = run(*args)
        assert code == 2 and "pip install 'brobygger[fhir]'" in output
    assert not (tmp_path / "data").exists() and not (tmp_path / "b.json").exists()


def test_pseudonyms_go_round_from_referral_to_appointment(tmp_path: Path) -> None:
    """Patients imported from ServiceRequests, then booked, come out under the same pseudonyms."""
    pseudonyms = ["P9701", "P9702", "P9703"]
    src = write_json(tmp_path / "b.json", bundle(*(referral(f"sr-{p}", p) for p in pseudonyms)))
    folder = dataset_dir(tmp_path / "data", patients=1)
    (folder / "patients.csv").unlink()
    assert run("fhir-import", src, folder)[0] == 0
    dataset = load_dataset(folder)
    db = tmp_path / "db.sqlite3"
    with open_store(str(db)) as store:
        import_catalogue(store, dataset)
        for pseudonym in pseudonyms:
            book_from_dataset(store, dataset, pseudonym, "S2")
    code, output = run("fhir-export", "--db", db, "--out", tmp_path / "out.json")
    assert code == 0 and "3 appointments" in output
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    Bundle.model_validate(data)
    subjects = [
        e["resource"]["subject"]["identifier"]["value"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Appointment"
    ]
    assert subjects == pseudonyms


def test_export_refuses_a_folder_as_its_file(tmp_path: Path) -> None:
    """--out naming a folder is bad input before the store is opened."""
    code, output = run("fhir-export", "--db", tmp_path / "db.sqlite3", "--out", tmp_path)
    assert code == 2 and "is a folder" in output
