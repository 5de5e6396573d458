"""Reminders before each active booking's first session, by the patient's contact channel.

``write_reminders`` finds the active bookings whose first session (the
booking's start date) falls within ``days`` days of ``today`` and reminds each
patient the way ``patients.csv`` says they are best reached
(``contact_channel``):

- ``letter``: a printable letter (HTML, A4) in ``letters/``, from the same
  facts as the hand-out (``discharge.reminders.reminder_letter_html``);
- ``sms``: a text (``discharge.reminders.reminder_sms``) written to the send
  log and ``sms.csv``, only with the patient's ``sms`` consent; a refused
  row is listed in ``refused.csv`` and the patient put on the call list;
- ``phone``, ``relative``, ``in_person`` or not given: the call list for
  staff (``calls.csv`` and ``calls.xlsx``), with the best time to call.

Letters and texts are in the patient's first language among the hand-out's
(``PATIENT_LANGUAGES``), else Danish, and name the booking's staff contact
person. Nothing is sent unless a gateway is given (``sms``); the store never
holds a patient's phone number.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select

from ..dataset.export import write_text
from ..dataset.load import Dataset
from ..errors import InputError
from ..words.app import text
from ..words.catalog import PATIENT_LANGUAGES
from ..words.formats import long_date
from .audit import SYSTEM, Actor, record
from .consent import consented
from .db import Store
from .models import Booking
from .sheets import write_table
from .sms import SMS_COLUMNS, Gateway, SmsRecord, log_sms, send_sms, sms_log

if TYPE_CHECKING:
    from ..discharge.contact import Contact

__all__ = [
    "CALL_COLUMNS",
    "REFUSED_COLUMNS",
    "Reminded",
    "Reminder",
    "due_reminders",
    "write_reminders",
]

log = logging.getLogger(__name__)

#: Columns of the call list, in order.
CALL_COLUMNS = (
    "patient_id",
    "booking_id",
    "offer_id",
    "offer_name",
    "session_id",
    "start_date",
    "start",
    "channel",
    "call_time",
    "contact_name",
    "contact_phone",
    "note",
)
#: Columns of the refused reminders, in order.
REFUSED_COLUMNS = ("patient_id", "booking_id", "session_id", "channel", "reason", "instead")
#: Coded notes of the call list: why a patient is called rather than written to.
NO_SMS_CONSENT = "no_sms_consent"
TEXT_REFUSED = "text_refused"


@dataclass(frozen=True)
class Reminder:
    """An active booking whose first session is near, and how to remind the patient."""

    booking_id: int
    patient_id: str
    session_id: str
    offer_id: str
    start_date: date
    channel: str
    call_time: str
    lang: str
    contact: Contact | None = None


@dataclass(frozen=True)
class Reminded:
    """What ``write_reminders`` wrote: the call list, the letters, the SMS texts of the
    send log, the refused reminders, and the texts sent or failed through a gateway."""

    calls: pd.DataFrame
    letters: tuple[Path, ...]
    texts: pd.DataFrame
    refused: pd.DataFrame
    already_sent: tuple[int, ...] = ()
    sent: int = 0
    failed: int = 0
    files: tuple[Path, ...] = field(default=())
    #: how many bookings start within the days (each reminded in one way)
    due: int = 0


def _first_language(languages: object) -> str:
    """The first of ``languages`` a letter or text comes in, else Danish."""
    spoken = languages if isinstance(languages, tuple | list) else ()
    return next((str(code) for code in spoken if code in PATIENT_LANGUAGES), "da")


def due_reminders(store: Store, dataset: Dataset, *, today: date, days: int) -> list[Reminder]:
    """The active, firm bookings (a pathway's provisional step gets no reminder before it
    is confirmed) whose start date is from ``today`` to ``days`` days later, by
    start date, each with the channel, best call time and language of ``dataset``'s
    patient (a patient it lacks: not given, Danish)."""
    from ..discharge.contact import Contact

    last = today + timedelta(days=days)
    with store.read() as session:
        rows = session.execute(
            select(Booking)
            .where(
                Booking.status == "active",
                Booking.provisional.is_(False),
                Booking.start_date >= today,
                Booking.start_date <= last,
            )
            .order_by(Booking.start_date, Booking.id)
        ).scalars()
        bookings = list(rows)
    patients = dataset.patients.set_index("patient_id")
    found = []
    for b in bookings:
        known = b.patient_id in patients.index
        person = patients.loc[b.patient_id] if known else None
        contact = (
            Contact(b.contact_name or "", b.contact_phone or "")
            if b.contact_name or b.contact_phone
            else None
        )
        found.append(
            Reminder(
                b.id,
                b.patient_id,
                b.session_id,
                b.offer_id,
                b.start_date,
                str(person.get("contact_channel", "")) if person is not None else "",
                str(person.get("call_time", "")) if person is not None else "",
                _first_language(person["languages"]) if person is not None else "da",
                contact,
            )
        )
    return found


def _call_row(dataset: Dataset, item: Reminder, note: str = "") -> dict[str, object]:
    """One row of the call list (offer name and start time from the dataset, if it has them)."""
    offers = dataset.offers.set_index("offer_id")["name"]
    sessions = dataset.sessions.set_index("session_id")["start"]
    return {
        "patient_id": item.patient_id,
        "booking_id": item.booking_id,
        "offer_id": item.offer_id,
        "offer_name": str(offers.get(item.offer_id, "")),
        "session_id": item.session_id,
        "start_date": item.start_date,
        "start": str(sessions.get(item.session_id, "")),
        "channel": item.channel,
        "call_time": item.call_time,
        "contact_name": item.contact.name if item.contact else "",
        "contact_phone": item.contact.phone if item.contact else "",
        "note": note,
    }


def _file_name(item: Reminder) -> str:
    """A letter's file name: the pseudonym and the booking (``:`` made ``_``)."""
    return f"{item.patient_id.replace(':', '_')}_{item.booking_id}.html"


