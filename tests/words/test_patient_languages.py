"""The patient's own words in Arabic, Turkish, Urdu, Somali, Polish and Farsi: every
patient message of the Danish catalogue translated, marked as not yet read by a
native speaker, shipped in the wheel, and kept out of the app's and the command
line's languages."""

from __future__ import annotations

import re
import string
import tomllib
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import matcher
from matcher.errors import InputError
from matcher.words import formats
from matcher.words.catalog import (
    LANGUAGES,
    PATIENT_LANGUAGES,
    RIGHT_TO_LEFT,
    catalogue,
    po_path,
    unreviewed,
)
from matcher.words.cli import cli_lang
from matcher.words.patient import wording

PACKAGE = Path(matcher.__file__).resolve().parent
NEW = [lang for lang in PATIENT_LANGUAGES if lang not in LANGUAGES]
#: The plural forms each language's rule has (gettext ``nplurals``).
NPLURALS = {"ar": 6, "tr": 2, "ur": 2, "so": 2, "pl": 3, "fa": 2}


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    return text if isinstance(text, tuple) else (text,)


def test_the_new_languages_are_the_six_patient_only_ones() -> None:
    """Hand-outs come in eight languages, Danish first; the app and the command line
    keep Danish and English."""
    assert PATIENT_LANGUAGES[:2] == LANGUAGES == ("da", "en")
    assert set(NEW) == {"ar", "tr", "ur", "so", "pl", "fa"}
    assert frozenset({"ar", "ur", "fa"}) == RIGHT_TO_LEFT


@pytest.mark.parametrize("lang", NEW)
def test_every_patient_message_is_translated(lang: str) -> None:
    """Each new catalogue holds exactly the Danish patient keys, in the same order,
    each with a text in every plural form, not the Danish text (unless nothing but
    fields and figures), and with the English text's fields."""
    danish, english, found = catalogue("da"), catalogue("en"), catalogue(lang)
    assert found.keys("patient") == danish.keys("patient")
    wrong = []
    for key in danish.keys("patient"):
        texts = _forms(found.messages[("patient", key)])
        wanted = _fields(english.text("patient", key))
        if not texts or any(not t.strip() or _fields(t) != wanted for t in texts):
            wrong.append((key, "empty or other fields"))
        words_only = re.sub(r"\{[^}]*\}", "", found.text("patient", key))
        same = found.messages[("patient", key)] == danish.messages[("patient", key)]
        if same and re.search(r"[^\W\d_]", words_only):
            wrong.append((key, "left in Danish"))
    assert wrong == []


@pytest.mark.parametrize("lang", NEW)
def test_a_new_catalogue_holds_only_the_patient_context(lang: str) -> None:
    """The new catalogues word nothing for staff: the patient context alone."""
    with po_path(lang).open("rb") as handle:
        po = read_po(handle, locale=lang)
    assert {m.context for m in po if m.id} == {"patient"}


@pytest.mark.parametrize("lang", NEW)
def test_plural_messages_have_every_form_of_the_language(lang: str) -> None:
    """A plural message gives as many forms as the language's rule picks from, and
    the rule picks a form that exists for the numbers a page shows."""
    found = catalogue(lang)
    for key in ("times", "places"):
        forms = found.messages[("patient", key)]
        assert isinstance(forms, tuple) and len(forms) == NPLURALS[lang], key
        assert {found.plural(n) for n in range(0, 200)} == set(range(NPLURALS[lang]))


@pytest.mark.parametrize("lang", NEW)
def test_the_header_says_no_native_speaker_has_read_it(lang: str) -> None:
    """Each new catalogue's header says ``X-Native-Review: none`` with a translator
    comment, and the loader lists the language as not reviewed."""
    raw = po_path(lang).read_text(encoding="utf-8")
    assert '"X-Native-Review: none\\n"' in raw
    comment = " ".join(
        line.lstrip("# ") for line in raw.split('msgid ""', 1)[0].splitlines() if line
    )
    assert "TRANSLATOR:" in comment and "NOT yet reviewed by a native speaker" in comment
    assert catalogue(lang).review == "none"
    assert lang in unreviewed()


def test_danish_and_english_are_not_listed_as_unreviewed() -> None:
    """Danish is the source and English has no review line: neither is listed."""
    assert catalogue("da").review == "" and catalogue("en").review == ""
    assert unreviewed() == tuple(NEW)


def test_the_wheel_holds_every_patient_catalogue() -> None:
    """pyproject's package data names the catalogue file of every patient language."""
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["matcher"]
    for lang in PATIENT_LANGUAGES:
        relative = po_path(lang).relative_to(PACKAGE).as_posix()
        assert po_path(lang).is_file(), relative
        assert any(fnmatch(relative, p) for p in patterns), relative


@pytest.mark.parametrize("lang", NEW)
def test_the_patient_words_read_in_each_language(lang: str) -> None:
    """``wording`` gives each new language its phrases, Babel's weekday names and
    its right-to-left flag; the long date uses the language's own weekday and
    month names."""
    words = wording(lang)
    assert words.lang == lang and words.rtl == (lang in RIGHT_TO_LEFT)
    day = date(2027, 1, 13)  # a Wednesday
    text = words.date(day)
    assert formats.weekday_names(lang)[2] in text and "2027" in text and "13" in text
    assert formats.month_names(lang)[0] in text or lang == "pl"  # Polish: genitive stycznia
    assert words("title") == catalogue(lang).text("patient", "title")


def test_arabic_dates_are_in_arabic_words_with_western_digits() -> None:
    """An Arabic date names the weekday and month in Arabic (Babel's ar locale),
    with the digits Babel's dates give every locale: 0-9."""
    text = wording("ar").date(date(2027, 1, 13))
    assert "الأربعاء" in text and "يناير" in text
    assert "13" in text and "2027" in text


def test_babel_language_names_are_in_the_page_s_language() -> None:
    """``spoken`` names languages as Babel does in the page's language, joined as
    the language joins a list; where Babel has only the English name, the
    catalogue's own."""
    assert wording("da").spoken(["da", "ar"]) == "dansk og arabisk"
    assert wording("en").spoken(["ar"]) == "Arabic"
    assert wording("ar").spoken(["ar"]) == "العربية"
    assert wording("tr").spoken(["da", "tr"]) == "Danca ve Türkçe"
    assert wording("so").spoken(["tr"]) == catalogue("so").text("patient", "languages.tr")


@pytest.mark.parametrize("lang", NEW)
def test_the_command_line_does_not_speak_the_new_languages(
    lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BROBYGGER_LANG stays Danish or English: a patient-only language is refused."""
    monkeypatch.setenv("BROBYGGER_LANG", lang)
    with pytest.raises(InputError):
        cli_lang()
