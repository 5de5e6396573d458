"""Read an Open Referral HSDS 3 tabular package into ``offers.csv`` and ``sessions.csv``.

``read_hsds(folder)`` reads the CSV tables of an HSDS 3 package (as
``matcher.dataset.hsds`` writes them, or from another system), checks every
row against the HSDS 3 JSON Schema of its table (``jsonschema``), and maps
services to offers and schedules to sessions, as the table in
``matcher.dataset.hsds`` says. A bad row is refused with its file, row and
field; every field that holds values Brobygger has no column for is listed
in ``Imported.unmapped``, never dropped silently.

A service needs what Brobygger cannot guess: a ``kind`` and a ``group_size``
(attributes of the ``Brobygger`` taxonomy) and a location with latitude and
longitude; a schedule needs a ``capacity``. Without them the row is refused,
naming what is missing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from ..errors import InputError, Problem
from ..words.problems import problem
from .exchange import Imported, Source, read_csv_records
from .hsds import (
    ACCESS_WORDS,
    BYDAY,
    OFFER_ATTRIBUTES,
    SESSION_ATTRIBUTES,
    STATUS_TO_HSDS,
    TABLES,
    UNNAMED_PROVIDER,
    resource,
    schema,
)

__all__ = ["read_hsds"]

_STATUS = {hsds: ours for ours, hsds in STATUS_TO_HSDS.items()} | {"defunct": "closed"}
_WEEKDAY = {code: day for day, code in BYDAY.items()}
_ACCESS = {words.lower(): code for code, words in ACCESS_WORDS.items()}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(:\d{2})?$")
#: The columns of each table the import reads; any other with values is reported.
_READ = {
    "organization": {"id", "name", "description"},
    "service": {
        "id",
        "organization_id",
        "name",
        "description",
        "status",
        "interpretation_services",
        "assured_date",
    },
    "location": {
        "id",
        "location_type",
        "organization_id",
        "name",
        "description",
        "latitude",
        "longitude",
        "external_identifier",
        "external_identifier_type",
    },
    "address": {
        "id",
        "location_id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    },
    "service_at_location": {"id", "service_id", "location_id"},
    "phone": {"id", "service_id", "number"},
    "schedule": {
        "id",
        "service_id",
        "service_at_location_id",
        "valid_from",
        "dtstart",
        "freq",
        "interval",
        "count",
        "byday",
        "opens_at",
        "closes_at",
        "attending_type",
    },
    "language": {"id", "service_id", "code", "note"},
    "accessibility": {"id", "location_id", "description", "details"},
    "cost_option": {"id", "service_id", "option", "currency", "amount"},
    "taxonomy": {"id", "name", "description", "version"},
    "taxonomy_term": {"id", "code", "name", "description", "taxonomy", "taxonomy_id"},
    "attribute": {"id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"},
}
Rows = dict[str, list[tuple[int, dict[str, str]]]]


@cache
def _validator(table: str) -> Draft202012Validator:
    return Draft202012Validator(schema(table), format_checker=FormatChecker())


def _as_json(table: str, cells: dict[str, str]) -> dict[str, object]:
    """A CSV row as the JSON object HSDS 3's schema describes (empty cells left out)."""
    types = {k: v.get("type") for k, v in schema(table)["properties"].items()}
    out: dict[str, object] = {}
    for name, value in cells.items():
        if value == "" or name not in types:
            continue
        if types[name] == "number":
            try:
                out[name] = float(value)
            except ValueError:
                out[name] = value  # the schema names it
        else:
            out[name] = value
    return out


def _schema_problems(
    label: str, table: str, rows: list[tuple[int, dict[str, str]]]
) -> list[Problem]:
    found = []
    for number, cells in rows:
        for error in _validator(table).iter_errors(_as_json(table, cells)):
            field = error.path[0] if error.path else None
            if field is None and error.validator == "required":
                field = str(error.message).split("'")[1]
            found.append(
                problem(
                    label,
                    number,
                    str(field) if field is not None else None,
                    "does not follow HSDS 3 ({detail})",
                    detail=error.message,
                )
            )
    return found


