"""The column tables of the data contract, and that users' documentation covers them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher.dataset.schema import (
    CANDIDATES,
    DATE_MAX,
    DATE_MIN,
    FILES,
    OFFERS,
    PATIENTS,
    SESSIONS,
    Column,
    FileSpec,
)
from matcher.domain import VULNERABILITY_FLAGS

README = Path(__file__).resolve().parents[2] / "data" / "activities" / "README.md"
SPECS = {spec.name: spec for spec in FILES}


@pytest.mark.parametrize("spec", FILES, ids=lambda s: s.name)
def test_column_names_are_unique_lower_case_words(spec: FileSpec) -> None:
    """Every column appears once and is written as a lower-case word, as users type it."""
    names = [c.name for c in spec.columns]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)


@pytest.mark.parametrize("spec", [s for s in FILES if s.key is not None], ids=lambda s: s.name)
def test_key_column_is_a_required_id(spec: FileSpec) -> None:
    """A file's id column is of type id and required, so duplicates and gaps are caught."""
    assert spec.key is not None
    key = spec.column(spec.key)
    assert key.type == "id"
    assert key.required


@pytest.mark.parametrize(
    "column",
    [(s.name, c) for s in FILES for c in s.columns if c.type in ("enum", "enum_list")],
    ids=lambda pair: f"{pair[0]}:{pair[1].name}",
)
def test_enum_defaults_are_allowed_values(column: tuple[str, Column]) -> None:
    """A default of an enum column is one of its choices (or empty), so empty cells stay valid."""
    _, col = column
    choices = set(col.choices) | ({"all"} if col.allow_all else set())
    values = col.default if isinstance(col.default, tuple) else (col.default,)
    assert all(v in choices or v in ("", None) for v in values)


def test_required_files_are_the_three_tables() -> None:
    """offers, sessions and patients are required; staff, candidates, travel times optional."""
    assert {s.name for s in FILES if s.required} == {"offers.csv", "sessions.csv", "patients.csv"}


@pytest.mark.parametrize(
    ("spec", "required"),
    [
        (OFFERS, {"offer_id", "name", "kind", "lat", "lon", "group_size"}),
        (SESSIONS, {"session_id", "offer_id", "weekday", "start", "end", "capacity", "first_date"}),
        (PATIENTS, {"patient_id", "lat", "lon", "discharge_date"}),
    ],
    ids=lambda v: v.name if isinstance(v, FileSpec) else "",
)
def test_required_columns_are_the_ones_without_a_sensible_default(
    spec: FileSpec, required: set[str]
) -> None:
    """Only ids, names, kinds, places, times, sizes and dates must be given in every row."""
    assert {c.name for c in spec.columns if c.required} == required


def test_vulnerability_flags_and_escalation_default_to_false() -> None:
    """An empty vulnerability or escalate cell means 'not set', never a guess."""
    for flag in (*VULNERABILITY_FLAGS, "escalate"):
        column = PATIENTS.column(flag)
        assert column.type == "bool"
        assert column.default is False


def test_candidates_are_supervised_by_default() -> None:
    """A new exit team a planner could open has a professional present unless told otherwise."""
    assert CANDIDATES.column("supervised").default is True


@pytest.mark.parametrize(
    "pair",
    [(s.name, c.name) for s in FILES for c in s.columns],
    ids=lambda p: f"{p[0]}:{p[1]}",
)
def test_users_readme_documents_every_column(pair: tuple[str, str]) -> None:
    """data/activities/README.md has a row for every column of every file in the schema."""
    name, column = pair
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {name}", 1)
    assert len(section) == 2, f"README has no section '## {name}'"
    body = section[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| `{column}` \|", body, flags=re.MULTILINE), (
        f"README section {name} does not document column {column}"
    )


def test_users_readme_documents_districts() -> None:
    """The optional district map is documented with its two properties."""
    text = README.read_text(encoding="utf-8")
    assert "## districts.geojson" in text
    body = text.split("## districts.geojson", 1)[1].split("\n## ", 1)[0]
    assert "`district_id`" in body
    assert "`name`" in body


def _readme_row(file: str, column: str) -> list[str]:
    """The cells of the row documenting ``column`` in the section of ``file``."""
    body = README.read_text(encoding="utf-8").split(f"## {file}", 1)[1].split("\n## ", 1)[0]
    line = next(x for x in body.splitlines() if x.startswith(f"| `{column}` |"))
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


@pytest.mark.parametrize(
    "pair",
    [(s, c) for s in FILES for c in s.columns],
    ids=lambda p: f"{p[0].name}:{p[1].name}",
)
def test_users_readme_states_each_columns_requirement_and_range_as_the_schema(
    pair: tuple[FileSpec, Column],
) -> None:
    """The loader's limits are the documented ones: a column's README row says 'yes' as
    required exactly when the schema requires it, and states its numeric range and the
    date window."""
    spec, column = pair
    cells = _readme_row(spec.name, column.name)
    assert (cells[2] == "yes") == column.required, cells
    allowed = cells[-1]
    if column.maximum is not None:
        assert f"{column.maximum:,g}" in allowed, allowed
        low = (
            f"more than {column.minimum:g}"
            if column.exclusive_minimum
            else f"{column.minimum:g} to"
        )
        assert low in allowed, allowed
    if column.type == "date" and column.required:
        assert f"{DATE_MIN:%Y-%m-%d} to {DATE_MAX:%Y-%m-%d}" in allowed, allowed


def test_every_numeric_column_has_a_plausible_range() -> None:
    """No number is unbounded: every int and float column (but coordinates) has a
    minimum and a maximum, so no value can wrap or overflow."""
    unbounded = [
        f"{s.name}:{c.name}"
        for s in FILES
        for c in s.columns
        if c.type in ("int", "float") and (c.minimum is None or c.maximum is None)
    ]
    assert unbounded == []
