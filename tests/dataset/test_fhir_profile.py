"""Brobygger's FHIR profile: diagnosis codes, the CPR check, paths and the lazy import."""

from __future__ import annotations

import importlib.util
import re

import pytest

from matcher.dataset import fhir_profile
from matcher.dataset.fhir_profile import (
    CPR_SYSTEM,
    DIAGNOSIS_SYSTEM,
    EXTENSION_COLUMNS,
    ICD10_SYSTEM,
    SKS_SYSTEM,
    cpr_problems,
    diagnosis_group,
    fhir_class,
    fhir_missing,
    json_path,
)
from matcher.dataset.schema import PATIENTS
from matcher.errors import InputError


@pytest.mark.parametrize(
    ("system", "code", "group"),
    [
        (ICD10_SYSTEM, "I21.9", "heart"),
        (ICD10_SYSTEM, "J44", "copd"),
        (ICD10_SYSTEM, "E11.6", "diabetes"),
        (ICD10_SYSTEM, "C50", "cancer"),
        (ICD10_SYSTEM, "M17", "musculoskeletal"),
        (ICD10_SYSTEM, "F32", "mental"),
        (ICD10_SYSTEM, "G35", "other"),
        (SKS_SYSTEM, "DI214", "heart"),
        (SKS_SYSTEM, "DJ441", "copd"),
        (DIAGNOSIS_SYSTEM, "cancer", "cancer"),
    ],
)
def test_codes_map_to_their_diagnosis_group(system: str, code: str, group: str) -> None:
    """ICD-10, SKS and Brobygger's own codes give the diagnosis group of the table."""
    assert diagnosis_group(system, code) == group


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("http://snomed.info/sct", "22298006"),
        (DIAGNOSIS_SYSTEM, "flu"),
        (SKS_SYSTEM, "ZZ0150"),
        (ICD10_SYSTEM, ""),
        (None, "I21"),
    ],
)
def test_codes_brobygger_does_not_read_give_none(system: str | None, code: str) -> None:
    """A code of another system, or not a diagnosis code, is not read as a group."""
    assert diagnosis_group(system, code) is None


def test_the_cpr_system_is_refused_without_the_value() -> None:
    """An identifier of the CPR OID is a problem at its system, and the value is never shown."""
    resource = {
        "resourceType": "Patient",
        "id": "pt",
        "identifier": [{"system": CPR_SYSTEM, "value": "4711"}],
    }
    found = cpr_problems("b.json", 3, resource)
    assert [(p.file, p.row, p.column) for p in found] == [("b.json", 3, "identifier[0].system")]
    assert "4711" not in found[0].message and "Patient pt" in found[0].message


@pytest.mark.parametrize(
    ("resource", "field"),
    [
        ({"identifier": [{"system": "urn:x", "value": "010190-1234"}]}, "identifier[0].value"),
        ({"subject": {"identifier": {"value": "0101901234"}}}, "subject.identifier.value"),
        ({"name": [{"family": "Hansen", "given": ["010190 1234"]}]}, "name[0].given[0]"),
        ({"subject": {"reference": "Patient/0101901234"}}, "subject.reference"),
        ({"subject": {"display": "Jens 0101901234"}}, "subject.display"),
    ],
)
def test_a_cpr_shaped_value_is_refused_where_it_is(resource: dict[str, object], field: str) -> None:
    """A CPR-shaped identifier value, name part or reference is a problem at its field."""
    found = cpr_problems("b.json", 1, {"resourceType": "ServiceRequest", **resource})
    assert [p.column for p in found] == [field]
    assert "1234" not in found[0].message


def test_a_plain_resource_has_no_cpr_problem() -> None:
    """Pseudonyms, dates and codes are not taken for CPR numbers."""
    resource = {
        "identifier": [{"system": "urn:x", "value": "P0001"}],
        "authoredOn": "2027-01-01T10:00:00+01:00",
        "name": [{"text": "Afdeling 12"}],
    }
    assert cpr_problems("b.json", 1, resource) == []


def test_a_path_is_written_as_fhirpath() -> None:
    """Field paths read like FHIRPath: dotted names, list positions in brackets."""
    assert json_path(("note", 0, "text")) == "note[0].text"
    assert json_path(("subject",)) == "subject"


def test_every_extension_column_is_documented() -> None:
    """The module's table of URLs names every column that takes an extension."""
    doc = fhir_profile.__doc__ or ""
    assert set(EXTENSION_COLUMNS) | {"patient_id", "discharge_date", "diagnoses"} == {
        c.name for c in PATIENTS.columns
    }
    assert [c for c in EXTENSION_COLUMNS if not re.search(rf"[\s`]{c}[\s`]", doc)] == []


def test_without_the_extra_the_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fhir.resources the problem says which extra to install, and fhir_class refuses."""
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name.startswith("fhir") else real(name, *a),
    )
    found = fhir_missing("fhir-import")
    assert found is not None and "brobygger[fhir]" in found.message
    with pytest.raises(InputError, match=r"brobygger\[fhir\]"):
        fhir_class("ServiceRequest")


def test_with_the_extra_the_model_is_the_r5_class() -> None:
    """fhir_class gives the fhir.resources model of a resource type."""
    assert fhir_missing("fhir-import") is None
    assert fhir_class("Appointment").__name__ == "Appointment"
