"""Migration 0005 (a pathway's held later steps) upgrades a database at revision 0004 in
place, keeping its bookings and tasks as firm bookings that follow nothing, and can be
taken back and applied again."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select, text

from matcher.store import cancel, list_tasks, open_store
from matcher.store.db import _alembic_config, _make_engine, current_revision, head_revision, migrate
from matcher.store.models import Booking, Place

NEW_COLUMNS = {"provisional", "follows_booking_id", "end_date"}


def _database_at_0004(url: str) -> None:
    """A database at revision 0004 with a booking, its follow-up call and an audit entry."""
    engine = _make_engine(url)
    migrate(engine, "0004")
    statements = (
        "INSERT INTO places (session_id, offer_id, capacity, booked, listed) "
        "VALUES ('S1', 'O1', 4, 1, 1)",
        "INSERT INTO bookings (id, patient_id, session_id, offer_id, start_date, status, "
        "booked_at, contact_name, contact_phone) VALUES (3, 'P001', 'S1', 'O1', '2027-01-04', "
        "'active', '2027-01-01 09:00:00', 'Anna Berg', '12345678')",
        "INSERT INTO tasks (id, kind, patient_id, booking_id, due_date, status, attempt, "
        "created_at, note, call_time) VALUES (9, 'follow_up_call', 'P001', 3, '2027-03-04', "
        "'open', 1, '2027-01-01 09:00:00', 'follow-up call 2 months after the start', 'morning')",
        "INSERT INTO audit_log (at, actor, action, object_type, object_id, patient_id, detail) "
        "VALUES ('2027-01-01 09:00:00', 'AB', 'book', 'booking', '3', 'P001', '')",
    )
    with engine.execution_options(brobygger_write=True).begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    columns = {c["name"] for c in inspect(engine).get_columns("bookings")}
    assert not NEW_COLUMNS & columns
    engine.dispose()


def _bookings(url: str) -> list[tuple[int, str, bool, int | None, object]]:
    with open_store(url) as store, store.read() as session:
        rows = session.scalars(select(Booking).order_by(Booking.id)).all()
        return [(b.id, b.status, b.provisional, b.follows_booking_id, b.end_date) for b in rows]


def test_a_database_at_0004_is_upgraded_and_its_bookings_stay_firm(tmp_path: Path) -> None:
    """After the upgrade the old booking is firm and follows nothing, its task is kept, and
    cancelling it frees its place and lets no other booking go."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _database_at_0004(url)
    with open_store(url) as store:
        assert current_revision(store.engine) == head_revision()
        columns = {c["name"] for c in inspect(store.engine).get_columns("bookings")}
        assert columns >= NEW_COLUMNS
        tasks = list_tasks(store)
        assert tasks[["task_id", "booking_id", "call_time"]].values.tolist() == [[9, 3, "morning"]]
    assert _bookings(url) == [(3, "active", False, None, None)]
    with open_store(url) as store:
        info = cancel(store, 3)
        assert (info.provisional, info.follows, info.end_date) == (False, None, None)
        with store.read() as session:
            assert session.scalar(select(Place.booked).where(Place.session_id == "S1")) == 0
    assert _bookings(url) == [(3, "cancelled", False, None, None)]


def test_0005_can_be_taken_back_and_applied_again(tmp_path: Path) -> None:
    """Downgrading to 0004 drops the three columns and keeps the bookings and tasks;
    upgrading again brings the columns back with the old bookings firm."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _database_at_0004(url)
    with open_store(url) as store:
        with store.engine.execution_options(brobygger_write=True).begin() as conn:
            command.downgrade(_alembic_config(conn), "0004")
        assert current_revision(store.engine) == "0004"
        columns = {c["name"] for c in inspect(store.engine).get_columns("bookings")}
        assert not NEW_COLUMNS & columns
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM bookings")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM tasks")).scalar() == 1
        migrate(store.engine)
        assert current_revision(store.engine) == head_revision()
        columns = {c["name"] for c in inspect(store.engine).get_columns("bookings")}
        assert columns >= NEW_COLUMNS
    assert _bookings(url) == [(3, "active", False, None, None)]
