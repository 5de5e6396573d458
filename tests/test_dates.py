"""Dates from one helper: weekdays, first meetings and Danish public holidays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from matcher.dates import (
    Spans,
    as_days,
    danish_holidays,
    holidays_for,
    is_holiday,
    next_free_meeting,
    next_meeting,
    next_meeting_date,
    on_or_after,
    weekday_of,
)

#: Days every test walks through: 2026-12-01 to 2028-01-31 (two year ends, Easter 2027).
SPAN = np.arange(as_days(["2026-12-01"])[0], as_days(["2028-01-31"])[0] + 1)


def _date(day: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day))


def test_weekday_of_is_the_calendars_weekday() -> None:
    """weekday_of gives each day's weekday, Monday = 0, as datetime.date does."""
    assert weekday_of(SPAN).tolist() == [_date(d).weekday() for d in SPAN]


@pytest.mark.parametrize("weekday", range(7))
def test_on_or_after_is_the_first_such_weekday(weekday: int) -> None:
    """on_or_after gives the first day with that weekday on or after each day."""
    found = on_or_after(SPAN, weekday)
    for day, first in zip(SPAN.tolist(), found.tolist(), strict=True):
        expected = next(d for d in range(day, day + 7) if _date(d).weekday() == weekday)
        assert first == expected


def test_the_danish_calendar_has_easter_2027_and_not_ordinary_days() -> None:
    """Skærtorsdag and Langfredag 2027 are Danish public holidays; the days around are not."""
    closed = is_holiday(as_days(["2027-03-24", "2027-03-25", "2027-03-26", "2027-03-27"]))
    assert closed.tolist() == [False, True, True, False]
    assert is_holiday(as_days(["2027-12-25", "2027-12-27", "2028-01-01"])).tolist() == [
        True,
        False,
        True,
    ]


def test_danish_holidays_are_sorted_and_inside_their_years() -> None:
    """danish_holidays lists each year's holidays once, sorted, inside the years asked for."""
    days = danish_holidays(2027, 2028)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    assert np.all(days[1:] > days[:-1])
    assert set(years.tolist()) == {2027, 2028}
    assert len(danish_holidays(2028, 2027)) == 0


def test_holidays_for_covers_the_year_after() -> None:
    """holidays_for covers the years of the days and one more, for a meeting moved past
    the year's end."""
    covered = holidays_for(as_days(["2027-12-20"]))
    assert np.datetime64("2028-01-01") in covered
    assert np.datetime64("2027-03-25") in covered


def test_next_meeting_without_skipping_is_the_first_weekday() -> None:
    """With skipping off, a meeting on a holiday stays where the weekday puts it."""
    assert next_meeting(SPAN, 3).tolist() == on_or_after(SPAN, 3).tolist()
    assert next_meeting(as_days(["2027-03-22"]), 3, False).tolist() == as_days(["2027-03-25"])


@pytest.mark.parametrize("weekday", range(7))
def test_next_meeting_skips_every_holiday(weekday: int) -> None:
    """With skipping on, the first meeting is the first day of that weekday, on or after
    the day, that is no public holiday: checked day by day over thirteen months."""
    closed = set(holidays_for(SPAN).astype(np.int64).tolist())
    found = next_meeting(SPAN, weekday, True)
    for day, first in zip(SPAN.tolist(), found.tolist(), strict=True):
        expected = next(
            d for d in range(day, day + 21) if _date(d).weekday() == weekday and d not in closed
        )
        assert first == expected


def test_next_meeting_moves_past_two_holidays_on_one_weekday() -> None:
    """Christmas Day and New Year's Day fall on the same weekday: a Saturday group on
    2027-12-25 meets first on 2028-01-08."""
    found = next_meeting(as_days(["2027-12-20"]), 5, True)
    assert found.astype("datetime64[D]").tolist() == [dt.date(2028, 1, 8)]


