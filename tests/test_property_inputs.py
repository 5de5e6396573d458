"""Datasets one cell outside the contract: the loader refuses them naming the file and
column, and validate, plan and recommend exit 2 with no traceback and write nothing."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_property_rules import FAST, SLOW, Chooser, cell, dataset_rows, run, write

import matcher

HUGE = ("99999999999999999999", "1e19", "-1e19", "nan", "inf", "abc", "1,500", "")
CPR_LIKE = (
    "0101901234",
    "010190-1234",
    "010190 1234",
    "01.01.90-1234",
    "01 01 90 1234",
)
FORMULA = ('=HYPERLINK("http://example.com","P")', "=1+1", "+SUM(A1)", "@cmd")
BAD_DATES = ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "2027-02-30", "tomorrow", "")
BAD_CLOCKS = ("25:00", "12:60", "noon", "-1:00", "")
#: (file, column, values outside the contract; the column named by the problem)
MUTATIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("offers.csv", "offer_id", ("", *FORMULA)),
    ("offers.csv", "kind", ("club", "Monkey", "")),
    ("offers.csv", "lat", ("91", "-91", *HUGE)),
    ("offers.csv", "lon", ("181", "-181", *HUGE)),
    ("offers.csv", "diagnoses", ("flu", "all;heart")),
    ("offers.csv", "languages", ("dansk", "1")),
    ("offers.csv", "gender", ("male", "robot")),
    ("offers.csv", "group_size", ("0", "-1", "2.5", "201", *HUGE)),
    ("offers.csv", "intensity", ("extreme",)),
    ("offers.csv", "supervised", ("maybe", "2")),
    ("offers.csv", "fee_dkk_month", ("-1", "100001", *HUGE[:-1])),
    ("offers.csv", "interpreter", ("sometimes", "first", "yes")),
    ("offers.csv", "interpreter_languages", ("arabic", "1", "dk")),
    ("offers.csv", "accessibility", ("ramp", "wheelchair;stairs", "all")),
    ("offers.csv", "talk_level", ("loud", "none")),
    ("offers.csv", "trial_free", ("maybe", "2")),
    ("offers.csv", "online", ("perhaps",)),
    ("offers.csv", "verified_date", BAD_DATES[:-1]),
    ("offers.csv", "status", ("deleted", "open?", "pause")),
    ("offers.csv", "paused_until", BAD_DATES[:-1]),
    ("sessions.csv", "session_id", ("", *FORMULA)),
    ("sessions.csv", "offer_id", ("NOPE", "")),
    ("sessions.csv", "weekday", ("Monkey", "xyz", "8", "")),
    ("sessions.csv", "start", ("24:00", *BAD_CLOCKS)),
    ("sessions.csv", "end", ("24:01", *BAD_CLOCKS)),
    ("sessions.csv", "capacity", ("-1", "2.5", "10001", *HUGE)),
    ("sessions.csv", "first_date", BAD_DATES),
    ("sessions.csv", "weeks", ("0", "-1", "521", *HUGE[:-1])),
    ("sessions.csv", "exceptions", ("soon", "2027-02-30", "2027-02-01..2027-01-01", "1..2..3")),
    ("patients.csv", "patient_id", ("", *CPR_LIKE, *FORMULA)),
    ("patients.csv", "lat", ("91", *HUGE)),
    ("patients.csv", "lon", ("-181", *HUGE)),
    ("patients.csv", "discharge_date", BAD_DATES),
    ("patients.csv", "diagnoses", ("flu", "all")),
    ("patients.csv", "gender", ("robot",)),
    ("patients.csv", "gender_pref", ("other",)),
    ("patients.csv", "modes", ("rocket", "teleport;walk")),
    ("patients.csv", "max_travel_min", ("0", "-5", "2.5", "601", *HUGE[:-1])),
    (
        "patients.csv",
        "available",
        ("Monkey 10:00-12:00", "mon 12:00-10:00", "mon 25:00-26:00", "10:00-12:00", "mon"),
    ),
    ("patients.csv", "group_tolerance", ("huge",)),
    ("patients.csv", "budget_dkk_month", ("-1", "100001", *HUGE[:-1])),
    ("patients.csv", "languages", ("danish", "1")),
    ("patients.csv", "intensity_max", ("extreme",)),
    ("patients.csv", "needs_supervision", ("maybe",)),
    ("patients.csv", "home_bound", ("2",)),
    ("patients.csv", "escalate", ("maybe",)),
    ("patients.csv", "lives_alone", ("perhaps",)),
    ("patients.csv", "age_band", ("12-17",)),
    ("patients.csv", "needs", ("ramp", "seated;stairs")),
    ("patients.csv", "talk_level_max", ("loud", "none")),
    ("patients.csv", "online_ok", ("maybe",)),
    ("patients.csv", "away", ("summer", "2027-07-21..2027-07-01", "1999-12-31")),
    ("patients.csv", "not_before", BAD_DATES[:-1]),
)
COUNTS: dict[str, int] = {}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[dict[str, Any], str, str, str, int]:
    """A small valid dataset (UTF-8 CSV, seeded) and one cell to put outside the contract."""
    seed = draw(st.integers(0, 2**16))
    import random

    data = dataset_rows(Chooser(rnd=random.Random(seed)), 2, 3, 3)
    data["danish"] = False
    name, column, values = draw(st.sampled_from(MUTATIONS))
    value = draw(st.sampled_from(values))
    row = draw(st.integers(0, len(data["files"][name]) - 1))
    return data, name, column, value, row


def apply(data: dict[str, Any], name: str, column: str, value: str, row: int) -> Any:
    """A ``write`` hook putting ``value`` in one cell (an offer id in every file)."""
    old = cell(data["files"][name][row].get(column, ""), False)

    def mutate(file: str, table: list[list[str]]) -> None:
        header = table[0]
        if file == name:
            if column not in header:
                header.append(column)
                for r in table[1:]:
                    r.append("")
            table[row + 1][header.index(column)] = value
        elif name == "offers.csv" and column == "offer_id" and "offer_id" in header:
            i = header.index("offer_id")
            for r in table[1:]:
                if r[i] == old:
                    r[i] = value

    return mutate


def expect_refused(case: tuple[dict[str, Any], str, str, str, int], tmp: Path) -> Path:
    data, name, column, value, row = case
    root = write(tmp / "data", data, apply(*case))
    with pytest.raises(matcher.InputError) as caught:
        matcher.load_dataset(root)
    problems = caught.value.problems
    named = [p for p in problems if p.file == name and p.column in (column, None)]
    assert named, f"{name}:{row + 2}:{column}={value!r} refused for another reason: {problems}"
    text = "\n".join(str(p) for p in problems)
    for digits in CPR_LIKE:
        assert digits not in text, "a CPR-like number is repeated in a message"
    COUNTS["refused"] = COUNTS.get("refused", 0) + 1
    return root


CASE_EXAMPLES = [
    ("sessions.csv", "capacity", "99999999999999999999"),
    ("sessions.csv", "capacity", "1e19"),
    ("sessions.csv", "capacity", "-1"),
    ("offers.csv", "group_size", "99999999999999999999"),
    ("offers.csv", "fee_dkk_month", "1,500"),
    ("sessions.csv", "first_date", "0001-01-01"),
    ("sessions.csv", "first_date", "9999-12-31"),
    ("patients.csv", "discharge_date", "9999-12-31"),
    ("patients.csv", "available", "Monkey 10:00-12:00"),
    ("patients.csv", "patient_id", "010190 1234"),
    ("patients.csv", "patient_id", "01.01.90-1234"),
    ("patients.csv", "patient_id", '=HYPERLINK("http://example.com","P")'),
    ("patients.csv", "max_travel_min", "1e19"),
]


def known(case: tuple[str, str, str]) -> tuple[dict[str, Any], str, str, str, int]:
    import random

    data = dataset_rows(Chooser(rnd=random.Random(1)), 2, 3, 3)
    data["danish"] = False
    return (data, *case, 0)


def with_examples(test: Any) -> Any:
    for case in CASE_EXAMPLES:
        test = example(known(case))(test)
    return test


@pytest.mark.slow
@with_examples
@settings(FAST, max_examples=260)
@given(mutated())
def test_a_cell_outside_the_contract_is_refused_by_the_loader(
    case: tuple[dict[str, Any], str, str, str, int],
) -> None:
    """One cell outside its documented range or type is an input error naming the file
    and column (never a traceback, never accepted)."""
    with tempfile.TemporaryDirectory(prefix="brobygger-bad-") as tmp:
        expect_refused(case, Path(tmp))


@with_examples
@settings(FAST, max_examples=12)
@given(mutated())
def test_commands_refuse_a_cell_outside_the_contract_and_write_nothing(
    case: tuple[dict[str, Any], str, str, str, int],
) -> None:
    """validate, plan and recommend exit 2 on a cell outside the contract, print every
    problem and no traceback, and plan writes no PLAN.csv or PLAN.json."""
    with tempfile.TemporaryDirectory(prefix="brobygger-bad-") as tmp:
        root = write(Path(tmp) / "data", case[0], apply(*case))
        out = Path(tmp) / "out" / "PLAN.csv"
        out.parent.mkdir()
        for args in (
            ("validate", root),
            ("plan", root, "--out", out),
            ("recommend", root, "--patient", "P1", "--json"),
        ):
            result = run(*args)
            assert result.exit_code == 2, (args[0], case[1:], result.output)
            assert ":" in result.output
        assert list(out.parent.iterdir()) == []
        COUNTS["commands"] = COUNTS.get("commands", 0) + 1


PROFILE_MUTATIONS = [m for m in MUTATIONS if m[0] == "patients.csv"]


@st.composite
def bad_profiles(draw: st.DrawFn) -> tuple[dict[str, str], str, str]:
    import random

    from test_property_rules import patient_rows

    rnd = random.Random(draw(st.integers(0, 2**16)))
    person = {k: cell(v, False) for k, v in patient_rows(Chooser(rnd=rnd), 1, ["O1"])[0].items()}
    _, column, values = draw(st.sampled_from(PROFILE_MUTATIONS))
    value = draw(st.sampled_from(values))
    if column == "patient_id" and value == "":
        value = "   "
    person[column] = value
    return person, column, value


@settings(FAST, max_examples=1000)
@given(bad_profiles())
def test_a_profile_outside_the_contract_is_refused(case: tuple[dict[str, str], str, str]) -> None:
    """A profile typed in at the conversation with one value outside the contract is an
    input error naming that column, as the loader names it in patients.csv."""
    person, column, value = case
    with pytest.raises(matcher.InputError) as caught:
        RECOMMENDER.recommend(person, 3, suggest=False)
    columns = {p.column for p in caught.value.problems}
    assert column in columns or None in columns, (column, value, caught.value.problems)
    COUNTS["profiles"] = COUNTS.get("profiles", 0) + 1


def _recommender() -> matcher.Recommender:
    import random

    data = dataset_rows(Chooser(rnd=random.Random(7)), 3, 4, 2)
    data["danish"] = False
    with tempfile.TemporaryDirectory(prefix="brobygger-ok-") as tmp:
        return matcher.Recommender(matcher.load_dataset(write(Path(tmp), data)))


RECOMMENDER = _recommender()


@pytest.mark.skipif(
    not os.environ.get("BROBYGGER_PROPERTY_SLOW"),
    reason="set BROBYGGER_PROPERTY_SLOW=1 for the long random run",
)
@pytest.mark.slow
@settings(SLOW, max_examples=5000)
@given(mutated())
def test_many_cells_outside_the_contract_are_refused(
    case: tuple[dict[str, Any], str, str, str, int],
) -> None:
    """Many new random mutations: each is refused naming its file and column."""
    with tempfile.TemporaryDirectory(prefix="brobygger-bad-") as tmp:
        expect_refused(case, Path(tmp))


def test_the_input_properties_ran_enough_cases() -> None:
    """The fast properties above ran their cases (printed with -s)."""
    print(f"input cases: {COUNTS}")
    if COUNTS.get("profiles"):
        assert COUNTS["profiles"] >= 1000
