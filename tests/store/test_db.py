"""The database: where it is, what it refuses to open, and migrations that keep data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url
from store_support import run_cli_processes

from matcher import InputError
from matcher.store import Actor, audit_trail, book, cancel, migrate, open_store, resolve_db_url
from matcher.store.db import _make_engine, current_revision, head_revision


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        ("sqlite:////srv/a.sqlite3", "sqlite:////srv/b.sqlite3", "sqlite:////srv/a.sqlite3"),
        (None, "sqlite:////srv/b.sqlite3", "sqlite:////srv/b.sqlite3"),
        (None, "postgresql://care@db/brobygger", "postgresql+psycopg2://care@db/brobygger"),
        ("/srv/c.sqlite3", None, "sqlite:////srv/c.sqlite3"),
        (None, None, "sqlite:////home/u/.local/share/brobygger/brobygger.sqlite3"),
    ],
)
def test_database_url_order(
    monkeypatch: pytest.MonkeyPatch, option: str | None, env: str | None, expected: str
) -> None:
    """--db wins over BROBYGGER_DB, which wins over the file in the user data folder."""
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda name: f"/home/u/.local/share/{name}")
    if env is None:
        monkeypatch.delenv("BROBYGGER_DB", raising=False)
    else:
        monkeypatch.setenv("BROBYGGER_DB", env)
    assert resolve_db_url(option) == expected


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("mysql://someone@host/db", "not supported"),
        ("oracle://x@y/z", "not supported"),
    ],
)
def test_unsupported_database_is_bad_input(option: str, message: str) -> None:
    """Only SQLite and PostgreSQL URLs are accepted."""
    with pytest.raises(InputError, match=message):
        resolve_db_url(option)


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("postgresql://care@db/brobygger", "postgresql+psycopg2://care@db/brobygger"),
        (
            "postgresql://care:s%40cret@db:5433/brobygger?sslmode=require",
            "postgresql+psycopg2://care:s%40cret@db:5433/brobygger?sslmode=require",
        ),
        ("postgresql+psycopg2://care@db/brobygger", "postgresql+psycopg2://care@db/brobygger"),
        ("postgresql+psycopg://care@db/brobygger", "postgresql+psycopg://care@db/brobygger"),
        ("sqlite:////srv/a.sqlite3", "sqlite:////srv/a.sqlite3"),
    ],
)
def test_plain_postgresql_url_gets_the_installed_driver(option: str, expected: str) -> None:
    """A driverless postgresql:// URL means psycopg2 (the postgres extra), the rest kept
    as given; a URL naming its driver is left alone."""
    resolved = resolve_db_url(option)
    assert resolved == expected
    assert make_url(resolved).get_dialect().driver == make_url(expected).get_dialect().driver


def test_plain_postgresql_url_makes_a_psycopg2_engine() -> None:
    """The documented --db postgresql://USER@HOST/DB builds an engine on psycopg2 (no server
    needed: engines connect lazily)."""
    engine = _make_engine(resolve_db_url("postgresql://care@db.invalid/brobygger"))
    try:
        assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg2")
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "content",
    [b"patient_id,lat,lon\nP1,55.4,10.4\n", b"\x00\x01\x02 not sqlite at all" * 40],
)
def test_a_file_that_is_not_a_database_is_bad_input(tmp_path: Path, content: bytes) -> None:
    """--db naming a file that is not an SQLite database is an InputError naming the file,
    and the file is left exactly as it was."""
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        open_store(str(path))
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert "is not a Brobygger database" in problem.message
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def _other_application(path: Path, *, wal: bool = False, revision: str | None = None) -> None:
    """An SQLite file of another application: its own tables (and alembic_version)."""
    import sqlite3

    raw = sqlite3.connect(path)
    if wal:
        raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    raw.execute("INSERT INTO notes (body) VALUES ('keep me')")
    if revision is not None:
        raw.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        raw.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    raw.commit()
    raw.close()


@pytest.mark.parametrize(
    ("wal", "revision", "message"),
    [
        (False, None, "is another application's database (tables notes)"),
        (True, None, "is another application's database (tables notes)"),
        (False, "3f2a9c1b7d", "schema revision '3f2a9c1b7d'"),
    ],
)
def test_another_applications_database_is_refused_and_left_as_it_is(
    tmp_path: Path, wal: bool, revision: str | None, message: str
) -> None:
    """--db naming an SQLite file with tables but no Brobygger revision is an InputError
    naming the file; the file stays byte for byte as it was and nothing is added beside it."""
    path = tmp_path / "other.sqlite3"
    _other_application(path, wal=wal, revision=revision)
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        open_store(str(path))
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert message in problem.message and "not a Brobygger database" in problem.message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite3"]


def test_another_applications_database_exits_2_with_one_line(tmp_path: Path) -> None:
    """brobygger tasks --db OTHER exits 2 with one line naming the file, and no traceback."""
    from typer.testing import CliRunner

    from matcher.cli import app

    path = tmp_path / "other.sqlite3"
    _other_application(path)
    before = path.read_bytes()
    result = CliRunner().invoke(app, ["tasks", "--db", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:-:-: is another application's database" in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_an_empty_file_becomes_a_brobygger_database(tmp_path: Path) -> None:
    """An empty file (or an SQLite file without tables) may be opened: it gets the schema."""
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with open_store(str(path)) as store:
        assert current_revision(store.engine) == head_revision()
    with open_store(str(path)) as store:  # and is a Brobygger database from then on
        assert "bookings" in inspect(store.engine).get_table_names()


def test_a_folder_as_database_is_bad_input(tmp_path: Path) -> None:
    """--db naming a folder is an InputError, not a crash."""
    with pytest.raises(InputError, match="is a folder"):
        open_store(str(tmp_path))


def test_missing_folder_is_bad_input(tmp_path: Path) -> None:
    """An SQLite file in a folder that does not exist is refused, not created."""
    with pytest.raises(InputError, match="folder does not exist"):
        open_store(str(tmp_path / "nowhere" / "db.sqlite3"))


def test_older_database_is_migrated_not_recreated(tmp_path: Path) -> None:
    """A database at revision 0001 with data is upgraded in place and keeps every row."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = _make_engine(url)
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    with engine.execution_options(brobygger_write=True).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO catalogue_imports (id, imported_at, source, fingerprint, offers, "
                "sessions, conflicts) VALUES (1, '2026-01-05 09:00:00', 'old', 'x', 1, 1, 0)"
            )
        )
        conn.execute(text("UPDATE catalogue_state SET import_id = 1"))
        conn.execute(
            text(
                "INSERT INTO places (session_id, offer_id, capacity, booked, listed) "
                "VALUES ('S1', 'O1', 4, 1, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO bookings (id, patient_id, session_id, offer_id, start_date, status, "
                "booked_at, import_id) VALUES (7, 'P001', 'S1', 'O1', '2026-01-12', 'active', "
                "'2026-01-05 09:01:00', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, object_type, object_id, patient_id, "
                "detail) VALUES ('2026-01-05 09:01:00', 'AB', 'book', 'booking', '7', 'P001', '')"
            )
        )
    assert "outcomes" not in inspect(engine).get_table_names()
    engine.dispose()

    with open_store(url) as store:
        assert current_revision(store.engine) == head_revision() == "0005"
        assert "outcomes" in inspect(store.engine).get_table_names()
        trail = audit_trail(store)
        assert trail[["actor", "actor_role", "action"]].values.tolist() == [["AB", "staff", "book"]]
        assert cancel(store, 7, actor=Actor("CD", "planner")).patient_id == "P001"
        assert book(store, "P002", "S1", date(2026, 1, 12)).booking_id == 8


