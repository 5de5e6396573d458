"""Brobygger's own errors: every problem of the input, each in its place."""

from __future__ import annotations

import warnings

import pytest

from matcher.errors import (
    BrobyggerWarning,
    InputError,
    PrecisionWarning,
    Problem,
)


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        (Problem("offers.csv", 3, "fee", "must be a number"), "offers.csv:3:fee: must be a number"),
        (Problem("offers.csv", None, None, "is missing"), "offers.csv:-:-: is missing"),
        (Problem("patients.csv", 2, None, "twice"), "patients.csv:2:-: twice"),
    ],
)
def test_a_problem_reads_file_row_column_message(problem: Problem, shown: str) -> None:
    """A problem is shown ``file:row:column: message``, with ``-`` for no row or column."""
    assert str(problem) == shown


def test_problems_are_equal_whatever_their_template() -> None:
    """The catalogue's template and values do not make two problems in one place differ."""
    plain = Problem("offers.csv", 3, "fee", "must be a number")
    worded = Problem("offers.csv", 3, "fee", "must be a number", "must be a number", (("x", 1),))
    assert plain == worded and hash(plain) == hash(worded)
    assert plain != Problem("offers.csv", 4, "fee", "must be a number")


def test_an_input_error_lists_every_problem() -> None:
    """The message counts the problems and lists each on a line of its own; plain
    strings become problems with the input as a whole."""
    first = Problem("offers.csv", 2, "fee", "must be a number")
    error = InputError([first, "no offers at all"])
    assert isinstance(error, ValueError)
    assert error.problems == (first, Problem("input", None, None, "no offers at all"))
    assert str(error).splitlines() == [
        "2 problems in the input:",
        f"  {first}",
        "  input:-:-: no offers at all",
    ]


def test_one_problem_is_not_counted_in_the_plural() -> None:
    """One problem reads ``1 problem``, not ``1 problems``."""
    assert str(InputError(["bad"])).splitlines()[0] == "1 problem in the input:"


def test_the_warnings_are_brobyggers_and_user_warnings() -> None:
    """A precision warning is a Brobygger warning and a user warning, so a filter on
    either catches it."""
    assert issubclass(PrecisionWarning, BrobyggerWarning)
    assert issubclass(BrobyggerWarning, UserWarning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", BrobyggerWarning)
        warnings.warn("costs scaled", PrecisionWarning, stacklevel=1)
    assert [type(w.message) for w in caught] == [PrecisionWarning]
