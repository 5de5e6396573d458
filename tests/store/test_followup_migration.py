"""Migration 0004 (statuses, consent, the SMS log, contacts, call times) upgrades a
database at the previous head in place and keeps its data, and can be taken back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import inspect, text

from matcher.store import (
    Actor,
    audit_trail,
    booking_contact,
    current_status,
    give_consent,
    list_tasks,
    open_store,
    record_attendance,
    set_status,
)
from matcher.store.db import (
    _alembic_config,
    _make_engine,
    current_revision,
    head_revision,
    migrate,
)

NEW_TABLES = {"referrals", "status_changes", "consents", "sms_log"}


def _database_at_0003(url: str) -> None:
    """A database at revision 0003 with a booking, a task and an audit entry."""
    engine = _make_engine(url)
    migrate(engine, "0003")
    statements = (
        "INSERT INTO places (session_id, offer_id, capacity, booked, listed) "
        "VALUES ('S1', 'O1', 4, 1, 1)",
        "INSERT INTO bookings (id, patient_id, session_id, offer_id, start_date, status, "
        "booked_at) VALUES (3, 'P001', 'S1', 'O1', '2027-01-04', 'active', '2027-01-01 09:00:00')",
        "INSERT INTO tasks (id, kind, patient_id, booking_id, due_date, status, attempt, "
        "created_at, note) VALUES (9, 'follow_up_call', 'P001', 3, '2027-03-04', 'open', 1, "
        "'2027-01-01 09:00:00', 'follow-up call 2 months after the start')",
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, patient_id, detail) "
        "VALUES ('2027-01-01 09:00:00', 'AB', 'book', 'booking', '3', 'P001', '')",
    )
    with engine.execution_options(brobygger_write=True).begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    assert not NEW_TABLES & set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_at_0003_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    """Opening a 0003 database migrates it to the newest revision: its booking, task and
    audit entry stay as they were (no contact, no call time, no status), and the new
    tables work."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _database_at_0003(url)
    with open_store(url) as store:
        assert current_revision(store.engine) == head_revision()
        assert set(inspect(store.engine).get_table_names()) >= NEW_TABLES
        tasks = list_tasks(store)
        assert tasks[["task_id", "booking_id", "call_time"]].values.tolist() == [[9, 3, ""]]
        assert booking_contact(store, "P001", "S1") is None
        assert current_status(store, "P001") is None
        assert audit_trail(store)["action"].tolist() == ["book"]
        # an old booking's first attendance starts a status; consent can be recorded
        record_attendance(store, 3, date(2027, 1, 4), True)
        assert current_status(store, "P001").status == "started"  # type: ignore[union-attr]
        give_consent(store, "P001", "sms", actor=Actor("AB"), on=date(2026, 11, 2))


def test_0004_can_be_taken_back_and_applied_again(tmp_path: Path) -> None:
    """Downgrading to 0003 removes the new tables and columns but keeps bookings, tasks and
    the audit log; upgrading again brings the new tables back, empty."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _database_at_0003(url)
    with open_store(url) as store:
        set_status(store, "P001", "booked", actor=Actor("AB"))
        with store.engine.execution_options(brobygger_write=True).begin() as conn:
            command.downgrade(_alembic_config(conn), "0003")
        assert current_revision(store.engine) == "0003"
        columns = {c["name"] for c in inspect(store.engine).get_columns("bookings")}
        assert "contact_name" not in columns
        assert not NEW_TABLES & set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM bookings")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM tasks")).scalar() == 1
        migrate(store.engine)
        assert current_revision(store.engine) == head_revision()
        assert current_status(store, "P001") is None
        assert "status" in audit_trail(store)["action"].tolist()  # the audit log keeps all
