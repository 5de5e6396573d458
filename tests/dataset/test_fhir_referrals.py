"""FHIR ServiceRequest referrals read into patients.csv rows: the mapping, what is not
read, and the refusals (CPR numbers, malformed resources, missing pseudonym or home)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir_support import REFERRALS, REFERRED, bundle, referral, write_json

from matcher.dataset.fhir_profile import CPR_SYSTEM, PSEUDONYM_SYSTEM, column_extension
from matcher.dataset.fhir_referrals import read_referrals
from matcher.errors import InputError


def _problems(src: Path) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        read_referrals(src)
    return [(p.file, p.row, p.column, p.message) for p in caught.value.problems]


def test_the_fixture_bundle_gives_one_row_per_referral_to_act_on() -> None:
    """Each active or draft ServiceRequest is one row; the completed one is skipped."""
    found = read_referrals(REFERRALS)
    assert tuple(r["patient_id"] for r in found.rows) == REFERRED
    assert [s.label for s in found.sources] == [
        ("ServiceRequest", "sr-1"),
        ("ServiceRequest", "sr-2"),
        ("ServiceRequest", "sr-3"),
    ]
    assert any("sr-4" in n and "status completed" in n for n in found.notes)


def test_fields_map_to_their_columns() -> None:
    """Diagnoses, date, Patient facts, kind and extensions land in their columns."""
    one, two, three = read_referrals(REFERRALS).rows
    assert (one["diagnoses"], one["discharge_date"], one["gender"]) == (
        "heart",
        "2027-02-01",
        "woman",
    )
    assert (one["age_band"], one["languages"], one["modes"]) == ("65-79", "da", "bus;walk")
    assert (one["max_travel_min"], one["lives_alone"]) == ("25", "true")
    assert 55.3 < float(one["lat"]) < 55.5  # the middle of postal code 5000
    assert (two["diagnoses"], two["ready_for"], two["gender"]) == ("copd", "exit_team", "man")
    assert (two["lat"], two["lon"], two["languages"]) == ("55.3951", "10.3812", "ar")
    assert (three["diagnoses"], three["discharge_date"]) == ("cancer", "2027-01-20")
    assert (three["available"], three["budget_dkk_month"]) == ("mon 08:00-12:00", "150.5")


def test_what_is_not_read_is_listed() -> None:
    """Names, address lines, free text, other codes and other extensions are each a note."""
    notes = "\n".join(read_referrals(REFERRALS).notes)
    for field in ("requester", "note is free text", "name is never read", "address[0].line"):
        assert field in notes
    assert "52052004" in notes and "sagsnummer" in notes


def test_names_are_never_in_a_row() -> None:
    """No value of a Patient's name or street ever reaches a row."""
    cells = " ".join(v for r in read_referrals(REFERRALS).rows for v in r.values())
    assert "Testesen" not in cells and "Grethe" not in cells and "Vestergade" not in cells


def test_the_cpr_oid_refuses_the_whole_input(tmp_path: Path) -> None:
    """An identifier of the CPR system refuses the input, naming file, entry and field."""
    cpr = {"system": CPR_SYSTEM, "value": "P9102"}
    src = write_json(
        tmp_path / "b.json",
        bundle(referral(), referral("sr-2", "P9102", identifier=[cpr])),
    )
    (found,) = _problems(src)
    assert found[:3] == (str(src), 2, "identifier[0].system")
    assert "ServiceRequest sr-2" in found[3] and "CPR" in found[3]


def test_a_cpr_shaped_pseudonym_is_refused_without_repeating_it(tmp_path: Path) -> None:
    """A CPR-shaped subject identifier is refused at its field and never printed."""
    subject = {"identifier": {"system": PSEUDONYM_SYSTEM, "value": "010190-1234"}}
    src = write_json(tmp_path / "b.json", bundle(referral(subject=subject)))
    (found,) = _problems(src)
    assert found[1:3] == (1, "subject.identifier.value")
    assert "010190" not in found[3]


def test_a_malformed_resource_is_refused_at_its_field(tmp_path: Path) -> None:
    """A resource fhir.resources refuses is named with its entry and the field's path."""
    bad = referral("sr-2", occurrencePeriod={"start": "2027-13-45"})
    src = write_json(tmp_path / "b.json", bundle(referral(), bad))
    (found,) = _problems(src)
    assert found[1:3] == (2, "occurrencePeriod.start")
    assert "ServiceRequest sr-2" in found[3] and "not valid FHIR R5" in found[3]


def test_invalid_json_is_named_with_its_line(tmp_path: Path) -> None:
    """A line of an .ndjson file that is not JSON is refused with its line number."""
    src = tmp_path / "r.ndjson"
    src.write_text(json.dumps(referral()) + "\n{oops\n", encoding="utf-8")
    (found,) = _problems(src)
    assert found[:2] == (str(src), 2) and "not valid JSON" in found[3]


def test_a_folder_of_json_and_ndjson_is_read(tmp_path: Path) -> None:
    """Every .json and .ndjson file of a folder is read, in name order (blank lines skipped)."""
    write_json(tmp_path / "a.json", referral("sr-a", "P9201"))
    (tmp_path / "b.ndjson").write_text(
        json.dumps(referral("sr-b", "P9202"))
        + "\n\n"
        + json.dumps(referral("sr-c", "P9203"))
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("not read", encoding="utf-8")
    rows = read_referrals(tmp_path).rows
    assert [r["patient_id"] for r in rows] == ["P9201", "P9202", "P9203"]


def test_a_referral_without_pseudonym_date_or_home_is_refused(tmp_path: Path) -> None:
    """Each missing pseudonym, ready day or home is a problem of its referral."""
    no_pseudonym = referral("sr-1", subject={"identifier": {"system": "urn:x", "value": "A1"}})
    no_date = referral("sr-2", "P9302", occurrencePeriod=None)
    no_home = referral("sr-3", "P9303", extension=[])
    src = write_json(tmp_path / "b.json", bundle(no_pseudonym, no_date, no_home))
    problems = _problems(src)
    assert [(p[1], p[2]) for p in problems] == [
        (1, "subject"),
        (2, "occurrence[x]"),
        (3, "subject"),
    ]


def test_a_bad_cell_is_named_with_its_referral(tmp_path: Path) -> None:
    """A value the patients.csv checker refuses names the file, entry, resource and column."""
    from matcher.dataset.fhir_patients import write_patients

    bad = referral(
        "sr-9",
        extension=[
            *referral()["extension"],
            {"url": column_extension("max_travel_min"), "valueInteger": -5},
        ],
    )
    found = read_referrals(write_json(tmp_path / "b.json", bundle(bad)))
    with pytest.raises(InputError) as caught:
        write_patients(found, tmp_path / "out")
    (problem,) = caught.value.problems
    assert (problem.file, problem.row) == (str(tmp_path / "b.json"), 1)
    assert problem.column == "ServiceRequest/sr-9 max_travel_min"
    assert not (tmp_path / "out" / "patients.csv").exists()


def test_input_without_a_referral_is_refused(tmp_path: Path) -> None:
    """A bundle holding no ServiceRequest to import is bad input, not an empty file."""
    src = write_json(tmp_path / "b.json", bundle({"resourceType": "Patient", "id": "p"}))
    (found,) = _problems(src)
    assert "no ServiceRequest" in found[3]
