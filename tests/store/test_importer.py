"""Catalogue import: refresh without losing bookings, report shrinking capacity, all or nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import session
from sqlalchemy import func, select
from store_support import dataset_dir, run_in_process

from matcher import load_dataset
from matcher.store import (
    SessionFull,
    active_bookings,
    book,
    current_import,
    import_catalogue,
    open_store,
)
from matcher.store import importer as importer_module
from matcher.store.db import Store
from matcher.store.models import CatalogueImport, CatalogueSession, Place
from matcher.words.notes import note_text


@pytest.fixture
def url(tmp_path: Path) -> str:
    """An SQLite database URL in a temporary folder."""
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def _sessions(capacity_s1: int, *, with_s2: bool = True) -> list[dict[str, Any]]:
    rows = [session(session_id="S1", offer_id="O1", capacity=capacity_s1)]
    if with_s2:
        rows.append(session(session_id="S2", offer_id="O1", weekday="wed", capacity=5))
    rows.append(session(session_id="S3", offer_id="O2", weekday="thu", capacity=5))
    return rows


def _state(store: Store) -> dict[str, Any]:
    with store.read() as s:
        places = {p.session_id: (p.capacity, p.booked, p.listed) for p in s.scalars(select(Place))}
        imports = s.scalar(select(func.count()).select_from(CatalogueImport))
        snapshot = s.scalar(select(func.count()).select_from(CatalogueSession))
    current = current_import(store)
    return {
        "current": None if current is None else current.id,
        "places": places,
        "imports": imports,
        "snapshot_rows": snapshot,
        "bookings": active_bookings(store)[["booking_id", "patient_id", "session_id"]].to_dict(
            "records"
        ),
    }


def test_first_import_creates_places(tmp_path: Path, url: str) -> None:
    """The first import makes one place counter per session with its capacity."""
    folder = dataset_dir(tmp_path / "data", capacity=4)
    with open_store(url) as store:
        report = import_catalogue(store, load_dataset(folder))
        assert (report.changed, report.offers, report.sessions, report.added) == (True, 2, 3, 3)
        assert _state(store)["places"] == {
            "S1": (4, 0, True),
            "S2": (5, 0, True),
            "S3": (5, 0, True),
        }


def test_same_catalogue_again_changes_nothing(tmp_path: Path, url: str) -> None:
    """Importing an unchanged catalogue keeps the current import and adds no snapshot."""
    folder = dataset_dir(tmp_path / "data")
    with open_store(url) as store:
        first = import_catalogue(store, load_dataset(folder))
        again = import_catalogue(store, load_dataset(folder))
        assert (again.changed, again.import_id) == (False, first.import_id)
        assert _state(store)["imports"] == 1


def test_refresh_keeps_bookings(tmp_path: Path, url: str) -> None:
    """A refreshed catalogue with more places keeps every booking and counts it."""
    folder = dataset_dir(tmp_path / "data", capacity=2)
    with open_store(url) as store:
        import_catalogue(store, load_dataset(folder))
        book(store, "P001", "S1", date(2027, 1, 4))
        book(store, "P002", "S1", date(2027, 1, 4))
        dataset_dir(folder, sessions=_sessions(4))
        report = import_catalogue(store, load_dataset(folder))
        assert (report.changed, report.resized, report.conflicts) == (True, 1, ())
        state = _state(store)
        assert state["places"]["S1"] == (4, 2, True)
        assert [b["patient_id"] for b in state["bookings"]] == ["P001", "P002"]
        book(store, "P003", "S1", date(2027, 1, 4))


@pytest.mark.parametrize(
    ("sessions", "conflict", "text"),
    [
        (_sessions(1), ("S1", 1, 2, True), "1 too many"),
        (_sessions(0), ("S1", 0, 2, True), "2 too many"),
        ([session(session_id="S3", offer_id="O2", capacity=5)], ("S1", 0, 2, False), "no longer"),
    ],
)
def test_shrinking_below_bookings_is_reported_not_overbooked(
    tmp_path: Path,
    url: str,
    sessions: list[dict[str, Any]],
    conflict: tuple[str, int, int, bool],
    text: str,
) -> None:
    """A session whose capacity falls below its bookings is reported and takes no new booking."""
    folder = dataset_dir(tmp_path / "data", capacity=3)
    with open_store(url) as store:
        import_catalogue(store, load_dataset(folder))
        book(store, "P001", "S1", date(2027, 1, 4))
        book(store, "P002", "S1", date(2027, 1, 4))
        dataset_dir(folder, sessions=sessions)
        report = import_catalogue(store, load_dataset(folder))
        found = report.conflicts[0]
        assert (found.session_id, found.capacity, found.booked, found.listed) == conflict
        assert text in str(found)
        assert str(found) == found.note and note_text(found.note, "en") == str(found)
        danish = note_text(found.note, "da")
        assert danish != str(found) and "S1" in danish and str(found.booked) in danish
        assert len(active_bookings(store)) == 2
        if conflict[3]:
            with pytest.raises(SessionFull):
                book(store, "P003", "S1", date(2027, 1, 4))


def _crash_after_places(real: Any) -> Any:
    def crashing(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise RuntimeError("disk unplugged in the middle of an import")

    return crashing


def _import_and_die(url: str, folder: str) -> None:
    real = importer_module._refresh_places

    def dying(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        os._exit(9)  # the process is killed: no rollback, no cleanup

    importer_module._refresh_places = dying  # type: ignore[assignment]
    store = open_store(url)
    import_catalogue(store, load_dataset(folder))
    os._exit(0)


@pytest.mark.parametrize("how", ["exception", "killed"])
def test_crash_in_the_middle_of_an_import_keeps_the_previous_catalogue(
    tmp_path: Path, url: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import failing after snapshot and places leaves catalogue and bookings as they were."""
    folder = dataset_dir(tmp_path / "data", capacity=3)
    with open_store(url) as store:
        import_catalogue(store, load_dataset(folder))
        book(store, "P001", "S1", date(2027, 1, 4))
        book(store, "P002", "S3", date(2027, 1, 7))
        before = _state(store)
    dataset_dir(folder, sessions=_sessions(1, with_s2=False))
    if how == "exception":
        monkeypatch.setattr(
            importer_module,
            "_refresh_places",
            _crash_after_places(importer_module._refresh_places),
        )
        with open_store(url) as store, pytest.raises(RuntimeError, match="disk unplugged"):
            import_catalogue(store, load_dataset(folder))
    else:
        assert run_in_process(_import_and_die, url, str(folder)) == 9
    with open_store(url) as store:
        assert _state(store) == before
        monkeypatch.undo()
        report = import_catalogue(store, load_dataset(folder))
        assert report.changed and report.removed == 1
        assert len(active_bookings(store)) == 2
