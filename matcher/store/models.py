"""The tables of Brobygger's database, as the newest migration leaves them.

Patients appear only by their pseudonym (``patient_id``): no names, no CPR
numbers, no profile fields. The catalogue is kept as snapshots, one per
import; ``places`` holds one counter row per session (capacity and active
bookings), the row every booking updates conditionally, so no session ever
gets more bookings than places. ``audit_log`` is append-only: the database
itself refuses updates and deletes (triggers made by migration 0001), and so
it does for ``status_changes`` and ``consents`` (migration 0004): a referral's
history and a patient's consents are never rewritten.

Times are stored in UTC; dates are calendar dates (no time zone).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from ..domain import CONSENT_PURPOSES  # what a patient may consent to (migration 0004)

__all__ = [
    "CONSENT_PURPOSES",
    "REFERRAL_STATUSES",
    "SMS_STATES",
    "Attendance",
    "AuditEntry",
    "Base",
    "Booking",
    "CatalogueImport",
    "CatalogueOffer",
    "CatalogueSession",
    "CatalogueState",
    "Consent",
    "Outcome",
    "Place",
    "PlanRow",
    "Referral",
    "SmsMessage",
    "StatusChange",
    "StoredPlan",
    "Task",
    "utcnow",
]

#: Constraint names that are the same on SQLite and PostgreSQL, so that
#: migrations can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = 64  # longest id or pseudonym, characters

#: A referral's statuses (migration 0004): the way through, then the exits.
REFERRAL_STATUSES: tuple[str, ...] = (
    "referred",
    "offered",
    "booked",
    "started",
    "active_3m",
    "active_6m",
    "declined",
    "not_now",
    "unreachable",
    "stopped",
)
#: Where an SMS text of the send log stands: written (not sent), sent, failed.
SMS_STATES: tuple[str, ...] = ("written", "sent", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression: ``column`` holds one of ``values``."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> datetime:
    """The current time in UTC (time-zone aware)."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A point in time stored in UTC and read back time-zone aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("times stored by Brobygger must carry a time zone")
        moment = value.astimezone(UTC)
        return moment if dialect.name == "postgresql" else moment.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names."""

    metadata = MetaData(naming_convention=NAMING)


class CatalogueImport(Base):
    """One load of ``offers.csv`` and ``sessions.csv`` into the database."""

    __tablename__ = "catalogue_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    offers: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int] = mapped_column(Integer)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)


class CatalogueState(Base):
    """The single row naming the current catalogue; locked while importing."""

    __tablename__ = "catalogue_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_imports.id"))


class CatalogueOffer(Base):
    """An offer as it was in one import (list cells joined with ``;``)."""

    __tablename__ = "catalogue_offers"

    import_id: Mapped[int] = mapped_column(ForeignKey("catalogue_imports.id"), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    diagnoses: Mapped[str] = mapped_column(Text)
    languages: Mapped[str] = mapped_column(Text)
    gender: Mapped[str] = mapped_column(String(10))
    group_size: Mapped[int] = mapped_column(Integer)
    intensity: Mapped[str] = mapped_column(String(10))
    supervised: Mapped[bool] = mapped_column(Boolean)
    fee_dkk_month: Mapped[float] = mapped_column(Float)
    tags: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(Text)
    phone: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)


class CatalogueSession(Base):
    """A session as it was in one import (times ``HH:MM``, capacity in places)."""

    __tablename__ = "catalogue_sessions"

    import_id: Mapped[int] = mapped_column(ForeignKey("catalogue_imports.id"), primary_key=True)
    session_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(ID))
    weekday: Mapped[str] = mapped_column(String(3))
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    capacity: Mapped[int] = mapped_column(Integer)
    first_date: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)


class Place(Base):
    """The place counter of one session: its capacity and active bookings.

    ``listed`` is false when the current catalogue no longer has the session
    (capacity is then 0). ``booked`` may exceed ``capacity`` only after an
    import shrank the capacity; the import reports it, and no new booking
    gets in until cancellations bring ``booked`` below ``capacity``.
    """

    __tablename__ = "places"
    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)

    session_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    offer_id: Mapped[str] = mapped_column(String(ID))
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    listed: Mapped[bool] = mapped_column(Boolean, default=True)


class Booking(Base):
    """A patient's place in a session, from ``start_date``.

    A pathway booked at once is one booking per step: the first firm, each later one
    ``provisional`` and ``follows_booking_id`` the step before; cancelling a step
    cancels the provisional steps that follow it (``steps.release_following``).
    """

    __tablename__ = "bookings"
    __table_args__ = (
        # the same patient cannot hold two active bookings for one offer
        Index(
            "uq_bookings_active_patient_offer",
            "patient_id",
            "offer_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        CheckConstraint("status IN ('active', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID), index=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("places.session_id"), index=True)
    offer_id: Mapped[str] = mapped_column(String(ID))
    start_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    import_id: Mapped[int | None] = mapped_column(ForeignKey("catalogue_imports.id"))
    #: the staff contact person for this booking, and their phone (migration 0004)
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    #: a later step of a pathway, holding its place until the step before ends and a
    #: ``confirm_step`` task confirms it (migration 0005); no reminders, no follow-up
    #: calls and no attendance until then
    provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: the booking of the step before, for a step of a pathway (migration 0005)
    follows_booking_id: Mapped[int | None] = mapped_column(Integer)
    #: the last meeting of a step that ends (an exit team's last session), if known
    end_date: Mapped[date | None] = mapped_column(Date)


class Attendance(Base):
    """Whether the patient came to one session date of a booking."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("booking_id", "date", name="uq_attendance_booking_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    date: Mapped[date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Task(Base):
    """A follow-up task for a person: a call, a check, or a case to discuss.

    ``attempt`` counts calls (1, 2, 3); ``outcome`` is how it was closed
    (``reached``, ``no_answer``, ``taking_part``, ``stopped``, ``done``,
    ``booked``, ...). ``cause_date`` is, for a call after missed sessions, the first
    missed session of the run of absences it is about (migration 0003);
    ``call_time`` the part of the day to call in (``morning``, ``afternoon``,
    ``evening``; migration 0004).
    """

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        Index("ix_tasks_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    patient_id: Mapped[str] = mapped_column(String(ID), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    cause_date: Mapped[date | None] = mapped_column(Date)
    call_time: Mapped[str | None] = mapped_column(String(10))


class StoredPlan(Base):
    """A batch plan's summary (PLAN.json figures) as stored."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    patients: Mapped[int] = mapped_column(Integer)
    placed: Mapped[int] = mapped_column(Integer)
    unplaced: Mapped[int] = mapped_column(Integer)
    escalated: Mapped[int] = mapped_column(Integer)
    summary_json: Mapped[str] = mapped_column(Text)


class PlanRow(Base):
    """One row of PLAN.csv (dates as dates, minutes, DKK per month)."""

    __tablename__ = "plan_rows"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    offer_id: Mapped[str] = mapped_column(String(ID))
    session_id: Mapped[str] = mapped_column(String(ID))
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date | None] = mapped_column(Date)
    wait_days: Mapped[float | None] = mapped_column(Float)
    travel_min: Mapped[float | None] = mapped_column(Float)
    travel_mode: Mapped[str] = mapped_column(String(20))
    fee_dkk_month: Mapped[float | None] = mapped_column(Float)
    cost: Mapped[float | None] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text)


class Outcome(Base):
    """Whether the patient was still taking part 3 or 6 months after the start."""

    __tablename__ = "outcomes"
    __table_args__ = (
        UniqueConstraint("booking_id", "months", name="uq_outcomes_booking_months"),
        CheckConstraint("months IN (3, 6)", name="months"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    patient_id: Mapped[str] = mapped_column(String(ID))
    months: Mapped[int] = mapped_column(Integer)
    taking_part: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntry(Base):
    """Who did what to which object, when. Append-only; no names.

    ``actor`` is a staff pseudonym or initials code, ``actor_role`` its role
    (physiotherapist, planner, ...), ``patient_id`` the patient's pseudonym
    when the action concerns one.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(ID))
    actor_role: Mapped[str] = mapped_column(String(40), server_default="staff")
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(ID))
    patient_id: Mapped[str | None] = mapped_column(String(ID))
    detail: Mapped[str] = mapped_column(Text, default="")


