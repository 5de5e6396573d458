"""Whom the patient calls (matcher.discharge.contact): the checked contact person and
the one sentence that names them, or the offer's phone."""

from __future__ import annotations

from datetime import date

import pytest

from matcher import InputError
from matcher.discharge.contact import (
    MAX_CONTACT_NAME,
    Contact,
    call_html,
    call_text,
    checked_contact,
    plain_phone,
)
from matcher.discharge.visit import Visit
from matcher.words.patient import wording


def _visit(phone: str = "65 22 01 90", provider: str = "Ældre Sagen") -> Visit:
    return Visit(
        kind="association",
        name="Gåklub",
        description="",
        address="Parkvej 11",
        provider=provider,
        phone=phone,
        languages=("da",),
        tags=(),
        supervised=False,
        first=date(2027, 1, 13),
        start_min=600,
        end_min=660,
        weekday=2,
        weeks=0,
        mode="walk",
        travel_min=5.0,
        fee_dkk_month=0.0,
        home=(0.0, 0.0),
        venue=(0.0, 0.0),
        session_id="S1",
        today=date(2027, 1, 4),
    )


def test_no_contact_given_is_none() -> None:
    """Neither option given: no contact person (the offer's phone is printed)."""
    assert checked_contact(None, None) is None


def test_a_contact_is_trimmed_and_its_phone_in_pairs() -> None:
    """A contact's name keeps single spaces and an eight-digit phone reads in pairs."""
    assert checked_contact("  Mette   Hansen ", "12345678") == Contact(
        "Mette Hansen", "12 34 56 78"
    )
    assert checked_contact("Ali", "+45 12 34 56 78").phone == "+45 12 34 56 78"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "phone", "option", "says"),
    [
        ("Mette", None, "--contact-phone", "give both"),  # names the one missing
        (None, "12345678", "--contact-name", "give both"),
        ("  ", "12345678", "--contact-name", "is empty"),
        ("Mette\x1b[31m", "12345678", "--contact-name", "control character"),
        ("Mette\u202e", "12345678", "--contact-name", "control character"),
        ("M" * (MAX_CONTACT_NAME + 1), "12345678", "--contact-name", "at most 100"),
        ("Mette", "ring mig", "--contact-phone", "is not a phone number"),
        ("Mette", "12", "--contact-phone", "3 to 15 digits"),
        ("Mette", "1" * 16, "--contact-phone", "3 to 15 digits"),
    ],
)
def test_a_bad_contact_is_refused_naming_its_option(
    name: str | None, phone: str | None, option: str, says: str
) -> None:
    """A contact given halfway, empty, with control characters, too long, or with a
    phone that is not one, is an input error naming the option."""
    with pytest.raises(InputError) as caught:
        checked_contact(name, phone)
    (found,) = caught.value.problems
    assert found.file == option and says in found.message


def test_the_call_sentence_names_the_contact_or_the_offer() -> None:
    """Whom to call: the named contact with their phone, the name alone, or, without
    a name, the offer's phone, else its provider."""
    words = wording("da")
    named = Contact("Mette Hansen", "12 34 56 78")
    assert call_text(words, _visit(), named) == (
        "Ring til din kontaktperson, Mette Hansen, på 12 34 56 78."
    )
    assert call_text(words, _visit(), Contact("Mette", "")) == "Din kontaktperson er Mette."
    assert (
        call_text(words, _visit(), Contact(" ", "1234")) == "Ring til Ældre Sagen på 65 22 01 90."
    )
    assert call_text(words, _visit(phone="")) == "Kontakt Ældre Sagen."


def test_the_html_sentence_escapes_names_and_phones() -> None:
    """HTML: a name or phone holding markup is printed as its characters."""
    html = call_html(wording("en"), _visit(), Contact("<b>Mette</b> & Co", "12 <34>"))
    assert "&lt;b&gt;Mette&lt;/b&gt; &amp; Co" in html and "12\u00a0&lt;34&gt;" in html
    assert "<b>" not in html


def test_right_to_left_keeps_the_phone_left_to_right() -> None:
    """Arabic: the phone sits in a left-to-right isolate (a ``bdi`` in HTML, LRI..PDI
    in plain text), so its pairs are not read from the right; Danish has neither."""
    arabic, danish = wording("ar"), wording("da")
    assert plain_phone(arabic, "12 34") == "\u206612 34\u2069"
    assert plain_phone(danish, "12 34") == "12 34"
    assert '<bdi dir="ltr">65\u00a022\u00a001\u00a090</bdi>' in call_html(arabic, _visit())
    assert "bdi" not in call_html(danish, _visit())
    assert "\u206665 22 01 90\u2069" in call_text(arabic, _visit())


def test_a_printed_phone_is_never_split_over_two_lines() -> None:
    """HTML: the phone's pairs are joined by no-break spaces on every page; plain text
    (the SMS, the calendar) keeps ordinary spaces."""
    danish = wording("da")
    assert "65\u00a022\u00a001\u00a090" in call_html(danish, _visit())
    assert "65 22 01 90" in call_text(danish, _visit())
