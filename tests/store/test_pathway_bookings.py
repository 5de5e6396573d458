"""A whole pathway booked at the closing conversation: all steps or none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from store_support import busy_pathway_town, pathway_town, run_cli_processes

from matcher import Dataset, InputError, load_dataset
from matcher.store import (
    SessionFull,
    book_from_dataset,
    cancel,
    import_catalogue,
    list_tasks,
    open_store,
)
from matcher.store.db import Store
from matcher.store.models import Booking, Place
from matcher.store.pathway_bookings import book_pathway, pathway_steps


@pytest.fixture
def town(tmp_path: Path) -> Dataset:
    return load_dataset(pathway_town(tmp_path / "data"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    yield opened
    opened.close()


def _places(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {p.session_id: p.booked for p in session.scalars(select(Place))}


def _bookings(store: Store) -> list[tuple[str, str, bool, int | None]]:
    with store.read() as session:
        rows = session.scalars(select(Booking).order_by(Booking.id)).all()
        return [(b.session_id, b.status, b.provisional, b.follows_booking_id) for b in rows]


def test_every_step_is_booked_the_first_firm_and_the_later_ones_held(
    store: Store, town: Dataset
) -> None:
    """Home visits, exit team and club are booked at once: the first firm with its
    follow-up calls, each later step provisional, following the one before, holding its
    place, with a call to confirm it when the step before ends."""
    booked = book_pathway(store, town, "P1", "SH")
    assert [(b.session_id, b.provisional) for b in booked] == [
        ("SH", False),
        ("SE", True),
        ("SA", True),
    ]
    assert [b.start_date for b in booked] == [date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 8)]
    assert [b.follows for b in booked] == [None, booked[0].booking_id, booked[1].booking_id]
    assert booked[0].end_date == date(2027, 1, 25) and booked[2].end_date is None
    assert _places(store) == {"SH": 1, "SE": 1, "SA": 1}
    tasks = list_tasks(store)
    confirm = tasks[tasks["kind"] == "confirm_step"].sort_values("booking_id")
    assert confirm["booking_id"].tolist() == [booked[1].booking_id, booked[2].booking_id]
    # the team is confirmed when the visits end; the club a week before it starts
    assert [d.isoformat() for d in confirm["due_date"]] == ["2027-01-25", "2027-03-01"]
    follow = tasks[tasks["kind"] != "confirm_step"]
    assert set(follow["booking_id"]) == {booked[0].booking_id}


def test_a_step_whose_place_goes_meanwhile_leaves_nothing_booked(
    store: Store, town: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the club's last place is taken while the pathway is being booked, no step is
    booked: the home visits and the team keep all their places."""
    from matcher.store import pathway_bookings

    small = town.replace(sessions=town.sessions.assign(capacity=[5, 5, 1]))
    book_from_dataset(store, small, "P2", "SA")
    monkeypatch.setattr(pathway_bookings, "held_places", lambda _store: {})  # the shown ladder
    with pytest.raises(SessionFull):
        book_pathway(store, small, "P1", "SH")
    assert [s for s, status, *_ in _bookings(store) if status == "active"] == ["SA"]
    assert _places(store) == {"SH": 0, "SE": 0, "SA": 1}


def test_places_others_hold_shape_the_ladder(store: Store, town: Dataset) -> None:
    """With the club full in the store, the pathway stops at the exit team."""
    small = town.replace(sessions=town.sessions.assign(capacity=[5, 5, 1]))
    book_from_dataset(store, small, "P2", "SA")
    steps = pathway_steps(store, small, "P1", "SH")
    assert [s[1] for s in steps] == ["SH", "SE"]


def test_a_ladder_not_the_one_shown_is_refused_whole(store: Store, town: Dataset) -> None:
    """A pathway booked with the steps the person was shown refuses, and writes nothing,
    when the steps found now are others."""
    with pytest.raises(InputError, match="not the one shown any more"):
        book_pathway(store, town, "P1", "SH", expected=["SH", "SE"])
    assert _bookings(store) == []


def test_a_first_step_with_nothing_after_it_is_refused(store: Store, town: Dataset) -> None:
    """A club lasts: there is no pathway to book from it, and the message says to book
    the first step alone."""
    with pytest.raises(InputError, match="book the first step alone") as refused:
        book_pathway(store, town, "P2", "SA")
    assert refused.value.problems[0].file == "--pathway"
    assert _bookings(store) == []


def test_a_full_first_step_says_full(store: Store, town: Dataset) -> None:
    """A first step with no free place is refused as full, before anything is written."""
    small = town.replace(sessions=town.sessions.assign(capacity=[1, 5, 5]))
    book_from_dataset(store, small, "P3", "SH")
    with pytest.raises(SessionFull):
        book_pathway(store, small, "P1", "SH")
    assert len(_bookings(store)) == 1


def test_cancelling_the_first_step_lets_the_later_steps_go(store: Store, town: Dataset) -> None:
    """Cancelling the home visits cancels the held team and club, frees their places and
    cancels their confirming calls."""
    booked = book_pathway(store, town, "P1", "SH")
    cancel(store, booked[0].booking_id)
    assert [status for _, status, *_ in _bookings(store)] == ["cancelled"] * 3
    assert _places(store) == {"SH": 0, "SE": 0, "SA": 0}
    assert list_tasks(store)["kind"].tolist() == []
    cancelled = list_tasks(store, statuses=("cancelled",))
    assert (cancelled["kind"] == "confirm_step").sum() == 2


@pytest.mark.slow
def test_many_processes_booking_pathways_never_overbook_nor_book_half(tmp_path: Path) -> None:
    """Six processes book the pathway home visits then team at once, with two team places:
    two pathways are booked whole, the others nothing, and no session holds more than its
    places."""
    bookers, team_places = 6, 2
    folder = busy_pathway_town(tmp_path / "data", bookers, team_places)
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with open_store(url) as store:
        import_catalogue(store, load_dataset(folder))
    argvs = [
        ["book", str(folder), "--patient", f"P{i}", "--session", "SH", "--pathway", "--db", url]
        for i in range(bookers)
    ]
    codes = run_cli_processes(argvs, timeout=300)
    assert codes.count(0) == team_places, codes
    assert all(code in (2, 3) for code in codes if code != 0), codes
    with open_store(url) as store, store.read() as session:
        bookings = session.scalars(select(Booking).where(Booking.status == "active")).all()
        places = {p.session_id: p.booked for p in session.scalars(select(Place))}
        steps: dict[str, list[tuple[str, bool, int | None]]] = {}
        ids = {b.id: b for b in bookings}
        for b in sorted(bookings, key=lambda b: b.id):
            steps.setdefault(b.patient_id, []).append(
                (b.session_id, b.provisional, b.follows_booking_id)
            )
    assert places == {"SH": team_places, "SE": team_places}
    assert len(steps) == team_places
    for patient_id, made in steps.items():
        assert [(s, held) for s, held, _ in made] == [("SH", False), ("SE", True)]
        before = ids[made[1][2]]  # type: ignore[index]
        assert (before.session_id, before.patient_id) == ("SH", patient_id)