def _read(folder: Path, imported: Imported) -> Rows:
    """Every HSDS table in ``folder``, checked against its schema; tables Brobygger
    does not read are named in ``imported.unmapped``."""
    rows: Rows = {}
    problems: list[Problem] = []
    known = {resource(t)["path"]: t for t in TABLES}
    for path in sorted(folder.glob("*.csv")):
        label = f"{folder.name}/{path.name}"
        try:
            records = read_csv_records(path, label)
        except InputError as exc:
            problems += exc.problems
            continue
        table = known.get(path.name)
        if table is None:
            if records:
                imported.unmapped.append(f"{path.name}: every field ({len(records)})")
            continue
        problems += _schema_problems(label, table, records)
        rows[table] = records
        counts: Counter[str] = Counter()
        for _, cells in records:
            counts.update(k for k, v in cells.items() if v and k not in _READ[table])
        imported.unmapped_fields(path.name, counts)
    if "service" not in rows and not problems:
        problems.append(problem(str(folder), None, None, "holds no services.csv (HSDS 3)"))
    if problems:
        raise InputError(problems)
    return rows


def _by(rows: Rows, table: str, key: str) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    for _, cells in rows.get(table, []):
        out[cells.get(key, "")].append(cells)
    return out


def _attributes(rows: Rows) -> dict[tuple[str, str], dict[str, str]]:
    """Attribute values of the Brobygger taxonomy by (entity, id): code to value."""
    codes = {c["id"]: c.get("code", "") for _, c in rows.get("taxonomy_term", [])}
    out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for _, cells in rows.get("attribute", []):
        code = codes.get(cells.get("taxonomy_term_id", ""), "")
        out[(cells.get("link_entity", ""), cells.get("link_id", ""))][code] = cells.get("value", "")
    return out


def _fee(options: list[dict[str, str]], at: Source, imported: Imported) -> tuple[str, str]:
    """The fee per month and whether the first session is free."""
    fee, trial = "", "false"
    for option in options:
        if option.get("currency", "DKK").upper() not in ("DKK", ""):
            imported.problems.append(
                problem(at.file, at.row, "currency", "cost options must be in DKK")
            )
        if option.get("option", "").lower() == "first session" and option.get("amount") in (
            "0",
            "",
        ):
            trial = "true"
        elif not fee:
            fee = option.get("amount", "")
    return fee, trial


def _address(found: list[dict[str, str]], place: dict[str, str]) -> str:
    if not found:
        return place.get("description", "")
    a = found[0]
    street, postal, city = a.get("address_1", ""), a.get("postal_code", ""), a.get("city", "")
    return f"{street}, {postal} {city}" if postal and city else street


def _access(found: list[dict[str, str]], imported: Imported) -> str:
    codes = []
    for row in found:
        code = row.get("details", "").lower()
        code = code if code in ACCESS_WORDS else _ACCESS.get(row.get("description", "").lower(), "")
        if code:
            codes.append(code)
        else:
            imported.unmapped.append(
                f"accessibility.csv: description '{row.get('description', '')}'"
            )
    return ";".join(codes)


