"""The database tables: the models match the migrations, and times are kept in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from matcher.store import open_store
from matcher.store.models import Base, UtcDateTime, utcnow

PLUS_TWO = timezone(timedelta(hours=2))


def test_models_match_the_migrations(tmp_path: Path) -> None:
    """The schema the migrations build is exactly the one the models describe."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with open_store(str(tmp_path / "db.sqlite3")) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_a_time_without_a_time_zone_is_refused() -> None:
    """A naive time cannot be stored: it is not known which moment it is."""
    with pytest.raises(ValueError, match="must carry a time zone"):
        UtcDateTime().process_bind_param(datetime(2027, 1, 4, 9, 0), sqlite.dialect())


@pytest.mark.parametrize(
    ("dialect", "stored"),
    [
        (sqlite.dialect(), datetime(2027, 1, 4, 7, 30)),
        (postgresql.dialect(), datetime(2027, 1, 4, 7, 30, tzinfo=UTC)),
    ],
)
def test_a_time_is_stored_in_utc(dialect: object, stored: datetime) -> None:
    """09:30 at UTC+2 is stored as 07:30 UTC (SQLite without a zone, PostgreSQL with it)."""
    value = UtcDateTime().process_bind_param(datetime(2027, 1, 4, 9, 30, tzinfo=PLUS_TWO), dialect)
    assert value == stored
    assert (value.tzinfo is None) == (stored.tzinfo is None)


def test_a_stored_time_is_read_back_in_utc() -> None:
    """What the database gives back, with or without a zone, is the same moment in UTC."""
    kind = UtcDateTime()
    naive = kind.process_result_value(datetime(2027, 1, 4, 7, 30), sqlite.dialect())
    zoned = kind.process_result_value(
        datetime(2027, 1, 4, 9, 30, tzinfo=PLUS_TWO), postgresql.dialect()
    )
    assert naive == zoned == datetime(2027, 1, 4, 7, 30, tzinfo=UTC)
    assert naive.tzinfo is UTC and zoned.tzinfo is UTC
    assert kind.process_result_value(None, sqlite.dialect()) is None


def test_utcnow_is_the_current_time_in_utc() -> None:
    """utcnow carries the UTC zone and is the current moment."""
    before = datetime.now(UTC)
    now = utcnow()
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)
