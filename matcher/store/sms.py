"""The SMS send log, and a municipality's gateway that sends what it holds.

Brobygger never holds a patient's phone number. An SMS text is written to the
send log (``sms_log``) with the patient's pseudonym, the booking and the
text; nothing is sent unless a gateway is given. A gateway is a callable a
municipality provides (``--gateway package.module:factory``: ``factory()``
returns it) that takes the phone-less ``SmsRecord`` of each message, finds
the number from the pseudonym in its own register, and sends. It returns
``None`` (all sent) or one truth value per record (sent or not); when it
raises, every message of the call is marked failed with the error's type.
One reminder per booking: a text already sent is never written or sent again.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..words.problems import problem
from .audit import SYSTEM, Actor, record
from .db import Store
from .models import SmsMessage, utcnow

__all__ = [
    "REMINDER",
    "SMS_COLUMNS",
    "Gateway",
    "SmsRecord",
    "load_gateway",
    "log_sms",
    "send_sms",
    "sms_log",
]

log = logging.getLogger(__name__)

#: The purpose of a reminder before a booking's first session.
REMINDER = "reminder"
_SPEC = re.compile(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class SmsRecord:
    """One message for a gateway: the log's id, the patient's pseudonym, the booking,
    the language and the text. No phone number: the gateway finds it."""

    message_id: int
    patient_id: str
    booking_id: int
    lang: str
    text: str


#: What a gateway is: records in, ``None`` or one truth value per record out.
Gateway = Callable[[Sequence[SmsRecord]], Iterable[bool] | None]


def load_gateway(spec: str) -> Gateway:
    """The gateway ``factory()`` of ``package.module`` returns (``spec`` is
    ``package.module:factory``).

    Raises
    ------
    InputError
        Naming ``--gateway`` when ``spec`` is not of that form, the factory cannot
        be found or fails (saying how), or what it returns cannot be called.
    """
    found = _SPEC.fullmatch(spec.strip())
    if found is None:
        raise InputError(
            [problem("--gateway", None, None, "give the gateway as package.module:factory")]
        )
    module_name, factory_name = found.groups()
    try:
        made = getattr(importlib.import_module(module_name), factory_name)()
    except Exception as exc:  # the municipality's code may fail in any way: say how
        raise InputError(
            [
                problem(
                    "--gateway",
                    None,
                    None,
                    "cannot use {spec}: {reason}",
                    spec=spec.strip(),
                    reason=f"{type(exc).__name__}: {exc}",
                )
            ]
        ) from None
    if not callable(made):
        raise InputError(
            [
                problem(
                    "--gateway",
                    None,
                    None,
                    "{spec} did not make a gateway (a callable taking the messages)",
                    spec=spec.strip(),
                )
            ]
        )
    return made


def log_sms(
    session: Session,
    reminder: Any,
    text: str,
    *,
    actor: Actor = SYSTEM,
) -> SmsMessage | None:
    """Write the reminder text of ``reminder`` (a ``reminders.Reminder``) to the send
    log, replacing a text not yet sent; ``None`` when one was sent already."""
    found = session.scalar(
        select(SmsMessage).where(
            SmsMessage.booking_id == reminder.booking_id, SmsMessage.purpose == REMINDER
        )
    )
    if found is not None and found.status == "sent":
        return None
    if found is None:
        found = SmsMessage(
            patient_id=reminder.patient_id,
            booking_id=reminder.booking_id,
            session_id=reminder.session_id,
            purpose=REMINDER,
            gateway="",
            detail="",
        )
        session.add(found)
    found.lang, found.text, found.status = reminder.lang, text, "written"
    found.written_at, found.sent_at, found.detail = utcnow(), None, ""
    session.flush()
    record(
        session,
        actor,
        "sms_written",
        "sms",
        found.id,
        patient_id=reminder.patient_id,
        detail=f"booking {reminder.booking_id}, {reminder.lang}",
    )
    return found


def _results(gateway: Gateway, records: Sequence[SmsRecord]) -> tuple[list[bool], str]:
    """Whether each record was sent, and why not when the gateway failed."""
    try:
        said = gateway(list(records))
    except Exception as exc:  # a gateway may fail in any way: the messages stay unsent
        log.warning("SMS gateway failed: %s", type(exc).__name__)
        return [False] * len(records), type(exc).__name__
    if said is None:
        return [True] * len(records), ""
    flags = [bool(f) for f in said]
    if len(flags) != len(records):
        return [False] * len(records), "the gateway answered for another number of messages"
    return flags, "not sent by the gateway"


def send_sms(
    store: Store,
    records: Sequence[SmsRecord],
    gateway: Gateway,
    *,
    name: str,
    actor: Actor = SYSTEM,
) -> tuple[int, int]:
    """Hand ``records`` to ``gateway`` (called ``name`` in the log) and mark each sent or
    failed; the numbers sent and failed."""
    if not records:
        return 0, 0
    flags, why = _results(gateway, records)
    with store.write() as session:
        for item, sent in zip(records, flags, strict=True):
            row = session.get(SmsMessage, item.message_id)
            if row is None:
                continue
            row.status, row.gateway = ("sent" if sent else "failed"), name
            row.sent_at, row.detail = (utcnow() if sent else None), ("" if sent else why)
            record(
                session,
                actor,
                "sms_sent" if sent else "sms_failed",
                "sms",
                row.id,
                patient_id=row.patient_id,
                detail=name if sent else f"{name}: {why}",
            )
    sent_count = sum(flags)
    log.info("SMS gateway %s: %d sent, %d failed", name, sent_count, len(flags) - sent_count)
    return sent_count, len(flags) - sent_count


#: Columns of ``sms_log``, in order.
SMS_COLUMNS = (
    "message_id",
    "patient_id",
    "booking_id",
    "session_id",
    "lang",
    "text",
    "status",
    "written_at",
    "sent_at",
    "gateway",
    "detail",
)


def sms_log(store: Store, *, patient_id: str | None = None) -> pd.DataFrame:
    """The send log, oldest first (optionally of one patient): ``SMS_COLUMNS``."""
    query = select(SmsMessage).order_by(SmsMessage.id)
    if patient_id is not None:
        query = query.where(SmsMessage.patient_id == patient_id)
    with store.read() as session:
        rows = [
            (
                m.id,
                m.patient_id,
                m.booking_id,
                m.session_id,
                m.lang,
                m.text,
                m.status,
                m.written_at,
                m.sent_at,
                m.gateway,
                m.detail,
            )
            for m in session.scalars(query)
        ]
    return pd.DataFrame(rows, columns=list(SMS_COLUMNS))
