"""Referrals read from FHIR merged into a folder's patients.csv: loadable as a
hand-written file, merged with the rows there, never half-written."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import patient, write
from fhir_support import REFERRALS, REFERRED, bundle, referral, write_json
from store_support import dataset_dir

from matcher import load_dataset
from matcher.dataset.fhir_patients import write_patients
from matcher.dataset.fhir_referrals import read_referrals
from matcher.errors import InputError


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset folder (offers O1, O2; sessions S1-S3) whose patients.csv holds P001, P002."""
    return dataset_dir(tmp_path / "data", patients=2)


def test_imported_rows_load_as_a_dataset(folder: Path) -> None:
    """patients.csv written from the fixture bundle passes load_dataset."""
    (folder / "patients.csv").unlink()
    merged = write_patients(read_referrals(REFERRALS), folder)
    assert merged.added == REFERRED and merged.replaced == ()
    patients = load_dataset(folder).patients.set_index("patient_id")
    assert tuple(patients.index) == REFERRED
    assert tuple(patients.loc["P9001", "diagnoses"]) == ("heart",)
    assert patients.loc["P9002", "ready_for"] == "exit_team"
    assert patients.loc["P9003", "budget_dkk_month"] == 150.5


def test_rows_are_added_beside_those_already_there(folder: Path) -> None:
    """The folder's own patients stay; the referrals are added after them."""
    write_patients(read_referrals(REFERRALS), folder)
    ids = tuple(load_dataset(folder).patients["patient_id"])
    assert ids == ("P001", "P002", *REFERRED)


def test_a_pseudonym_already_there_is_refused_and_nothing_changes(
    folder: Path, tmp_path: Path
) -> None:
    """Without replace a referral for a patient in the file is refused; the file is as it was."""
    before = (folder / "patients.csv").read_bytes()
    src = write_json(
        tmp_path / "b.json", bundle(referral("sr-1", "P9500"), referral("sr-2", "P002"))
    )
    with pytest.raises(InputError) as caught:
        write_patients(read_referrals(src), folder)
    (found,) = caught.value.problems
    assert (found.file, found.row) == (str(src), 2) and "P002" in found.message
    assert "--replace" in found.message
    assert (folder / "patients.csv").read_bytes() == before


def test_replace_replaces_the_row(folder: Path, tmp_path: Path) -> None:
    """With replace the referral's row takes the place of the old one."""
    src = write_json(tmp_path / "b.json", bundle(referral("sr-2", "P002")))
    merged = write_patients(read_referrals(src), folder, replace=True)
    assert merged.replaced == ("P002",) and merged.added == ()
    patients = load_dataset(folder).patients.set_index("patient_id")
    assert list(patients.index) == ["P001", "P002"]
    assert str(patients.loc["P002", "discharge_date"])[:10] == "2027-02-01"


def test_a_broken_patients_file_is_refused(folder: Path, tmp_path: Path) -> None:
    """A patients.csv that fails its checks is not merged into (its problems are listed)."""
    write(folder, "patients.csv", [patient(patient_id="P001", max_travel_min="many")])
    before = (folder / "patients.csv").read_bytes()
    with pytest.raises(InputError) as caught:
        write_patients(read_referrals(REFERRALS), folder)
    assert any(p.column == "max_travel_min" for p in caught.value.problems)
    assert (folder / "patients.csv").read_bytes() == before


def test_a_file_given_as_the_folder_is_refused(tmp_path: Path) -> None:
    """DIR naming a file is bad input naming it, and the file is left as it was."""
    target = tmp_path / "not-a-folder"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        write_patients(read_referrals(REFERRALS), target)
    assert caught.value.problems[0].file == str(target)
    assert target.read_text(encoding="utf-8") == "mine"
