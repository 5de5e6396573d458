"""Outcomes ("still taking part" 3 and 6 months after the start) and the
actor's role in the audit log.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-19
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.String(ID), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("taking_part", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("months IN (3, 6)", name="ck_outcomes_months"),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_outcomes_booking_id_bookings"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outcomes"),
        sa.UniqueConstraint("booking_id", "months", name="uq_outcomes_booking_months"),
    )
    op.create_index("ix_outcomes_booking_id", "outcomes", ["booking_id"])
    # entries written before roles were recorded count as "staff"; adding a
    # column with a default changes no row, so the append-only guard holds
    op.add_column(
        "audit_log",
        sa.Column("actor_role", sa.String(40), nullable=False, server_default="staff"),
    )


def downgrade() -> None:
    op.drop_column("audit_log", "actor_role")
    op.drop_index("ix_outcomes_booking_id", table_name="outcomes")
    op.drop_table("outcomes")
