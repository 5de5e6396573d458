"""The test builders make a dataset every rule allows."""

from __future__ import annotations

from builders import build, patient

from matcher import plan


def test_default_rows_make_one_placed_patient() -> None:
    """The builders' defaults fit each other, so a rule test changes one thing only."""
    result = plan(build(patients=[patient()]))
    assert result.assignments["status"].tolist() == ["placed"]
