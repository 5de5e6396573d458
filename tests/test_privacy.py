"""What must never enter Brobygger: CPR numbers, names and contact details of patients."""

from __future__ import annotations

import pytest

from matcher.privacy import (
    LOOK_ALIKE_RULE,
    PERSONAL_COLUMNS,
    PSEUDONYM,
    PSEUDONYM_RULE,
    is_plain,
    looks_like_cpr,
    looks_like_name,
    looks_like_personal_id,
    personal_column,
)

#: One CPR-like number written the ways a person might write it.
CPR_WRITTEN = (
    "0101901234",
    "010190-1234",
    "010190 1234",
    "01.01.90-1234",
    "010190\u20131234",
    "P0101901234",
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff11\uff12\uff13\uff14",
)


@pytest.mark.parametrize("value", CPR_WRITTEN)
def test_a_cpr_number_is_seen_however_it_is_written(value: str) -> None:
    """Ten digits that start with a day and a month are a CPR number, through separators,
    a Unicode dash, a prefix and full-width digits."""
    assert looks_like_cpr(value)


@pytest.mark.parametrize("value", ["1234567890", "3213901234", "0113901234", "12345", "P001"])
def test_digits_that_cannot_be_a_birth_date_are_not_a_cpr_number(value: str) -> None:
    """Fewer than ten digits, or ten whose first four are no day and month, pass."""
    assert not looks_like_cpr(value)


def test_a_cpr_number_inside_a_longer_run_of_digits_is_seen() -> None:
    """A longer run of digits is a CPR number when any ten of it in a row could be one."""
    assert looks_like_cpr("93101901234")
    assert not looks_like_cpr("99999999999")


@pytest.mark.parametrize(
    "value", ["Jens Hansen", "Anne-Mette Øst", "Jens_Hansen", "Jens.Hansen", "JensHansen"]
)
def test_a_personal_name_is_seen_however_it_is_joined(value: str) -> None:
    """Two or more capitalised words of two letters or more are a name, joined any way."""
    assert looks_like_name(value)


@pytest.mark.parametrize("value", ["Jens", "jens hansen", "JENS HANSEN", "J Hansen", "P001", "Gå2"])
def test_one_word_lower_or_upper_case_and_codes_are_not_names(value: str) -> None:
    """One word, words not written like a name, and codes with digits are not names."""
    assert not looks_like_name(value)


@pytest.mark.parametrize(
    "header",
    [
        "navn",
        "cpr_nr",
        "Patient Name",
        "PatientName",
        "fulde_navn",
        "telefonnummer",
        "patientens_telefon",
        "emailadresse",
        "E-mail",
        "Fødselsdato",
        "\uff4e\uff41\uff56\uff4e",
    ],
)
def test_a_header_of_a_name_cpr_or_contact_is_personal(header: str) -> None:
    """A header is personal when it is, holds, ends or starts with a personal word, in any
    case, joined any way, in full-width letters too."""
    assert personal_column(header)


@pytest.mark.parametrize(
    "header", ["patient_id", "district_id", "max_travel_min", "languages", "interests"]
)
def test_the_dataset_columns_are_not_personal(header: str) -> None:
    """The columns patients.csv is meant to hold are not taken for personal ones."""
    assert not personal_column(header)


def test_every_listed_personal_column_is_personal() -> None:
    """Each name in PERSONAL_COLUMNS is refused as a header, also in capitals."""
    for name in PERSONAL_COLUMNS:
        assert personal_column(name) and personal_column(name.upper()), name


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("0101901234", "looks like a CPR number; use the patient's pseudonym instead"),
        ("Jens Hansen", "looks like a person's name; use the patient's pseudonym instead"),
        ("-P1", PSEUDONYM_RULE),
        ("P 1", PSEUDONYM_RULE),
        ("a" * 65, PSEUDONYM_RULE),
        ("", PSEUDONYM_RULE),
        ("\uff30001", LOOK_ALIKE_RULE),
    ],
)
def test_why_a_value_cannot_be_a_pseudonym(value: str, why: str) -> None:
    """A CPR number, a name, a value breaking the pseudonym rule and look-alike
    characters are each refused with their reason, which never repeats the value."""
    assert looks_like_personal_id(value) == why
    if value:
        assert value not in why


@pytest.mark.parametrize("value", ["P001", "P:2", "P.3_x", "a" * 64, "p-1", "Å12"])
def test_a_pseudonym_passes(value: str) -> None:
    """Letters, digits, '.', ':', '_' and '-' (not first), up to 64, are a pseudonym."""
    assert PSEUDONYM.match(value)
    assert looks_like_personal_id(value) is None


def test_plain_text_is_already_in_normal_form() -> None:
    """Full-width and other compatibility characters are not plain; ordinary letters are."""
    assert is_plain("Ærø P001")
    assert not is_plain("\uff30001")
    assert not is_plain("ﬁ")
