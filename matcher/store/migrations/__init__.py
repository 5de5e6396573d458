"""Alembic migrations of Brobygger's database (run by ``matcher.store.open_store``)."""
