"""Reminders of the first visit: a short SMS and a printable letter.

Both are built from the same facts as the printed hand-out
(``visit.first_visit``) and in the person's language (any of
``PATIENT_LANGUAGES``). ``reminder_sms`` is one or two plain sentences:
what, when ("i morgen" the day before), where, and whom to call.
``reminder_letter_html`` is one A4 page to post: the date, what it is, when
and where, what to bring and whom to call, signed by the contact person.
The person holds a place, so a full session is never refused here; a
session that no longer fits the person is (``InputError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np

from ..dataset.load import Dataset
from ..words.patient import Wording, wording
from .contact import Contact, call_text
from .handout import recommender_for, render_page, visit_context
from .options import Recommender
from .visit import Visit, first_visit

__all__ = ["LETTER_TEMPLATE", "reminder_letter_html", "reminder_sms"]

LETTER_TEMPLATE = "reminder_letter.html"


def _visit(
    dataset: Dataset | Recommender,
    patient_id: str | Mapping[str, Any],
    session_id: str,
    lang: str,
    today: date | str | np.datetime64 | None,
) -> tuple[Wording, Visit]:
    words = wording(lang)
    recommender = recommender_for(dataset, today=today)
    return words, first_visit(recommender, patient_id, session_id, lang=words.lang, held=True)


def _when(words: Wording, visit: Visit) -> str:
    """The first date in words, said as today or tomorrow when it is."""
    days = (visit.first - visit.today).days
    key = {0: "sms_today", 1: "sms_tomorrow"}.get(days, "sms_on")
    return words(key, date=words.date(visit.first))


def reminder_sms(
    dataset: Dataset | Recommender,
    patient_id: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str,
    today: date | str | np.datetime64 | None,
    contact: Contact | None = None,
) -> str:
    """The SMS reminding ``patient_id`` of the first visit of ``session_id`` on or
    after ``today``: ``Husk: Gåklub Centrum i morgen, onsdag den 13. januar 2027
    kl. 10.00, Parkvej 11, 5000 Odense C. Ring til Ældre Sagen på 65 22 01 90.``

    ``dataset`` may be a ``Recommender`` (then ``today`` is its own). ``contact``:
    the person to call instead of the offer's phone.
    """
    words, visit = _visit(dataset, patient_id, session_id, lang, today)
    values = {
        "name": visit.name,
        "when": _when(words, visit),
        "clock": words.clock(visit.start_min),
    }
    if visit.home_visit:
        first = words("sms_home", **values)
    elif visit.address:
        first = words("sms_place", address=visit.address, **values)
    else:
        first = words("sms_no_address", **values)
    return f"{first} {call_text(words, visit, contact)}"


def reminder_letter_html(
    dataset: Dataset | Recommender,
    patient_id: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str,
    today: date | str | np.datetime64 | None,
    contact: Contact | None = None,
) -> str:
    """A one-page printable letter (HTML, A4) reminding ``patient_id`` of the first
    visit of ``session_id`` on or after ``today``, dated ``today`` and signed by
    ``contact`` (else the offer's provider), in ``lang``."""
    words, visit = _visit(dataset, patient_id, session_id, lang, today)
    facts = visit_context(words, visit, contact)
    named = facts["contact"]
    intro = "letter_intro_home" if visit.home_visit else "letter_intro"
    context = {
        **facts,
        "dated": words("letter_date", date=words.date(visit.today)),
        "intro": words(intro, name=visit.name),
        "signed": named.name if named is not None else visit.provider,
    }
    return render_page(LETTER_TEMPLATE, context)