def _offers(rows: Rows, imported: Imported, label: str) -> dict[str, str]:
    """Each service as a row of ``offers.csv``; returns the offer id of each service id."""
    organizations = {c["id"]: c for _, c in rows.get("organization", [])}
    locations = {c["id"]: c for _, c in rows.get("location", [])}
    at_location = _by(rows, "service_at_location", "service_id")
    addresses, access = (
        _by(rows, "address", "location_id"),
        _by(rows, "accessibility", "location_id"),
    )
    phones, languages = _by(rows, "phone", "service_id"), _by(rows, "language", "service_id")
    costs, attributes = _by(rows, "cost_option", "service_id"), _attributes(rows)
    offer_of: dict[str, str] = {}
    for number, service in rows["service"]:
        at = Source(f"{label}/services.csv", number)
        extra = attributes.get(("service", service["id"]), {})
        organization = organizations.get(service.get("organization_id", ""), {})
        provider = organization.get("name", "")
        if provider == UNNAMED_PROVIDER and organization.get("description") == UNNAMED_PROVIDER:
            provider = ""
        places = [
            locations[s["location_id"]]
            for s in at_location.get(service["id"], [])
            if s.get("location_id") in locations
        ]
        place = places[0] if places else {}
        spoken = languages.get(service["id"], [])
        fee, trial = _fee(costs.get(service["id"], []), at, imported)
        cells = {
            "offer_id": extra.get("offer_id") or service["id"],
            "name": service.get("name", ""),
            "provider": provider,
            "lat": place.get("latitude", ""),
            "lon": place.get("longitude", ""),
            "languages": ";".join(
                r["code"] for r in spoken if r.get("note") != "interpreter" and r.get("code")
            ),
            "interpreter_languages": ";".join(
                r["code"] for r in spoken if r.get("note") == "interpreter"
            ),
            "fee_dkk_month": fee,
            "trial_free": trial,
            "address": _address(addresses.get(place.get("id", ""), []), place),
            "phone": next((p["number"] for p in phones.get(service["id"], [])), ""),
            "description": service.get("description", ""),
            "accessibility": _access(access.get(place.get("id", ""), []), imported),
            "online": "true" if place.get("location_type") == "virtual" else "false",
            "verified_date": service.get("assured_date", ""),
            "status": _STATUS.get(service.get("status", ""), service.get("status", "")),
        }
        for name in OFFER_ATTRIBUTES[1:]:
            cells[name] = extra.get(name, "")
        if not cells["interpreter"] and service.get("interpretation_services"):
            imported.unmapped.append(f"{at.file}:{at.row}: interpretation_services (in words)")
        imported.add_offer(
            {
                k: v
                for k, v in cells.items()
                if v != "" or k in ("kind", "group_size", "lat", "lon", "name")
            },
            at,
        )
        offer_of[service["id"]] = cells["offer_id"]
    return offer_of


def _clock(text: str) -> str:
    found = _TIME.match(text)
    return f"{int(found.group(1)):02d}:{found.group(2)}" if found else text


def _sessions(rows: Rows, imported: Imported, label: str, offer_of: dict[str, str]) -> None:
    service_of = {c["id"]: c.get("service_id", "") for _, c in rows.get("service_at_location", [])}
    attributes = _attributes(rows)
    for number, schedule in rows.get("schedule", []):
        at = Source(f"{label}/schedules.csv", number)
        service = schedule.get("service_id") or service_of.get(
            schedule.get("service_at_location_id", ""), ""
        )
        extra = attributes.get(("schedule", schedule["id"]), {})
        if schedule.get("freq", "WEEKLY") != "WEEKLY" or schedule.get("interval", "1") not in (
            "1",
            "1.0",
            "",
        ):
            imported.problems.append(
                problem(
                    at.file,
                    at.row,
                    "freq",
                    "only weekly schedules can be read (freq WEEKLY, interval 1)",
                )
            )
            continue
        days = [d.strip().upper() for d in schedule.get("byday", "").split(",") if d.strip()]
        for day in days or [""]:
            session_id = extra.get("session_id") or schedule["id"]
            cells = {
                "session_id": session_id if len(days) <= 1 else f"{session_id}-{day.lower()}",
                "offer_id": offer_of.get(service, service),
                "weekday": _WEEKDAY.get(day, day.lower()),
                "start": _clock(schedule.get("opens_at", "")),
                "end": _clock(schedule.get("closes_at", "")),
                "capacity": extra.get("capacity", ""),
                "first_date": schedule.get("valid_from") or schedule.get("dtstart", ""),
                "weeks": schedule.get("count", "").removesuffix(".0"),
                "exceptions": extra.get("exceptions", ""),
            }
            imported.add_session(cells, at)


def read_hsds(folder: Path) -> Imported:
    """The offers and sessions of the HSDS 3 package in ``folder``, with every field
    Brobygger could not map; ``InputError`` for a row that breaks HSDS 3."""
    if not folder.is_dir():
        raise InputError([problem(str(folder), None, None, "is not a folder of HSDS 3 tables")])
    imported = Imported()
    rows = _read(folder, imported)
    known = set(SESSION_ATTRIBUTES) | set(OFFER_ATTRIBUTES)
    codes = Counter(
        c.get("code", "") for _, c in rows.get("taxonomy_term", []) if c.get("code") not in known
    )
    imported.unmapped_fields("taxonomy_terms.csv (attributes)", codes)
    offer_of = _offers(rows, imported, folder.name)
    _sessions(rows, imported, folder.name, offer_of)
    return imported
