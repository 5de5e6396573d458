"""A catalogue that uses every column of offers.csv and sessions.csv, for the tests of
the catalogue exchanges (HSDS 3, OpenActive), and how to compare two catalogues."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from builders import build, offer, session

from matcher import Dataset

#: The columns compared after a round trip (the typed values the loader gives).
OFFER_COLUMNS = (
    "offer_id", "name", "kind", "provider", "lat", "lon", "diagnoses", "languages", "gender",
    "group_size", "intensity", "supervised", "fee_dkk_month", "tags", "address", "phone",
    "description", "interpreter", "interpreter_languages", "accessibility", "talk_level",
    "trial_free", "online", "verified_date", "status", "paused_until",
)  # fmt: skip
SESSION_COLUMNS = (
    "session_id", "offer_id", "weekday", "start", "end", "capacity", "first_date", "weeks",
    "exceptions",
)  # fmt: skip


def rich_catalogue(directory: Path) -> Dataset:
    """Offers with interpreters, access, talk levels, a free first session, online,
    paused and closed offers, no provider, an address without a postal code and a
    name that starts like a formula; sessions with courses and exceptions."""
    offers = [
        offer(
            offer_id="O1",
            name="Stille motion Vollsmose",
            provider="Frivilligcenter Odense",
            address="Idrætsvej 93, 5070 Odense",
            phone="62370654",
            description="Rolig træning, også siddende.",
            languages="da;en",
            interpreter="first_session",
            interpreter_languages="ar;so",
            accessibility="wheelchair;seated",
            talk_level="little",
            trial_free="true",
            verified_date="2026-11-02",
            fee_dkk_month=25.5,
            tags="walking;strength",
            diagnoses="heart;copd",
            gender="women",
            supervised="true",
            intensity="moderate",
        ),
        offer(
            offer_id="O2",
            name="=Hjertecafé online",
            kind="network_group",
            provider="",
            online="true",
            accessibility="hearing",
            talk_level="social",
            status="paused",
            paused_until="2027-02-28",
            interpreter="all",
            interpreter_languages="tr",
            group_size=12,
            tags="",
        ),
        offer(
            offer_id="O3",
            name="Udslusningshold Næsby",
            kind="exit_team",
            provider="Odense Kommune, Sundhedscenter",
            address="Sundhedscentret i Næsby",
            status="closed",
            gender="men",
            intensity="high",
        ),
    ]
    sessions = [
        session(session_id="S1", offer_id="O1", weekday="wed", start="17:00", end="18:30"),
        session(
            session_id="S2",
            offer_id="O2",
            weekday="fri",
            start="09:15",
            end="10:00",
            capacity=0,
            first_date="2027-01-06",
            exceptions="2027-07-05..2027-08-01;2027-12-24",
        ),
        session(session_id="S3", offer_id="O3", first_date="2027-01-20", weeks=8, capacity=12),
        session(session_id="S4", offer_id="O3", first_date="2027-03-03", weeks=8, end="24:00"),
    ]
    return build(offers, sessions, directory=directory)


def differences(before: Dataset, after: Dataset, columns: tuple[str, ...], table: str) -> list[str]:
    """The columns of ``table`` (``offers`` or ``sessions``) whose values differ."""
    left, right = getattr(before, table), getattr(after, table)
    found = []
    for column in columns:
        a = pd.Series(left[column].tolist(), dtype=object)
        b = pd.Series(right[column].tolist(), dtype=object)
        same = len(a) == len(b) and all(
            (pd.isna(x) and pd.isna(y)) if _scalar(x) and pd.isna(x) else x == y
            for x, y in zip(a, b, strict=True)
        )
        if not same:
            found.append(column)
    return found


def _scalar(value: object) -> bool:
    return not isinstance(value, tuple | list)
