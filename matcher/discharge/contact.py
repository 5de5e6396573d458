"""Whom the patient calls: the named contact person, or the offer's phone.

``Contact`` is the staff person a booking names (``brobygger handout
--contact-name --contact-phone``, and the store's bookings);
``checked_contact`` turns typed-in text into one, refusing what cannot be a
name or a phone number; ``call_text`` words the one sentence the hand-out,
the invitation and the reminders end with. On a right-to-left page the
phone number is kept left to right, so ``65 22 01 90`` is not read in
reversed pairs.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..errors import InputError, Problem
from ..words.patient import Wording
from ..words.problems import problem
from .visit import Visit, phone_text

__all__ = [
    "MAX_CONTACT_NAME",
    "Contact",
    "call_html",
    "call_text",
    "checked_contact",
    "plain_phone",
]

#: Longest contact name printed (characters).
MAX_CONTACT_NAME = 100
#: A phone number: digits, spaces, ``+``, ``-`` and brackets.
_PHONE = re.compile(r"^[0-9 +()\-]+$")
#: Left-to-right isolate around a phone number in plain right-to-left text, so
#: ``65 22 01 90`` is not read from the right in pairs.
_LRI, _PDI = "\u2066", "\u2069"


@dataclass(frozen=True)
class Contact:
    """The named person a patient calls, printed instead of the offer's phone.

    An empty ``phone`` prints the name alone; an empty ``name`` prints no
    contact (the offer's phone, as without one).
    """

    name: str
    phone: str


def _unsafe(text: str) -> bool:
    """Whether ``text`` holds a control or format character (escape codes, bidi overrides)."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)


def checked_contact(
    name: str | None,
    phone: str | None,
    *,
    options: tuple[str, str] = ("--contact-name", "--contact-phone"),
) -> Contact | None:
    """A ``Contact`` from typed-in text, or None when neither is given.

    Refused (``InputError`` naming ``options``): only one of the two, an
    empty one, a name over ``MAX_CONTACT_NAME`` characters, control
    characters, or a phone number without 3 to 15 digits.
    """
    if name is None and phone is None:
        return None
    if name is None or phone is None:
        template = "give both --contact-name and --contact-phone, or neither"
        raise InputError([problem(options[0 if name is None else 1], None, None, template)])
    problems: list[Problem] = []
    for option, value in zip(options, (name, phone), strict=True):
        if not value.strip():
            problems.append(problem(option, None, None, "is empty; a value is required"))
        elif _unsafe(value):
            template = "holds a control character (such as an escape code); remove it"
            problems.append(problem(option, None, None, template))
    if not problems and len(name.strip()) > MAX_CONTACT_NAME:
        template = "is {length:,} characters long; a name has at most {limit} characters"
        problems.append(
            problem(options[0], None, None, template, length=len(name), limit=MAX_CONTACT_NAME)
        )
    digits = sum(ch.isdigit() for ch in phone)
    if not problems and (not _PHONE.match(phone.strip()) or not 3 <= digits <= 15):
        template = (
            "'{value}' is not a phone number: give 3 to 15 digits "
            "(spaces, '+', '-', '(' and ')' are allowed)"
        )
        problems.append(problem(options[1], None, None, template, value=phone.strip()))
    if problems:
        raise InputError(problems)
    return Contact(" ".join(name.split()), phone_text(phone))


def plain_phone(words: Wording, phone: str) -> str:
    """``phone`` for plain text in ``words``' language: isolated left to right when the
    language is written right to left."""
    return f"{_LRI}{phone}{_PDI}" if words.rtl else phone


def _call(words: Wording, visit: Visit, contact: Contact | None) -> tuple[str, dict[str, str]]:
    """The phrase key of whom to call and its values (the phone last)."""
    if contact is not None and contact.name.strip():
        if contact.phone.strip():
            return "call_named", {"name": contact.name, "phone": phone_text(contact.phone)}
        return "call_named_only", {"name": contact.name}
    if visit.phone:
        return "call_phone", {"provider": visit.provider, "phone": visit.phone}
    return "call_provider", {"provider": visit.provider}


def call_text(words: Wording, visit: Visit, contact: Contact | None = None) -> str:
    """Whom to call, one plain sentence: the contact person when named, else the
    offer's phone (or its provider); the phone isolated as ``plain_phone`` does."""
    key, values = _call(words, visit, contact)
    if "phone" in values:
        values["phone"] = plain_phone(words, values["phone"])
    return words(key, **values)


def call_html(words: Wording, visit: Visit, contact: Contact | None = None) -> Markup:
    """``call_text`` as escaped HTML: the phone's pairs joined by no-break spaces, so
    the number is never split over two lines, and on a right-to-left page in a
    left-to-right ``<bdi>``."""
    key, values = _call(words, visit, contact)
    filled: dict[str, Any] = dict(values)
    if "phone" in values:
        phone = values["phone"].replace(" ", "\u00a0")
        filled["phone"] = Markup('<bdi dir="ltr">{}</bdi>').format(phone) if words.rtl else phone
    return Markup(escape(words.table["phrases"][key])).format(**filled)
