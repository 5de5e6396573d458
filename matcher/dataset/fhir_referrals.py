"""Referrals as FHIR R5 ``ServiceRequest`` resources, read into patients.csv rows.

The referral is modelled on the Danish municipal rehabilitation referral
(*genoptræningsplan*, *kommunal rehabilitering*): a ``ServiceRequest`` whose
subject is the patient, known by a pseudonym. ``read_referrals(src)`` reads a
Bundle (``.json``), one resource (``.json``), one resource per line
(``.ndjson``) or a folder of such files; ``write_patients`` merges the rows into
a folder's ``patients.csv`` (``fhir_patients``). URLs and codes are those of ``fhir_profile``.

========================================  =============================================
patients.csv column                       read from
========================================  =============================================
``patient_id``                            ``ServiceRequest.subject.identifier.value`` of
                                          system ``{FHIR_BASE}/sid/pseudonym``, or the
                                          identifier of that system of the ``Patient`` the
                                          subject references (in the same bundle or folder)
``discharge_date``                        ``occurrencePeriod.start``, else
                                          ``occurrenceDateTime``, else ``authoredOn`` (the
                                          day the patient is ready for a next step)
``diagnoses``                             every coding of ``reason.concept``, of the
                                          ``Condition`` a ``reason.reference`` names, and of
                                          ``category`` (``fhir_profile.diagnosis_group``)
``ready_for``                             ``code.concept`` coding of ``{FHIR_BASE}/CodeSystem/kind``
``gender``                                ``Patient.gender`` (``female`` woman, ``male``
                                          man, ``other`` other)
``age_band``                              ``Patient.birthDate``, as the age band on the
                                          discharge date (the birth date is not kept)
``languages``                             ``Patient.communication.language`` (``da-DK`` da)
``lat``, ``lon``                          the ``geolocation`` extension of
                                          ``Patient.address``, else the middle of its
                                          ``postalCode`` (the address's other parts are
                                          never read)
every other column                        its extension on the ``ServiceRequest``
                                          (``{FHIR_BASE}/StructureDefinition/<column>``);
                                          for ``gender``, ``age_band``, ``languages``,
                                          ``lat`` and ``lon`` the extension wins
========================================  =============================================

A ``ServiceRequest`` of status ``completed``, ``revoked``, ``entered-in-error``
or ``unknown`` is skipped. Nothing is dropped silently: every field, code and
extension that is not read is a note in ``ReferralImport.notes`` (names and
contact details are never read; ``note`` and the narrative ``text`` are free
text and are not imported).
A CPR number anywhere (``fhir_profile.cpr_problems``), a file that is not JSON,
a resource ``fhir.resources`` refuses (its field named as FHIRPath,
``occurrencePeriod.start``) or a referral without a pseudonym, date or home is
an ``InputError`` naming the file, the entry (the Bundle's entry number, the
line of an ``.ndjson`` file) and the field; then no row is read. The rows are
checked by the same checker as a hand-written ``patients.csv``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..words.notes import Note, noted
from ..words.problems import problem
from .fhir_profile import (
    EXTENSION_BASE,
    EXTENSION_COLUMNS,
    GEOLOCATION,
    KIND_SYSTEM,
    PSEUDONYM_SYSTEM,
    cpr_problems,
    diagnosis_group,
    fhir_class,
    json_path,
    resource_label,
)
from .files import read_bytes

__all__ = ["Entry", "ReferralImport", "read_referrals"]

#: ServiceRequest statuses that are not a referral to act on.
SKIPPED_STATUSES = ("completed", "revoked", "entered-in-error", "unknown")
#: Fields of each resource type Brobygger reads (the others are noted).
READ_FIELDS = {
    "ServiceRequest": frozenset(
        {"resourceType", "id", "meta", "status", "intent", "subject", "code"}
        | {"occurrenceDateTime", "occurrencePeriod", "authoredOn", "reason", "category"}
        | {"extension", "identifier"}
    ),
    "Patient": frozenset(
        {"resourceType", "id", "meta", "identifier", "gender", "birthDate"}
        | {"address", "communication"}
    ),
    "Condition": frozenset(
        {"resourceType", "id", "meta", "code", "subject", "clinicalStatus"}
        | {"verificationStatus", "category"}
    ),
}
#: Fields never read: a person's name, contact details and the like.
NEVER_READ = frozenset({"name", "telecom", "photo", "contact", "link"})
#: Free text, which may name people.
FREE_TEXT = frozenset({"note", "patientInstruction", "text"})
#: FHIR administrative gender → the gender column.
GENDERS = {"female": "woman", "male": "man", "other": "other"}
_AGE_BANDS = ((18, "18-39"), (40, "40-64"), (65, "65-79"), (80, "80+"))
_OVERRIDES = ("gender", "age_band", "languages", "lat", "lon")
_LIST_TYPES = ("enum_list", "tag_list", "lang_list", "windows", "date_ranges")

_NOT_READ = (
    "{file}:{index}: {resource} {ident}: {field} has no column in patients.csv and is not imported"
)
_NEVER = (
    "{file}:{index}: {resource} {ident}: {field} is never read "
    "(names, addresses and contact details stay outside Brobygger)"
)
_FREE = "{file}:{index}: {resource} {ident}: {field} is free text and is not imported"
_CODE = (
    "{file}:{index}: {resource} {ident}: {field} holds code {code} of {system}, "
    "which Brobygger does not read"
)
_EXTENSION = (
    "{file}:{index}: {resource} {ident}: extension {url} is not one of Brobygger's "
    "and is not imported"
)
_SKIPPED = (
    "{file}:{index}: {resource} {ident}: status {status} is not a referral to act on; skipped"
)
_TYPE = "{file}:{index}: {resource} {ident}: resources of this type are not read"


@dataclass(frozen=True)
class Entry:
    """One resource: the file it came from, its entry number there, its JSON."""

    file: str
    index: int
    resource: dict[str, Any]

    @property
    def label(self) -> tuple[str, str]:
        """The resource's type and id."""
        return resource_label(self.resource)

    def problem(self, field: str | None, template: str, /, **values: object) -> Problem:
        """A problem with this resource (``template`` starts with ``{resource} {ident}``)."""
        kind, ident = self.label
        return problem(self.file, self.index, field, template, resource=kind, ident=ident, **values)

    def note(self, template: str, /, **values: object) -> Note:
        """A note about this resource (``template`` starts with its place)."""
        kind, ident = self.label
        return noted(
            template, file=self.file, index=self.index, resource=kind, ident=ident, **values
        )


