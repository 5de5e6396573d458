"""Alembic environment for Brobygger's database.

``matcher.store.open_store`` runs the migrations programmatically and hands
over its own connection (already inside a transaction that holds the write
lock). From a shell, ``alembic -c matcher/store/alembic.ini upgrade head``
migrates the database that ``--db``/``BROBYGGER_DB``/the default names.
"""

from __future__ import annotations

from alembic import context

from matcher.store.db import _make_engine, resolve_db_url
from matcher.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running them."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or resolve_db_url(None),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a given connection or on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = _make_engine(config.get_main_option("sqlalchemy.url") or resolve_db_url(None))
    try:
        with engine.execution_options(brobygger_write=True).connect() as conn:
            context.configure(connection=conn, target_metadata=target_metadata)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
