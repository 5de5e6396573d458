"""The printed hand-out in each of the person's languages: nothing left in Danish but
the names and addresses of the data, right to left where the language runs so, the
date in the language's words, the activity's language, a drawing of its kind and
the named contact person."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from builders import LAT, build, offer, patient, session

from matcher.discharge.handout import Contact, handout_html
from matcher.words import formats
from matcher.words.catalog import PATIENT_LANGUAGES, RIGHT_TO_LEFT, catalogue
from matcher.words.patient import wording

OTHERS = [lang for lang in PATIENT_LANGUAGES if lang != "da"]
#: What the data itself names: proper names and the address, printed as they are.
DATA = ("Gåklub Centrum", "Parkvej 11, 5000 Odense C", "Ældre Sagen", "Mette Hansen")
DESCRIPTION = "Vi går en tur i parken og drikker kaffe bagefter."
CONTACT = Contact("Mette Hansen", "12 34 56 78")


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A supervised walking club held in Danish and Arabic, with a fee and a Danish
    description, and a patient who speaks Arabic and goes by bus."""
    return build(
        [
            offer(
                name="Gåklub Centrum",
                lat=LAT + 0.0133,
                address="Parkvej 11, 5000 Odense C",
                phone="65220190",
                provider="Ældre Sagen",
                fee_dkk_month=40,
                languages="da;ar",
                tags="walking;swimming",
                supervised="true",
                description=DESCRIPTION,
            ),
            offer(offer_id="HOME", name="Hjemmetræning", kind="home_visit", group_size=1),
        ],
        [
            session(first_date="2027-01-13", weekday="wed", weeks=8),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(modes="bus", languages="ar;da", lat=LAT - 0.02),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path_factory.mktemp("languages"),
    )


def _read(html: str) -> str:
    """What a person (or a screen reader) reads on the page: the text and the
    accessible names, without tags."""
    labels = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    shown = re.sub(r"<style>.*?</style>", " ", html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", shown) + " " + labels)


def _danish_fragments() -> set[str]:
    """Every piece of Danish text the hand-out could print: the patient messages'
    literal parts (of four letters or more) and Danish weekday and month names."""
    found = catalogue("da")
    pieces: set[str] = set()
    for key in found.keys("patient"):
        forms = found.messages[("patient", key)]
        for text in forms if isinstance(forms, tuple) else (forms,):
            for part in re.split(r"\{[^}]*\}", text):
                part = part.strip(" .,:;()-")
                if len(re.findall(r"[^\W\d_]", part)) >= 4:
                    pieces.add(part)
    pieces |= set(formats.weekday_names("da")) | set(formats.month_names("da"))
    return pieces


@pytest.mark.parametrize("lang", OTHERS)
def test_no_danish_is_left_on_the_page(town: Any, lang: str) -> None:
    """Every word of the hand-out is in the person's language: no Danish message,
    weekday or month remains once the data's names and address are taken out; the
    offer's Danish description is kept only on the English page."""
    for patient_id, session_id in (("P1", "S1"), ("P3", "H1")):
        html = handout_html(
            town, patient_id, session_id, lang=lang, today="2027-01-04", contact=CONTACT
        )
        text = _read(html)
        assert (DESCRIPTION in text) == (lang == "en" and session_id == "S1")
        for name in (*DATA, DESCRIPTION, "Hjemmetræning"):
            text = text.replace(name, " ")
        left = [
            piece
            for piece in _danish_fragments()
            if re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", text)
        ]
        assert left == [], (lang, session_id)


def test_the_danish_page_holds_the_fragments_the_check_looks_for(town: Any) -> None:
    """The check above can fail: the Danish page itself shows many of those pieces."""
    text = _read(handout_html(town, "P1", "S1", today="2027-01-04", contact=CONTACT))
    shown = [p for p in _danish_fragments() if p.lower() in text.lower()]
    assert len(shown) >= 12 and "onsdag" in shown


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_the_page_declares_its_language_and_direction(town: Any, lang: str) -> None:
    """<html> has lang="<code>", and dir="rtl" for Arabic, Urdu and Farsi only."""
    html = handout_html(town, "P1", "S1", lang=lang)
    (tag,) = re.findall(r"<html[^>]*>", html)
    rtl = ' dir="rtl"' if lang in RIGHT_TO_LEFT else ""
    assert tag == f'<html lang="{lang}"{rtl}>'


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_date_time_and_activity_language_are_in_the_page_s_words(town: Any, lang: str) -> None:
    """The first date (weekday and month in the language's words), the clock span,
    and 'the activity is in Danish and Arabic' named in the page's language."""
    words = wording(lang)
    text = _read(handout_html(town, "P1", "S1", lang=lang))
    assert words.date(date(2027, 1, 13)) in text
    assert formats.weekday_names(lang)[2] in text
    assert words("clock_span", start=words.clock(600), end=words.clock(660)) in text
    spoken = words("activity_language", languages=words.spoken(["da", "ar"]))
    assert spoken in text


def test_the_arabic_date_is_in_arabic_words() -> None:
    """Arabic: Wednesday 13 January 2027 reads الأربعاء، 13 يناير 2027."""
    assert wording("ar").date(date(2027, 1, 13)) == "الأربعاء، 13 يناير 2027"


def test_the_activity_language_sentence_in_danish(town: Any) -> None:
    """Danish: 'Aktiviteten foregår på dansk og arabisk.'"""
    assert "Aktiviteten foregår på dansk og arabisk." in _read(handout_html(town, "P1", "S1"))


@pytest.mark.parametrize(
    ("patient_id", "session_id", "kind"), [("P1", "S1", "association"), ("P3", "H1", "home_visit")]
)
@pytest.mark.parametrize("lang", ["da", "ar", "pl"])
def test_a_drawing_shows_the_kind_with_an_accessible_name(
    town: Any, patient_id: str, session_id: str, kind: str, lang: str
) -> None:
    """Each kind has its own inline drawing (role="img"), named in the page's language."""
    html = handout_html(town, patient_id, session_id, lang=lang)
    words = wording(lang)
    label = words("pictogram", kind=words.names("kinds")[kind])
    drawing = re.search(rf'<svg class="pictogram pictogram-{kind}"[^>]*>', html)
    assert drawing is not None
    assert 'role="img"' in drawing.group(0) and f'aria-label="{label}"' in drawing.group(0)
    assert f"<title>{label}</title>" in html


@pytest.mark.parametrize("lang", PATIENT_LANGUAGES)
def test_the_contact_person_and_phone_are_printed(town: Any, lang: str) -> None:
    """With a contact, the page names them and their phone (kept left to right on a
    right-to-left page) instead of blank lines to fill in; without, the offer's phone."""
    words = wording(lang)
    html = handout_html(town, "P1", "S1", lang=lang, contact=CONTACT)
    assert "Mette Hansen" in html
    phone = (
        '<bdi dir="ltr">12\u00a034\u00a056\u00a078</bdi>'
        if words.rtl
        else "12\u00a034\u00a056\u00a078"
    )
    assert phone in html
    assert words("call_contact") not in _read(html)
    plain = _read(handout_html(town, "P1", "S1", lang=lang))
    assert "65 22 01 90" in plain and words("call_contact") in plain


def test_a_contact_with_markup_is_printed_as_its_characters(town: Any) -> None:
    """Names and phones are escaped: a contact named like markup shows as text."""
    html = handout_html(
        town, "P1", "S1", lang="ar", contact=Contact('<script>x</script> "&"', "12 <3>")
    )
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &#34;&amp;&#34;" in html and "12\u00a0&lt;3&gt;" in html