@dataclass(frozen=True)
class ReferralImport:
    """What ``read_referrals`` read: one row of patients.csv cells per referral,
    the entry each came from, and a note for everything not read."""

    rows: tuple[dict[str, str], ...]
    sources: tuple[Entry, ...]
    notes: tuple[Note, ...]


def _json(path: Path, label: str, text: str, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = line + exc.lineno - 1
        raise InputError(
            [problem(label, at, None, "is not valid JSON: {detail}", detail=exc.msg)]
        ) from None


def _file_entries(path: Path) -> list[Entry]:
    label = str(path)
    data = read_bytes(path, label)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([problem(label, None, None, "is not UTF-8 text")]) from None
    if path.suffix.lower() == ".ndjson":
        lines = enumerate(text.splitlines(), 1)
        raw = [(i, _json(path, label, t, i)) for i, t in lines if t.strip()]
    else:
        whole = _json(path, label, text, 1)
        if isinstance(whole, dict) and whole.get("resourceType") == "Bundle":
            bundle_cpr = cpr_problems(label, 0, {k: v for k, v in whole.items() if k != "entry"})
            if bundle_cpr:
                raise InputError(bundle_cpr)
            entries = whole.get("entry") or []
            if not isinstance(entries, list):
                raise InputError([problem(label, None, "entry", "is not a list of entries")])
            raw = [
                (i, e.get("resource") if isinstance(e, dict) else None)
                for i, e in enumerate(entries, 1)
            ]
        else:
            raw = [(1, whole)]
    out, problems = [], []
    for index, resource in raw:
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            problems.append(problem(label, index, "resourceType", "holds no FHIR resource"))
        else:
            out.append(Entry(label, index, resource))
    if problems:
        raise InputError(problems)
    return out


def _entries(src: Path) -> list[Entry]:
    if src.is_dir():
        files = sorted(p for p in src.iterdir() if p.suffix.lower() in (".json", ".ndjson"))
        if not files:
            raise InputError([problem(str(src), None, None, "holds no .json or .ndjson file")])
        return [entry for path in files for entry in _file_entries(path)]
    return _file_entries(src)


def _validate(entry: Entry) -> list[Problem]:
    """The problems ``fhir.resources`` finds in the resource, each at its field."""
    from pydantic import ValidationError

    kind = entry.label[0]
    if kind not in READ_FIELDS:
        return []  # a type Brobygger does not read: noted, not checked
    model = fhir_class(kind)
    try:
        model.model_validate(entry.resource)
    except ValidationError as exc:
        return [
            entry.problem(
                json_path(tuple(error["loc"])) or None,
                "{resource} {ident}: {field} is not valid FHIR R5 ({detail})",
                field=json_path(tuple(error["loc"])) or kind,
                detail=error["msg"],
            )
            for error in exc.errors()
        ]
    return []


def _codings(concept: Any) -> list[dict[str, Any]]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    return [c for c in codings or () if isinstance(c, dict)]


def _pseudonym(identifiers: Any) -> str | None:
    for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
        if isinstance(identifier, dict) and identifier.get("system") == PSEUDONYM_SYSTEM:
            value = identifier.get("value")
            return value if isinstance(value, str) else None
    return None


def _age_band(birth: str, on: date) -> str:
    born = date.fromisoformat(birth[:10]) if len(birth) >= 10 else date(int(birth[:4]), 7, 1)
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    bands = [band for low, band in _AGE_BANDS if age >= low]
    return bands[-1] if bands else ""


class _Reader:
    """Reads the rows of the ServiceRequests among ``entries``."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_ref: dict[str, Entry] = {}
        self.patients: dict[str, Entry] = {}
        for entry in entries:
            kind, ident = entry.label
            self.by_ref[f"{kind}/{ident}"] = entry
            if kind == "Patient":
                pseudonym = _pseudonym(entry.resource.get("identifier"))
                if pseudonym:
                    self.patients[pseudonym] = entry
        self.notes: list[Note] = []
        self.problems: list[Problem] = []

    def unread(self, entry: Entry, prefix: str = "") -> None:
        """Note every field of the resource that Brobygger does not read."""
        kind = entry.label[0]
        for key in entry.resource:
            field = f"{prefix}{key}"
            if key in NEVER_READ:
                self.notes.append(entry.note(_NEVER, field=field))
            elif key in FREE_TEXT:
                self.notes.append(entry.note(_FREE, field=field))
            elif key not in READ_FIELDS.get(kind, ()):
                self.notes.append(entry.note(_NOT_READ, field=field))

    def diagnoses(self, entry: Entry) -> list[str]:
        """The diagnosis groups of a referral's reasons and categories."""
        found: list[str] = []
        places: list[tuple[Entry, str, Any]] = []
        for i, reason in enumerate(entry.resource.get("reason") or ()):
            places.append((entry, f"reason[{i}].concept", reason.get("concept")))
            target = self.by_ref.get(str((reason.get("reference") or {}).get("reference")))
            if target is not None and target.label[0] == "Condition":
                places.append((target, "code", target.resource.get("code")))
        for i, category in enumerate(entry.resource.get("category") or ()):
            places.append((entry, f"category[{i}]", category))
        for where, field, concept in places:
            for coding in _codings(concept):
                group = diagnosis_group(coding.get("system"), coding.get("code"))
                if group is None:
                    code, system = coding.get("code", "-"), coding.get("system", "-")
                    self.notes.append(where.note(_CODE, field=field, code=code, system=system))
                elif group not in found:
                    found.append(group)
        return found

    def extensions(self, entry: Entry) -> dict[str, list[str]]:
        """The column extensions of a referral, by column (a list column may repeat)."""
        out: dict[str, list[str]] = {}
        for extension in entry.resource.get("extension") or ():
            url = str(extension.get("url", ""))
            column = url.removeprefix(EXTENSION_BASE)
            if not url.startswith(EXTENSION_BASE) or column not in EXTENSION_COLUMNS:
                self.notes.append(entry.note(_EXTENSION, url=url))
                continue
            value = next((v for k, v in extension.items() if k.startswith("value")), "")
            text = str(value).lower() if isinstance(value, bool) else str(value)
            out.setdefault(column, []).append(text)
        return out

    def from_patient(self, patient: Entry, ready: date) -> dict[str, str]:
        """The columns a referral's Patient gives."""
        res, cells = patient.resource, {}
        self.unread(patient)
        if res.get("gender") in GENDERS:
            cells["gender"] = GENDERS[res["gender"]]
        if isinstance(res.get("birthDate"), str):
            cells["age_band"] = _age_band(res["birthDate"], ready)
        languages = [
            str(c.get("code", ""))[:2].lower()
            for item in res.get("communication") or ()
            for c in _codings(item.get("language"))
        ]
        if languages:
            cells["languages"] = ";".join(dict.fromkeys(languages))
        for i, address in enumerate(res.get("address") or ()):
            prefix = f"address[{i}]."
            for key in address:
                if key not in ("extension", "postalCode", "use", "type", "country"):
                    self.notes.append(patient.note(_NEVER, field=prefix + key))
            if "lat" not in cells:
                cells.update(self.home(patient, address, prefix))
        return cells

    def home(self, patient: Entry, address: dict[str, Any], prefix: str) -> dict[str, str]:
        """lat and lon of an address: its geolocation, else its postal code's middle."""
        for extension in address.get("extension") or ():
            if extension.get("url") == GEOLOCATION:
                parts = {
                    e.get("url"): e.get("valueDecimal") for e in extension.get("extension") or ()
                }
                if parts.get("latitude") is not None and parts.get("longitude") is not None:
                    return {"lat": str(parts["latitude"]), "lon": str(parts["longitude"])}
        code = str(address.get("postalCode") or "").strip()
        if not code:
            return {}
        from .address import PostalCodes

        area = PostalCodes().area(int(code)) if code.isdigit() else None
        if area is None:
            template = "{resource} {ident}: postal code {code} is not a Danish postal code"
            self.problems.append(patient.problem(f"{prefix}postalCode", template, code=code))
            return {}
        return {"lat": repr(area.lat), "lon": repr(area.lon)}

    def row(self, entry: Entry) -> dict[str, str] | None:
        """The patients.csv cells of one ServiceRequest, or ``None`` (problems, or skipped)."""
        res = entry.resource
        if res.get("status") in SKIPPED_STATUSES:
            self.notes.append(entry.note(_SKIPPED, status=res["status"]))
            return None
        self.unread(entry)
        subject = res.get("subject") or {}
        patient = self.by_ref.get(str(subject.get("reference")))
        pseudonym = _pseudonym(subject.get("identifier"))
        if pseudonym is None and patient is not None:
            pseudonym = _pseudonym(patient.resource.get("identifier"))
        if pseudonym is None:
            template = (
                "{resource} {ident}: the subject names no pseudonym; give "
                "subject.identifier of system {system}, or a Patient that has one"
            )
            self.problems.append(entry.problem("subject", template, system=PSEUDONYM_SYSTEM))
            return None
        patient = patient or self.patients.get(pseudonym)
        ready = str(
            (res.get("occurrencePeriod") or {}).get("start")
            or res.get("occurrenceDateTime")
            or res.get("authoredOn")
            or ""
        )[:10]
        if len(ready) != 10:
            template = (
                "{resource} {ident}: no day the patient is ready; give "
                "occurrencePeriod.start, occurrenceDateTime or authoredOn"
            )
            self.problems.append(entry.problem("occurrence[x]", template))
            return None
        cells = {"patient_id": pseudonym, "discharge_date": ready}
        if patient is not None:
            cells.update(self.from_patient(patient, date.fromisoformat(ready)))
        diagnoses = self.diagnoses(entry)
        if diagnoses:
            cells["diagnoses"] = ";".join(diagnoses)
        kinds = [
            str(c.get("code"))
            for c in _codings((res.get("code") or {}).get("concept"))
            if c.get("system") == KIND_SYSTEM
        ]
        if kinds:
            cells["ready_for"] = kinds[0]
        for column, values in self.extensions(entry).items():
            if column in cells and column not in _OVERRIDES:
                continue
            cells[column] = ";".join(values)
        if "lat" not in cells or "lon" not in cells:
            template = (
                "{resource} {ident}: no home; give the Patient's address.postalCode "
                "(or its geolocation), or the lat and lon extensions"
            )
            self.problems.append(entry.problem("subject", template))
            return None
        return cells


def read_referrals(src: str | Path) -> ReferralImport:
    """The patients.csv rows of the referrals in ``src`` (a Bundle, a resource, an
    ``.ndjson`` file or a folder of them). ``InputError`` lists every problem."""
    entries = _entries(Path(src))
    problems = [
        p for entry in entries for p in cpr_problems(entry.file, entry.index, entry.resource)
    ]
    if problems:
        raise InputError(problems)
    problems = [p for entry in entries for p in _validate(entry)]
    if problems:
        raise InputError(problems)
    reader = _Reader(entries)
    rows, sources = [], []
    for entry in entries:
        kind = entry.label[0]
        if kind == "ServiceRequest":
            row = reader.row(entry)
            if row is not None:
                rows.append(row)
                sources.append(entry)
        elif kind not in ("Patient", "Condition"):
            reader.notes.append(entry.note(_TYPE))
    if reader.problems:
        raise InputError(reader.problems)
    if not rows:
        raise InputError([problem(str(src), None, None, "holds no ServiceRequest to import")])
    return ReferralImport(tuple(rows), tuple(sources), tuple(dict.fromkeys(reader.notes)))
