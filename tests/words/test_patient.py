"""The patient's words: phrases, named and ordered groups, and the Babel helpers."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.domain import MODES, VULNERABILITY_FLAGS
from matcher.errors import InputError
from matcher.words import formats
from matcher.words.catalog import catalogue
from matcher.words.patient import LANGUAGES, wording


def test_the_languages_are_danish_first_then_english() -> None:
    """Patient text comes in Danish (the default, first), English, and six more
    languages of the patient context, each a table of words."""
    assert list(LANGUAGES) == ["da", "en", "ar", "tr", "ur", "so", "pl", "fa"]
    assert len(LANGUAGES) == 8
    assert LANGUAGES["da"]["phrases"]["travel"] == catalogue("da").text("patient", "travel")
    assert LANGUAGES["ar"]["phrases"]["travel"] == catalogue("ar").text("patient", "travel")
    with pytest.raises(KeyError):
        LANGUAGES["fr"]


@pytest.mark.parametrize("lang", ["EN", " en ", "Da"])
def test_a_language_is_read_without_case_or_spaces(lang: str) -> None:
    """``wording`` accepts a language code in any case and with spaces around it."""
    assert wording(lang).lang == lang.strip().lower()


def test_an_unknown_language_is_an_input_error_naming_the_known_ones() -> None:
    """An unknown language is one --lang problem that lists the languages there are."""
    with pytest.raises(InputError) as caught:
        wording("fr")
    (problem,) = caught.value.problems
    assert problem.file == "--lang"
    assert "'fr'" in problem.message and "da, en" in problem.message


@pytest.mark.parametrize("lang", ["da", "en"])
def test_phrases_are_filled_from_the_catalogue(lang: str) -> None:
    """A phrase is the catalogue's text of the patient context with its fields filled in."""
    words = wording(lang)
    template = catalogue(lang).text("patient", "travel")
    assert words("travel", minutes=12, mode="X") == template.format(minutes=12, mode="X")
    assert "12" in words("travel", minutes=12, mode="X")


@pytest.mark.parametrize("lang", ["da", "en"])
def test_named_groups_are_mappings_and_numbered_groups_tuples(lang: str) -> None:
    """``modes.walk`` sits in the ``modes`` mapping; ``compass.0..7`` is a tuple in order."""
    words = wording(lang)
    modes = words.names("modes")
    assert set(MODES) <= set(modes)
    assert modes["walk"] == catalogue(lang).text("patient", "modes.walk")
    compass = words.names("compass")
    assert isinstance(compass, tuple) and len(compass) == 8
    assert compass == tuple(catalogue(lang).text("patient", f"compass.{i}") for i in range(8))


def test_patterns_are_not_phrases() -> None:
    """Babel patterns and plural messages are not offered as phrases; their forms are."""
    phrases = LANGUAGES["da"]["phrases"]
    assert not {"date_long", "clock", "money", "km", "times", "places"} & set(phrases)
    found = catalogue("da")
    assert phrases["one_time"] == found.plural_text("patient", "times", 1)
    assert phrases["many_places"] == found.plural_text("patient", "places", 2)
    assert phrases["one_time"] != phrases["many_times"]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_helpers_speak_through_the_formats(lang: str) -> None:
    """Weekdays, dates, clock times and money are the formats' words in the same language."""
    words = wording(lang)
    day = date(2027, 1, 20)
    assert words.weekday(2) == formats.weekday_names(lang)[2]
    assert words.date(day) == formats.long_date(day, lang)
    assert words.clock(615) == formats.clock(615, lang)
    assert words.money(120) == formats.money(120, lang)


def test_kilometres_have_one_decimal_in_the_language() -> None:
    """Metres are shown as kilometres with one decimal: a comma in Danish, a point in English."""
    assert wording("da").km(2340) == "2,3"
    assert wording("en").km(2340) == "2.3"
    assert wording("en").km(500) == "0.5"


def test_unknown_tags_and_languages_are_shown_as_they_are() -> None:
    """Known tags and language codes are put in words and joined; unknown ones stay."""
    words = wording("en")
    assert words.tags(("walking", "juggling")) == f"{words.names('tags')['walking']}, juggling"
    assert words.languages(["da", "xx"]) == f"{words.names('languages')['da']}, xx"
    assert words.tags(()) == ""


def test_no_patient_word_names_a_vulnerability_flag() -> None:
    """Vulnerability flags are never worded for the patient: no key of the patient
    context names one."""
    for lang in ("da", "en"):
        keys = catalogue(lang).keys("patient")
        assert not [k for k in keys for flag in VULNERABILITY_FLAGS if flag in k]
