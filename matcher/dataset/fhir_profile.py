"""Brobygger's FHIR profile: its URLs, its codes, the CPR check and the lazy import.

Brobygger reads referrals as HL7 FHIR R5 ``ServiceRequest`` resources
(``fhir_referrals``) and writes bookings and follow-up as ``Appointment`` and
``Task`` resources (``matcher.store.fhir_export``). Everything of its own lives
under one base URL, ``FHIR_BASE`` (``https://brobygger.dk/fhir``):

=================================================  =======================================
URL                                                what it names
=================================================  =======================================
``{FHIR_BASE}/sid/pseudonym``                      identifier system of a patient's pseudonym
``{FHIR_BASE}/sid/offer``                          identifier system of an offer (``offer_id``)
``{FHIR_BASE}/sid/session``                        identifier system of a session (``session_id``)
``{FHIR_BASE}/sid/booking``                        identifier system of a booking number
``{FHIR_BASE}/sid/task``                           identifier system of a follow-up task number
``{FHIR_BASE}/CodeSystem/diagnosis-group``         ``heart copd diabetes cancer musculoskeletal
                                                   mental other`` (the ``diagnoses`` column)
``{FHIR_BASE}/CodeSystem/kind``                    ``exit_team network_group association
                                                   home_visit`` (``ready_for``)
``{FHIR_BASE}/CodeSystem/task-kind``               a follow-up task's kind (``first_call`` ...)
``{FHIR_BASE}/CodeSystem/task-outcome``            how a task was closed (``reached`` ...)
``{FHIR_BASE}/CodeSystem/referral-status``         a referral's status (``referred`` ...)
``{FHIR_BASE}/StructureDefinition/<column>``       an extension for one ``patients.csv``
                                                   column FHIR has no field for
``{FHIR_BASE}/StructureDefinition/session-id``     an Appointment's session (``valueString``)
``{FHIR_BASE}/StructureDefinition/referral-status``  an Appointment's referral status
                                                   (``valueCoding``)
=================================================  =======================================

The column extensions (``{FHIR_BASE}/StructureDefinition/max_travel_min``), on
the ``ServiceRequest``, take the value type of their column: ``valueBoolean``
for the yes/no columns (``needs_supervision home_bound
lives_alone short_education low_income multimorbidity mental_health escalate
transport_help together online_ok``), ``valueInteger`` for ``max_travel_min``,
``valueDecimal`` for ``lat lon budget_dkk_month``, ``valueDate`` for
``not_before``, and ``valueString`` or ``valueCode`` for the rest (``gender
gender_pref age_band modes available group_tolerance languages intensity_max
interests prior_offer_id contact_channel call_time away ready_for needs
talk_level_max``), a list column as one extension per item or one ``;``-separated
value. ``patient_id``, ``discharge_date`` and ``diagnoses`` have FHIR fields of
their own and no extension.

A diagnosis is read from a code of Brobygger's ``diagnosis-group`` system, or
from an ICD-10 code (``http://hl7.org/fhir/sid/icd-10``) or the Danish SKS
code of it (``urn:oid:1.2.208.176.2.4``, ``DI21`` is ICD-10 ``I21``) by
``ICD10_GROUPS``.

CPR numbers are mapped to pseudonyms before a referral reaches Brobygger:
``cpr_problems`` finds an identifier of the CPR system (``CPR_SYSTEM``,
``urn:oid:1.2.208.176.1.2``) and any identifier value, reference or name holding
something shaped like a CPR number (``matcher.privacy.looks_like_cpr``; a
reference's ``display`` too), and never
repeats the value. ``fhir.resources`` (the ``fhir`` extra) is imported only by
``fhir_class``, so Brobygger imports without it.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from typing import Any

from ..errors import InputError, Problem
from ..privacy import looks_like_cpr
from ..words.problems import problem
from .schema import PATIENTS

__all__ = [
    "BOOKING_SYSTEM",
    "CPR_SYSTEM",
    "DIAGNOSIS_SYSTEM",
    "EXTENSION_COLUMNS",
    "FHIR_BASE",
    "ICD10_GROUPS",
    "KIND_SYSTEM",
    "OFFER_SYSTEM",
    "PSEUDONYM_SYSTEM",
    "REFERRAL_STATUS_EXTENSION",
    "REFERRAL_STATUS_SYSTEM",
    "SESSION_EXTENSION",
    "SESSION_SYSTEM",
    "TASK_KIND_SYSTEM",
    "TASK_OUTCOME_SYSTEM",
    "TASK_SYSTEM",
    "column_extension",
    "cpr_problems",
    "diagnosis_group",
    "fhir_class",
    "fhir_missing",
    "json_path",
    "resource_label",
]

#: The base of every URL of Brobygger's own in FHIR resources.
FHIR_BASE = "https://brobygger.dk/fhir"
PSEUDONYM_SYSTEM = f"{FHIR_BASE}/sid/pseudonym"
OFFER_SYSTEM = f"{FHIR_BASE}/sid/offer"
SESSION_SYSTEM = f"{FHIR_BASE}/sid/session"
BOOKING_SYSTEM = f"{FHIR_BASE}/sid/booking"
TASK_SYSTEM = f"{FHIR_BASE}/sid/task"
DIAGNOSIS_SYSTEM = f"{FHIR_BASE}/CodeSystem/diagnosis-group"
KIND_SYSTEM = f"{FHIR_BASE}/CodeSystem/kind"
TASK_KIND_SYSTEM = f"{FHIR_BASE}/CodeSystem/task-kind"
TASK_OUTCOME_SYSTEM = f"{FHIR_BASE}/CodeSystem/task-outcome"
REFERRAL_STATUS_SYSTEM = f"{FHIR_BASE}/CodeSystem/referral-status"
EXTENSION_BASE = f"{FHIR_BASE}/StructureDefinition/"
SESSION_EXTENSION = f"{EXTENSION_BASE}session-id"
REFERRAL_STATUS_EXTENSION = f"{EXTENSION_BASE}referral-status"

#: The Danish CPR number's OID: an identifier of this system is never read.
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
SKS_SYSTEM = "urn:oid:1.2.208.176.2.4"
#: The standard extension of a point on an address (``latitude``, ``longitude``).
GEOLOCATION = "http://hl7.org/fhir/StructureDefinition/geolocation"

#: Columns with a FHIR field of their own (no extension).
FHIR_FIELDS = ("patient_id", "discharge_date", "diagnoses")
#: Every other patients.csv column, by the name of its extension.
EXTENSION_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in PATIENTS.columns if c.name not in FHIR_FIELDS
)
#: ICD-10 code ranges (first letter and two digits, inclusive) by diagnosis group;
#: any other code is ``other``.
ICD10_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("I00", "I52", "heart"),
    ("J43", "J44", "copd"),
    ("E10", "E14", "diabetes"),
    ("C00", "C97", "cancer"),
    ("D00", "D09", "cancer"),
    ("M00", "M99", "musculoskeletal"),
    ("F00", "F99", "mental"),
)
_CODE_SYSTEMS = (DIAGNOSIS_SYSTEM, ICD10_SYSTEM, SKS_SYSTEM)


def column_extension(column: str) -> str:
    """The extension URL of a patients.csv column."""
    return f"{EXTENSION_BASE}{column}"


def diagnosis_group(system: str | None, code: str | None) -> str | None:
    """The diagnosis group of a coding, or ``None`` when Brobygger does not read it."""
    if not code or system not in _CODE_SYSTEMS:
        return None
    if system == DIAGNOSIS_SYSTEM:
        return code if code in PATIENTS.column("diagnoses").choices else None
    text = code.strip().upper().replace(".", "")
    if system == SKS_SYSTEM:
        if not text.startswith("D"):
            return None
        text = text[1:]
    head = text[:3]
    if len(head) < 3 or not head[0].isalpha() or not head[1:].isdigit():
        return None
    for first, last, group in ICD10_GROUPS:
        if first <= head <= last:
            return group
    return "other"


def json_path(parts: tuple[object, ...]) -> str:
    """A field's place in a resource, as FHIRPath writes it: ``note[0].text``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _walk(value: Any, path: tuple[object, ...]) -> Iterator[tuple[tuple[object, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*path, i))


