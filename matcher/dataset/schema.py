"""The columns of every dataset file, as data.

One ``Column`` per column of the contract (``CONTRACT.md`` and
``data/activities/README.md``): its type, whether it is required, its default
and its limits. ``matcher.dataset.load`` reads files against these tables, so adding an
optional column is one line here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ..csvsafe import FORMULA_STARTS
from ..domain import (
    AGE_BANDS,
    CALL_TIMES,
    CONTACT_CHANNELS,
    DIAGNOSES,
    GENDER_PREFS,
    INTENSITIES,
    KINDS,
    MODES,
    OFFER_GENDERS,
    PATIENT_GENDERS,
    TOLERANCES,
    VULNERABILITY_FLAGS,
    WEEKDAYS,
)

ColumnType = Literal[
    "id",  # non-empty text, unique in the file
    "text",  # free text
    "enum",  # one of ``choices``
    "enum_list",  # list of ``choices`` (``all`` allowed when ``allow_all``)
    "tag_list",  # free list of lower-case words
    "lang_list",  # ISO 639-1 codes
    "int",
    "float",
    "bool",
    "date",
    "clock",  # HH:MM
    "windows",  # weekly availability windows
    "date_ranges",  # dates and periods (``first..last``), as pairs of days since 1970-01-01
    "lat",
    "lon",
]


#: Dates a file may hold (inclusive): a date outside is a typing error, not a plan.
DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)
#: A discharge date this many days from the median of the others is warned about.
DISCHARGE_SPREAD_DAYS = 366
#: What a person may need of a venue, and what an offer's ``accessibility`` provides.
ACCESS_NEEDS = ("wheelchair", "visual", "hearing", "seated")
#: How much talking an offer involves, least first (a patient's ``talk_level_max``).
TALK_LEVELS = ("little", "some", "social")
#: When an offer has an interpreter: never, at the first session only, or at all sessions.
INTERPRETER_AT = ("none", "first_session", "all")
#: Whether an offer takes new participants (``paused``: until ``paused_until``).
OFFER_STATUSES = ("open", "paused", "closed")
#: The largest file Brobygger reads, in bytes (a national catalogue is far smaller).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The longest cell, in characters (a description is a few hundred).
MAX_CELL_CHARS = 10_000


@dataclass(frozen=True)
class Column:
    """One column of a dataset file."""

    name: str
    type: ColumnType
    default: Any = None
    choices: tuple[str, ...] = ()
    allow_all: bool = False
    minimum: float | None = None
    exclusive_minimum: bool = False
    #: the largest plausible value (inclusive); anything above is bad input
    maximum: float | None = None
    #: holds a pseudonym: a CPR number, a name or look-alike characters are refused
    pseudonym: bool = False

    @property
    def required(self) -> bool:
        """A column without a default must be in the file and never empty."""
        return self.default is None


@dataclass(frozen=True)
class FileSpec:
    """A dataset file: its name, columns and the column holding its id."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    required: bool = True
    aliases: dict[str, str] = field(default_factory=dict)
    #: refuse columns named like a name, CPR number or contact (``matcher.privacy``)
    no_personal_columns: bool = False

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


OFFERS = FileSpec(
    "offers.csv",
    (
        Column("offer_id", "id"),
        Column("name", "text"),
        Column("kind", "enum", choices=KINDS),
        Column("provider", "text", default=""),
        Column("lat", "lat"),
        Column("lon", "lon"),
        Column("diagnoses", "enum_list", choices=DIAGNOSES, allow_all=True, default=("all",)),
        Column("languages", "lang_list", default=("da",)),
        Column("gender", "enum", choices=OFFER_GENDERS, default="any"),
        Column("group_size", "int", minimum=1, maximum=200),
        Column("intensity", "enum", choices=INTENSITIES, default="moderate"),
        Column("supervised", "bool", default=False),
        Column("fee_dkk_month", "float", minimum=0, maximum=100_000, default=0.0),
        Column("tags", "tag_list", default=()),
        Column("address", "text", default=""),
        Column("phone", "text", default=""),
        Column("description", "text", default=""),
        Column("interpreter", "enum", choices=INTERPRETER_AT, default="none"),
        Column("interpreter_languages", "lang_list", default=()),
        Column("accessibility", "enum_list", choices=ACCESS_NEEDS, default=()),
        Column("talk_level", "enum", choices=TALK_LEVELS, default="some"),
        Column("trial_free", "bool", default=False),
        Column("online", "bool", default=False),
        Column("verified_date", "date", default=np.datetime64("NaT")),
        Column("status", "enum", choices=OFFER_STATUSES, default="open"),
        Column("paused_until", "date", default=np.datetime64("NaT")),
    ),
    key="offer_id",
)

SESSIONS = FileSpec(
    "sessions.csv",
    (
        Column("session_id", "id"),
        Column("offer_id", "text"),
        Column("weekday", "enum", choices=WEEKDAYS),
        Column("start", "clock"),
        Column("end", "clock"),
        Column("capacity", "int", minimum=0, maximum=10_000),
        Column("first_date", "date"),
        Column("weeks", "int", minimum=1, maximum=520, default=0),
        Column("exceptions", "date_ranges", default=()),
    ),
    key="session_id",
)