def test_next_meeting_skips_only_where_asked_and_keeps_the_shape() -> None:
    """skip_holidays broadcasts: only the sessions that skip holidays move."""
    days = as_days([["2027-03-22"], ["2027-03-23"]])
    found = next_meeting(days, np.array([[3, 4]]), np.array([[True, False]]))
    assert found.shape == (2, 2)
    assert found.astype("datetime64[D]").astype(str).tolist() == [
        ["2027-04-01", "2027-03-26"],
        ["2027-04-01", "2027-03-26"],
    ]


def test_a_calendar_of_ones_own_replaces_the_danish_one() -> None:
    """A holidays array passed in is the calendar is_holiday and next_meeting use."""
    own = np.array(["2027-01-11"], dtype="datetime64[D]")
    assert is_holiday(as_days(["2027-01-11", "2027-03-25"]), own).tolist() == [True, False]
    assert next_meeting(as_days(["2027-01-05"]), 0, True, own).tolist() == as_days(["2027-01-18"])


def test_next_meeting_date_for_one_python_date() -> None:
    """next_meeting_date answers for a datetime.date as next_meeting does for days."""
    day = dt.date(2027, 3, 24)
    assert next_meeting_date(day, 4) == dt.date(2027, 3, 26)
    assert next_meeting_date(day, 4, skip_holidays=True) == dt.date(2027, 4, 2)


def test_spans_merge_overlapping_periods_of_one_owner() -> None:
    """Spans.of merges overlapping and touching periods of an owner, never across owners."""
    spans = Spans.of([[(10, 12), (13, 15), (30, 31), (11, 14)], [], [(5, 5), (1, 2)]])
    assert list(zip(spans.owner, spans.first, spans.last, strict=True)) == [
        (0, 10, 15),
        (0, 30, 31),
        (2, 1, 2),
        (2, 5, 5),
    ]
    assert len(Spans.of([[], []])) == 0


def test_spans_find_whether_a_day_is_inside_its_owners_period() -> None:
    """find says, per (owner, day), whether the day lies in one of that owner's periods."""
    spans = Spans.of([[(10, 15)], [(20, 20)]])
    owners = np.array([0, 0, 0, 0, 1, 1, 1])
    days = np.array([9, 10, 15, 16, 20, 10, 21])
    inside, last = spans.find(owners, days)
    assert inside.tolist() == [False, True, True, False, True, False, False]
    assert last[inside].tolist() == [15, 15, 20]


def test_next_free_meeting_checked_day_by_day() -> None:
    """next_free_meeting is the first meeting of the weekday on or after the day that is in
    no period of the session nor of the person (and no holiday when asked): checked
    against a walk through the days."""
    rng = np.random.default_rng(1)

    def periods(count: int, longest: int) -> list[tuple[int, int]]:
        firsts, lengths = rng.choice(SPAN, count), rng.integers(0, longest, count)
        return [(int(a), int(a) + int(n)) for a, n in zip(firsts, lengths, strict=True)]

    sessions = [periods(1, 30) for _ in range(5)]
    people = [periods(2, 20) for _ in range(4)]
    s_spans, p_spans = Spans.of(sessions), Spans.of(people)
    weekday = np.arange(5) % 7
    days = rng.choice(SPAN, (4, 1))
    found = next_free_meeting(
        days,
        weekday[None, :],
        np.array([True, False, True, False, True])[None, :],
        ((s_spans, np.arange(5)[None, :]), (p_spans, np.arange(4)[:, None])),
    )
    closed = set(holidays_for(SPAN).astype(np.int64).tolist())
    for p in range(4):
        for s in range(5):
            off = {d for a, b in sessions[s] + people[p] for d in range(a, b + 1)}
            if s % 2 == 0:
                off |= closed
            day = int(days[p, 0])
            while _date(day).weekday() != weekday[s] or day in off:
                day += 1
            assert found[p, s] == day, (p, s)


def test_next_free_meeting_without_periods_is_next_meeting() -> None:
    """With no periods at all, next_free_meeting is next_meeting."""
    none = Spans.none()
    assert (
        next_free_meeting(SPAN, 2, True, ((none, 0),)).tolist()
        == next_meeting(SPAN, 2, True).tolist()
    )
