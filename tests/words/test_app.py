"""The app's words: each key in its register, coded values and headers in words."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import matcher.ui
from matcher.words import app as i18n
from matcher.words.catalog import catalogue

#: The app's code, which looks its words up in ``matcher.words``.
UI = Path(matcher.ui.__file__).resolve().parent


def test_the_app_finds_each_key_in_one_context() -> None:
    """A key of the app's words sits in only one of the staff and municipality contexts."""
    found = catalogue("da")
    staff, municipality = set(found.keys("staff")), set(found.keys("municipality"))
    assert not staff & municipality
    assert {"tab_discharge", "reason_escalated"} <= staff
    assert {"coverage", "map_title", "equity_caption"} <= municipality
    assert {"travel", "modes.walk", "times"} <= set(found.keys("patient"))


def test_every_text_has_danish_and_english() -> None:
    """Every key has a non-empty text in both languages."""
    assert i18n.LANGUAGES == ("da", "en")
    for key in i18n.text_keys():
        for lang in i18n.LANGUAGES:
            assert i18n.text(key, lang).strip(), f"{key} has no {lang} text"


def test_every_key_the_views_use_exists() -> None:
    """Each text("key") and t("key") in the app's code names a key with both texts."""
    used: set[str] = set()
    for source in UI.rglob("*.py"):
        code = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\b(?:text|t)\(\s*["']([a-z_0-9]+)["']""", code))
    assert len(used) > 40
    missing = sorted(k for k in used if not i18n.has_text(k))
    assert not missing, f"keys without a text: {missing}"


def test_every_code_shown_in_a_table_has_words(demo_dir: Path) -> None:
    """Statuses, kinds, modes, rules, bands, diagnoses, equity groups and headers all have texts."""
    from matcher import load_dataset
    from matcher.domain import (
        DIAGNOSES,
        INTENSITIES,
        KINDS,
        MODES,
        PATIENT_GENDERS,
        TOLERANCES,
        VULNERABILITY_FLAGS,
        WEEKDAYS,
    )
    from matcher.match.costs import RULES
    from matcher.municipality.equity import EQUITY_COLUMNS
    from matcher.municipality.gaps import BANDS, NO_SESSIONS
    from matcher.planning.result import PLAN_COLUMNS

    families = {
        "status": ("placed", "unplaced", "escalated"),
        "kind": KINDS,
        "mode": (*MODES, "staff"),
        "rule": (*RULES, NO_SESSIONS),
        "band": BANDS,
        "diag": DIAGNOSES,
        "tol": TOLERANCES,
        "intensity": INTENSITIES,
        "gender": PATIENT_GENDERS,
        "day": WEEKDAYS,
        "source": ("venue", "district"),
        "solver": ("OPTIMAL", "FEASIBLE"),
        "dim": ("gender", "language", "age band", "district", "vulnerability"),
        "group": (
            "da",
            "not da",
            "unknown",
            "outside",
            *VULNERABILITY_FLAGS,
            *(f"not {f}" for f in VULNERABILITY_FLAGS),
        ),
    }
    for family, codes in families.items():
        for code in codes:
            assert i18n.has_text(i18n.code_key(family, code)), f"{family} {code!r} has no words"
    from matcher.ui.municipality import MunicipalityState
    from matcher.ui.state import DataState, PlanningState

    data = DataState()
    data.use(load_dataset(demo_dir))
    planning = PlanningState(data)
    state = MunicipalityState(data, planning)
    state.analyse(background=False)
    planning.run(background=False)
    for dimension in set(state.equity["dimension"]):
        assert i18n.has_text(i18n.code_key("dim", dimension)), dimension
    columns = {*PLAN_COLUMNS, *EQUITY_COLUMNS, *state.shown().columns}
    for column in columns:
        assert i18n.has_text(f"col_{column}"), f"column {column} has no header"


def test_a_text_is_the_catalogue_entry_of_its_register() -> None:
    """``text`` finds a key in the staff or municipality context and fills its fields."""
    staff, municipality = catalogue("en").keys("staff")[0], catalogue("en").keys("municipality")[0]
    assert i18n.text(staff, "en") == catalogue("en").text("staff", staff)
    assert i18n.text(municipality, "da") == catalogue("da").text("municipality", municipality)
    template = catalogue("en").text("staff", "data_problems")
    assert i18n.text("data_problems", "en", count=3) == template.format(count=3)
    assert "3" in i18n.text("data_problems", "en", count=3)


def test_an_unknown_language_reads_danish_and_an_unknown_key_fails() -> None:
    """A language without words falls back to Danish; a key without words is a KeyError."""
    assert i18n.text("col_status", "fr") == i18n.text("col_status", "da")
    assert i18n.plural_text("reason_taken", 2, "fr", options=2) == i18n.plural_text(
        "reason_taken", 2, "da", options=2
    )
    assert not i18n.has_text("no_such_key")
    with pytest.raises(KeyError):
        i18n.text("no_such_key", "da")


def test_the_patient_context_is_not_the_apps() -> None:
    """The app's keys are the staff and municipality keys only, never the patient's."""
    found = catalogue("da")
    keys = set(i18n.text_keys())
    assert keys == set(found.keys("staff")) | set(found.keys("municipality"))
    assert not i18n.has_text("modes.walk")


@pytest.mark.parametrize(
    ("family", "code", "key"),
    [
        ("dim", "age band", "dim_age_band"),
        ("group", "not da", "group_not_da"),
        ("rule", "home-only", "rule_home_only"),
        ("status", " Placed ", "status_placed"),
        ("day", 3, "day_3"),
    ],
)
def test_a_code_key_is_the_family_and_the_code_in_snake_case(
    family: str, code: object, key: str
) -> None:
    """Spaces and dashes become ``_``, the code is lower case and trimmed."""
    assert i18n.code_key(family, code) == key


def test_codes_without_words_stay_and_missing_codes_are_empty() -> None:
    """A code with a text is put in words; one without stays as it is; None and NaN are empty."""
    assert i18n.code_text("status", "placed", "en") == i18n.text("status_placed", "en")
    assert i18n.code_text("status", "placed", "da") != i18n.code_text("status", "placed", "en")
    assert i18n.code_text("group", "Vesterbro", "da") == "Vesterbro"
    assert i18n.code_text("status", None) == ""
    assert i18n.code_text("status", float("nan")) == ""


def test_columns_without_a_header_keep_their_name() -> None:
    """A column with a ``col_`` text gets it as its header; any other keeps its name."""
    assert i18n.column_text("status", "en") == i18n.text("col_status", "en")
    assert i18n.column_text("no_such_column", "en") == "no_such_column"


def test_a_frame_for_people_has_words_for_codes_and_headers() -> None:
    """``frame_in`` words the coded columns (tuples joined by commas), keeps missing
    values missing, renames the headers and leaves the frame it was given alone."""
    frame = pd.DataFrame(
        {
            "status": ["placed", None, "escalated"],
            "modes": [("walk", "bike"), ("bus",), None],
            "patient_id": ["P1", "P2", "P3"],
        }
    )
    shown = i18n.frame_in(frame, "en", {"status": "status", "modes": "mode", "absent": "kind"})
    status, modes = i18n.column_text("status", "en"), i18n.column_text("modes", "en")
    assert list(shown.columns) == [status, modes, i18n.column_text("patient_id", "en")]
    assert shown[status].iloc[0] == i18n.code_text("status", "placed", "en")
    assert pd.isna(shown[status].iloc[1])
    walk, bike = (i18n.code_text("mode", m, "en") for m in ("walk", "bike"))
    assert shown[modes].iloc[0] == f"{walk}, {bike}"
    assert pd.isna(shown[modes].iloc[2])
    assert shown.iloc[:, 2].tolist() == ["P1", "P2", "P3"]
    assert list(frame.columns) == ["status", "modes", "patient_id"]
    assert frame["status"].iloc[0] == "placed"


def test_the_equity_table_keeps_district_names() -> None:
    """``equity_in`` words dimensions and groups but leaves a district's own name (even
    one spelt like a group code), and words the group outside the districts."""
    frame = pd.DataFrame(
        {
            "dimension": ["district", "district", "gender", "district"],
            "group": ["Nørrebro", "outside", "unknown", "unknown"],
        }
    )
    shown = i18n.equity_in(frame, "da")
    dimension, group = i18n.column_text("dimension", "da"), i18n.column_text("group", "da")
    assert shown[group].tolist() == [
        "Nørrebro",
        i18n.code_text("group", "outside", "da"),
        i18n.code_text("group", "unknown", "da"),
        "unknown",
    ]
    assert shown[group].iloc[1] != "outside" and shown[group].iloc[2] != "unknown"
    assert shown[dimension].tolist() == [
        i18n.code_text("dim", d, "da") for d in ("district", "district", "gender", "district")
    ]
