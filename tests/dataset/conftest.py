"""The demo municipality the demo tests look at: 2,000 patients and 300 offers (seed 0),
made once for the tests of the demo's places, its people and the two together."""

from __future__ import annotations

import pytest

from matcher import Dataset
from matcher.dataset.demo import make_demo


@pytest.fixture(scope="session")
def town() -> Dataset:
    """A demo municipality of 2,000 patients and 300 offers (seed 0)."""
    return make_demo(2000, 300, seed=0)
