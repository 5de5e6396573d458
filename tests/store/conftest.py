"""The store every follow-up test starts from: a tiny catalogue in SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_support import dataset_dir

from matcher import load_dataset
from matcher.store import import_catalogue, open_store
from matcher.store.db import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An SQLite store with a tiny catalogue (S1: 5 places on Mondays)."""
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    import_catalogue(opened, load_dataset(dataset_dir(tmp_path / "data", patients=8)))
    yield opened
    opened.close()
