"""A calendar invitation (RFC 5545 ``.ics``) for the first visit.

``invitation_ics`` writes one event from the same facts as the printed
hand-out (``visit.first_visit``): the first date and time in
Europe/Copenhagen (``DTSTART;TZID=Europe/Copenhagen`` with its
``VTIMEZONE``, the EU's summer-time rule, valid for every year), a title,
place and description in the person's language (``LANGUAGE=`` on each), the
person to call as ``CONTACT`` and a reminder the day before. The event's
``UID`` is made from the session and its date alone: it carries no
pseudonym, so the file tells nobody who it was written for, and a second
invitation to the same first visit replaces the first in a calendar. The
``icalendar`` library writes it (escaping, line folding, CRLF).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import numpy as np

from ..dataset.load import Dataset
from ..match.weights import Weights
from ..words.patient import Wording, wording
from .contact import Contact, call_text, plain_phone
from .handout import bring_lines, cost_lines, recommender_for, trip_text, when_texts
from .options import Recommender
from .visit import Visit, first_visit, phone_text

__all__ = ["TIMEZONE", "invitation_ics", "visit_lines"]

#: Where every session meets: its times are Danish clock times.
TIMEZONE = "Europe/Copenhagen"
#: The namespace of the events' UIDs (a fixed random UUID of Brobygger's).
_NAMESPACE = uuid.UUID("6f1c9a52-3b7e-4d0a-9d55-0b9e5c2a7f14")
_PRODID = "-//Brobygger//Brobygger hand-out//EN"


def _timezone() -> icalendar.Timezone:
    """Europe/Copenhagen as a VTIMEZONE: CET, and CEST from the last Sunday of March
    to the last Sunday of October (the EU rule since 1996)."""
    zone = icalendar.Timezone()
    zone.add("tzid", TIMEZONE)
    for part, start, month, offsets, name in (
        (icalendar.TimezoneDaylight(), datetime(1970, 3, 29, 2), 3, ("+0100", "+0200"), "CEST"),
        (icalendar.TimezoneStandard(), datetime(1970, 10, 25, 3), 10, ("+0200", "+0100"), "CET"),
    ):
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        part.add("tzoffsetfrom", timedelta(hours=int(offsets[0][:3])))
        part.add("tzoffsetto", timedelta(hours=int(offsets[1][:3])))
        part.add("tzname", name)
        zone.add_component(part)
    return zone


def _at(day: date, minutes: int) -> datetime:
    """``day`` at ``minutes`` after midnight, Danish time (24.00 is the next midnight)."""
    moment = datetime.combine(day, time(0, 0)) + timedelta(minutes=int(minutes))
    return moment.replace(tzinfo=ZoneInfo(TIMEZONE))


def visit_lines(words: Wording, visit: Visit, contact: Contact | None = None) -> list[str]:
    """The visit in plain sentences, in ``words``' language: what it is, the language
    it is held in, when it goes on, how to get there, what to bring and cost, whom
    to call."""
    _, _, then = when_texts(words, visit)
    lines = [words.names("kind_intro")[visit.kind]]
    if visit.languages:
        lines.append(words("activity_language", languages=words.spoken(visit.languages)))
    lines.append(then if visit.home_visit else f"{then} {words('come_early')}")
    lines.append(trip_text(words, visit))
    lines.append(f"{words('bring')}: " + " ".join(bring_lines(words, visit)))
    lines += cost_lines(words, visit)
    lines.append(call_text(words, visit, contact))
    return lines


def _location(words: Wording, visit: Visit) -> str:
    if visit.home_visit:
        return words("home_location")
    return f"{visit.name}, {visit.address}" if visit.address else visit.name


def _contact(words: Wording, visit: Visit, contact: Contact | None) -> str:
    if contact is not None and contact.name.strip():
        name, phone = contact.name, phone_text(contact.phone)
    else:
        name, phone = visit.provider, visit.phone
    return f"{name}, {plain_phone(words, phone)}" if phone.strip() else name


def invitation_ics(
    dataset: Dataset | Recommender,
    patient_id: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str,
    contact: Contact | None = None,
    today: date | str | np.datetime64 | None = None,
    weights: Weights | None = None,
    held: bool = False,
    stamp: datetime | None = None,
) -> str:
    """The calendar invitation to ``patient_id``'s first visit of ``session_id``, as
    the text of an ``.ics`` file (RFC 5545, CRLF line ends).

    ``dataset`` may be a ``Recommender`` (then ``today`` and ``weights`` are its
    own); ``held``: the patient holds a booking for the session, so a full
    session is not refused. ``stamp`` is the DTSTAMP (default: now). Raises
    ``InputError`` as ``handout_html`` does.
    """
    words = wording(lang)
    recommender = recommender_for(dataset, weights=weights, today=today)
    visit = first_visit(recommender, patient_id, session_id, lang=words.lang, held=held)
    language = {"LANGUAGE": words.lang}
    event = icalendar.Event()
    key = f"{visit.session_id}/{visit.first.isoformat()}"
    event.add("uid", f"{uuid.uuid5(_NAMESPACE, key)}@brobygger")
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", _at(visit.first, visit.start_min))
    event.add("dtend", _at(visit.first, visit.end_min))
    event.add("summary", words("ics_summary", name=visit.name), parameters=language)
    event.add("location", _location(words, visit), parameters=language)
    description = "\n".join(visit_lines(words, visit, contact))
    event.add("description", description, parameters=language)
    event.add("contact", _contact(words, visit, contact), parameters=language)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(days=-1))
    alarm.add("description", words("ics_alarm", name=visit.name))
    event.add_component(alarm)
    calendar = icalendar.Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(_timezone())
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
