"""A whole pathway booked through the service: every step at once, the later ones held,
refused whole with problem+json, for physiotherapists only, and audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from service_support import bearer, service
from store_support import pathway_town

from matcher.store import audit_trail, open_store
from matcher.store.models import Booking

ROUTE = "/datasets/town/pathways/bookings"


def _town(tmp_path: Path, *, home_visit_places: int = 5) -> tuple[Any, dict[str, str]]:
    folder = pathway_town(tmp_path / "town")
    if home_visit_places != 5:
        sessions = pd.read_csv(folder / "sessions.csv", dtype=str, keep_default_na=False)
        sessions.loc[sessions["session_id"] == "SH", "capacity"] = str(home_visit_places)
        sessions.to_csv(folder / "sessions.csv", index=False)
    return service(tmp_path, datasets=(folder,))


def _stored(tmp_path: Path) -> list[tuple[str, str, str, bool]]:
    with open_store(f"sqlite:///{tmp_path / 'service.sqlite3'}") as store, store.read() as s:
        rows = s.query(Booking).order_by(Booking.id).all()
        return [(b.patient_id, b.session_id, b.status, bool(b.provisional)) for b in rows]


def _trail(tmp_path: Path) -> pd.DataFrame:
    with open_store(f"sqlite:///{tmp_path / 'service.sqlite3'}") as store:
        return audit_trail(store)


def test_every_step_is_booked_the_later_ones_held_and_audited(tmp_path: Path) -> None:
    """201 with one booking per step, each with its provisional flag and the step it
    follows, as the store keeps them; each booking and the pathway are audited as the
    physiotherapist's."""
    http, tokens = _town(tmp_path)
    made = http.post(
        ROUTE,
        json={"patient_id": "P1", "session_id": "SH", "expected": ["SH", "SE", "SA"]},
        headers=bearer(tokens["physiotherapist"]),
    )
    assert made.status_code == 201, made.text
    steps = made.json()["bookings"]
    assert [(b["session_id"], b["provisional"]) for b in steps] == [
        ("SH", False),
        ("SE", True),
        ("SA", True),
    ]
    assert [b["follows"] for b in steps] == [None, steps[0]["booking_id"], steps[1]["booking_id"]]
    assert _stored(tmp_path) == [
        (b["patient_id"], b["session_id"], "active", b["provisional"]) for b in steps
    ]
    trail = _trail(tmp_path)
    written = trail[trail["action"].isin(["book", "book_pathway"])]
    assert sorted(written["action"]) == ["book", "book", "book", "book_pathway"]
    assert set(written["actor"]) == {"t-physiotherapist"}


def test_a_ladder_not_the_one_shown_is_422_and_books_nothing(tmp_path: Path) -> None:
    """A pathway whose steps are not the ones the person was shown is refused as a
    problem naming it, and nothing is written."""
    http, tokens = _town(tmp_path)
    refused = http.post(
        ROUTE,
        json={"patient_id": "P1", "session_id": "SH", "expected": ["SH", "SA"]},
        headers=bearer(tokens["physiotherapist"]),
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "not the one shown any more" in refused.text
    assert _stored(tmp_path) == []


def test_a_first_step_without_a_free_place_is_409(tmp_path: Path) -> None:
    """When the first step's one place is taken, the pathway is 409 full, as a single
    booking is, and the other person's bookings stay as they were."""
    http, tokens = _town(tmp_path, home_visit_places=1)
    who = bearer(tokens["physiotherapist"])
    assert http.post(ROUTE, json={"patient_id": "P3", "session_id": "SH"}, headers=who).is_success
    full = http.post(ROUTE, json={"patient_id": "P1", "session_id": "SH"}, headers=who)
    assert full.status_code == 409
    assert full.headers["content-type"].startswith("application/problem+json")
    assert "SH" in full.text
    assert {p for p, *_ in _stored(tmp_path)} == {"P3"}


def test_only_a_physiotherapist_books_a_pathway(tmp_path: Path) -> None:
    """Another role is refused (403) and books nothing; without a token it is 401."""
    http, tokens = _town(tmp_path)
    ask = {"patient_id": "P1", "session_id": "SH"}
    others = [role for role in tokens if role != "physiotherapist"]
    assert others
    for role in others:
        assert http.post(ROUTE, json=ask, headers=bearer(tokens[role])).status_code == 403
    assert http.post(ROUTE, json=ask).status_code == 401
    assert _stored(tmp_path) == []


def test_a_step_that_breaks_a_rule_or_has_nothing_after_it_is_422(tmp_path: Path) -> None:
    """A first step that breaks a rule for the person, a first step with nothing fitting
    after it, or an unknown session, is a 422 problem naming why, and writes nothing."""
    http, tokens = _town(tmp_path)
    who = bearer(tokens["physiotherapist"])
    broken = http.post(ROUTE, json={"patient_id": "P1", "session_id": "SA"}, headers=who)
    assert broken.status_code == 422 and "group_size" in broken.text
    alone = http.post(ROUTE, json={"patient_id": "P2", "session_id": "SA"}, headers=who)
    assert alone.status_code == 422 and "no later step fits" in alone.text
    unknown = http.post(ROUTE, json={"patient_id": "P1", "session_id": "NOPE"}, headers=who)
    assert unknown.status_code == 422
    assert _stored(tmp_path) == []
