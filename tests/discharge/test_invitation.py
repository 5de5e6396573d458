"""The calendar invitation (matcher.discharge.invitation): an RFC 5545 file that a
calendar reads back with the right Danish time, in the person's language, with
nothing that tells whom it was written for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from builders import LAT, build, offer, patient, session

from matcher import InputError, Recommender
from matcher.discharge.handout import Contact
from matcher.discharge.invitation import TIMEZONE, invitation_ics
from matcher.words.catalog import PATIENT_LANGUAGES, catalogue

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def town(tmp_path: Path) -> Any:
    """A walking club on Wednesdays (winter and summer sessions) and a home visit; the
    patient speaks Arabic and Danish."""
    return build(
        [
            offer(
                name="Gåklub Centrum",
                lat=LAT + 0.01,
                address="Parkvej 11, 5000 Odense C",
                phone="65220190",
                provider="Ældre Sagen",
                languages="da;ar",
            ),
            offer(offer_id="HOME", name="Hjemmetræning", kind="home_visit", group_size=1),
        ],
        [
            session(first_date="2027-01-13", weekday="wed", start="10:00", end="11:30"),
            session(
                session_id="S2", first_date="2027-06-16", weekday="wed", start="17:00", end="18:00"
            ),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(patient_id="PSEUDO42", languages="ar;da", modes="bike"),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path / "data",
    )


def _event(text: str) -> Any:
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_file_parses_with_the_danish_start_time(town: Any) -> None:
    """The invitation parses with icalendar; DTSTART and DTEND are the session's
    clock times in Europe/Copenhagen (CET in January, CEST in June)."""
    winter = _event(invitation_ics(town, "PSEUDO42", "S1", lang="da"))
    start = winter.decoded("dtstart")
    assert start == datetime(2027, 1, 13, 10, 0, tzinfo=COPENHAGEN)
    assert start.utcoffset() == timedelta(hours=1)
    assert winter["dtstart"].params["TZID"] == TIMEZONE
    assert winter.decoded("dtend") == datetime(2027, 1, 13, 11, 30, tzinfo=COPENHAGEN)
    summer = _event(invitation_ics(town, "PSEUDO42", "S2", lang="da")).decoded("dtstart")
    assert summer.astimezone(UTC) == datetime(2027, 6, 16, 15, 0, tzinfo=UTC)


def test_the_calendar_carries_its_timezone(town: Any) -> None:
    """The file holds a VTIMEZONE for Europe/Copenhagen with the EU summer-time rule,
    one event and a reminder the day before, in CRLF lines."""
    text = invitation_ics(town, "PSEUDO42", "S1", lang="da")
    calendar = icalendar.Calendar.from_ical(text)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["tzid"] == TIMEZONE
    rules = {part.name: part["rrule"] for part in zone.subcomponents}
    assert rules["DAYLIGHT"]["BYMONTH"] == [3] and rules["STANDARD"]["BYMONTH"] == [10]
    assert calendar["version"] == "2.0" and calendar["prodid"]
    (alarm,) = calendar.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(days=-1)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")


def test_the_uid_carries_no_pseudonym(town: Any) -> None:
    """Privacy: no line of the file holds the patient's pseudonym; the UID is the same
    for every invitation to the same first meeting and differs for another one."""
    text = invitation_ics(town, "PSEUDO42", "S1", lang="da")
    unfolded = text.replace("\r\n ", "")
    assert "PSEUDO42" not in unfolded.upper() and "pseudo42" not in unfolded
    uid = str(_event(text)["uid"])
    stamp = datetime(2027, 1, 1, tzinfo=UTC)
    again = _event(invitation_ics(town, "PSEUDO42", "S1", lang="ar", stamp=stamp))
    assert str(again["uid"]) == uid
    assert again.decoded("dtstamp") == stamp
    assert str(_event(invitation_ics(town, "PSEUDO42", "S2", lang="da"))["uid"]) != uid


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_title_place_and_description_are_in_the_person_s_language(town: Any, lang: str) -> None:
    """SUMMARY, LOCATION and DESCRIPTION carry LANGUAGE=<lang>; the title and the
    description are the catalogue's words in that language, the place the offer's."""
    event = _event(invitation_ics(town, "PSEUDO42", "S1", lang=lang))
    words = catalogue(lang)
    title = words.text("patient", "ics_summary").format(name="Gåklub Centrum")
    assert str(event["summary"]) == title
    for key in ("summary", "location", "description"):
        assert event[key].params["LANGUAGE"] == lang, key
    assert "Parkvej 11, 5000 Odense C" in str(event["location"])
    description = str(event["description"])
    assert words.text("patient", "kind_intro.association") in description
    assert words.text("patient", "activity_language").split("{")[0] in description


def test_the_contact_person_is_named(town: Any) -> None:
    """The person to call is the event's CONTACT and the description's last line."""
    event = _event(
        invitation_ics(town, "PSEUDO42", "S1", lang="en", contact=Contact("Mette", "12345678"))
    )
    assert str(event["contact"]) == "Mette, 12 34 56 78"
    assert str(event["description"]).endswith("Call your contact person, Mette, on 12 34 56 78.")
    plain = _event(invitation_ics(town, "PSEUDO42", "S1", lang="en"))
    assert str(plain["contact"]) == "Ældre Sagen, 65 22 01 90"


def test_a_home_visit_takes_place_at_home(town: Any) -> None:
    """A home visit's place is the person's home, in their words, never an address."""
    event = _event(invitation_ics(town, "P3", "H1", lang="da"))
    assert str(event["location"]) == "Hjemme hos dig"
    assert event.decoded("dtstart").time().hour == 13


def test_the_first_meeting_follows_the_day(town: Any) -> None:
    """``today`` (or the recommender's day) picks the first meeting on or after it."""
    later = invitation_ics(town, "PSEUDO42", "S1", lang="da", today=date(2027, 1, 14))
    assert _event(later).decoded("dtstart").date() == date(2027, 1, 20)
    through = Recommender(town, today="2027-01-21")
    assert _event(invitation_ics(through, "PSEUDO42", "S1", lang="da")).decoded(
        "dtstart"
    ).date() == date(2027, 1, 27)


def test_an_unknown_language_or_a_session_that_does_not_fit_is_refused(town: Any) -> None:
    """Input errors: a language without patient words, a session breaking a rule."""
    with pytest.raises(InputError, match="'xx'"):
        invitation_ics(town, "PSEUDO42", "S1", lang="xx")
    with pytest.raises(InputError, match="does not fit"):
        invitation_ics(town, "PSEUDO42", "H1", lang="da")