def write_reminders(
    store: Store,
    dataset: Dataset,
    folder: str | Path,
    *,
    today: date,
    days: int,
    gateway: Gateway | None = None,
    gateway_name: str = "",
    actor: Actor = SYSTEM,
    lang: str = "da",
) -> Reminded:
    """Write the reminders of the bookings starting within ``days`` days of ``today`` in
    ``folder`` (``calls.csv``, ``calls.xlsx`` in the staff's ``lang``, ``letters/``,
    ``sms.csv``, ``refused.csv``), and hand the SMS texts to ``gateway`` when one
    is given (``gateway_name`` says which in the log). Nothing is sent without one.
    """
    from ..discharge.handout import recommender_for
    from ..discharge.reminders import reminder_letter_html, reminder_sms

    target = Path(folder)
    due = due_reminders(store, dataset, today=today, days=days)
    with store.read() as session:
        may_text = consented(session, "sms", [r.patient_id for r in due if r.channel == "sms"])
    recommender = recommender_for(dataset, today=today)
    calls, refused, letters, texts, already = [], [], [], [], []
    for item in due:
        try:
            if item.channel == "letter":
                page = reminder_letter_html(
                    recommender,
                    item.patient_id,
                    item.session_id,
                    lang=item.lang,
                    today=today,
                    contact=item.contact,
                )
                path = target / "letters" / _file_name(item)
                write_text(path, page)
                letters.append((item, path))
            elif item.channel == "sms" and item.patient_id in may_text:
                text = reminder_sms(
                    recommender,
                    item.patient_id,
                    item.session_id,
                    lang=item.lang,
                    today=today,
                    contact=item.contact,
                )
                texts.append((item, text))
            elif item.channel == "sms":
                refused.append((item, NO_SMS_CONSENT, "call"))
                calls.append(_call_row(dataset, item, NO_SMS_CONSENT))
            else:
                calls.append(_call_row(dataset, item))
        except InputError:  # the session no longer fits the person: a person calls
            refused.append((item, TEXT_REFUSED, "call"))
            calls.append(_call_row(dataset, item, TEXT_REFUSED))
    written: list[int] = []
    with store.write() as session:
        for item, _path in letters:
            record(
                session,
                actor,
                "letter_written",
                "booking",
                item.booking_id,
                patient_id=item.patient_id,
                detail=f"reminder, {item.lang}",
            )
        for item, text in texts:
            logged = log_sms(session, item, text, actor=actor)
            if logged is None:
                already.append(item.booking_id)
            else:
                written.append(logged.id)
        for row in calls:
            record(
                session,
                actor,
                "reminder_call",
                "booking",
                row["booking_id"],
                patient_id=str(row["patient_id"]),
                detail=str(row["note"]) or "call list",
            )
    sent = failed = 0
    if gateway is not None and written:
        log_now = sms_log(store).set_index("message_id").loc[written]
        records = [
            SmsRecord(int(i), str(r.patient_id), int(r.booking_id), str(r.lang), str(r.text))
            for i, r in log_now.iterrows()
        ]
        sent, failed = send_sms(store, records, gateway, name=gateway_name, actor=actor)
    return _write_lists(
        store,
        target,
        calls=calls,
        letters=tuple(path for _, path in letters),
        written=written,
        refused=refused,
        already=tuple(already),
        counts=(sent, failed),
        lang=lang,
        today=today,
        due=len(due),
    )


def _write_lists(
    store: Store,
    target: Path,
    *,
    calls: list[dict[str, object]],
    letters: tuple[Path, ...],
    written: list[int],
    refused: list[tuple[Reminder, str, str]],
    already: tuple[int, ...],
    counts: tuple[int, int],
    lang: str,
    today: date,
    due: int,
) -> Reminded:
    """Write the call list, the texts and the refused reminders; what was written."""
    call_frame = pd.DataFrame(calls, columns=list(CALL_COLUMNS))
    logged = sms_log(store)
    texts = logged[logged["message_id"].isin(written)].reset_index(drop=True)
    texts = texts[list(SMS_COLUMNS[:7])]
    refused_frame = pd.DataFrame(
        [
            (r.patient_id, r.booking_id, r.session_id, r.channel, reason, instead)
            for r, reason, instead in refused
        ],
        columns=list(REFUSED_COLUMNS),
    )
    codes = {"channel": "channel", "call_time": "calltime", "note": "remindnote"}
    files = (
        write_table(target / "calls.csv", call_frame),
        write_table(
            target / "calls.xlsx",
            call_frame,
            lang=lang,
            codes=codes,
            caption=text("calls_title", lang, day=long_date(today, lang)),
        ),
        write_table(target / "sms.csv", texts),
        write_table(target / "refused.csv", refused_frame),
    )
    sent, failed = counts
    log.info(
        "reminders: %d calls, %d letters, %d texts, %d refused",
        len(call_frame),
        len(letters),
        len(texts),
        len(refused_frame),
    )
    return Reminded(call_frame, letters, texts, refused_frame, already, sent, failed, files, due)
