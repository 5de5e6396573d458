"""The catalogue as OpenActive SessionSeries (Modelling Opportunity Data 2.0, JSON-LD).

``openactive_files(dataset)`` writes ``session-series.jsonld``: a JSON array of
one ``SessionSeries`` per offer, each with ``@context``
``https://openactive.io/`` (and the beta namespace), a ``ScheduledSession``
``subEvent`` and a ``Schedule`` in ``eventSchedule`` per session.

- ``offer_id``: ``identifier`` (and the last part of ``@id``);
- ``name``, ``description``: ``name``, ``description``;
- ``provider``: ``organizer``, an ``Organization``;
- ``lat``, ``lon``, ``address``, ``phone``: ``location``, a ``Place`` with
  ``geo``, ``address`` and ``telephone``;
- ``tags``: ``activity``, ``Concept``s of Brobygger's tag scheme;
- ``gender``: ``genderRestriction``;
- ``fee_dkk_month``: ``offers``, one ``Offer`` a month with ``priceCurrency``
  DKK; ``isAccessibleForFree`` when it is 0;
- ``trial_free``: ``beta:isFirstSessionAccessibleForFree``;
- ``accessibility``: ``accessibilitySupport``, ``Concept``s of Brobygger's
  scheme;
- ``online``: ``eventAttendanceMode``;
- ``group_size``: ``maximumAttendeeCapacity``;
- ``kind``, ``diagnoses``, ``languages``, ``intensity``, ``supervised``,
  ``talk_level``, ``interpreter``, ``interpreter_languages``, ``status``,
  ``paused_until``, ``verified_date``: ``category`` texts
  ``brobygger:NAME=VALUE``;
- a session: a ``subEvent`` ``ScheduledSession`` (``identifier`` the
  ``session_id``, ``startDate``/``endDate`` its first meeting,
  ``remainingAttendeeCapacity`` its ``capacity``), and a ``Schedule`` in
  ``eventSchedule`` (``byDay``, times, ``repeatCount`` the ``weeks``,
  ``exceptDate`` its exceptions) whose ``idTemplate`` names the session.

``read_openactive(path)`` reads such a file (or an RPDE page, whose items'
``data`` are read) back; every property it has no column for is listed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

from ..domain import WEEKDAYS
from ..errors import InputError
from ..words.problems import problem
from .exchange import Imported, Source, joined, read_json
from .load import Dataset

__all__ = ["BASE", "CONTEXT", "FILE", "openactive_files", "read_openactive", "session_series"]

#: The JSON-LD contexts of every SessionSeries.
CONTEXT = ["https://openactive.io/", "https://openactive.io/ns-beta"]
#: Where Brobygger's ids and concept schemes live (a reserved name: no real site).
BASE = "https://brobygger.invalid/"
#: The file an export writes.
FILE = "session-series.jsonld"
_DAYS = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
_GENDER = {
    "any": "https://openactive.io/NoRestriction",
    "men": "https://openactive.io/MaleOnly",
    "women": "https://openactive.io/FemaleOnly",
}
_MODE = "https://schema.org/{}EventAttendanceMode"
#: Offer columns carried as ``brobygger:NAME=VALUE`` categories.
CATEGORIES = (
    "kind",
    "diagnoses",
    "languages",
    "intensity",
    "supervised",
    "talk_level",
    "interpreter",
    "interpreter_languages",
    "status",
    "paused_until",
    "verified_date",
)
#: Properties of a SessionSeries the import reads; any other is reported.
_READ = {
    "@context", "@type", "type", "@id", "id", "identifier", "name", "description",
    "organizer", "location", "activity", "genderRestriction", "offers", "url",
    "isAccessibleForFree", "beta:isFirstSessionAccessibleForFree", "accessibilitySupport",
    "eventAttendanceMode", "maximumAttendeeCapacity", "category", "subEvent", "eventSchedule",
}  # fmt: skip


def _date(value: Any) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return joined(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp) or (value is not None and pd.isna(value)):
        return _date(value)
    return str(value)


def _concept(scheme: str, code: str) -> dict[str, str]:
    return {
        "@type": "Concept",
        "@id": f"{BASE}{scheme}#{code}",
        "prefLabel": code,
        "inScheme": f"{BASE}{scheme}",
    }


def _first_meeting(session: Any) -> pd.Timestamp:
    """The first meeting on or after ``first_date`` on the session's weekday."""
    first = pd.Timestamp(session["first_date"])
    return first + pd.Timedelta(days=(WEEKDAYS.index(session["weekday"]) - first.weekday()) % 7)


def _periods(periods: Any) -> list[str]:
    days = []
    for first, last in periods:
        days += [_date(pd.Timestamp(int(d), unit="D")) for d in range(int(first), int(last) + 1)]
    return days


