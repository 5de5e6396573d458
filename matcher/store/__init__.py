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
"""

from __future__ import annotations

from .attendance import Recorded, holding_by_kind, outcomes, record_attendance
from .audit import SYSTEM, Actor, audit_trail, check_pseudonym
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
    first_start,
    holds_booking,
)
from .db import ENV_VAR, Store, default_db_url, migrate, open_store, resolve_db_url
from .importer import Conflict, ImportReport, current_import, import_catalogue
from .plans import RecordedPlan, read_plan, record_plan
from .tasks import TASK_COLUMNS, Completed, TaskRules, complete_task, export_tasks, list_tasks

__all__ = [
    "ENV_VAR",
    "SYSTEM",
    "TASK_COLUMNS",
    "Actor",
    "BookingInfo",
    "Completed",
    "Conflict",
    "ImportReport",
    "Recorded",
    "RecordedPlan",
    "SessionFull",
    "Store",
    "TaskRules",
    "active_bookings",
    "apply_bookings",
    "audit_trail",
    "book",
    "book_from_dataset",
    "booked_counts",
    "cancel",
    "check_booking",
    "check_pseudonym",
    "complete_task",
    "current_import",
    "default_db_url",
    "export_tasks",
    "first_start",
    "holding_by_kind",
    "holds_booking",
    "import_catalogue",
    "list_tasks",
    "migrate",
    "open_store",
    "outcomes",
    "read_plan",
    "record_attendance",
    "record_plan",
    "resolve_db_url",
]