class Referral(Base):
    """A patient's referral as it stands now: one row per patient (migration 0004).

    ``referrer`` is the code of the unit or practice that referred the patient
    (never a person's name); ``re_offer_date`` is set while ``not_now``; ``reason``
    is the reason given with the last change (for ``stopped``, always one).
    """

    __tablename__ = "referrals"
    __table_args__ = (CheckConstraint(_one_of("status", REFERRAL_STATUSES), name="status"),)

    patient_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    referrer: Mapped[str] = mapped_column(String(ID), default="")
    since: Mapped[datetime] = mapped_column(UtcDateTime())
    re_offer_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")


class StatusChange(Base):
    """One change of a referral's status, kept for ever (append-only, like the audit log).

    ``from_status`` is empty for a patient's first status; ``cause`` says what made
    the change: ``staff`` (set by a person), ``booking``, ``attendance``,
    ``outcome`` or ``task`` (by the store, from what it was told).
    """

    __tablename__ = "status_changes"
    __table_args__ = (CheckConstraint(_one_of("to_status", REFERRAL_STATUSES), name="to_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(ID))
    actor_role: Mapped[str] = mapped_column(String(40))
    cause: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    re_offer_date: Mapped[date | None] = mapped_column(Date)


class Consent(Base):
    """A consent given or withdrawn for one purpose, on a date, recorded by staff.

    Append-only: the latest record of a patient and purpose is what holds now.
    ``recorded_by`` is a staff pseudonym or initials code, never a name.
    """

    __tablename__ = "consents"
    __table_args__ = (CheckConstraint(_one_of("purpose", CONSENT_PURPOSES), name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID), index=True)
    purpose: Mapped[str] = mapped_column(String(30))
    given: Mapped[bool] = mapped_column(Boolean)
    on_date: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(ID))
    recorded_role: Mapped[str] = mapped_column(String(40))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SmsMessage(Base):
    """An SMS text of the send log: for whom (pseudonym), about which booking, the
    text, and whether it was sent. Never a phone number: a municipality's
    gateway finds the number from the pseudonym."""

    __tablename__ = "sms_log"
    __table_args__ = (
        UniqueConstraint("booking_id", "purpose", name="uq_sms_log_booking_purpose"),
        CheckConstraint(_one_of("status", SMS_STATES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(String(ID), index=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"))
    session_id: Mapped[str] = mapped_column(String(ID))
    purpose: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="written")
    written_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    gateway: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="")
