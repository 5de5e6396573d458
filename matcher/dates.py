"""Dates for the whole of Brobygger: weekdays, meeting days and Danish public holidays.

Every module that turns a date into a weekday, finds the first meeting of a
weekly session or asks whether a day is a public holiday does it here, so the
plan, the schedule, the routes, the recommendation and the bookings agree.

Dates are days since 1970-01-01 (``int64``, what ``datetime64[D]`` holds);
weekdays are 0 = Monday to 6 = Sunday, as in ``matcher.domain.WEEKDAYS`` and
``datetime.date.weekday``. The public holidays are Denmark's calendar from the
``holidays`` package (New Year's Day, Maundy Thursday, Good Friday, Easter
Sunday and Monday, Ascension Day, Whit Sunday and Monday, Christmas Day and
Boxing Day); the business-day arithmetic is numpy's (``np.is_busday``,
``np.busday_offset``) with those days as its holidays.

This module stands on the lowest floor: it imports numpy, pandas and
``holidays`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import holidays as holiday_calendars
import numpy as np

__all__ = [
    "EPOCH_WEEKDAY",
    "Spans",
    "as_days",
    "danish_holidays",
    "holidays_for",
    "is_holiday",
    "next_free_meeting",
    "next_meeting",
    "next_meeting_date",
    "on_or_after",
    "weekday_of",
]

#: The weekday of day 0, 1970-01-01: a Thursday (Monday = 0).
EPOCH_WEEKDAY = 3
#: Every day of the week counts: the holidays alone close a day.
_EVERY_DAY = "1111111"
#: Years a calendar may span, so that a stray date cannot build a huge one.
_FIRST_YEAR, _LAST_YEAR = 1900, 2200
#: Days per owner in a span's sort key (dates up to the year 4840 fit below it).
_KEY = 1 << 20


def as_days(dates: Any) -> np.ndarray:
    """Days since 1970-01-01 of ``dates`` (anything numpy reads as dates)."""
    return np.asarray(dates, dtype="datetime64[D]").astype(np.int64)


def weekday_of(days: Any) -> np.ndarray:
    """The weekday (0 = Monday) of each day (days since 1970-01-01)."""
    return (np.asarray(days, np.int64) + EPOCH_WEEKDAY) % 7


def on_or_after(days: Any, weekday: Any) -> np.ndarray:
    """The first day on or after each of ``days`` that falls on ``weekday``
    (0 = Monday); both broadcast, days since 1970-01-01."""
    days = np.asarray(days, np.int64)
    return days + (np.asarray(weekday, np.int64) - (days + EPOCH_WEEKDAY)) % 7


@cache
def danish_holidays(first_year: int, last_year: int) -> np.ndarray:
    """Denmark's public holidays from ``first_year`` to ``last_year`` (both included),
    sorted, as ``datetime64[D]``."""
    first = max(_FIRST_YEAR, int(first_year))
    last = min(_LAST_YEAR, int(last_year))
    if last < first:
        return np.zeros(0, dtype="datetime64[D]")
    calendar = holiday_calendars.country_holidays("DK", years=range(first, last + 1))
    found = sorted(day for day in calendar if isinstance(day, dt.date))
    days: np.ndarray = np.array(found, dtype="datetime64[D]")
    days.setflags(write=False)
    return days


def holidays_for(days: Any, *, after: int = 1) -> np.ndarray:
    """Denmark's public holidays of every year the ``days`` fall in and of ``after``
    years more (a meeting moved past a holiday may land in the next year)."""
    days = np.asarray(days, np.int64)
    if days.size == 0:
        return np.zeros(0, dtype="datetime64[D]")
    years = np.array([days.min(), days.max()]).astype("datetime64[D]").astype("datetime64[Y]")
    first, last = (years.astype(np.int64) + 1970).tolist()
    return danish_holidays(int(first), int(last) + after)


def is_holiday(days: Any, holidays: np.ndarray | None = None) -> np.ndarray:
    """Whether each day (days since 1970-01-01) is a Danish public holiday;
    ``holidays`` (``datetime64[D]``) replaces the calendar, e.g. for a test."""
    days = np.asarray(days, np.int64)
    hol = holidays_for(days, after=0) if holidays is None else holidays
    closed: np.ndarray = ~np.is_busday(
        days.astype("datetime64[D]"), weekmask=_EVERY_DAY, holidays=hol
    )
    return closed


def next_meeting(
    days: Any,
    weekday: Any,
    skip_holidays: Any = False,
    holidays: np.ndarray | None = None,
) -> np.ndarray:
    """The first meeting on or after each of ``days`` of a weekly session on
    ``weekday`` (0 = Monday): the first such day, or, where ``skip_holidays``
    holds and that day is a Danish public holiday, the next meeting that is
    not one. All three broadcast; days since 1970-01-01. ``holidays``
    (``datetime64[D]``) replaces the calendar."""
    start = on_or_after(days, weekday)
    skip = np.asarray(skip_holidays, bool)
    if not skip.any() or start.size == 0:
        return start
    start, skip, wd = np.broadcast_arrays(start, skip, np.asarray(weekday, np.int64))
    start = start.copy()
    hol = holidays_for(start) if holidays is None else holidays
    hit = skip & ~np.is_busday(start.astype("datetime64[D]"), weekmask=_EVERY_DAY, holidays=hol)
    for day in np.unique(wd[hit]).tolist():
        at = hit & (wd == day)
        mask = "".join("1" if i == day else "0" for i in range(7))
        moved = np.busday_offset(
            start[at].astype("datetime64[D]"), 0, roll="forward", weekmask=mask, holidays=hol
        )
        start[at] = moved.astype(np.int64)
    return start


def next_meeting_date(day: dt.date, weekday: int, *, skip_holidays: bool = False) -> dt.date:
    """``next_meeting`` for one ``datetime.date``."""
    start = next_meeting(as_days([day]), weekday, skip_holidays)[0]
    result: dt.date = np.datetime64(int(start), "D").astype(dt.date)
    return result


@dataclass(frozen=True)
class Spans:
    """Periods of days per owner: a session's dates without a meeting, a person's
    time away. ``owner``, ``first`` and ``last`` (days since 1970-01-01, both
    included) are one entry per period, sorted by owner and first day, with
    overlapping or touching periods of one owner merged."""

    owner: np.ndarray
    first: np.ndarray
    last: np.ndarray

    @classmethod
    def none(cls) -> Spans:
        """No periods at all."""
        empty = np.zeros(0, np.int64)
        return cls(empty, empty, empty)

    @classmethod
    def of(cls, periods: Iterable[Sequence[tuple[int, int]]]) -> Spans:
        """The periods of each owner in turn (owner 0 first): pairs of first and
        last day, in any order."""
        rows = sorted(
            (owner, int(a), int(b))
            for owner, spans in enumerate(periods)
            for a, b in spans
            if int(b) >= int(a)
        )
        merged: list[list[int]] = []
        for owner, a, b in rows:
            if merged and merged[-1][0] == owner and a <= merged[-1][2] + 1:
                merged[-1][2] = max(merged[-1][2], b)
            else:
                merged.append([owner, a, b])
        if not merged:
            return cls.none()
        table = np.array(merged, np.int64)
        return cls(table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy())

    def __len__(self) -> int:
        return len(self.owner)

    def find(self, owner: Any, days: Any) -> tuple[np.ndarray, np.ndarray]:
        """Whether each day falls in a period of its owner (both broadcast), and the
        last day of that period (meaningless where it does not)."""
        owner, days = np.broadcast_arrays(np.asarray(owner, np.int64), np.asarray(days, np.int64))
        if not len(self):
            return np.zeros(owner.shape, bool), np.zeros(owner.shape, np.int64)
        keys = self.owner * _KEY + self.first
        at = np.searchsorted(keys, owner * _KEY + days, side="right") - 1
        seen = at >= 0
        at = np.maximum(at, 0)
        inside = seen & (self.owner[at] == owner) & (self.last[at] >= days)
        last: np.ndarray = self.last[at]
        return inside, last


def next_free_meeting(
    days: Any,
    weekday: Any,
    skip_holidays: Any = False,
    blocked: Sequence[tuple[Spans, Any]] = (),
) -> np.ndarray:
    """``next_meeting``, also past the periods of ``blocked``: pairs of ``Spans``
    and the owner of each cell in them (e.g. the session's dates without a
    meeting and the person's time away). A meeting inside a period moves to
    the first meeting after it; all arrays broadcast."""
    start = next_meeting(days, weekday, skip_holidays)
    active = [(spans, np.asarray(owner, np.int64)) for spans, owner in blocked if len(spans)]
    if not active:
        return start
    shape = np.broadcast_shapes(start.shape, *(owner.shape for _, owner in active))
    flat = np.broadcast_to(start, shape).reshape(-1).copy()
    weekdays = np.broadcast_to(np.asarray(weekday, np.int64), shape).reshape(-1)
    skips = np.broadcast_to(np.asarray(skip_holidays, bool), shape).reshape(-1)
    owners = [(spans, np.broadcast_to(owner, shape).reshape(-1)) for spans, owner in active]
    todo = np.zeros(flat.shape, bool)
    for spans, owner in owners:
        todo |= np.isin(owner, spans.owner)
    cells = np.flatnonzero(todo)
    while cells.size:  # each round moves past a period's last day, so it ends
        after = flat[cells].copy()
        moved = np.zeros(cells.shape, bool)
        for spans, owner in owners:
            inside, last = spans.find(owner[cells], flat[cells])
            after = np.where(inside, np.maximum(after, last + 1), after)
            moved |= inside
        cells = cells[moved]
        flat[cells] = next_meeting(after[moved], weekdays[cells], skips[cells])
    return flat.reshape(shape)
