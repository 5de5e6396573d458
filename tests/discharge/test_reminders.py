"""Reminders of the first visit (matcher.discharge.reminders): the SMS and the printed
letter, in each of the person's languages, from the same facts as the hand-out."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from builders import LAT, build, offer, patient, session

from matcher import InputError, Recommender
from matcher.discharge.handout import Contact
from matcher.discharge.reminders import reminder_letter_html, reminder_sms
from matcher.words import formats
from matcher.words.catalog import PATIENT_LANGUAGES, RIGHT_TO_LEFT, catalogue
from matcher.words.patient import wording


@pytest.fixture
def town(tmp_path: Path) -> Any:
    """A walking club on Wednesdays from 13 January 2027 with one place, and a home
    visit; the patient speaks Arabic and Danish."""
    return build(
        [
            offer(
                name="Gåklub Centrum",
                lat=LAT + 0.01,
                address="Parkvej 11, 5000 Odense C",
                phone="65220190",
                provider="Ældre Sagen",
                languages="da;ar",
                tags="walking",
            ),
            offer(offer_id="HOME", name="Hjemmetræning", kind="home_visit", group_size=1),
        ],
        [
            session(first_date="2027-01-13", weekday="wed", capacity=1),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(languages="ar;da", modes="bike"),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path / "data",
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_danish_sms_says_what_when_where_and_whom_to_call(town: Any) -> None:
    """SMS: one sentence with what, the day (tomorrow, in words), the time and the
    address, and one naming whom to call."""
    sms = reminder_sms(town, "P1", "S1", lang="da", today="2027-01-12")
    assert sms == (
        "Husk: Gåklub Centrum i morgen, onsdag den 13. januar 2027 kl. 10.00, "
        "Parkvej 11, 5000 Odense C. Ring til Ældre Sagen på 65 22 01 90."
    )


def test_the_sms_names_today_a_later_day_and_the_contact(town: Any) -> None:
    """SMS: 'i dag' on the day itself, the date alone further ahead, and the contact
    person instead of the offer's phone when one is given."""
    assert "i dag, onsdag den 13. januar" in reminder_sms(
        town, "P1", "S1", lang="da", today="2027-01-13"
    )
    later = reminder_sms(
        town, "P1", "S1", lang="da", today="2027-01-05", contact=Contact("Mette", "12 34 56 78")
    )
    assert "i morgen" not in later and "Husk: Gåklub Centrum onsdag den 13. januar" in later
    assert later.endswith("Ring til din kontaktperson, Mette, på 12 34 56 78.")


def test_a_home_visit_sms_says_we_come(town: Any) -> None:
    """SMS for a home visit: staff come to the home; no address is given."""
    sms = reminder_sms(town, "P3", "H1", lang="en", today="2027-01-06")
    assert sms.startswith("Reminder: we come to your home tomorrow, Thursday 7 January 2027")
    assert "13:00" in sms and "Parkvej" not in sms


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_the_sms_in_each_language(town: Any, lang: str) -> None:
    """SMS in every patient language: that language's reminder and call sentences, the
    weekday and time, short enough for a few text messages, and no Danish words
    unless the page is Danish."""
    sms = reminder_sms(town, "P1", "S1", lang=lang, today="2027-01-12")
    words = catalogue(lang)
    opening = words.text("patient", "sms_place").split("{")[0].strip()
    assert sms.startswith(opening)
    assert formats.weekday_names(lang)[2] in sms and wording(lang).clock(600) in sms
    assert "Gåklub Centrum" in sms and "Parkvej 11, 5000 Odense C" in sms
    assert "65 22 01 90" in sms and len(sms) <= 300
    if lang != "da":
        assert "Husk" not in sms and "Ring til" not in sms and "onsdag" not in sms


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_the_letter_in_each_language(town: Any, lang: str) -> None:
    """Letter in every patient language: lang (and dir="rtl" for Arabic script) on
    <html>, the title, the date it is sent, the first meeting, the activity's
    language, and the signature."""
    html = reminder_letter_html(
        town, "P1", "S1", lang=lang, today="2027-01-06", contact=Contact("Mette", "12345678")
    )
    rtl = ' dir="rtl"' if lang in RIGHT_TO_LEFT else ""
    assert f'<html lang="{lang}"{rtl}>' in html
    words, text = wording(lang), _text(html)
    assert words("letter_title") in text
    assert words("letter_date", date=words.date(date(2027, 1, 6))) in text
    assert words.date(date(2027, 1, 13)) in text
    assert words("activity_language", languages=words.spoken(["da", "ar"])) in text
    assert words("letter_regards") in text and "Mette" in text
    assert words("pictogram", kind=words.names("kinds")["association"]) in html


def test_the_letter_escapes_the_contact_and_isolates_the_phone(town: Any) -> None:
    """Letter: a contact name with markup is printed as its characters; in Arabic the
    phone sits in a left-to-right bdi."""
    html = reminder_letter_html(
        town, "P1", "S1", lang="ar", today="2027-01-06", contact=Contact("<i>Ali</i>", "12345678")
    )
    assert "<i>" not in html and "&lt;i&gt;Ali&lt;/i&gt;" in html
    assert '<bdi dir="ltr">12\u00a034\u00a056\u00a078</bdi>' in html


def test_a_reminder_is_sent_even_when_the_session_is_full(town: Any) -> None:
    """The reminded person holds a place: a session full with bookings is no refusal."""
    full = Recommender(town, booked={"S1": 1}, today="2027-01-06")
    assert "Gåklub Centrum" in reminder_sms(full, "P1", "S1", lang="da", today=None)
    assert "Gåklub Centrum" in reminder_letter_html(full, "P1", "S1", lang="da", today=None)


def test_a_session_that_no_longer_fits_is_refused(town: Any) -> None:
    """A reminder for a session that breaks a rule for the person is an input error."""
    with pytest.raises(InputError, match="does not fit"):
        reminder_sms(town, "P1", "H1", lang="da", today="2027-01-06")
