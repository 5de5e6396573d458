"""Where the database lives, how to connect, and bringing its schema up to date.

The database is chosen in this order: the ``--db`` option, the environment
variable ``BROBYGGER_DB``, then an SQLite file ``brobygger.sqlite3`` in the
user's data directory (``platformdirs.user_data_dir("brobygger")``). A value
without ``://`` is a path to an SQLite file. PostgreSQL works with the same
code: ``--db postgresql://user@host/brobygger`` (driver psycopg2; install the
``postgres`` extra). A ``postgresql://`` URL without a driver means psycopg2
here (SQLAlchemy 2.1 on its own would pick psycopg 3, which is not installed).

Every open runs the Alembic migrations up to the newest revision: an older
database is migrated in place, never recreated. Only a new or empty database,
or one a Brobygger made (``alembic_version`` at a Brobygger revision), is
opened: another application's database is refused before anything is written
to it (an SQLite file is read without changing a byte). On SQLite, writing
transactions start with ``BEGIN IMMEDIATE`` (one writer at a time, others
wait up to ``BUSY_TIMEOUT_S`` seconds); on PostgreSQL, rows are locked where
it matters (see ``bookings`` and ``importer``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.request import pathname2url

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session

from ..errors import InputError, Problem
from ..words.problems import problem

__all__ = [
    "ENV_VAR",
    "Store",
    "current_revision",
    "default_db_url",
    "head_revision",
    "migrate",
    "open_store",
    "resolve_db_url",
    "with_driver",
]

#: Environment variable naming the database when ``--db`` is not given.
ENV_VAR = "BROBYGGER_DB"
#: Seconds an SQLite writer waits for another writer before giving up.
BUSY_TIMEOUT_S = 60.0
#: Databases Brobygger supports.
DIALECTS = ("sqlite", "postgresql")
#: The driver a ``postgresql://`` URL without one gets (the ``postgres`` extra).
POSTGRES_DRIVER = "psycopg2"
_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# any fixed number: the PostgreSQL advisory lock held while migrating
_MIGRATION_LOCK = 7_305_201


def default_db_url() -> str:
    """The SQLite file in the user's data directory, as a URL."""
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('brobygger')) / 'brobygger.sqlite3'}"


def resolve_db_url(option: str | None = None) -> str:
    """The database URL to use: ``option`` > ``$BROBYGGER_DB`` > the default file.

    Parameters
    ----------
    option
        The ``--db`` value: a SQLAlchemy URL (``sqlite:///path``,
        ``postgresql://user@host/db``) or a path to an SQLite file. A
        ``postgresql://`` URL without a driver gets ``postgresql+psycopg2://``.

    Raises
    ------
    InputError
        When the value is neither a URL of a supported database nor a path.
    """
    chosen = option or os.environ.get(ENV_VAR) or default_db_url()
    where = "--db" if option else (ENV_VAR if os.environ.get(ENV_VAR) else "default")
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    try:
        url = make_url(chosen)
    except ArgumentError:
        raise InputError([problem(where, None, None, "is not a database URL")]) from None
    if url.get_backend_name() not in DIALECTS:
        raise InputError(
            [
                problem(
                    where,
                    None,
                    None,
                    "'{backend}' is not supported; use sqlite or postgresql",
                    backend=url.get_backend_name(),
                )
            ]
        )
    return with_driver(chosen)


