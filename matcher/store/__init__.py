"""Brobygger's memory: catalogue, bookings, attendance, follow-up tasks,
plans, outcomes and an append-only audit log, in SQLite or PostgreSQL.

Patients appear only as pseudonyms (``patient_id``). ::

    from matcher import load_dataset
    from matcher.store import open_store, book_from_dataset, list_tasks

    ds = load_dataset("data/activities")
    with open_store("sqlite:///brobygger.sqlite3") as store:  # None: $BROBYGGER_DB or default
        booking, _ = book_from_dataset(store, ds, "P00001", "S00001")
        print(list_tasks(store))

For ``plan`` and ``recommend``: ``apply_bookings(dataset, db)`` returns the
dataset with each session's capacity reduced by its active bookings, and
``booked_counts(db)`` the counts themselves.

After a match: ``set_status``/``current_status``/``status_history`` keep each
referral's status (``referred`` ... ``active_6m``, or an exit), the store
moving it on by itself at a booking, a first attendance and the 3- and
6-month checks; ``give_consent``/``withdraw_consent``/``consents`` keep
consent per purpose (``share_municipality``, ``gp_on_absence``, ``sms``);
``booking_contact`` names a booking's staff contact person.
"""

from __future__ import annotations

from .attendance import Recorded, holding_by_kind, outcomes, record_attendance
from .audit import SYSTEM, Actor, audit_trail, check_pseudonym
from .booked import booking_contact
from .bookings import (
    BookingInfo,
    SessionFull,
    active_bookings,
    apply_bookings,
    book,
    book_from_dataset,
    booked_counts,
    cancel,
    check_booking,
    check_contact,
    first_start,
    holds_booking,
)
from .consent import (
    PURPOSES,
    ConsentMissing,
    ConsentNow,
    consent_history,
    consents,
    give_consent,
    has_consent,
    record_consent,
    request_gp_letter,
    withdraw_consent,
)
from .db import ENV_VAR, Store, default_db_url, migrate, open_store, resolve_db_url
from .importer import Conflict, ImportReport, current_import, import_catalogue
from .plans import RecordedPlan, read_plan, record_plan
from .referrals import (
    STATUSES,
    TRANSITIONS,
    Changed,
    StatusNow,
    StatusRefused,
    current_status,
    set_status,
    status_history,
    statuses_now,
)
from .tasks import (
    OUTCOMES,
    TASK_COLUMNS,
    Completed,
    TaskRules,
    complete_task,
    escalate,
    export_tasks,
    list_tasks,
)

__all__ = [
    "ENV_VAR",
    "OUTCOMES",
    "PURPOSES",
    "STATUSES",
    "SYSTEM",
    "TASK_COLUMNS",
    "TRANSITIONS",
    "Actor",
    "BookingInfo",
    "Changed",
    "Completed",
    "Conflict",
    "ConsentMissing",
    "ConsentNow",
    "ImportReport",
    "Recorded",
    "RecordedPlan",
    "SessionFull",
    "StatusNow",
    "StatusRefused",
    "Store",
    "TaskRules",
    "active_bookings",
    "apply_bookings",
    "audit_trail",
    "book",
    "book_from_dataset",
    "booked_counts",
    "booking_contact",
    "cancel",
    "check_booking",
    "check_contact",
    "check_pseudonym",
    "complete_task",
    "consent_history",
    "consents",
    "current_import",
    "current_status",
    "default_db_url",
    "escalate",
    "export_tasks",
    "first_start",
    "give_consent",
    "has_consent",
    "holding_by_kind",
    "holds_booking",
    "import_catalogue",
    "list_tasks",
    "migrate",
    "open_store",
    "outcomes",
    "read_plan",
    "record_attendance",
    "record_consent",
    "record_plan",
    "request_gp_letter",
    "resolve_db_url",
    "set_status",
    "status_history",
    "statuses_now",
    "withdraw_consent",
]
