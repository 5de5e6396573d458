"""The catalogue as Open Referral HSDS 3 tabular data.

``hsds_files(dataset)`` gives the offers and sessions of a dataset as the CSV
tables of the Human Services Data Specification 3 (``organizations.csv``,
``services.csv``, ``locations.csv``, ``service_at_location.csv``,
``schedules.csv``, ``languages.csv``, ``accessibility.csv``, ...) with a
Frictionless ``datapackage.json`` describing them, each table with every
column HSDS 3 defines for it. ``hsds_import`` reads such a package back.

Where HSDS has a field for a fact of an offer, the fact goes there:

- ``name``, ``description``: ``service.name``, ``service.description``;
- ``provider``: ``organization.name`` (an offer without one: the
  organization ``Not named``);
- ``status``: ``service.status``, ``active``, ``temporarily closed`` (paused)
  or ``inactive`` (closed);
- ``verified_date``: ``service.assured_date``;
- ``interpreter``: ``service.interpretation_services``, in words;
- ``lat``, ``lon``, ``online``: ``location.latitude``, ``longitude``, and
  ``location_type`` ``virtual`` for an online offer;
- ``address``: an ``address`` row, split at ``, 5000 Odense`` into street,
  postal code and town (the town also as ``state_province``, which HSDS
  requires); an address without a postal code as ``location.description``;
- ``phone``: ``phone.number``;
- ``languages``, ``interpreter_languages``: ``language.code`` (the
  interpreter's with ``note`` ``interpreter``);
- ``accessibility``: ``accessibility`` rows of the location, ``details``
  holding the code and ``description`` the words;
- ``fee_dkk_month``, ``trial_free``: a ``cost_option`` per month in DKK, and
  a free first session as a second option (``first session``, 0);
- a session's weekday, times, first date and weeks: a ``schedule`` with
  ``byday``, ``opens_at``/``closes_at``, ``valid_from``/``dtstart``,
  ``freq`` WEEKLY and ``count``.

The facts HSDS has no field for travel as HSDS ``attribute`` rows under
Brobygger's own ``taxonomy`` (``Brobygger``; one ``taxonomy_term`` per
field, its ``code`` the column name): of an offer ``offer_id``, ``kind``,
``diagnoses``, ``gender``, ``group_size``, ``intensity``, ``supervised``,
``tags``, ``talk_level``, ``interpreter`` and ``paused_until``; of a session
``session_id``, ``capacity`` and ``exceptions``. Another HSDS reader sees
them as attribute values of that taxonomy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import pandas as pd

from ..domain import WEEKDAYS
from .exchange import SCHEMAS, csv_bytes_safe, joined, stable_id
from .load import Dataset

__all__ = [
    "ACCESS_WORDS",
    "BYDAY",
    "OFFER_ATTRIBUTES",
    "SESSION_ATTRIBUTES",
    "STATUS_TO_HSDS",
    "TABLES",
    "UNNAMED_PROVIDER",
    "hsds_files",
    "resource",
    "schema",
]

#: The HSDS tables an export writes, in the order of the package.
TABLES = (
    "organization",
    "service",
    "location",
    "address",
    "service_at_location",
    "phone",
    "schedule",
    "language",
    "accessibility",
    "cost_option",
    "taxonomy",
    "taxonomy_term",
    "attribute",
)
#: Facts of an offer carried as attributes of its service.
OFFER_ATTRIBUTES = (
    "offer_id",
    "kind",
    "diagnoses",
    "gender",
    "group_size",
    "intensity",
    "supervised",
    "tags",
    "talk_level",
    "interpreter",
    "paused_until",
)
#: Facts of a session carried as attributes of its schedule.
SESSION_ATTRIBUTES = ("session_id", "capacity", "exceptions")
#: An offer's status as HSDS words it.
STATUS_TO_HSDS = {"open": "active", "paused": "temporarily closed", "closed": "inactive"}
#: Weekdays as iCalendar's ``byday`` names them.
BYDAY = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))
#: The organization of an offer without a provider.
UNNAMED_PROVIDER = "Not named"
#: How an accessibility code reads in HSDS's free text.
ACCESS_WORDS = {
    "wheelchair": "Step-free access and toilet for wheelchair users",
    "visual": "Support for people with a visual impairment",
    "hearing": "Hearing loop or sign language",
    "seated": "The exercises can be done seated",
}
_INTERPRETER_WORDS = {
    "first_session": "An interpreter comes to the first session ({languages})",
    "all": "An interpreter comes to every session ({languages})",
}
_TAXONOMY_ID = stable_id("taxonomy", "brobygger")
_ADDRESS = re.compile(r"^(?P<street>.+), (?P<postal>\d{4}) (?P<city>.+)$")


@cache
def schema(table: str) -> dict[str, Any]:
    """The vendored HSDS 3 JSON Schema of ``table`` (``service``, ``schedule``, ...)."""
    return json.loads((SCHEMAS / "hsds" / f"{table}.json").read_text(encoding="utf-8"))


@cache
def _package() -> dict[str, Any]:
    return json.loads((SCHEMAS / "hsds" / "datapackage.json").read_text(encoding="utf-8"))


def resource(table: str) -> dict[str, Any]:
    """The Frictionless resource HSDS 3's own ``datapackage.json`` gives ``table``."""
    return next(r for r in _package()["resources"] if r["name"] == table)