def test_calls_stored_before_0003_learn_their_run_of_absences(tmp_path: Path) -> None:
    """A call after missed sessions stored at revision 0002 gets its run's first missed
    session from its note when migrated, so a later correction can cancel it."""
    from matcher.store import list_tasks, record_attendance

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    engine = _make_engine(url)
    migrate(engine, "0002")
    with engine.execution_options(brobygger_write=True).begin() as conn:
        conn.execute(
            text(
                "INSERT INTO places (session_id, offer_id, capacity, booked, listed) "
                "VALUES ('S1', 'O1', 4, 1, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO bookings (id, patient_id, session_id, offer_id, start_date, status, "
                "booked_at) VALUES (1, 'P001', 'S1', 'O1', '2027-01-04', 'active', "
                "'2027-01-01 09:00:00')"
            )
        )
        for day in ("2027-01-04", "2027-01-11"):
            conn.execute(
                text(
                    "INSERT INTO attendance (booking_id, date, present, recorded_at) "
                    f"VALUES (1, '{day}', 0, '2027-01-12 09:00:00')"
                )
            )
        conn.execute(
            text(
                "INSERT INTO tasks (id, kind, patient_id, booking_id, due_date, status, attempt, "
                "created_at, note) VALUES (5, 'call_missed', 'P001', 1, '2027-01-12', 'open', 1, "
                "'2027-01-12 09:00:00', 'missed 2 sessions in a row (from 2027-01-04): call')"
            )
        )
    engine.dispose()
    with open_store(url) as store:
        with store.read() as session:
            from matcher.store.models import Task

            assert session.get(Task, 5).cause_date == date(2027, 1, 4)  # type: ignore[union-attr]
        assert record_attendance(store, 1, date(2027, 1, 11), True).cancelled_task_ids == (5,)
        assert list_tasks(store).empty


def test_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    """Revision 0002 can be taken back to 0001 and reapplied without losing audit entries."""
    from alembic import command

    from matcher.store.db import _alembic_config

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with open_store(url) as store:
        with store.write() as session:
            from matcher.store.audit import record

            record(session, Actor("AB", "nurse"), "note", "test", 1)
        with store.engine.execution_options(brobygger_write=True).begin() as conn:
            command.downgrade(_alembic_config(conn), "0001")
        assert current_revision(store.engine) == "0001"
        migrate(store.engine)
        assert audit_trail(store)["actor"].tolist() == ["AB"]


@pytest.mark.slow
def test_processes_opening_a_new_database_at_once_migrate_it_once(tmp_path: Path) -> None:
    """Eight processes opening one fresh database at once all succeed; it ends at the head."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    codes = run_cli_processes([["tasks", "--db", url] for _ in range(8)], together=False)
    assert codes == [0] * 8
    engine = _make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_damaged_database_is_refused_and_left_without_log_files(tmp_path: Path) -> None:
    """A Brobygger database cut short (a broken copy) is refused as bad input, and the
    refusal leaves no -wal or -shm file beside it: the file is left exactly as it was."""
    path = tmp_path / "copy.sqlite3"
    open_store(f"sqlite:///{path}").engine.dispose()
    path.write_bytes(path.read_bytes()[:8192])
    before = path.read_bytes()
    with pytest.raises(InputError, match="is not a Brobygger database"):
        open_store(f"sqlite:///{path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite3"]
    assert path.read_bytes() == before


def test_a_database_server_that_does_not_answer_is_named_without_its_password() -> None:
    """--db naming a PostgreSQL server nobody listens at is one clear problem naming the
    address (never the password), not a driver's error."""
    with pytest.raises(InputError) as caught:
        open_store("postgresql://nobody:secret@127.0.0.1:1/x")
    message = str(caught.value)
    assert "cannot connect to the database" in message
    assert "127.0.0.1:1" in message and "secret" not in message
