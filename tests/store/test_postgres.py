"""The same storage code on a real PostgreSQL server: migrations, atomic booking under
50 processes, no double booking, and the append-only audit log.

A throw-away server is started in a temporary folder (``initdb`` + ``pg_ctl``
from ``/usr/lib/postgresql/*/bin``, as the ``postgres`` user when the tests
run as root), or ``BROBYGGER_TEST_POSTGRES`` names a server to use instead
(a URL whose user may create databases). The tests skip, saying why, when
neither is possible.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from store_support import busy_pathway_town, dataset_dir, pathway_town, run_cli_processes

from matcher import InputError, load_dataset
from matcher.store import (
    Actor,
    SessionFull,
    active_bookings,
    audit_trail,
    book,
    book_from_dataset,
    booked_counts,
    cancel,
    complete_task,
    import_catalogue,
    list_tasks,
    migrate,
    open_store,
)
from matcher.store.db import _make_engine, current_revision, head_revision, with_driver
from matcher.store.pathway_bookings import book_pathway

pytestmark = pytest.mark.slow
_NAMES = itertools.count(1)


def _run(command: list[str], user: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(user + command, capture_output=True, text=True, timeout=120)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    """URL of a PostgreSQL server (database ``postgres``) for this module's tests."""
    given = os.environ.get("BROBYGGER_TEST_POSTGRES")
    if given:
        yield given
        return
    pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")) or [shutil.which("pg_ctl")]
    if not pg_ctl[-1]:
        pytest.skip(
            "no PostgreSQL server binaries (apt package postgresql) and no BROBYGGER_TEST_POSTGRES"
        )
    bindir = Path(str(pg_ctl[-1])).parent
    user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="brobygger-pg-"))
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no 'postgres' user to run the server")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and runuser is missing")
        user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    made = _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "brobygger"], user)
    if made.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"initdb failed: {made.stderr.strip()[-300:]}")
    options = f"-k {root} -p {port} -c listen_addresses='' -c fsync=off -c max_connections=120"
    started = _run(
        [
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-o",
            options,
            "-w",
            "start",
        ],
        user,
    )
    if started.returncode != 0:
        log = (root / "log").read_text(errors="replace")[-300:] if (root / "log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"PostgreSQL did not start: {started.stderr.strip()[-300:]} {log}")
    try:
        # the plain form the README documents (no driver named)
        yield f"postgresql://brobygger@/postgres?host={root}&port={port}"
    finally:
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], user)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the server, dropped after the test."""
    name = f"brobygger_test_{os.getpid()}_{next(_NAMES)}"
    admin = create_engine(with_driver(postgres_server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_booking_rules_on_postgres(tmp_path: Path, pg_url: str) -> None:
    """Booking, full sessions, double booking and cancelling behave as on SQLite, through
    the plain postgresql:// URL the README documents (driver psycopg2)."""
    assert pg_url.startswith("postgresql://")
    folder = dataset_dir(tmp_path / "data", capacity=2, patients=4)
    with open_store(pg_url) as store:
        assert (store.dialect, store.engine.dialect.driver) == ("postgresql", "psycopg2")
        first, report = book_from_dataset(store, load_dataset(folder), "P001", "S1")
        assert report.changed and first.start_date == date(2027, 1, 4)
        with pytest.raises(InputError, match="already booked for offer O1"):
            book(store, "P001", "S2", date(2027, 1, 6))
        book(store, "P002", "S1", date(2027, 1, 4))
        with pytest.raises(SessionFull):
            book(store, "P003", "S1", date(2027, 1, 4))
        cancel(store, first.booking_id)
        book(store, "P003", "S1", date(2027, 1, 4))
        assert booked_counts(pg_url) == {"S1": 2}


def test_many_processes_book_three_places_on_postgres(tmp_path: Path, pg_url: str) -> None:
    """20 processes booking 3 remaining places at once on PostgreSQL: exactly 3 succeed.

    (The 50-process run is the SQLite test; the code path is the same, 20
    racers keep the suite's time down.)
    """
    folder = dataset_dir(tmp_path / "data", capacity=5, patients=22)
    with open_store(pg_url) as store:
        for pid in ("P021", "P022"):
            book_from_dataset(store, load_dataset(folder), pid, "S1")
    argvs = [
        ["book", str(folder), "--patient", f"P{i:03d}", "--session", "S1", "--db", pg_url]
        for i in range(1, 21)
    ]
    codes = run_cli_processes(argvs)
    assert (codes.count(0), codes.count(3)) == (3, 17), codes
    assert booked_counts(pg_url) == {"S1": 5}