def _session(offer_id: str, session: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ScheduledSession and Schedule of one session."""
    day = _first_meeting(session)
    start = f"{_date(day)}T{session['start']}:00"
    end = (day + pd.Timedelta(minutes=int(session["end_min"]))).strftime("%Y-%m-%dT%H:%M:%S")
    event = {
        "@type": "ScheduledSession",
        "@id": f"{BASE}sessions/{session['session_id']}",
        "identifier": str(session["session_id"]),
        "startDate": start,
        "endDate": end,
        "remainingAttendeeCapacity": int(session["capacity"]),
    }
    schedule: dict[str, Any] = {
        "@type": "Schedule",
        "scheduledEventType": "ScheduledSession",
        "idTemplate": f"{BASE}sessions/{session['session_id']}" + "/{startDate}",
        "byDay": [f"https://schema.org/{_DAYS[session['weekday']]}"],
        "repeatFrequency": "P1W",
        "startDate": _date(session["first_date"]),
        "startTime": session["start"],
        "endTime": end[11:16],  # 24:00 is 00:00 of the next day
        "scheduleTimezone": "Europe/Copenhagen",
    }
    if int(session["weeks"]) > 0:
        schedule["repeatCount"] = int(session["weeks"])
    exceptions = _periods(session["exceptions"])
    if exceptions:
        schedule["exceptDate"] = [f"{d}T{session['start']}:00" for d in exceptions]
    return event, schedule


def session_series(offer: Any, sessions: list[Any]) -> dict[str, Any]:
    """One offer and its sessions as an OpenActive SessionSeries."""
    offer_id = str(offer["offer_id"])
    place: dict[str, Any] = {
        "@type": "Place",
        "name": offer["address"] or offer["name"],
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": float(offer["lat"]),
            "longitude": float(offer["lon"]),
        },
    }
    if offer["address"]:
        place["address"] = offer["address"]
    if offer["phone"]:
        place["telephone"] = offer["phone"]
    fee = float(offer["fee_dkk_month"])
    pairs = [_session(offer_id, s) for s in sessions]
    series: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "SessionSeries",
        "@id": f"{BASE}offers/{offer_id}",
        "identifier": offer_id,
        "url": f"{BASE}offers/{offer_id}",
        "name": offer["name"],
        "organizer": {"@type": "Organization", "name": offer["provider"]},
        "location": place,
        "activity": [_concept("tags", t) for t in offer["tags"]],
        "genderRestriction": _GENDER[offer["gender"]],
        "isAccessibleForFree": fee == 0,
        "beta:isFirstSessionAccessibleForFree": bool(offer["trial_free"]),
        "accessibilitySupport": [_concept("accessibility", a) for a in offer["accessibility"]],
        "eventAttendanceMode": _MODE.format("Online" if offer["online"] else "Offline"),
        "maximumAttendeeCapacity": int(offer["group_size"]),
        "offers": [
            {
                "@type": "Offer",
                "@id": f"{BASE}offers/{offer_id}#month",
                "name": "per month",
                "price": fee,
                "priceCurrency": "DKK",
            }
        ],
        "category": [f"brobygger:{name}={_text(offer[name])}" for name in CATEGORIES],
        "subEvent": [event for event, _ in pairs],
        "eventSchedule": [schedule for _, schedule in pairs],
    }
    if offer["description"]:
        series["description"] = offer["description"]
    return series


def openactive_files(dataset: Dataset) -> dict[str, bytes]:
    """The files of an OpenActive export of ``dataset`` (file name: bytes)."""
    by_offer: dict[str, list[Any]] = {}
    for session in dataset.sessions.to_dict("records"):
        by_offer.setdefault(session["offer_id"], []).append(session)
    series = [
        session_series(o, by_offer.get(o["offer_id"], []))
        for o in dataset.offers.to_dict("records")
    ]
    return {FILE: (json.dumps(series, ensure_ascii=False, indent=1) + "\n").encode("utf-8")}


def _items(document: Any, label: str) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("items"), list):  # an RPDE page
        return [
            i.get("data")
            for i in document["items"]
            if isinstance(i, dict) and i.get("state") != "deleted"
        ]
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        return list(document["@graph"])
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        return [document]
    raise InputError(
        [problem(label, None, None, "holds no SessionSeries (a JSON array or an RPDE page)")]
    )


def _part(record: Any, key: str) -> dict[str, Any]:
    """``record[key]`` when it is an object, else an empty one."""
    found = record.get(key) if isinstance(record, dict) else None
    return found if isinstance(found, dict) else {}


def _list(record: dict[str, Any], key: str, at: Source, imported: Imported) -> list[Any]:
    """``record[key]`` when it is a list (missing: an empty one); anything else is
    a problem at the record."""
    found = record.get(key)
    if found is None:
        return []
    if not isinstance(found, list):
        imported.problems.append(problem(at.file, at.row, key, "is not a list"))
        return []
    return found


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("prefLabel", ""))
    return str(value)


def _sessions(series: dict[str, Any], offer_id: str, at: Source, imported: Imported) -> None:
    schedules = {}
    for schedule in _list(series, "eventSchedule", at, imported):
        if isinstance(schedule, dict):
            key = (
                str(schedule.get("idTemplate", "")).removesuffix("/{startDate}").rsplit("/", 1)[-1]
            )
            schedules[key] = schedule
    for event in _list(series, "subEvent", at, imported):
        if not isinstance(event, dict):
            imported.problems.append(
                problem(at.file, at.row, "subEvent", "is not a ScheduledSession")
            )
            continue
        session_id = str(event.get("identifier") or event.get("@id") or "")
        schedule = schedules.get(session_id, {})
        start, end = str(event.get("startDate", "")), str(event.get("endDate", ""))
        try:
            weekday = WEEKDAYS[pd.Timestamp(start[:10]).weekday()]
        except (ValueError, TypeError):
            weekday = ""  # the checker names the empty weekday
        exceptions = sorted({str(d)[:10] for d in _list(schedule, "exceptDate", at, imported)})
        imported.add_session(
            {
                "session_id": session_id,
                "offer_id": offer_id,
                "weekday": weekday,
                "start": start[11:16],
                "end": "24:00" if end[11:16] == "00:00" and end[:10] > start[:10] else end[11:16],
                "capacity": _text(event.get("remainingAttendeeCapacity", "")),
                "first_date": str(schedule.get("startDate", start[:10])),
                "weeks": _text(schedule.get("repeatCount", "")),
                "exceptions": _collapsed(exceptions),
            },
            at,
        )


def _collapsed(days: list[str]) -> str:
    """Dates as ``first..last`` periods where they follow one another."""
    out: list[list[pd.Timestamp]] = []
    for text in days:
        try:
            day = pd.Timestamp(text)
        except (ValueError, TypeError):
            return ";".join(days)  # the checker names the date it cannot read
        if out and day - out[-1][1] == pd.Timedelta(days=1):
            out[-1][1] = day
        else:
            out.append([day, day])
    return ";".join(_date(a) if a == b else f"{_date(a)}..{_date(b)}" for a, b in out)


def _offer(series: dict[str, Any], at: Source, imported: Imported) -> str:
    place = _part(series, "location")
    geo = _part(place, "geo")
    address = place.get("address", "")
    if isinstance(address, dict):
        street, postal, town = (
            str(address.get(k, "")) for k in ("streetAddress", "postalCode", "addressLocality")
        )
        address = f"{street}, {postal} {town}" if postal and town else street
    offers = [o for o in _list(series, "offers", at, imported) if isinstance(o, dict)]
    if any(str(o.get("priceCurrency", "DKK")) != "DKK" for o in offers):
        imported.problems.append(problem(at.file, at.row, "offers", "cost options must be in DKK"))
    categories = dict(
        str(c).removeprefix("brobygger:").split("=", 1)
        for c in _list(series, "category", at, imported)
        if str(c).startswith("brobygger:") and "=" in str(c)
    )
    gender = {v: k for k, v in _GENDER.items()}.get(str(series.get("genderRestriction", "")), "")
    organizer = _part(series, "organizer")
    offer_id = str(series.get("identifier") or series.get("@id") or series.get("id") or "")
    cells = {
        "offer_id": offer_id,
        "name": str(series.get("name", "")),
        "provider": str(organizer.get("name", "")),
        "lat": _text(geo.get("latitude", "")),
        "lon": _text(geo.get("longitude", "")),
        "gender": gender,
        "group_size": _text(series.get("maximumAttendeeCapacity", "")),
        "fee_dkk_month": _text(offers[0].get("price", "")) if offers else "",
        "tags": ";".join(_label(a) for a in _list(series, "activity", at, imported)),
        "address": str(address),
        "phone": str(place.get("telephone", "")),
        "description": str(series.get("description", "")),
        "accessibility": ";".join(
            _label(a) for a in _list(series, "accessibilitySupport", at, imported)
        ),
        "trial_free": _text(bool(series.get("beta:isFirstSessionAccessibleForFree", False))),
        "online": _text(
            str(series.get("eventAttendanceMode", "")).endswith("OnlineEventAttendanceMode")
        ),
    }
    cells.update({k: v for k, v in categories.items() if k in CATEGORIES})
    imported.add_offer(
        {k: v for k, v in cells.items() if v != "" or k in ("kind", "group_size", "lat", "lon")}, at
    )
    return offer_id


def read_openactive(path: Path) -> Imported:
    """The offers and sessions of the OpenActive SessionSeries in ``path``, with every
    property Brobygger could not map; ``InputError`` for a record it cannot read."""
    label = path.name
    items = _items(read_json(path, label), label)
    imported = Imported()
    unmapped: Counter[str] = Counter()
    for number, series in enumerate(items, start=1):
        at = Source(label, number)
        kind = series.get("@type", series.get("type")) if isinstance(series, dict) else None
        if kind != "SessionSeries":
            imported.problems.append(
                problem(label, number, "@type", "'{found}' is not a SessionSeries", found=kind)
            )
            continue
        unmapped.update(k for k in series if k not in _READ)
        offer_id = _offer(series, at, imported)
        _sessions(series, offer_id, at, imported)
        unmapped.update(
            f"category {c}"
            for c in (series["category"] if isinstance(series.get("category"), list) else [])
            if not str(c).startswith("brobygger:") or str(c)[10:].split("=")[0] not in CATEGORIES
        )
    imported.unmapped_fields(label, unmapped)
    return imported
