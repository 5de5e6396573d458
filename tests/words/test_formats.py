"""Dates, times, money and shares in the reader's locale, written by Babel."""

from __future__ import annotations

from datetime import date

import pandas as pd

from matcher.words import formats


def test_babel_writes_dates_times_money_and_shares() -> None:
    """Dates, clock times, kroner, decimals and percentages in each locale."""
    day = date(2027, 1, 20)
    assert formats.long_date(day, "da") == "onsdag den 20. januar 2027"
    assert formats.long_date(day, "en") == "Wednesday 20 January 2027"
    assert formats.short_date(day, "da") == "20-01-2027"
    assert (formats.clock(615, "da"), formats.clock(615, "en")) == ("10.15", "10:15")
    assert formats.clock(24 * 60, "da") == "24.00"
    assert formats.money(1234.5, "da") == "1.234 kr."
    assert formats.money(120, "en") == "DKK 120"
    assert formats.decimal(1.25, "da") == "1,2" and formats.decimal(1.35, "en") == "1.4"
    assert formats.percent(0.475, "en") == f"{0.475:.0%}"
    assert formats.percent(0.5, "da") == "50\xa0%"


def test_weekdays_start_on_monday_and_months_in_january() -> None:
    """Seven weekdays from Monday and twelve months from January, in the language."""
    assert formats.weekday_names("en") == (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    )
    assert formats.weekday_names("da")[0] == "mandag"
    assert len(formats.month_names("da")) == 12
    assert (formats.month_names("en")[0], formats.month_names("en")[-1]) == ("January", "December")
    assert formats.month_names("da")[1] == "februar"


def test_table_dates_keep_the_index_and_leave_missing_empty() -> None:
    """``date_cells`` writes each date in the table's pattern, keeps the index and
    turns a missing date into None."""
    values = pd.Series(["2027-01-20", None, "2027-03-05", "2027-01-20"], index=[4, 7, 9, 11])
    cells = formats.date_cells(values, "da")
    assert cells.index.tolist() == [4, 7, 9, 11]
    assert cells.tolist() == ["2027-01-20", None, "2027-03-05", "2027-01-20"]
    assert cells.dtype == object


def test_clock_past_midnight_keeps_the_hours() -> None:
    """A session ending at or after midnight reads its hour past 24, not 00."""
    assert formats.clock(24 * 60 + 30, "en") == "24:30"
    assert formats.clock(9 * 60 + 5, "da") == "09.05"
    assert formats.clock(0, "en") == "00:00"


def test_money_rounds_to_whole_kroner_with_grouping() -> None:
    """Kroner are whole (half to even), grouped by the locale's sign, and the sign sits
    where the language puts it."""
    assert formats.money(1_200_000, "da") == "1.200.000 kr."
    assert formats.money(1_200_000, "en") == "DKK 1,200,000"
    assert (formats.money(2.5, "da"), formats.money(3.5, "da")) == ("2 kr.", "4 kr.")


def test_decimals_round_like_python() -> None:
    """Decimals round half to even on the binary value, as Python's own formatting does."""
    for value in (0.05, 0.15, 0.25, 2.675, 1.005):
        assert formats.decimal(value, "en") == f"{value:.1f}"
        assert formats.decimal(value, "da") == f"{value:.1f}".replace(".", ",")
    assert formats.decimal(2.675, "en", "0.00") == f"{2.675:.2f}"


def test_a_date_is_typed_day_first_in_both_languages() -> None:
    """ "3.12.2026" and "03/12/2026" are the 3rd of December in Danish and English alike;
    a date that does not exist, or has no year, is not read."""
    assert formats.typed_date("3.12.2026", "da") == date(2026, 12, 3)
    assert formats.typed_date("03/12/2026", "en") == date(2026, 12, 3)
    assert formats.typed_date("2026-12-03", "en") == date(2026, 12, 3)
    assert formats.typed_date("31.2.2026", "da") is None
    assert formats.typed_date("3.12", "da") is None
    assert formats.shown_date(date(2026, 12, 3), "da") == "03.12.2026"
    assert formats.shown_date(date(2026, 12, 3), "en") == "03/12/2026"


def test_a_language_name_falls_back_to_its_code() -> None:
    """A language is named in the reader's words by Babel; one it does not know shows
    its code."""
    assert formats.language_name("ar", "da") == "arabisk"
    assert formats.language_name("ar", "en") == "Arabic"
    assert formats.language_name("xx-unknown", "da") == "xx-unknown"