def test_same_patient_from_many_processes_is_booked_once(tmp_path: Path, pg_url: str) -> None:
    """Ten processes booking one patient into two sessions of one offer: one booking."""
    folder = dataset_dir(tmp_path / "data", capacity=20, patients=2)
    with open_store(pg_url) as store:
        import_catalogue(store, load_dataset(folder))
    argvs = [
        [
            "book",
            str(folder),
            "--patient",
            "P001",
            "--session",
            "S1" if i % 2 else "S2",
            "--db",
            pg_url,
        ]
        for i in range(10)
    ]
    codes = run_cli_processes(argvs)
    assert (codes.count(0), codes.count(2)) == (1, 9), codes
    with open_store(pg_url) as store:
        assert len(active_bookings(store)) == 1
        assert sum(booked_counts(pg_url).values()) == 1


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"],
)
def test_audit_log_is_append_only_on_postgres(pg_url: str, statement: str) -> None:
    """PostgreSQL refuses updates, deletes and truncation of audit entries."""
    with open_store(pg_url) as store:
        with store.write() as session:
            from matcher.store.audit import record

            record(session, Actor("AB", "nurse"), "book", "booking", 1, patient_id="P001")
        with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
            session.execute(text(statement))
        assert audit_trail(store)["actor"].tolist() == ["AB"]


def test_older_schema_is_migrated_on_postgres(pg_url: str) -> None:
    """A PostgreSQL database at revision 0001 is upgraded in place and keeps its rows."""
    engine = _make_engine(pg_url)
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, object_type, object_id, detail) "
                "VALUES (now(), 'AB', 'import', 'catalogue_import', '1', '')"
            )
        )
    engine.dispose()
    with open_store(pg_url) as store:
        assert current_revision(store.engine) == head_revision()
        assert audit_trail(store)[["actor", "actor_role"]].values.tolist() == [["AB", "staff"]]


def test_another_applications_postgres_database_is_refused(pg_url: str) -> None:
    """A PostgreSQL database with tables of its own and no Brobygger revision is refused as
    bad input naming the database (never its password), and gets no table of Brobygger's."""
    admin = create_engine(with_driver(pg_url))
    with admin.begin() as conn:
        conn.execute(text("CREATE TABLE notes (id serial PRIMARY KEY, body text)"))
        conn.execute(text("INSERT INTO notes (body) VALUES ('keep me')"))
    try:
        with pytest.raises(InputError) as caught:
            open_store(pg_url)
        (problem,) = caught.value.problems
        assert "is another application's database (tables notes)" in problem.message
        assert make_url(pg_url).database in problem.file
        with admin.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            assert sorted(tables) == ["notes"]
            assert conn.execute(text("SELECT body FROM notes")).scalars().all() == ["keep me"]
    finally:
        admin.dispose()


@pytest.mark.parametrize("table", ["status_changes", "consents"])
def test_statuses_and_consents_are_append_only_on_postgres(pg_url: str, table: str) -> None:
    """PostgreSQL refuses updates, deletes and truncation of status changes and consents,
    and migration 0004 can be taken back to 0003 and applied again."""
    from alembic import command

    from matcher.store import consent_history, give_consent, set_status, status_history
    from matcher.store.db import _alembic_config

    with open_store(pg_url) as store:
        set_status(store, "P001", "referred", actor=Actor("AB"))
        give_consent(store, "P001", "sms", actor=Actor("AB"))
        for statement in (f"UPDATE {table} SET patient_id = 'x'", f"TRUNCATE {table}"):
            with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
                session.execute(text(statement))
        assert len(status_history(store)) == len(consent_history(store)) == 1
        with store.engine.execution_options(brobygger_write=True).begin() as conn:
            command.downgrade(_alembic_config(conn), "0003")
        migrate(store.engine)
        assert current_revision(store.engine) == head_revision() == "0005"


def _confirm_call(url: str, booking_id: int) -> int:
    with open_store(url) as store:
        tasks = list_tasks(store)
    row = tasks[(tasks["kind"] == "confirm_step") & (tasks["booking_id"] == booking_id)]
    return int(row["task_id"].iloc[0])


