"""Consent per purpose: given and withdrawn with a date and who recorded it, what holds
now, refusals naming the missing consent, and the GP informed of an escalated patient
whatever the consents."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from store_support import START, plan_rows

from matcher import InputError
from matcher.store import (
    PURPOSES,
    SYSTEM,
    Actor,
    ConsentMissing,
    audit_trail,
    book,
    consent_history,
    consents,
    give_consent,
    has_consent,
    list_tasks,
    record_consent,
    record_plan,
    request_gp_letter,
    withdraw_consent,
)
from matcher.store.consent import consented
from matcher.store.db import Store

NURSE = Actor("AB", "nurse")
#: The day the tests record consents on (after every date they give).
LATER = date(2027, 3, 1)


def test_consent_is_kept_per_purpose_with_date_and_recorder(store: Store) -> None:
    """Each purpose is given or withdrawn on its own; the latest record holds, with its
    date and the staff code that recorded it."""
    give_consent(store, "P001", "sms", actor=NURSE, on=date(2027, 1, 4), today=LATER)
    give_consent(
        store, "P001", "gp_on_absence", actor=Actor("CD"), on=date(2027, 1, 4), today=LATER
    )
    withdraw_consent(store, "P001", "sms", actor=NURSE, on=date(2027, 2, 1), today=LATER)
    now = consents(store, "P001")
    assert set(now) == set(PURPOSES)
    assert now["share_municipality"] is None
    sms, gp = now["sms"], now["gp_on_absence"]
    assert sms is not None and (sms.given, sms.on, sms.recorded_by) == (
        False,
        date(2027, 2, 1),
        "AB",
    )
    assert gp is not None and (gp.given, gp.recorded_by) == (True, "CD")
    assert (has_consent(store, "P001", "sms"), has_consent(store, "P001", "gp_on_absence")) == (
        False,
        True,
    )
    assert consent_history(store, "P001")["given"].tolist() == [True, True, False]


@pytest.mark.parametrize("actor", [Actor("cli"), SYSTEM])
def test_nobody_in_particular_cannot_record_a_consent(store: Store, actor: Actor) -> None:
    """A consent is recorded by a person: the command line's default actor and Brobygger
    itself are refused, naming --actor."""
    with pytest.raises(InputError, match="--actor"):
        give_consent(store, "P001", "sms", actor=actor)
    assert consent_history(store).empty


def test_a_consent_cannot_be_dated_ahead_or_for_an_unknown_purpose(store: Store) -> None:
    """A consent dated after today, or to a purpose that does not exist, is bad input."""
    with pytest.raises(InputError, match="has not come yet"):
        record_consent(
            store, "P001", "sms", True, on=date(2027, 2, 1), actor=NURSE, today=date(2027, 1, 4)
        )
    with pytest.raises(InputError, match="is not a purpose of consent"):
        give_consent(store, "P001", "email", actor=NURSE)
    with pytest.raises(InputError, match="looks like a person's name"):
        give_consent(store, "P001", "sms", actor=Actor("Jens Hansen"))
    assert consent_history(store).empty


def test_a_gp_letter_on_absence_needs_the_gp_consent(store: Store) -> None:
    """A letter to the GP on absence is refused without gp_on_absence, naming that consent
    (and, once withdrawn, when); with it, a task to write the letter is made."""
    booking = book(store, "P001", "S1", START)
    with pytest.raises(ConsentMissing) as missing:
        request_gp_letter(store, "P001", booking_id=booking.booking_id, today=START)
    assert missing.value.purpose == "gp_on_absence"
    assert "has not given the gp_on_absence consent" in missing.value.problems[0].message
    assert "gp_letter" not in list_tasks(store)["kind"].tolist()
    give_consent(store, "P001", "gp_on_absence", actor=NURSE, on=START, today=LATER)
    task_id = request_gp_letter(store, "P001", booking_id=booking.booking_id, today=START)
    assert list_tasks(store).set_index("task_id").loc[task_id, "kind"] == "gp_letter"
    withdraw_consent(store, "P001", "gp_on_absence", actor=NURSE, on=date(2027, 1, 11), today=LATER)
    with pytest.raises(ConsentMissing, match="withdrew the gp_on_absence consent on 2027-01-11"):
        request_gp_letter(store, "P001", today=START)


def test_a_gp_letter_about_another_patients_booking_is_refused(store: Store) -> None:
    """The booking given with a GP letter must be the patient's own."""
    booking = book(store, "P002", "S1", START)
    give_consent(store, "P001", "gp_on_absence", actor=NURSE)
    with pytest.raises(InputError, match="is not a booking of patient P001"):
        request_gp_letter(store, "P001", booking_id=booking.booking_id)


def test_an_escalated_patient_s_gp_is_informed_without_consent(store: Store) -> None:
    """A patient the plan escalates (suicide risk) gets a task to inform the GP though no
    consent is recorded, once, however often plans are stored."""
    record_plan(store, plan_rows(), today=START)
    assert consents(store, "P003")["gp_on_absence"] is None
    tasks = list_tasks(store, patient_id="P003")
    assert sorted(tasks["kind"]) == ["escalated", "inform_gp"]
    from matcher.store import complete_task

    inform = int(tasks.loc[tasks["kind"] == "inform_gp", "task_id"].iloc[0])
    complete_task(store, inform)
    record_plan(store, plan_rows(), today=START)
    assert "inform_gp" not in list_tasks(store, patient_id="P003")["kind"].tolist()


def test_consented_finds_those_who_gave_consent_now(store: Store) -> None:
    """Of several patients, those whose latest record gives the purpose are found."""
    give_consent(store, "P001", "share_municipality", actor=NURSE)
    give_consent(store, "P002", "share_municipality", actor=NURSE)
    withdraw_consent(store, "P002", "share_municipality", actor=NURSE)
    give_consent(store, "P003", "sms", actor=NURSE)
    with store.read() as session:
        found = consented(session, "share_municipality", ["P001", "P002", "P003", "P009"])
    assert found == {"P001"}


def test_consent_is_audited_with_pseudonyms_only(store: Store) -> None:
    """Each consent record is an audit entry with the pseudonym, the recorder and what."""
    give_consent(store, "P001", "sms", actor=NURSE, on=date(2027, 1, 4), today=LATER)
    entry = audit_trail(store, patient_id="P001").iloc[-1]
    assert (entry["actor"], entry["action"], entry["detail"]) == (
        "AB",
        "consent",
        "sms given on 2027-01-04",
    )


def test_consents_cannot_be_rewritten(store: Store) -> None:
    """consents is append-only: the database refuses to change a record."""
    give_consent(store, "P001", "sms", actor=NURSE)
    with pytest.raises(DatabaseError, match="append-only"), store.write() as session:
        session.execute(text("UPDATE consents SET given = 0"))
    assert has_consent(store, "P001", "sms")


def test_escalating_a_patient_informs_the_gp_once_without_consent(store: Store) -> None:
    """escalate (a person must act first) makes a task for the meeting and one to inform the
    GP though no consent is recorded; escalating again adds no second GP task."""
    from matcher.store import escalate

    first = escalate(store, "P005", today=START)
    tasks = list_tasks(store, patient_id="P005").set_index("task_id")
    assert sorted(tasks.loc[first, "kind"]) == ["escalated", "inform_gp"]
    assert consents(store, "P005")["gp_on_absence"] is None
    assert escalate(store, "P005", today=START) == []
