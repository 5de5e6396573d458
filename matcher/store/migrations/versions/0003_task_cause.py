"""The run of absences a call after missed sessions is about: ``tasks.cause_date``.

A call made because the patient missed sessions in a row remembers the first
missed session of that run, so that when the attendance is corrected the call
can be kept (the run still stands), or cancelled (it does not any more).
Calls stored before this revision get the date from their note
("missed 2 sessions in a row (from 2027-01-04): call").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_FROM = re.compile(r"\(from (\d{4}-\d{2}-\d{2})\)")


def upgrade() -> None:
    op.add_column("tasks", sa.Column("cause_date", sa.Date(), nullable=True))
    tasks = sa.table(
        "tasks",
        sa.column("id", sa.Integer()),
        sa.column("kind", sa.String()),
        sa.column("note", sa.Text()),
        sa.column("cause_date", sa.Date()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(tasks.c.id, tasks.c.note).where(tasks.c.kind == "call_missed")
    ).all()
    for task_id, note in rows:
        found = _FROM.search(note or "")
        if found is None:
            continue
        try:
            day = date.fromisoformat(found.group(1))
        except ValueError:
            continue
        bind.execute(sa.update(tasks).where(tasks.c.id == task_id).values(cause_date=day))


def downgrade() -> None:
    op.drop_column("tasks", "cause_date")
