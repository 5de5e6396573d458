"""A pathway booked at once: later steps held as provisional bookings.

``bookings.provisional`` marks a later step of a pathway that holds its place until
a ``confirm_step`` task confirms it when the step before ends;
``bookings.follows_booking_id`` names the booking of that step before and
``bookings.end_date`` the last meeting of a step that ends. Bookings stored before
this revision are firm (``provisional`` false) and follow nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2027-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "bookings",
        sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("bookings", sa.Column("follows_booking_id", sa.Integer(), nullable=True))
    op.add_column("bookings", sa.Column("end_date", sa.Date(), nullable=True))


def downgrade() -> None:
    for column in ("end_date", "follows_booking_id", "provisional"):
        op.drop_column("bookings", column)
