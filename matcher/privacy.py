"""What must never enter Brobygger: CPR numbers and names or contact details of patients.

Patients are known by a pseudonym only. ``looks_like_cpr`` spots a value that
looks like a Danish CPR number (ten digits, optionally ``DDMMYY-XXXX``), and
``personal_column`` a column header that would carry a name, CPR number or
contact details (``navn``, ``cpr_nr``, ``e-mail``, ...). The loader refuses
both in ``patients.csv``; the store refuses a CPR-like pseudonym anywhere.
"""

from __future__ import annotations

import re

__all__ = ["CPR", "PERSONAL_COLUMNS", "looks_like_cpr", "personal_column"]

#: Ten digits, optionally DDMMYY-XXXX: looks like a Danish CPR number.
CPR = re.compile(r"^\s*\d{6}-?\d{4}\s*$")

#: Column names (lower case, without spaces, ``_``, ``-`` or ``.``) of a
#: patient's name, CPR number or contact details.
PERSONAL_COLUMNS: frozenset[str] = frozenset(
    {
        "name",
        "navn",
        "fornavn",
        "efternavn",
        "firstname",
        "lastname",
        "fullname",
        "surname",
        "cpr",
        "cprnr",
        "cprnummer",
        "personnummer",
        "address",
        "adresse",
        "phone",
        "telefon",
        "tlf",
        "mobil",
        "mobile",
        "email",
        "mail",
    }
)
_SEPARATORS = re.compile(r"[\s_.\-]+")


def looks_like_cpr(value: str) -> bool:
    """True when ``value`` looks like a Danish CPR number."""
    return CPR.match(value) is not None


def personal_column(header: str) -> bool:
    """True when a column called ``header`` would hold a name, CPR number or contact."""
    return _SEPARATORS.sub("", header.strip().lower()) in PERSONAL_COLUMNS
