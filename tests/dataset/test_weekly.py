"""Availability typed in Danish becomes contract windows; the app's grid maps onto them."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import InputError
from matcher.dataset.cells import windows_cell
from matcher.dataset.weekly import (
    MAX_WEEKLY_CHARS,
    PART_WINDOWS,
    PARTS,
    grid_cells,
    grid_text,
    parse_weekly,
    weekly_words,
)
from matcher.domain import WEEKDAYS, parse_window
from matcher.words.problems import problem_text

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True, database=None)
WEEK = ["mon", "tue", "wed", "thu", "fri"]


def windows(text: str) -> list[str]:
    """The windows the loader's parser reads from contract ``text``, as ``mon 08:00-12:00``."""
    found, wrong = windows_cell(text)
    assert wrong is None, wrong
    return [str(w) for w in found]


def days(names: list[str], span: str) -> list[str]:
    """``span`` (``12:00-17:00``) on each of the days ``names``."""
    return [f"{name} {span}" for name in names]


def refused(text: str) -> str:
    """The one problem ``parse_weekly`` gives for ``text``, as the command line prints it."""
    with pytest.raises(InputError) as caught:
        parse_weekly(text)
    (found,) = caught.value.problems
    assert (found.file, found.row, found.column) == ("patient", None, "available")
    return found.message


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("man-fre 12-17", days(WEEK, "12:00-17:00")),
        ("man 9-12, ons 13-16:30", ["mon 09:00-12:00", "wed 13:00-16:30"]),
        ("tir,tor 8.30-12", ["tue 08:30-12:00", "thu 08:30-12:00"]),
        ("hverdage 9-15", days(WEEK, "09:00-15:00")),
        ("weekend 10-14", days(["sat", "sun"], "10:00-14:00")),
        ("alle dage 10-20", days(list(WEEKDAYS), "10:00-20:00")),
        ("man-søn 8-22", days(list(WEEKDAYS), "08:00-22:00")),
        ("mandag kl. 12-17", ["mon 12:00-17:00"]),
        ("Tirsdag kl.8 - kl.12", ["tue 08:00-12:00"]),
        ("onsdag, fredag 10.15-11.45", ["wed 10:15-11:45", "fri 10:15-11:45"]),
        ("lørdag og søndag 10-24", days(["sat", "sun"], "10:00-24:00")),
        ("mandag til fredag 9 til 12", days(WEEK, "09:00-12:00")),
        ("MAN-FRE 12–17", days(WEEK, "12:00-17:00")),
        ("fre-man 9-10", days(["mon", "fri", "sat", "sun"], "09:00-10:00")),
    ],
)
def test_danish_availability_becomes_contract_windows(typed: str, wanted: list[str]) -> None:
    """Danish days in full or in three letters, ranges, lists, hverdage, weekend and alle
    dage, with times as 12, 12:30, 12.30 or kl. 12, give the contract's windows."""
    assert windows(parse_weekly(typed)) == sorted(wanted, key=lambda w: parse_window(w))


def test_a_time_without_days_takes_the_days_before_it() -> None:
    """``man 9-12, 13-16`` gives Monday both windows; ``og`` joins them the same way."""
    wanted = ["mon 09:00-12:00", "mon 13:00-16:00"]
    assert windows(parse_weekly("man 9-12, 13-16")) == wanted
    assert windows(parse_weekly("man 9-12 og 13-16")) == wanted


def test_windows_of_a_day_that_touch_or_overlap_are_joined() -> None:
    """Two windows of one day that touch or overlap become one, so a session across
    the join fits, and windows of other days stay apart."""
    assert windows(parse_weekly("man 9-12, man 12-15, tir 10-11")) == [
        "mon 09:00-15:00",
        "tue 10:00-11:00",
    ]
    assert windows(parse_weekly("ons 9-13 og 10-11")) == ["wed 09:00-13:00"]


@pytest.mark.parametrize(
    "contract", ["mon 12:00-17:00;tue 08:00-12:00", "Monday 08:00-12:00|wed 17:00-21:00"]
)
def test_contract_text_passes_unchanged(contract: str) -> None:
    """Text already written as the contract's windows is returned exactly as it is."""
    assert parse_weekly(contract) == contract


def test_english_words_are_read_too() -> None:
    """What ``weekly_words`` writes in English (``Mon-Fri 12-17``) reads back."""
    assert parse_weekly("Mon-Fri 12-17") == parse_weekly("man-fre 12-17")
    assert parse_weekly("weekdays 9-15") == parse_weekly("hverdage 9-15")


def test_an_empty_text_is_any_time() -> None:
    """An empty availability is the contract's empty cell: any time."""
    assert parse_weekly("") == parse_weekly("   ") == ""


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("man 17-12", "ends before it starts"),
        ("man 12-12", "ends before it starts"),
        ("man 9-25", "hours go from 0 to 24"),
        ("man 24-24", "hours go from 0 to 24"),
        ("man 9:75-12", "minutes from 0 to 59"),
        ("man 1230-14", "is not a time"),
        ("funday 9-12", "'funday' is not a day"),
        ("12-17", "has no days before it"),
        ("man-fre", "'man-fre' has no time after it"),
        ("man 9-12, ons", "'ons' has no time after it"),
        ("man 9", "has no end"),
        ("man 9-12 =", "stands where a day or a time should be"),
        (",", "has no time after it"),
        ("x" * (MAX_WEEKLY_CHARS + 1), f"at most {MAX_WEEKLY_CHARS} characters"),
        ("man \x1b[31m9-12", "control character"),
    ],
)
def test_wrong_availability_is_refused_saying_what_is_wrong(typed: str, said: str) -> None:
    """An end before the start, hours above 24, an unknown day, times without days and
    days without times are refused, naming what is wrong in the available column."""
    assert said in refused(typed)


