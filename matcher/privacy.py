"""What must never enter Brobygger: CPR numbers and names or contact details of patients.

Patients are known by a pseudonym only. ``looks_like_cpr`` spots a value that
holds something that could be a Danish CPR number, however it is written
(``0101901234``, ``010190-1234``, ``010190 1234``, ``01.01.90-1234``, with a
Unicode dash, inside ``P0101901234``); ``looks_like_name`` a value written like
a personal name (``Jens Hansen``); ``personal_column`` a column header that
would carry a name, CPR number or contact details (``navn``, ``cpr_nr``,
``Patient Name``, ``fulde_navn``, ``telefonnummer``, ...). Values and headers
are compared after Unicode normalisation (NFKC) and case folding, so look-alike
characters and full-width digits do not slip through. The loader refuses all
of them in ``patients.csv``; the store refuses a CPR-like pseudonym anywhere.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "LOOK_ALIKE_RULE",
    "PERSONAL_COLUMNS",
    "PSEUDONYM",
    "PSEUDONYM_RULE",
    "is_plain",
    "looks_like_cpr",
    "looks_like_name",
    "looks_like_personal_id",
    "personal_column",
]

#: Column names (lower case, without spaces, ``_``, ``-`` or ``.``) of a
#: patient's name, CPR number or contact details.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {
        "name",
        "navn",
        "fornavn",
        "efternavn",
        "mellemnavn",
        "firstname",
        "lastname",
        "fullname",
        "surname",
        "cpr",
        "cprnr",
        "cprnummer",
        "personnr",
        "personnummer",
        "ssn",
        "fødselsdato",
        "foedselsdato",
        "fodselsdato",
        "birthdate",
        "dateofbirth",
        "dob",
        "address",
        "adresse",
        "phone",
        "telefon",
        "telefonnr",
        "telefonnummer",
        "tlf",
        "tlfnr",
        "mobil",
        "mobile",
        "mobilnr",
        "mobilnummer",
        "email",
        "mail",
    }
)
#: Words that make a column personal when a header ends with them
#: (``patient_name``, ``fulde_navn``, ``patientens_telefon``).
_PERSONAL_ENDINGS = (
    "name",
    "navn",
    "cpr",
    "cprnr",
    "personnr",
    "telefon",
    "phone",
    "email",
    "fødselsdato",
    "birthdate",
)
#: ... or starts with them (``telefonnummer``, ``cprnummer``, ``emailadresse``).
_PERSONAL_BEGINNINGS = ("cpr", "personn", "telefon", "email", "e-mail")

#: A pseudonym: 1-64 letters, digits, ``.``, ``:``, ``_`` or ``-``, not starting
#: with ``-`` (which a spreadsheet reads as a formula). The loader and the store
#: hold every pseudonym to this one rule.
PSEUDONYM = re.compile(r"^[\w.:][\w.:\-]{0,63}$")
PSEUDONYM_RULE = "must be a pseudonym of 1-64 letters, digits, '.', ':', '_' or '-' (not first)"
LOOK_ALIKE_RULE = (
    "holds look-alike characters (such as full-width letters); type it in plain letters"
)
_SEPARATORS = re.compile(r"[\s_.\-]+")
_NAME_JOINS = re.compile(r"[\s_.\-']+")
_DIGIT_RUN = re.compile(r"\d{10,}")
_CAMEL = re.compile(r"(?<=[a-zæøå])(?=[A-ZÆØÅ])")


def _normal(text: str) -> str:
    """``text`` in Unicode normal form NFKC (full-width digits become digits)."""
    return unicodedata.normalize("NFKC", text)


def _without_separators(text: str) -> str:
    """``text`` without spaces, punctuation and symbols, so that digits written
    ``01.01.90-1234`` or with a Unicode dash stand next to each other."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "ZPS")


def _could_be_birth_date(digits: str) -> bool:
    day, month = int(digits[:2]), int(digits[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12


def looks_like_cpr(value: str) -> bool:
    """True when ``value`` holds ten digits in a row that could be a CPR number
    (the first six a day, month and year), once spaces and punctuation are removed."""
    if len(value) < 10 and value.isascii():  # ten digits need ten plain characters
        return False
    digits = _without_separators(_normal(value))
    for run in _DIGIT_RUN.findall(digits):
        if any(_could_be_birth_date(run[i : i + 10]) for i in range(len(run) - 9)):
            return True
    return False


def looks_like_name(value: str) -> bool:
    """True when ``value`` is written like a personal name: two or more words of
    two or more letters each starting with a capital, however they are joined
    (``Jens Hansen``, ``Anne-Mette Øst``, ``Jens_Hansen``, ``Jens.Hansen``,
    ``JensHansen``)."""
    text = _normal(value).strip()
    words = [w for w in _NAME_JOINS.split(_CAMEL.sub(" ", text)) if w]
    if len(words) < 2:
        return False
    return all(len(w) >= 2 and w.isalpha() and w[0].isupper() and w[1:].islower() for w in words)


def looks_like_personal_id(value: str) -> str | None:
    """Why ``value`` cannot be a pseudonym, or ``None`` when it can.

    The value itself is never repeated in the message.
    """
    if looks_like_cpr(value):
        return "looks like a CPR number; use the patient's pseudonym instead"
    if looks_like_name(value):
        return "looks like a person's name; use the patient's pseudonym instead"
    if not PSEUDONYM.match(value):
        return PSEUDONYM_RULE
    if not is_plain(value):
        return LOOK_ALIKE_RULE
    return None


def is_plain(value: str) -> bool:
    """True when ``value`` is already in Unicode normal form NFKC: no full-width or
    other look-alike characters that would make two ids look the same but differ."""
    return _normal(value) == value


def personal_column(header: str) -> bool:
    """True when a column called ``header`` would hold a name, CPR number or contact."""
    text = _normal(header).strip()
    words = [w for w in _SEPARATORS.split(_CAMEL.sub(" ", text).casefold()) if w]
    joined = "".join(words)
    if joined in PERSONAL_COLUMNS or any(w in PERSONAL_COLUMNS for w in words):
        return True
    return joined.endswith(_PERSONAL_ENDINGS) or joined.startswith(_PERSONAL_BEGINNINGS)