def with_driver(url: str) -> str:
    """``url`` with ``postgresql+psycopg2://`` for a driverless ``postgresql://``
    (the rest of the URL, password included, is kept exactly as given)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.strip().lower() == "postgresql":
        return f"postgresql+{POSTGRES_DRIVER}://{rest}"
    return url


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, or ``None`` for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def _make_engine(url: str) -> Engine:
    url = with_driver(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # parameters never appear in logs or error messages (pseudonyms only, but still)
        return create_engine(url, hide_parameters=True, pool_pre_ping=True)
    engine = create_engine(
        url, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_S}, pool_size=1
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not the sqlite3 module, decides when a transaction begins
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get("brobygger_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine


@dataclass(frozen=True)
class Store:
    """An open database: the engine and how to start read or write transactions."""

    url: str
    engine: Engine

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction takes the write lock at once (SQLite:
        ``BEGIN IMMEDIATE``); committed when the block ends, rolled back on error."""
        bind = self.engine.execution_options(brobygger_write=True)
        with Session(bind, expire_on_commit=False) as session, session.begin():
            yield session

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading one consistent snapshot."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def known_revisions() -> frozenset[str]:
    """Every migration revision shipped with this version."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return frozenset(r.revision for r in script.walk_revisions())


@functools.cache
def head_revision() -> str:
    """The newest migration revision shipped with this version."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None``: no Brobygger schema yet)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision`` in one transaction, holding the
    write lock so that processes opening the database at once migrate it once."""
    from alembic import command

    bind = engine.execution_options(brobygger_write=True)
    with bind.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        command.upgrade(_alembic_config(conn), revision)


def open_store(url: str | None = None, *, upgrade: bool = True) -> Store:
    """Open the database at ``url`` (resolved by ``resolve_db_url``), creating
    an SQLite file if needed, and migrate it to the newest schema.

    Only a new or empty database, or a Brobygger database, is opened; another
    application's database is refused and left exactly as it was.

    Raises
    ------
    InputError
        When the URL is unusable, the folder of an SQLite file is missing, the
        file is not an SQLite database (a text file, say), or the database
        holds tables but is not a Brobygger database.
    """
    resolved = resolve_db_url(url)
    path = sqlite_file(resolved)
    if path is not None:
        if resolved == default_db_url():
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.parent.is_dir():
            raise InputError([problem(str(path.parent), None, None, "folder does not exist")])
        if path.is_dir():
            raise InputError(
                [problem(str(path), None, None, "is a folder, not a Brobygger database file")]
            )
        if path.exists() and not path.is_file():
            raise InputError(
                [
                    problem(
                        str(path),
                        None,
                        None,
                        "is not a regular file (a device, pipe or socket); "
                        "give a database file, or a new file name to start one",
                    )
                ]
            )
        if path.exists():
            _refuse_foreign(str(path), *_sqlite_contents(path))
    engine = _make_engine(resolved)
    store = Store(resolved, engine)
    try:
        if path is None:
            with engine.connect() as conn:
                contents = _contents(conn)
            _refuse_foreign(make_url(resolved).render_as_string(hide_password=True), *contents)
        if upgrade and current_revision(engine) != head_revision():
            migrate(engine)
    except InputError:
        engine.dispose()
        raise
    except DatabaseError as exc:
        engine.dispose()
        if path is not None and _not_sqlite(exc):
            raise _not_ansqlite_file(path) from None
        if path is None and isinstance(exc, OperationalError):
            where = make_url(resolved).render_as_string(hide_password=True)
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
            raise InputError(
                [
                    problem(
                        where,
                        None,
                        None,
                        "cannot connect to the database ({reason}); check the address and "
                        "that the server is running",
                        reason=detail,
                    )
                ]
            ) from None
        raise
    return store


def _not_ansqlite_file(path: Path) -> InputError:
    return InputError(
        [
            problem(
                str(path),
                None,
                None,
                "is not a Brobygger database (not an SQLite file); "
                "give another --db, or a new file name to start one",
            )
        ]
    )


def _contents(conn: Connection) -> tuple[list[str], list[str]]:
    """The tables and views of the database (default schema), and the
    revisions in its ``alembic_version`` table (empty when there is none)."""
    inspector = inspect(conn)
    names = sorted({*inspector.get_table_names(), *inspector.get_view_names()})
    versions: list[str] = []
    if "alembic_version" in names:
        versions = [
            str(v) for v in conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
        ]
    return names, versions


def _sqlite_contents(path: Path) -> tuple[list[str], list[str]]:
    """``_contents`` of an existing SQLite file, read without writing anything.

    A file in write-ahead-log mode with no log beside it (nobody has it open)
    is read as ``immutable``: read-only would leave empty ``-wal`` and ``-shm``
    files behind. Any other file is read read-only, with SQLite's locks."""
    with path.open("rb") as file:
        header = file.read(100)
    in_wal_mode = len(header) == 100 and header[18] == 2
    alone = in_wal_mode and not path.with_name(path.name + "-wal").exists()
    try:
        return _read_contents(path, immutable=alone)
    except sqlite3.DatabaseError:
        if not alone:
            raise _not_ansqlite_file(path) from None
    sidecars = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
    before = {p for p in sidecars if p.exists()}
    try:  # someone began writing it while it was read without locks
        return _read_contents(path, immutable=False)
    except sqlite3.DatabaseError:
        # not a database after all (a damaged copy, say): nobody writes it, so the
        # empty log files the read-only attempt made are ours to take away again
        for sidecar in sidecars:
            if sidecar not in before:
                sidecar.unlink(missing_ok=True)
        raise _not_ansqlite_file(path) from None


def _read_contents(path: Path, *, immutable: bool) -> tuple[list[str], list[str]]:
    uri = f"file:{pathname2url(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
    raw = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        names = sorted(
            str(name)
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        )
        versions: list[str] = []
        if "alembic_version" in names:
            versions = [str(v) for (v,) in raw.execute("SELECT version_num FROM alembic_version")]
    finally:
        raw.close()
    return names, versions


def _refuse_foreign(where: str, names: list[str], versions: list[str]) -> None:
    """Raise ``InputError`` unless the database is empty or a Brobygger one."""
    if not names:
        return
    if versions and set(versions) <= known_revisions():
        return
    raise InputError([_foreign(where, names, versions)])


def _foreign(where: str, names: list[str], versions: list[str]) -> Problem:
    """Why the database at ``where`` (not empty, not a known Brobygger one) is refused."""
    if versions:
        return problem(
            where,
            None,
            None,
            "is not a Brobygger database this version knows (schema revision {revisions}: "
            "another application's, or a newer Brobygger's); give another --db",
            revisions=", ".join(repr(v) for v in versions),
        )
    if "alembic_version" in names:
        return problem(
            where,
            None,
            None,
            "is not a Brobygger database this version knows (schema revision none: "
            "another application's, or a newer Brobygger's); give another --db",
        )
    if len(names) > 3:
        return problem(
            where,
            None,
            None,
            "is another application's database (tables {tables} and {more} more), not a "
            "Brobygger database; give another --db, or a new file name to start one",
            tables=", ".join(names[:3]),
            more=len(names) - 3,
        )
    return problem(
        where,
        None,
        None,
        "is another application's database (tables {tables}), not a Brobygger "
        "database; give another --db, or a new file name to start one",
        tables=", ".join(names),
    )


def _not_sqlite(exc: DatabaseError) -> bool:
    """True for SQLite's "file is not a database" (also: "file is encrypted")."""
    text = str(getattr(exc, "orig", exc)).lower()
    return "not a database" in text or "encrypted" in text


def database_exists(url: str) -> bool:
    """False for an SQLite file that is not there yet (reading it would create it)."""
    path = sqlite_file(url)
    return path is None or path.exists()
