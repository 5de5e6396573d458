"""The words of the field as small, fixed types.

Everything here is plain data: the four kinds of next step, the ways people
travel, weekdays, group tolerance and intensity levels, a weekly
availability window, and a patient's priority (1 plus the vulnerability
flags set). The rest of the package refers to these names only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

__all__ = [
    "CALL_TIMES",
    "CONSENT_PURPOSES",
    "CONTACT_CHANNELS",
    "DIAGNOSES",
    "GROUP_LIMIT",
    "INTENSITY_LEVEL",
    "KINDS",
    "MODES",
    "VULNERABILITY_FLAGS",
    "WEEKDAYS",
    "WEEKDAY_WORDS",
    "Kind",
    "Mode",
    "Window",
    "format_minutes",
    "parse_clock",
    "parse_window",
    "priority",
]


class Kind(StrEnum):
    """The four kinds of next step."""

    EXIT_TEAM = "exit_team"
    NETWORK_GROUP = "network_group"
    ASSOCIATION = "association"
    HOME_VISIT = "home_visit"


class Mode(StrEnum):
    """Ways a patient can travel to an activity."""

    WALK = "walk"
    BIKE = "bike"
    BUS = "bus"
    CAR = "car"
    FLEXTRAFIK = "flextrafik"


KINDS: tuple[str, ...] = tuple(k.value for k in Kind)
MODES: tuple[str, ...] = tuple(m.value for m in Mode)
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIAGNOSES: tuple[str, ...] = (
    "heart",
    "copd",
    "diabetes",
    "cancer",
    "musculoskeletal",
    "mental",
    "other",
)
OFFER_GENDERS: tuple[str, ...] = ("any", "men", "women")
PATIENT_GENDERS: tuple[str, ...] = ("woman", "man", "other")
GENDER_PREFS: tuple[str, ...] = ("any", "same")
#: Age bands for equity reporting (optional patient column ``age_band``).
AGE_BANDS: tuple[str, ...] = ("18-39", "40-64", "65-79", "80+")
TOLERANCES: tuple[str, ...] = ("individual", "small", "medium", "large")
#: How a patient is best reached (optional patient column ``contact_channel``).
CONTACT_CHANNELS: tuple[str, ...] = ("phone", "letter", "sms", "in_person", "relative")
#: Parts of the day to call a patient in (optional patient column ``call_time``),
#: in the order tried: after a call nobody answered, the next part of the day.
CALL_TIMES: tuple[str, ...] = ("morning", "afternoon", "evening")
#: What a patient may consent to, one purpose at a time (the store's consents).
CONSENT_PURPOSES: tuple[str, ...] = ("share_municipality", "gp_on_absence", "sms")
INTENSITIES: tuple[str, ...] = ("low", "moderate", "high")

#: Largest group a patient with this tolerance accepts (people, inclusive).
GROUP_LIMIT: dict[str, int] = {
    "individual": 1,
    "small": 6,
    "medium": 12,
    "large": 1_000_000,
}
#: Intensity as an ordered level (low < moderate < high).
INTENSITY_LEVEL: dict[str, int] = {name: i for i, name in enumerate(INTENSITIES)}
#: Offer gender restriction that matches a patient gender.
GENDER_OF_OFFER: dict[str, str] = {"men": "man", "women": "woman"}

#: Vulnerability flags. Each one set adds 1 to a patient's priority; none is
#: ever shown to the patient.
VULNERABILITY_FLAGS: tuple[str, ...] = (
    "lives_alone",
    "short_education",
    "low_income",
    "multimorbidity",
    "mental_health",
)


def priority(flags: np.ndarray) -> np.ndarray:
    """Each patient's priority: 1 plus the vulnerability flags set (``flags``: one row
    per patient, one column per flag of ``VULNERABILITY_FLAGS``)."""
    return 1 + np.asarray(flags, dtype=bool).sum(axis=1).astype(np.int64)


_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$", re.ASCII)
_WINDOW = re.compile(r"^\s*([^\W\d_]+)\s+(\S+)\s*-\s*(\S+)\s*$")
#: The weekday words a window may start with: ``mon`` ... ``sun`` or the whole
#: English name, in any case. Nothing else (``Monkey`` is not Monday).
WEEKDAY_WORDS: dict[str, int] = {
    **{day: i for i, day in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}


def parse_clock(text: str, *, allow_24: bool = False) -> int:
    """Minutes after midnight for ``HH:MM`` (also ``H:MM`` and ``HH.MM``).

    Raises ``ValueError`` with a plain message for anything else, such as
    ``25:00`` or ``8 o'clock``. ``24:00`` is accepted only as an end time.
    """
    match = _CLOCK.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a time of day (HH:MM)")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not allow_24)):
        raise ValueError(f"'{text}' is not a time of day (HH:MM, 00:00-23:59)")
    return hours * 60 + minutes


def format_minutes(minutes: int) -> str:
    """``HH:MM`` for minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True, slots=True)
class Window:
    """A weekly availability window: a weekday (0 = Monday) and a time span.

    ``start`` and ``end`` are minutes after midnight, ``start < end``.
    """

    day: int
    start: int
    end: int

    def contains(self, day: int, start: int, end: int) -> bool:
        """True when a session on ``day`` from ``start`` to ``end`` lies inside."""
        return self.day == day and self.start <= start and end <= self.end

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.day]} {format_minutes(self.start)}-{format_minutes(self.end)}"


def parse_window(text: str) -> Window:
    """A ``Window`` from text such as ``mon 08:00-12:00``."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a window like 'mon 08:00-12:00'")
    day_text = match.group(1).lower()
    if day_text not in WEEKDAY_WORDS:
        raise ValueError(f"'{match.group(1)}' is not a weekday (mon, tue, ... sun)")
    start = parse_clock(match.group(2))
    end = parse_clock(match.group(3), allow_24=True)
    if start >= end:
        raise ValueError(f"window '{text.strip()}' ends before it starts")
    return Window(WEEKDAY_WORDS[day_text], start, end)
