"""Notes on a result are in the catalogue: English in the files and by default, the
reader's language on the command line, the same facts in both."""

from __future__ import annotations

import json
import pickle
import string

import pytest

from matcher.words.catalog import LANGUAGES, catalogue
from matcher.words.notes import CONTEXT, Note, note_text, noted, read_note


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_a_note_is_its_english_text_and_keeps_its_template() -> None:
    """``noted`` gives the English text as a ``str`` that remembers template and values."""
    found = noted("{n} patients already booked keep their place", n=3)
    assert found == "3 patients already booked keep their place"
    assert isinstance(found, str) and isinstance(found, Note)
    assert found.template == "{n} patients already booked keep their place"
    assert dict(found.values) == {"n": 3}


def test_a_note_is_written_to_json_and_pickled_as_its_text() -> None:
    """A result's notes written to a file are the English text; a copy keeps the template."""
    found = noted("only {n} site(s) serve anyone new; more sites would add nobody", n=2)
    assert json.loads(json.dumps({"notes": [found]})) == {"notes": [str(found)]}
    again = pickle.loads(pickle.dumps(found))
    assert again == found and again.template == found.template and again.values == found.values


def test_a_note_reads_in_danish_and_stays_english_in_english() -> None:
    """``note_text`` words a note in Danish; in English it is the note itself."""
    found = noted("{n} patients already booked keep their place", n=3)
    assert note_text(found, "en") == str(found)
    danish = note_text(found, "da")
    assert danish == catalogue("da").text(CONTEXT, found.template).format(n=3)
    assert danish != str(found) and "3" in danish


def test_a_note_inside_a_note_is_worded_too() -> None:
    """A value that is itself a note is said in the same language."""
    reason = noted("the home-visit staff cannot fit the visits into their routes")
    found = noted("{n} home-visit patient(s) left unplaced: {reason}", n=2, reason=reason)
    assert found == f"2 home-visit patient(s) left unplaced: {reason}"
    danish = note_text(found, "da")
    assert note_text(reason, "da") in danish and str(reason) not in danish


def test_a_solver_s_plain_english_is_read_back_into_its_template() -> None:
    """A note written as plain English (the solvers') is found by its template and
    worded again, with the numbers it held."""
    text = "stopped after 12 pricing rounds; optimal over the pairs seen"
    found = read_note(text)
    assert found is not None and found == text
    assert found.template == "stopped after {rounds} pricing rounds; optimal over the pairs seen"
    assert dict(found.values) == {"rounds": "12"}
    danish = note_text(text, "da")
    assert danish != text and "12" in danish


def test_the_longer_of_two_like_templates_is_read_back_whole() -> None:
    """Two templates that begin alike are told apart by the whole text."""
    short = read_note("staff minutes: 40 branches of the exact search")
    long = read_note(
        "staff minutes: 40 branches of the exact search; "
        "stopped at the time limit, 1.50 points open"
    )
    assert short is not None and "{points}" not in short.template
    assert long is not None and dict(long.values) == {"branches": "40", "points": "1.50"}


def test_a_text_of_no_template_is_shown_as_it_is() -> None:
    """A note the catalogue does not know is not guessed at, in any language."""
    assert read_note("something else entirely") is None
    assert note_text("something else entirely", "da") == "something else entirely"
    outside = noted("a note {x} outside the catalogue", x=1)
    assert note_text(outside, "da") == "a note 1 outside the catalogue"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_note_template_keeps_its_fields(lang: str) -> None:
    """Each note's text, in each language, has the fields of its template."""
    words = catalogue(lang)
    keys = words.keys(CONTEXT)
    assert keys, "the note context is empty"
    assert [k for k in keys if _fields(words.text(CONTEXT, k)) != _fields(k)] == []


def test_english_note_texts_are_the_notes_themselves() -> None:
    """The English catalogue words each note exactly as the files write it."""
    words = catalogue("en")
    assert [k for k in words.keys(CONTEXT) if words.text(CONTEXT, k) != k] == []