def _strings(value: Any, path: tuple[object, ...]) -> Iterator[tuple[tuple[object, ...], str]]:
    for where, item in _walk(value, path):
        if isinstance(item, str):
            yield where, item


def _cpr_fields(resource: dict[str, Any]) -> list[tuple[object, ...]]:
    """Where ``resource`` carries a CPR number (paths inside it)."""
    found: list[tuple[object, ...]] = []
    for path, value in _walk(resource, ()):
        key = path[-1] if path else None
        if isinstance(key, int) and len(path) > 1:
            key = path[-2]
        if key == "identifier" and isinstance(value, dict):
            if value.get("system") == CPR_SYSTEM:
                found.append((*path, "system"))
            elif isinstance(value.get("value"), str) and looks_like_cpr(value["value"]):
                found.append((*path, "value"))
        elif key in ("name", "display") and not isinstance(value, list):
            found += [where for where, text in _strings(value, path) if looks_like_cpr(text)]
        elif path and path[-1] == "reference" and isinstance(value, str) and looks_like_cpr(value):
            found.append(path)
    return found


def cpr_problems(file: str, index: int, resource: dict[str, Any]) -> list[Problem]:
    """A problem for every place ``resource`` (entry ``index`` of ``file``) carries a
    CPR number: the CPR system or a CPR-shaped identifier, reference or name."""
    kind, ident = resource_label(resource)
    return [
        problem(
            file,
            index,
            json_path(path),
            "{resource} {ident} carries a CPR number; map CPR numbers to pseudonyms "
            "before referrals reach Brobygger (identifier system {system})",
            resource=kind,
            ident=ident,
            system=PSEUDONYM_SYSTEM,
        )
        for path in _cpr_fields(resource)
    ]


def resource_label(resource: dict[str, Any]) -> tuple[str, str]:
    """A resource's type and id, to name it (``-`` for a missing id)."""
    kind = resource.get("resourceType")
    ident = resource.get("id")
    return (kind if isinstance(kind, str) else "-", ident if isinstance(ident, str) else "-")


def fhir_missing(command: str) -> Problem | None:
    """The problem of running ``command`` without the ``fhir`` extra, or ``None``."""
    try:
        found = importlib.util.find_spec("fhir.resources")
    except (ImportError, ValueError):
        found = None
    if found is not None:
        return None
    return problem(command, None, None, "needs the fhir extra: pip install 'brobygger[fhir]'")


def fhir_class(resource_type: str) -> Any:
    """The ``fhir.resources`` R5 model of ``resource_type`` (``InputError`` without the
    ``fhir`` extra)."""
    missing = fhir_missing("fhir")
    if missing is not None:
        raise InputError([missing])
    module = importlib.import_module(f"fhir.resources.{resource_type.lower()}")
    return getattr(module, resource_type)
