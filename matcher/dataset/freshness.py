"""Stale offers: an offer not checked for a number of months.

A catalogue rots: an offer that stopped a year ago sends a person to a locked
door. ``verified_date`` of offers.csv says when someone last checked an offer;
one checked more than ``months`` months before today is *stale* (the number
is ``stale_months`` of ``[freshness]`` in ``matcher/match/weights.toml``). An
offer without a ``verified_date`` is never stale: nobody said when it was
checked, and old datasets stay as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from ..errors import Problem
from ..words.problems import listed, problem

__all__ = ["months_before", "stale_offers", "stale_warnings", "without_stale"]


class _Tables(Protocol):
    """What ``without_stale`` needs of a ``Dataset``."""

    @property
    def offers(self) -> pd.DataFrame: ...

    @property
    def sessions(self) -> pd.DataFrame: ...

    @property
    def staff(self) -> pd.DataFrame | None: ...

    def replace(self, **changes: Any) -> Any: ...


D = TypeVar("D", bound=_Tables)


def months_before(today: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months before ``today`` (the month's last day
    when that month is shorter: 31 March less one month is 28 or 29 February)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return dt.date(year, month, min(today.day, (nxt - dt.timedelta(days=1)).day))


def stale_offers(offers: pd.DataFrame, months: int, today: dt.date | None = None) -> np.ndarray:
    """Per offer, whether its ``verified_date`` lies before ``months`` months before
    ``today`` (the day the command runs, by default); false without a date."""
    if "verified_date" not in offers.columns or len(offers) == 0:
        return np.zeros(len(offers), dtype=bool)
    limit = np.datetime64(months_before(today or dt.date.today(), months), "D")
    days = offers["verified_date"].to_numpy(dtype="datetime64[D]")
    stale: np.ndarray = ~np.isnat(days) & (days < limit)
    return stale


def stale_warnings(
    offers: pd.DataFrame,
    rows: np.ndarray,
    months: int,
    today: dt.date | None = None,
    file: str = "offers.csv",
) -> list[Problem]:
    """A warning for each stale offer, naming its row (``rows``: the spreadsheet row
    of each offer) and the ``verified_date`` column."""
    found = [
        problem(
            file,
            int(rows[i]),
            "verified_date",
            "offer '{offer}' was last verified on {date:%Y-%m-%d}, more than {months} months "
            "ago; check that it still runs as described",
            offer=offers["offer_id"].iat[i],
            date=offers["verified_date"].iat[i],
            months=months,
        )
        for i in np.flatnonzero(stale_offers(offers, months, today))
    ]
    return listed(found, file, "verified_date", "offers not verified for a long time")


def without_stale(dataset: D, months: int, today: dt.date | None = None) -> D:
    """``dataset`` without its stale offers, their sessions and their staff's shifts
    (``--fresh-only``); the dataset itself when none is stale."""
    stale = stale_offers(dataset.offers, months, today)
    if not stale.any():
        return dataset
    gone = set(dataset.offers["offer_id"][stale])
    changes: dict[str, Any] = {
        "offers": dataset.offers[~stale].reset_index(drop=True),
        "sessions": dataset.sessions[~dataset.sessions["offer_id"].isin(gone)].reset_index(
            drop=True
        ),
    }
    if dataset.staff is not None:
        changes["staff"] = dataset.staff[~dataset.staff["offer_id"].isin(gone)].reset_index(
            drop=True
        )
    kept: D = dataset.replace(**changes)
    return kept