PATIENTS = FileSpec(
    "patients.csv",
    (
        Column("patient_id", "id", pseudonym=True),
        Column("lat", "lat"),
        Column("lon", "lon"),
        Column("discharge_date", "date"),
        Column("diagnoses", "enum_list", choices=DIAGNOSES, default=()),
        Column("gender", "enum", choices=PATIENT_GENDERS, default="other"),
        Column("gender_pref", "enum", choices=GENDER_PREFS, default="any"),
        Column("age_band", "enum", choices=AGE_BANDS, default=""),
        Column("modes", "enum_list", choices=MODES, default=("walk",)),
        Column("max_travel_min", "int", minimum=0, exclusive_minimum=True, maximum=600, default=30),
        Column("available", "windows", default=()),
        Column("group_tolerance", "enum", choices=TOLERANCES, default="large"),
        Column("budget_dkk_month", "float", minimum=0, maximum=100_000, default=0.0),
        Column("languages", "lang_list", default=("da",)),
        Column("intensity_max", "enum", choices=INTENSITIES, default="moderate"),
        Column("needs_supervision", "bool", default=False),
        Column("home_bound", "bool", default=False),
        Column("interests", "tag_list", default=()),
        *(Column(flag, "bool", default=False) for flag in VULNERABILITY_FLAGS),
        Column("escalate", "bool", default=False),
        Column("prior_offer_id", "text", default=""),
        Column("contact_channel", "enum", choices=CONTACT_CHANNELS, default=""),
        Column("call_time", "enum", choices=CALL_TIMES, default=""),
        Column("transport_help", "bool", default=False),
        Column("together", "bool", default=False),
        Column("away", "date_ranges", default=()),
        Column("not_before", "date", default=np.datetime64("NaT")),
        Column("ready_for", "enum", choices=KINDS, default=""),
        Column("needs", "enum_list", choices=ACCESS_NEEDS, default=()),
        Column("talk_level_max", "enum", choices=TALK_LEVELS, default="social"),
        Column("online_ok", "bool", default=False),
    ),
    key="patient_id",
    no_personal_columns=True,
)

STAFF = FileSpec(
    "staff.csv",
    (
        Column("staff_id", "text", pseudonym=True),
        Column("offer_id", "text"),
        Column("weekday", "enum", choices=WEEKDAYS),
        Column("shift_start", "clock"),
        Column("shift_end", "clock"),
        Column("role", "text", default=""),
        Column("accompanies", "bool", default=False),
        Column("languages", "lang_list", default=("da",)),
        Column("gender", "enum", choices=PATIENT_GENDERS, default="other"),
    ),
    required=False,
)

CANDIDATES = FileSpec(
    "candidates.csv",
    (
        Column("candidate_id", "id"),
        Column("name", "text"),
        Column("lat", "lat"),
        Column("lon", "lon"),
        Column("weekday", "enum", choices=WEEKDAYS),
        Column("start", "clock"),
        Column("end", "clock"),
        Column("size", "int", minimum=1, maximum=200),
        Column("cohort_every_weeks", "int", minimum=1, maximum=520),
        Column("first_date", "date"),
        Column("staff_hours_week", "float", minimum=0, maximum=1_000),
        Column(
            "diagnoses",
            "enum_list",
            choices=DIAGNOSES,
            allow_all=True,
            default=("all",),
        ),
        Column("languages", "lang_list", default=("da",)),
        Column("gender", "enum", choices=OFFER_GENDERS, default="any"),
        Column("intensity", "enum", choices=INTENSITIES, default="moderate"),
        Column("supervised", "bool", default=True),
    ),
    key="candidate_id",
    required=False,
)

TRAVEL_TIMES = FileSpec(
    "travel_times.csv",
    (
        Column("origin_id", "text"),
        Column("destination_id", "text"),
        Column("minutes", "float", minimum=0, maximum=600),
        Column("mode", "enum", choices=MODES, default=""),
    ),
    required=False,
)

#: The plan ``brobygger plan`` writes, read back by ``tasks --from-plan``: held to
#: the same checks as the dataset (not one of its files).
PLAN = FileSpec(
    "PLAN.csv",
    (
        Column("patient_id", "id", pseudonym=True),
        Column("status", "enum", choices=("placed", "unplaced", "escalated")),
        Column("offer_id", "text", default=""),
        Column("session_id", "text", default=""),
        Column("kind", "enum", choices=KINDS, default=""),
        Column("start_date", "date", default=np.datetime64("NaT")),
        Column("wait_days", "float", minimum=0, maximum=36_600, default=np.nan),
        Column("travel_min", "float", minimum=0, maximum=600, default=np.nan),
        Column("travel_mode", "enum", choices=(*MODES, "staff", "online"), default=""),
        Column("fee_dkk_month", "float", minimum=0, maximum=100_000, default=np.nan),
        Column("cost", "float", minimum=-1e15, maximum=1e15, default=np.nan),
        Column("reason", "text", default=""),
    ),
    key="patient_id",
    no_personal_columns=True,
)

__all__ = [
    "ACCESS_NEEDS",
    "CANDIDATES",
    "DATE_MAX",
    "DATE_MIN",
    "DISCHARGE_SPREAD_DAYS",
    "FILES",
    "FORMULA_STARTS",
    "INTERPRETER_AT",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "OFFERS",
    "OFFER_STATUSES",
    "PATIENTS",
    "PLAN",
    "SESSIONS",
    "STAFF",
    "TALK_LEVELS",
    "TRAVEL_TIMES",
    "Column",
    "FileSpec",
]

FILES: tuple[FileSpec, ...] = (OFFERS, SESSIONS, PATIENTS, STAFF, CANDIDATES, TRAVEL_TIMES)
