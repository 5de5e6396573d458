"""The batch plan around what is already booked.

A patient with an active booking keeps it: the plan shows them as placed in
their booked session (reason "already booked"), their place is not offered
to anyone else, and only the others are planned (``plan(dataset,
bookings=...)`` does it; this module reads the bookings from the store).
Without a database (or an empty one) this is exactly ``matcher.plan``.
"""

from __future__ import annotations

from typing import Any

from ..dataset.load import Dataset
from ..errors import InputError
from ..planning.plan import BOOKED_REASON, plan
from ..planning.result import Plan
from ..words.problems import problem
from .bookings import active_bookings
from .db import database_exists, open_store, resolve_db_url, sqlite_file

__all__ = ["BOOKED_REASON", "plan_around_bookings"]


def plan_around_bookings(dataset: Dataset, url: str | None = None, **options: Any) -> Plan:
    """``matcher.plan`` for everyone without an active booking in the
    database at ``url`` (``None``: ``$BROBYGGER_DB`` or the default file),
    with booked places taken off capacity and booked patients listed as placed.

    ``options`` go to ``matcher.plan``.
    """
    resolved = resolve_db_url(url)
    path = sqlite_file(resolved)
    if url is not None and path is not None and not path.parent.is_dir():
        # a typing error in --db would silently plan over everyone's bookings
        raise InputError([problem(str(path.parent), None, None, "folder does not exist")])
    if not database_exists(resolved):
        return plan(dataset, **options)
    with open_store(resolved) as store:
        bookings = active_bookings(store)
    return plan(dataset, bookings=bookings, **options)
