"""The words of the field: clock times, weekly windows and the fixed vocabularies."""

from __future__ import annotations

import pytest

from matcher.domain import (
    DIAGNOSES,
    GROUP_LIMIT,
    INTENSITY_LEVEL,
    KINDS,
    MODES,
    TOLERANCES,
    WEEKDAYS,
    Kind,
    Mode,
    Window,
    format_minutes,
    parse_clock,
    parse_window,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("00:00", 0),
        ("08:30", 510),
        ("8:30", 510),
        ("08.30", 510),
        (" 17:05 ", 1025),
        ("23:59", 1439),
    ],
)
def test_parse_clock_reads_hours_and_minutes(text: str, minutes: int) -> None:
    """HH:MM, H:MM and the Danish HH.MM all give minutes after midnight."""
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["25:00", "12:60", "24:01", "8 o'clock", "", "0830", "-1:00"])
def test_parse_clock_rejects_what_is_not_a_time_of_day(text: str) -> None:
    """25:00, 12:60 and free text are not times of day; the message quotes the cell."""
    with pytest.raises(ValueError, match="is not a time of day"):
        parse_clock(text)


def test_midnight_24_00_is_an_end_time_only() -> None:
    """24:00 closes a day (an end time) but never starts one."""
    assert parse_clock("24:00", allow_24=True) == 24 * 60
    with pytest.raises(ValueError, match="not a time of day"):
        parse_clock("24:00")


@pytest.mark.parametrize("minutes", [0, 59, 60, 510, 1439, 1440])
def test_format_minutes_is_the_inverse_of_parse_clock(minutes: int) -> None:
    """format_minutes writes HH:MM that parse_clock reads back to the same minutes."""
    assert parse_clock(format_minutes(minutes), allow_24=True) == minutes


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("mon 08:00-12:00", Window(0, 480, 720)),
        ("Wed 17:00 - 21:00", Window(2, 1020, 1260)),
        ("sunday 10:00-24:00", Window(6, 600, 1440)),
        ("fri 8.15-9.45", Window(4, 495, 585)),
    ],
)
def test_parse_window_reads_weekday_and_span(text: str, window: Window) -> None:
    """A window is a weekday (first three letters, any case) and a start-end span."""
    assert parse_window(text) == window


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("xyz 08:00-12:00", "'xyz' is not a weekday"),
        ("man 08:00-12:00", "'man' is not a weekday"),
        ("mon 12:00-08:00", "ends before it starts"),
        ("mon 10:00-10:00", "ends before it starts"),
        ("mon 08:00-25:00", "not a time of day"),
        ("mon", "is not a window"),
        ("08:00-12:00", "is not a window"),
    ],
)
def test_parse_window_rejects_bad_windows_with_a_reason(text: str, message: str) -> None:
    """Unknown weekdays, spans that end before they start and bad clocks are refused."""
    with pytest.raises(ValueError, match=message):
        parse_window(text)


@pytest.mark.parametrize(
    ("day", "start", "end", "inside"),
    [
        (0, 480, 720, True),
        (0, 600, 660, True),
        (0, 470, 600, False),
        (0, 600, 730, False),
        (1, 600, 660, False),
    ],
)
def test_window_contains_a_session_only_when_wholly_inside(
    day: int, start: int, end: int, inside: bool
) -> None:
    """A session fits a window only on its weekday and wholly between its start and end."""
    assert Window(0, 480, 720).contains(day, start, end) is inside


def test_window_prints_as_it_is_written() -> None:
    """str(Window) is the text a user writes in the available column."""
    assert str(Window(2, 1020, 1260)) == "wed 17:00-21:00"
    assert parse_window(str(Window(6, 0, 1440))) == Window(6, 0, 1440)


def test_vocabularies_match_the_contract() -> None:
    """Kinds, modes, weekdays and diagnoses are exactly the words of CONTRACT.md."""
    assert KINDS == ("exit_team", "network_group", "association", "home_visit")
    assert MODES == ("walk", "bike", "bus", "car", "flextrafik")
    assert WEEKDAYS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert set(DIAGNOSES) == {
        "heart",
        "copd",
        "diabetes",
        "cancer",
        "musculoskeletal",
        "mental",
        "other",
    }
    assert [k.value for k in Kind] == list(KINDS)
    assert [m.value for m in Mode] == list(MODES)


def test_group_limits_follow_tolerance_order() -> None:
    """Tolerance individual/small/medium/large means at most 1, 6, 12 and any number."""
    limits = [GROUP_LIMIT[t] for t in TOLERANCES]
    assert limits[:3] == [1, 6, 12]
    assert limits[3] > 10_000


def test_intensity_levels_are_ordered() -> None:
    """low < moderate < high, so an offer's intensity can be compared with a patient's maximum."""
    assert INTENSITY_LEVEL["low"] < INTENSITY_LEVEL["moderate"] < INTENSITY_LEVEL["high"]