def _columns(table: str) -> list[str]:
    return [f["name"] for f in resource(table)["schema"]["fields"]]


def _date(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _number(value: Any) -> str:
    return repr(float(value)).removesuffix(".0")


def _periods(periods: Iterable[tuple[int, int]]) -> str:
    out = []
    for first, last in periods:
        a, b = (pd.Timestamp(int(d), unit="D").strftime("%Y-%m-%d") for d in (first, last))
        out.append(a if a == b else f"{a}..{b}")
    return ";".join(out)


def _offer_attribute(offer: Any, name: str) -> str:
    value = offer[name]
    if name == "paused_until":
        return _date(value)
    if isinstance(value, tuple | list):
        return joined(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Tables:
    """The rows of each HSDS table, as they are built."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, str]]] = {t: [] for t in TABLES}
        self.terms: dict[str, str] = {}
        self.organizations: set[str] = set()

    def add(self, table: str, **cells: str) -> None:
        self.rows[table].append(cells)

    def attribute(self, entity: str, link_id: str, code: str, value: str) -> None:
        """An attribute of Brobygger's taxonomy, its term made on first use."""
        if code not in self.terms:
            self.terms[code] = stable_id("taxonomy_term", code)
            self.add(
                "taxonomy_term",
                id=self.terms[code],
                code=code,
                name=code,
                description=f"Brobygger's {code} (the column of offers.csv or sessions.csv)",
                taxonomy="Brobygger",
                taxonomy_id=_TAXONOMY_ID,
            )
        self.add(
            "attribute",
            id=stable_id("attribute", f"{entity}:{link_id}:{code}"),
            link_id=link_id,
            taxonomy_term_id=self.terms[code],
            link_type="brobygger",
            link_entity=entity,
            value=value,
        )

    def frames(self) -> dict[str, pd.DataFrame]:
        return {
            t: pd.DataFrame(
                [[row.get(c, "") for c in _columns(t)] for row in rows], columns=_columns(t)
            )
            for t, rows in self.rows.items()
        }


def _offer(tables: _Tables, offer: Any) -> str:
    """The HSDS rows of one offer; returns its service id."""
    offer_id = offer["offer_id"]
    service, location = stable_id("service", offer_id), stable_id("location", offer_id)
    provider = offer["provider"] or UNNAMED_PROVIDER
    organization = stable_id("organization", offer["provider"])
    if organization not in tables.organizations:
        tables.organizations.add(organization)
        tables.add("organization", id=organization, name=provider, description=provider)
    helped = joined(offer["interpreter_languages"]) or "-"
    interpreter = _INTERPRETER_WORDS.get(offer["interpreter"], "").format(languages=helped)
    tables.add(
        "service",
        id=service,
        organization_id=organization,
        name=offer["name"],
        description=offer["description"],
        status=STATUS_TO_HSDS[offer["status"]],
        interpretation_services=interpreter,
        assured_date=_date(offer["verified_date"]),
    )
    tables.add(
        "location",
        id=location,
        location_type="virtual" if offer["online"] else "physical",
        organization_id=organization,
        name=offer["name"],
        description="" if _ADDRESS.match(offer["address"]) else offer["address"],
        latitude=_number(offer["lat"]),
        longitude=_number(offer["lon"]),
        external_identifier=offer_id,
        external_identifier_type="brobygger offer_id",
    )
    split = _ADDRESS.match(offer["address"])
    if split:
        street, postal, city = split.groups()
        tables.add(
            "address",
            id=stable_id("address", offer_id),
            location_id=location,
            address_1=street,
            city=city,
            state_province=city,  # Denmark has no states; HSDS 3 requires one
            postal_code=postal,
            country="DK",
            address_type="physical",
        )
    tables.add(
        "service_at_location",
        id=stable_id("service_at_location", offer_id),
        service_id=service,
        location_id=location,
    )
    if offer["phone"]:
        tables.add(
            "phone", id=stable_id("phone", offer_id), service_id=service, number=offer["phone"]
        )
    for note, codes in (("", offer["languages"]), ("interpreter", offer["interpreter_languages"])):
        for code in codes:
            key = f"{offer_id}:{note}:{code}"
            tables.add(
                "language", id=stable_id("language", key), service_id=service, code=code, note=note
            )
    for code in offer["accessibility"]:
        tables.add(
            "accessibility",
            id=stable_id("accessibility", f"{offer_id}:{code}"),
            location_id=location,
            description=ACCESS_WORDS[code],
            details=code,
        )
    tables.add(
        "cost_option",
        id=stable_id("cost_option", offer_id),
        service_id=service,
        option="per month",
        currency="DKK",
        amount=_number(offer["fee_dkk_month"]),
    )
    if offer["trial_free"]:
        tables.add(
            "cost_option",
            id=stable_id("cost_option", f"{offer_id}:first"),
            service_id=service,
            option="first session",
            currency="DKK",
            amount="0",
        )
    for name in OFFER_ATTRIBUTES:
        value = _offer_attribute(offer, name)
        if value:
            tables.attribute("service", service, name, value)
    return service


def _session(tables: _Tables, session: Any, offer: Any) -> None:
    schedule = stable_id("schedule", session["session_id"])
    first = _date(session["first_date"])
    weeks = int(session["weeks"])
    tables.add(
        "schedule",
        id=schedule,
        service_id=stable_id("service", offer["offer_id"]),
        service_at_location_id=stable_id("service_at_location", offer["offer_id"]),
        valid_from=first,
        dtstart=first,
        freq="WEEKLY",
        interval="1",
        count=str(weeks) if weeks > 0 else "",
        byday=BYDAY[session["weekday"]],
        opens_at=f"{session['start']}:00",
        closes_at=f"{session['end']}:00",
        attending_type="online" if offer["online"] else "in person",
    )
    tables.attribute("schedule", schedule, "session_id", str(session["session_id"]))
    tables.attribute("schedule", schedule, "capacity", str(int(session["capacity"])))
    exceptions = _periods(session["exceptions"])
    if exceptions:
        tables.attribute("schedule", schedule, "exceptions", exceptions)


def hsds_frames(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The catalogue of ``dataset`` as HSDS 3 tables (table name: frame of text cells)."""
    tables = _Tables()
    tables.add(
        "taxonomy",
        id=_TAXONOMY_ID,
        name="Brobygger",
        description="Facts of Brobygger's activity catalogue that HSDS 3 has no field for",
        version="1",
    )
    offers = {}
    for offer in dataset.offers.to_dict("records"):
        _offer(tables, offer)
        offers[offer["offer_id"]] = offer
    for session in dataset.sessions.to_dict("records"):
        _session(tables, session, offers[session["offer_id"]])
    return tables.frames()


def datapackage(frames: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The Frictionless data package describing the tables, each resource as HSDS 3's
    own ``datapackage.json`` gives it."""
    resources = []
    for table in frames:
        found = dict(resource(table))
        keys = [
            k
            for k in found["schema"].get("foreignKeys", [])
            if k["reference"]["resource"] in frames
        ]
        found["schema"] = {k: v for k, v in found["schema"].items() if k != "foreignKeys"}
        if keys:  # the profile wants a list of keys to be non-empty
            found["schema"]["foreignKeys"] = keys
        resources.append(found)
    base = _package()
    return {
        "name": "brobygger-catalogue",
        "title": "Brobygger activity catalogue (HSDS 3)",
        "profile": "tabular-data-package",
        "version": base["version"],
        "license": base["license"],
        "resources": resources,
    }


def hsds_files(dataset: Dataset) -> dict[str, bytes]:
    """The files of an HSDS 3 export of ``dataset``: the CSV tables and
    ``datapackage.json`` (file name: bytes)."""
    frames = hsds_frames(dataset)
    files = {resource(t)["path"]: csv_bytes_safe(frame) for t, frame in frames.items()}
    files["datapackage.json"] = (json.dumps(datapackage(frames), indent=2) + "\n").encode()
    return files
