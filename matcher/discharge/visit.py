"""The facts of a first visit, gathered once for the hand-out, the calendar
invitation and the reminders.

``first_visit`` checks that the session fits the patient (the same rules as
a recommendation) and collects what the printed pages and the SMS say: the
offer's name, kind, address, phone, provider and languages, the first date
and time, how the person travels there and what it costs. Nothing here is
worded; ``Visit`` holds plain values, so every page and message is built
from the same facts. No vulnerability flag, priority or id is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from .options import Recommender

__all__ = ["Visit", "first_visit", "phone_text"]


def phone_text(text: str) -> str:
    """A Danish eight-digit number in pairs (``65 22 01 90``); anything else as given."""
    digits = text.replace(" ", "")
    if len(digits) == 8 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return text.strip()


@dataclass(frozen=True)
class Visit:
    """What a person needs to know about their first visit, as plain values.

    ``start_min`` and ``end_min`` are minutes after midnight; ``weekday`` is
    0 for Monday; ``weeks`` is the number of meetings in all (0: it goes on);
    ``home`` and ``venue`` are points in metres (EPSG:25832); ``travel_min``
    and ``mode`` are how the person gets there (a home visit: no trip).
    """

    kind: str
    name: str
    description: str
    address: str
    provider: str
    phone: str
    languages: tuple[str, ...]
    tags: tuple[str, ...]
    supervised: bool
    first: date
    start_min: int
    end_min: int
    weekday: int
    weeks: int
    mode: str
    travel_min: float
    fee_dkk_month: float
    home: tuple[float, float]
    venue: tuple[float, float]
    session_id: str
    today: date

    @property
    def home_visit(self) -> bool:
        """Whether staff come to the person's home (no trip, no map)."""
        return self.kind == "home_visit"

    @property
    def minutes(self) -> int:
        """The trip in whole minutes, rounded up."""
        return int(np.ceil(self.travel_min - 1e-6))


def _text(row: pd.Series, column: str) -> str:
    value = row.get(column, "")
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def first_visit(
    recommender: Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str = "da",
    held: bool = False,
) -> Visit:
    """The facts of ``patient``'s first visit to ``session_id``.

    Raises ``InputError`` (worded in ``lang`` where it names rules) for an
    unknown patient or session, a session that breaks a rule for the
    patient, or one without a free place unless ``held`` (the patient
    already holds a booking for it).
    """
    chosen = recommender.option(patient, session_id, lang=lang, need_place=not held)
    option = chosen.table().iloc[0]
    row = recommender.patient_row(patient).iloc[0]
    offers = recommender.dataset.offers
    offer = offers.loc[offers["offer_id"] == option["offer_id"]].iloc[0]
    sessions = recommender.dataset.sessions
    session = sessions.loc[sessions["session_id"] == option["session_id"]].iloc[0]
    today = recommender.today if recommender.today is not None else np.datetime64("today", "D")
    name = str(offer["name"])
    return Visit(
        kind=str(option["kind"]),
        name=name,
        description=_text(offer, "description").strip(),
        address=_text(offer, "address").strip(),
        provider=_text(offer, "provider").strip() or name,
        phone=phone_text(_text(offer, "phone")),
        languages=tuple(str(c) for c in (offer.get("languages") or ())),
        tags=tuple(str(t) for t in (offer.get("tags") or ())),
        supervised=bool(offer["supervised"]),
        first=pd.Timestamp(option["first_date"]).date(),
        start_min=int(session["start_min"]),
        end_min=int(session["end_min"]),
        weekday=int(session["day"]),
        weeks=int(session.get("weeks", 0) or 0),
        mode=str(option["travel_mode"]),
        travel_min=float(option["travel_min"]),
        fee_dkk_month=float(option["fee_dkk_month"]),
        home=(float(row["x"]), float(row["y"])),
        venue=(float(offer["x"]), float(offer["y"])),
        session_id=str(option["session_id"]),
        today=pd.Timestamp(today).date(),
    )
