"""Closing the loop after a match: referral statuses with their history, consent
per purpose, the SMS send log, the staff contact person of a booking and the
part of the day a call is made in.

``status_changes`` and ``consents`` are append-only, as ``audit_log`` is: the
database refuses updates and deletes of their rows. Existing rows of
``bookings`` and ``tasks`` keep their values (the new columns are empty), and
patients booked before this revision have no status until one is set.

Revision ID: 0004
Revises: 0003
Create Date: 2027-01-18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = 64
UTC_TIME = sa.DateTime(timezone=True)
STATUSES = (
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
PURPOSES = ("share_municipality", "gp_on_absence", "sms")
SMS_STATES = ("written", "sent", "failed")
#: The tables whose rows are never changed once written.
APPEND_ONLY = ("status_changes", "consents")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sqlite_guards(table: str) -> tuple[str, ...]:
    return tuple(
        f"CREATE TRIGGER {table}_no_{what} BEFORE {what.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for what in ("update", "delete")
    )


def _postgres_guards(table: str) -> tuple[str, ...]:
    return (
        f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{table} is append-only'; END $$",
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()",
    )


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("referrer", sa.String(ID), nullable=False),
        sa.Column("since", UTC_TIME, nullable=False),
        sa.Column("re_offer_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(_one_of("status", STATUSES), name="ck_referrals_status"),
        sa.PrimaryKeyConstraint("patient_id", name="pk_referrals"),
    )
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(ID), nullable=False),
        sa.Column("actor_role", sa.String(40), nullable=False),
        sa.Column("cause", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("re_offer_date", sa.Date(), nullable=True),
        sa.CheckConstraint(_one_of("to_status", STATUSES), name="ck_status_changes_to_status"),
        sa.PrimaryKeyConstraint("id", name="pk_status_changes"),
    )
    op.create_index("ix_status_changes_patient_id", "status_changes", ["patient_id"])
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(ID), nullable=False),
        sa.Column("recorded_role", sa.String(40), nullable=False),
        sa.Column("recorded_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(_one_of("purpose", PURPOSES), name="ck_consents_purpose"),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_patient_id", "consents", ["patient_id"])
    op.create_table(
        "sms_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(ID), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("written_at", UTC_TIME, nullable=False),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("gateway", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint(_one_of("status", SMS_STATES), name="ck_sms_log_status"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_sms_log_booking_id_bookings"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sms_log"),
        sa.UniqueConstraint("booking_id", "purpose", name="uq_sms_log_booking_purpose"),
    )
    op.create_index("ix_sms_log_patient_id", "sms_log", ["patient_id"])
    # new columns without a default change no row of the existing tables
    op.add_column("bookings", sa.Column("contact_name", sa.Text(), nullable=True))
    op.add_column("bookings", sa.Column("contact_phone", sa.String(40), nullable=True))
    op.add_column("tasks", sa.Column("call_time", sa.String(10), nullable=True))
    dialect = op.get_bind().dialect.name
    guards = {"sqlite": _sqlite_guards, "postgresql": _postgres_guards}.get(dialect)
    if guards is None:
        raise RuntimeError(f"Brobygger's database runs on SQLite or PostgreSQL, not {dialect}")
    for table in APPEND_ONLY:
        for statement in guards(table):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION {table}_append_only()")
    op.drop_column("tasks", "call_time")
    op.drop_column("bookings", "contact_phone")
    op.drop_column("bookings", "contact_name")
    op.drop_index("ix_sms_log_patient_id", table_name="sms_log")
    op.drop_table("sms_log")
    op.drop_index("ix_consents_patient_id", table_name="consents")
    op.drop_table("consents")
    op.drop_index("ix_status_changes_patient_id", table_name="status_changes")
    op.drop_table("status_changes")
    op.drop_table("referrals")