def test_a_cpr_number_is_refused_without_being_repeated() -> None:
    """A CPR-like number typed as availability is refused and not shown back."""
    message = refused("man 9-12 010190-1234")
    assert "CPR" in message and "010190" not in message and "1234" not in message


def test_the_problems_read_in_danish() -> None:
    """The app words an availability problem in Danish, with the same times."""
    with pytest.raises(InputError) as caught:
        parse_weekly("man 17-12")
    (found,) = caught.value.problems
    danish = problem_text(found, "da")
    assert danish != found.message and "17-12" in danish


# -- the grid ------------------------------------------------------------------------------


def test_the_parts_of_a_day_follow_each_other() -> None:
    """Morning, afternoon and evening follow each other without a gap, from 08:00 to 21:30,
    the evening starting at 16:00 as the municipality tab's evening does."""
    from matcher.municipality.gaps import EVENING_FROM

    spans = [PART_WINDOWS[p] for p in PARTS]
    assert spans[0][0] == 8 * 60 and spans[-1][1] == 21 * 60 + 30
    assert all(a[1] == b[0] for a, b in pairwise(spans))
    assert PART_WINDOWS["evening"][0] == EVENING_FROM


def test_neighbouring_parts_of_a_day_make_one_window() -> None:
    """Morning and afternoon of a day make one window; morning and evening stay two."""
    text = grid_text({("mon", "morning"), ("mon", "afternoon"), ("wed", "morning"),
                      ("wed", "evening")})  # fmt: skip
    assert windows(text) == ["mon 08:00-16:00", "wed 08:00-12:00", "wed 16:00-21:30"]


def test_no_tick_is_any_time() -> None:
    """The grid without a tick is the empty cell (any time), and reads back as no tick."""
    assert grid_text(set()) == ""
    assert grid_cells("") == set()


def test_an_unknown_cell_is_refused() -> None:
    """A cell that is not a weekday and a part of the grid is an error of the app."""
    with pytest.raises(ValueError, match="noon"):
        grid_text({("mon", "noon")})


@pytest.mark.parametrize(
    "text",
    [
        "mon 09:00-12:00",
        "mon 08:00-17:00",
        "mon 07:00-12:00",
        "tue 12:00-21:00",
        "not a window",
    ],
)
def test_text_that_is_not_whole_parts_is_not_a_grid(text: str) -> None:
    """Windows that do not start and end where parts do (or no windows) are not
    grid-shaped, so the app shows them as typed."""
    assert grid_cells(text) is None


def test_touching_windows_read_as_their_parts() -> None:
    """Contract text with a day's parts as separate windows reads as the same cells."""
    assert grid_cells("mon 08:00-12:00;mon 12:00-16:00") == {
        ("mon", "morning"),
        ("mon", "afternoon"),
    }


CELLS = st.sets(st.tuples(st.sampled_from(WEEKDAYS), st.sampled_from(PARTS)))


@PROPERTY
@given(CELLS)
def test_the_grid_round_trips_through_the_loader(cells: set[tuple[str, str]]) -> None:
    """Any ticked cells give text the loader's parser reads, covering exactly the ticked
    parts, and that text reads back as the same cells."""
    text = grid_text(cells)
    found, wrong = windows_cell(text)
    assert wrong is None
    for day in range(7):
        for part, (start, end) in PART_WINDOWS.items():
            inside = any(w.day == day and w.start <= start and end <= w.end for w in found)
            assert inside == ((WEEKDAYS[day], part) in cells)
    assert grid_cells(text) == cells


# -- writing it back for a person ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "danish", "english"),
    [
        ("man-fre 12-17", "man-fre 12-17", "Mon-Fri 12-17"),
        ("tir,tor 8.30-12", "tir, tor 8.30-12", "Tue, Thu 8:30-12"),
        ("man 9-12, ons 13-16:30", "man 9-12, ons 13-16.30", "Mon 9-12, Wed 13-16:30"),
        ("weekend 10-14", "lør-søn 10-14", "Sat-Sun 10-14"),
        ("man-fre 9-12 og 13-16, lør 10-24", "man-fre 9-12 og 13-16, lør 10-24",
         "Mon-Fri 9-12 and 13-16, Sat 10-24"),
    ],
)  # fmt: skip
def test_contract_text_is_written_back_in_words(typed: str, danish: str, english: str) -> None:
    """Contract windows read as a person writes them, in Danish and in English, with
    days in a row as a range and the language's clock."""
    text = parse_weekly(typed)
    assert weekly_words(text, "da") == danish
    assert weekly_words(text, "en") == english


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_words_read_back_as_the_same_windows(lang: str) -> None:
    """What ``weekly_words`` writes parses back to the same contract text."""
    text = parse_weekly("man-ons 9-12, fre 8.30-11 og 16-21.30, søn 10-14")
    assert parse_weekly(weekly_words(text, lang)) == text


def test_any_time_is_written_as_words() -> None:
    """The empty availability (any time) is written as words, not left blank."""
    assert weekly_words("", "da") == "når som helst"
    assert weekly_words("", "en") == "any time"


def test_wrong_contract_text_is_refused_by_the_words() -> None:
    """``weekly_words`` refuses text that is not the contract's, with the loader's words."""
    with pytest.raises(InputError, match="not a weekday"):
        weekly_words("monkey 08:00-12:00", "da")
