"""The hand-over part of the closing conversation: the hand-out in the person's
language, the staff contact person on it, the consents given, and the calendar
invitation, through the same store and hand-out code as the command line."""

from __future__ import annotations

import icalendar
import pytest

from matcher.store import booking_contact, has_consent, open_store
from matcher.ui.discharge import DischargeState
from matcher.ui.state import DataState


def _found(data: DataState, db: str, patient: str = "P00001") -> DischargeState:
    state = DischargeState(data, db)
    state.start_from(patient)
    state.find()
    assert state.options is not None and len(state.options)
    return state


@pytest.mark.parametrize(
    ("spoken", "chosen"),
    [(("da", "ar"), "da"), (("ar",), "ar"), (("en", "so"), "en"), (("xx",), "da"), ((), "da")],
)
def test_the_hand_out_is_in_the_person_s_own_language(
    data: DataState, db: str, spoken: tuple[str, ...], chosen: str
) -> None:
    """Danish when the person speaks it, else the first language they speak that the
    hand-out comes in, else Danish; a language chosen by hand wins."""
    state = DischargeState(data, db)
    state.set(languages=spoken)
    assert state.handout_language() == chosen
    state.set_handout_lang("pl")
    assert state.handout_language() == "pl"


def test_booking_stores_the_contact_person_and_the_consents(data: DataState, db: str) -> None:
    """The staff contact person goes on the booking and the hand-out (escaped); each
    consent ticked is recorded for the person, and the others are not."""
    state = _found(data, db)
    assert state.set_contact("Anne <Fys>", "66 12 34 56")
    assert state.set_initials("AF")
    state.consents = ["sms"]
    session = str(state.options.iloc[0]["session_id"])
    assert state.book(session)
    assert "Anne &lt;Fys&gt;" in state.handout and "<Fys>" not in state.handout
    with open_store(db) as store:
        contact = booking_contact(store, "P00001", session)
        assert contact is not None and contact.name == "Anne <Fys>"
        assert has_consent(store, "P00001", "sms")
        assert not has_consent(store, "P00001", "gp_on_absence")


def test_a_contact_phone_that_cannot_be_printed_is_refused_beside_it(
    data: DataState, db: str
) -> None:
    """A phone number of letters is refused with its problem beside the contact fields,
    and the contact person kept is the last good one."""
    state = DischargeState(data, db)
    assert state.set_contact("Anne", "66 12 34 56")
    assert not state.set_contact("Anne", "ring mig")
    assert state.field_problems.get("contact")
    assert state.contact_phone == "66 12 34 56"


def test_the_hand_out_is_made_again_in_another_language_with_its_invitation(
    data: DataState, db: str
) -> None:
    """After booking, choosing Arabic makes the hand-out right to left in Arabic, and the
    calendar invitation is a calendar with the session's first date."""
    state = _found(data, db)
    assert state.book(str(state.options.iloc[0]["session_id"]))
    assert 'lang="da"' in state.handout
    state.set_handout_lang("ar")
    assert 'dir="rtl"' in state.handout and 'lang="ar"' in state.handout
    calendar = icalendar.Calendar.from_ical(state.invitation())
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart").date() == state.booking.start_date


def test_a_new_person_keeps_the_contact_person_but_not_the_consents(
    data: DataState, db: str
) -> None:
    """The physiotherapist stays the contact person from one person to the next; the
    consents and a chosen hand-out language belong to the person and are cleared."""
    state = DischargeState(data, db)
    assert state.set_contact("Anne", "66 12 34 56")
    state.consents = ["share_municipality"]
    state.set_handout_lang("tr")
    state.reset()
    assert state.contact_name == "Anne"
    assert state.consents == [] and state.handout_lang == ""


def test_the_form_takes_the_contact_person_once_name_and_phone_are_typed(
    data: DataState, db: str
) -> None:
    """Typing the name alone shows no problem and sets nothing yet; with the phone the
    contact person is set; clearing both removes it."""
    from matcher.ui.views.profile_form import ProfileForm

    state = DischargeState(data, db)
    form = ProfileForm(data, state)
    form.relabel()
    form.contact_name.value = "Anne"
    assert state.contact_name == "" and not state.field_problems.get("contact")
    form.contact_phone.value = "66 12 34 56"
    assert (state.contact_name, state.contact_phone) == ("Anne", "66 12 34 56")
    form.contact_name.value = ""
    form.contact_phone.value = ""
    assert state.contact() is None


def test_consents_are_recorded_by_the_initials_given_and_not_without(
    data: DataState, db: str
) -> None:
    """A consent ticked without the staff member's initials stops the booking, saying so
    on the card and at the initials; with them the consent is recorded under them; a
    CPR number as initials is refused beside the field."""
    from matcher.store import consent_history

    state = _found(data, db)
    state.consents = ["gp_on_absence"]
    session = str(state.options.iloc[0]["session_id"])
    assert not state.book(session)
    assert state.field_problems.get("initials") and state.field_problems.get("booking")
    assert state.booking is None
    assert not state.set_initials("0101901234")
    assert state.initials == ""
    assert state.set_initials("AB")
    assert state.book(session)
    with open_store(db) as store:
        history = consent_history(store, "P00001")
    assert list(history["purpose"]) == ["gp_on_absence"]
    assert "AB" in history.to_string()
