"""The audit log: actors are pseudonyms, and the database refuses to change or delete an
entry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from matcher import InputError
from matcher.store import Actor, audit_trail, check_pseudonym, open_store
from matcher.store.audit import pseudonym_problem


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET actor = 'someone else'",
        "UPDATE audit_log SET detail = '' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ],
)
def test_audit_log_is_append_only(tmp_path: Path, statement: str) -> None:
    """The database refuses to change or delete audit entries."""
    with open_store(str(tmp_path / "db.sqlite3")) as store:
        with store.write() as session:
            from matcher.store.audit import record

            record(session, Actor("AB", "nurse"), "book", "booking", 1, patient_id="P001")
        with pytest.raises(DBAPIError, match="append-only"), store.write() as session:
            session.execute(text(statement))
        assert audit_trail(store)[["actor", "patient_id"]].values.tolist() == [["AB", "P001"]]


@pytest.mark.parametrize(
    ("pseudonym", "role"), [("0101901234", "nurse"), ("AB", "Jens Hansen"), ("", "nurse")]
)
def test_actor_is_a_pseudonym(pseudonym: str, role: str) -> None:
    """An actor given as a CPR number or a name is refused."""
    with pytest.raises(InputError):
        Actor(pseudonym, role)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("0101901234", "looks like a CPR number; use the pseudonym"),
        ("Jens Hansen", "looks like a person's name; use the pseudonym"),
    ],
)
def test_pseudonym_problem_names_the_place_never_the_value(value: str, says: str) -> None:
    """A CPR number or a name is refused as FILE:ROW:COLUMN with the reason, without the
    value itself."""
    problem = pseudonym_problem(value, "PLAN.csv", 4, "patient_id")
    assert problem is not None
    assert str(problem) == f"PLAN.csv:4:patient_id: {says}"
    assert value not in str(problem)


def test_check_pseudonym_returns_a_pseudonym_and_raises_for_free_text() -> None:
    """A pseudonym comes back unchanged; free text is an InputError naming the option."""
    assert pseudonym_problem("P00017", "--patient") is None
    assert check_pseudonym("P00017", "--patient") == "P00017"
    with pytest.raises(InputError) as caught:
        check_pseudonym("call me back", "--patient")
    assert str(caught.value.problems[0]).startswith("--patient:-:-: ")


def test_audit_trail_is_oldest_first_and_filters_by_patient(tmp_path: Path) -> None:
    """The trail lists entries in the order they were made, each with its actor and role,
    and ``patient_id`` keeps one patient's entries; times come back in UTC."""
    from matcher.store.audit import record

    with open_store(str(tmp_path / "db.sqlite3")) as store:
        with store.write() as session:
            record(session, Actor("AB", "nurse"), "book", "booking", 1, patient_id="P001")
            record(session, Actor("CD", "planner"), "book", "booking", 2, patient_id="P002")
            record(session, Actor("AB", "nurse"), "cancel", "booking", 1, patient_id="P001")
        trail = audit_trail(store)
        assert trail[["actor", "actor_role", "action", "object_id"]].values.tolist() == [
            ["AB", "nurse", "book", "1"],
            ["CD", "planner", "book", "2"],
            ["AB", "nurse", "cancel", "1"],
        ]
        assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for at in trail["at"])
        mine = audit_trail(store, patient_id="P001")
        assert mine["action"].tolist() == ["book", "cancel"]
        assert audit_trail(store, patient_id="P009").empty


@pytest.mark.parametrize(
    ("value", "names", "says"),
    [
        ("Hans Jensen", False, "looks like a person's name"),
        ("010190-1234", True, "looks like a CPR number"),
        ("a\u202eb", True, "control character"),
        ("x" * 201, True, "write at most 200"),
    ],
)
def test_a_note_with_personal_data_is_refused(value: str, names: bool, says: str) -> None:
    """A reason or contact typed for the store holds no CPR number, no control character,
    no name (unless a staff contact's) and at most 200 characters; the refusal names the
    option, never the value."""
    from matcher.store.audit import check_note

    with pytest.raises(InputError, match=says) as refused:
        check_note(value, "--reason", names=names)
    assert [p.file for p in refused.value.problems] == ["--reason"]
    assert value not in str(refused.value)


def test_a_plain_note_is_kept_stripped() -> None:
    """A short plain reason is kept as typed, without surrounding spaces; a staff name is
    kept where names are allowed."""
    from matcher.store.audit import check_note

    assert check_note("  too far to travel ", "--reason") == "too far to travel"
    assert check_note("Hans Jensen", "--contact-name", names=True) == "Hans Jensen"