def test_a_pathway_is_booked_confirmed_dropped_and_cancelled_on_postgres(
    tmp_path: Path, pg_url: str
) -> None:
    """Booking whole pathways, confirming a step, dropping one and cancelling a step with a
    held step after it behave as on SQLite: the held steps hold their places, a second
    pathway on the same offers is refused while one is active and allowed once it is gone."""
    town = load_dataset(pathway_town(tmp_path / "data"))
    with open_store(pg_url) as store:
        one = book_pathway(store, town, "P1", "SH")
        three = book_pathway(store, town, "P3", "SH")
    assert [(b.session_id, b.provisional) for b in one] == [
        ("SH", False),
        ("SE", True),
        ("SA", True),
    ]
    assert one[1].follows == one[0].booking_id and one[2].follows == one[1].booking_id
    assert booked_counts(pg_url) == {"SH": 2, "SE": 2, "SA": 2}
    with open_store(pg_url) as store:
        complete_task(store, _confirm_call(pg_url, one[1].booking_id), "confirmed")
        complete_task(store, _confirm_call(pg_url, three[1].booking_id), "dropped")
        assert booked_counts(pg_url) == {"SH": 2, "SE": 1, "SA": 1}
        with pytest.raises(InputError, match="already booked for offer H"):
            book_pathway(store, town, "P1", "SH")
        cancel(store, one[1].booking_id)  # the confirmed team: the held club goes with it
        kept = active_bookings(store)
        assert sorted(kept["booking_id"]) == [one[0].booking_id, three[0].booking_id]
        cancel(store, one[0].booking_id)
        again = book_pathway(store, town, "P1", "SH")
        trail = audit_trail(store)
    assert [b.session_id for b in again] == ["SH", "SE", "SA"]
    assert booked_counts(pg_url) == {"SH": 2, "SE": 1, "SA": 1}
    assert trail["action"].tolist().count("book_pathway") == 3
    assert trail["action"].tolist().count("confirm") == 1


def test_a_database_at_0004_is_upgraded_to_pathway_steps_on_postgres(pg_url: str) -> None:
    """A PostgreSQL database at revision 0004 with a booking is upgraded: the booking is
    firm and follows nothing; 0005 can be taken back and applied again, keeping it."""
    from alembic import command

    from matcher.store.db import _alembic_config

    engine = _make_engine(pg_url)
    migrate(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO places (session_id, offer_id, capacity, booked, listed) "
                "VALUES ('S1', 'O1', 4, 1, true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO bookings (patient_id, session_id, offer_id, start_date, status, "
                "booked_at) VALUES ('P001', 'S1', 'O1', '2027-01-04', 'active', now())"
            )
        )
    engine.dispose()
    with open_store(pg_url) as store:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as conn:
            row = conn.execute(
                text("SELECT provisional, follows_booking_id, end_date FROM bookings")
            ).one()
        assert tuple(row) == (False, None, None)
        with store.engine.begin() as conn:
            command.downgrade(_alembic_config(conn), "0004")
        assert current_revision(store.engine) == "0004"
        migrate(store.engine)
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT patient_id, provisional FROM bookings")).all()
    assert [tuple(r) for r in rows] == [("P001", False)]


def test_many_processes_booking_pathways_on_postgres_book_each_whole_or_not(
    tmp_path: Path, pg_url: str
) -> None:
    """Eight processes book the pathway home visits then team at once, with three team
    places, on PostgreSQL: three pathways are booked whole, the others nothing, and each
    place counter equals its active bookings."""
    bookers, team_places = 8, 3
    folder = busy_pathway_town(tmp_path / "data", bookers, team_places)
    with open_store(pg_url) as store:
        import_catalogue(store, load_dataset(folder))
    argvs = [
        ["book", str(folder), "--patient", f"P{i}", "--session", "SH", "--pathway", "--db", pg_url]
        for i in range(bookers)
    ]
    codes = run_cli_processes(argvs, timeout=300)
    assert codes.count(0) == team_places, codes
    assert all(code in (2, 3) for code in codes if code != 0), codes
    with open_store(pg_url) as store:
        kept = active_bookings(store)
        with store.engine.connect() as conn:
            counters = dict(conn.execute(text("SELECT session_id, booked FROM places")).all())
    assert booked_counts(pg_url) == {"SH": team_places, "SE": team_places} == counters
    steps = kept.groupby("patient_id")["session_id"].apply(list)
    assert len(steps) == team_places
    assert all(made == ["SH", "SE"] for made in steps)
