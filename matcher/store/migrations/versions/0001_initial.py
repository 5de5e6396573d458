"""Initial schema: catalogue snapshots, place counters, bookings, attendance,
follow-up tasks, stored plans and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-01-12
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 64
UTC_TIME = sa.DateTime(timezone=True)

_SQLITE_GUARDS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
_POSTGRES_GUARDS = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def _fk(table: str, column: str, target: str, target_column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=f"fk_{table}_{column}_{target}"
    )


def upgrade() -> None:
    op.create_table(
        "catalogue_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("imported_at", UTC_TIME, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("offers", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        _pk("catalogue_imports", "id"),
    )
    op.create_table(
        "catalogue_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        _fk("catalogue_state", "import_id", "catalogue_imports", "id"),
        _pk("catalogue_state", "id"),
    )
    op.execute("INSERT INTO catalogue_state (id, import_id) VALUES (1, NULL)")
    op.create_table(
        "catalogue_offers",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.String(ID), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("provider", sa.Text(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("diagnoses", sa.Text(), nullable=False),
        sa.Column("languages", sa.Text(), nullable=False),
        sa.Column("gender", sa.String(10), nullable=False),
        sa.Column("group_size", sa.Integer(), nullable=False),
        sa.Column("intensity", sa.String(10), nullable=False),
        sa.Column("supervised", sa.Boolean(), nullable=False),
        sa.Column("fee_dkk_month", sa.Float(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        _fk("catalogue_offers", "import_id", "catalogue_imports", "id"),
        _pk("catalogue_offers", "import_id", "offer_id"),
    )
    op.create_table(
        "catalogue_sessions",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(ID), nullable=False),
        sa.Column("offer_id", sa.String(ID), nullable=False),
        sa.Column("weekday", sa.String(3), nullable=False),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        _fk("catalogue_sessions", "import_id", "catalogue_imports", "id"),
        _pk("catalogue_sessions", "import_id", "session_id"),
    )
    op.create_table(
        "places",
        sa.Column("session_id", sa.String(ID), nullable=False),
        sa.Column("offer_id", sa.String(ID), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.CheckConstraint("booked >= 0", name="ck_places_booked_not_negative"),
        _pk("places", "session_id"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("session_id", sa.String(ID), nullable=False),
        sa.Column("offer_id", sa.String(ID), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("booked_at", UTC_TIME, nullable=False),
        sa.Column("cancelled_at", UTC_TIME, nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('active', 'cancelled')", name="ck_bookings_status"),
        _fk("bookings", "session_id", "places", "session_id"),
        _fk("bookings", "import_id", "catalogue_imports", "id"),
        _pk("bookings", "id"),
    )
    op.create_index("ix_bookings_patient_id", "bookings", ["patient_id"])
    op.create_index("ix_bookings_session_id", "bookings", ["session_id"])
    op.create_index(
        "uq_bookings_active_patient_offer",
        "bookings",
        ["patient_id", "offer_id"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        _fk("attendance", "booking_id", "bookings", "id"),
        _pk("attendance", "id"),
        sa.UniqueConstraint("booking_id", "date", name="uq_attendance_booking_date"),
    )
    op.create_index("ix_attendance_booking_id", "attendance", ["booking_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("patients", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Integer(), nullable=False),
        sa.Column("unplaced", sa.Integer(), nullable=False),
        sa.Column("escalated", sa.Integer(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        _pk("plans", "id"),
    )
    op.create_table(
        "plan_rows",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("offer_id", sa.String(ID), nullable=False),
        sa.Column("session_id", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("wait_days", sa.Float(), nullable=True),
        sa.Column("travel_min", sa.Float(), nullable=True),
        sa.Column("travel_mode", sa.String(20), nullable=False),
        sa.Column("fee_dkk_month", sa.Float(), nullable=True),
        sa.Column("cost", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _fk("plan_rows", "plan_id", "plans", "id"),
        _pk("plan_rows", "plan_id", "patient_id"),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("done_at", UTC_TIME, nullable=True),
        sa.Column("outcome", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'done', 'cancelled')", name="ck_tasks_status"),
        _fk("tasks", "booking_id", "bookings", "id"),
        _fk("tasks", "plan_id", "plans", "id"),
        _pk("tasks", "id"),
    )
    op.create_index("ix_tasks_patient_id", "tasks", ["patient_id"])
    op.create_index("ix_tasks_status_due", "tasks", ["status", "due_date"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(ID), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(ID), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        _pk("audit_log", "id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    dialect = op.get_bind().dialect.name
    guards = {"sqlite": _SQLITE_GUARDS, "postgresql": _POSTGRES_GUARDS}.get(dialect)
    if guards is None:
        raise RuntimeError(f"Brobygger's database runs on SQLite or PostgreSQL, not {dialect}")
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    for table in (
        "audit_log",
        "tasks",
        "plan_rows",
        "plans",
        "attendance",
        "bookings",
        "places",
        "catalogue_sessions",
        "catalogue_offers",
        "catalogue_state",
        "catalogue_imports",
    ):
        op.drop_table(table)
