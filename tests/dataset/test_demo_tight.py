"""The demo's ``tight_staff`` option (``brobygger demo --tight-staff``): many home-bound
patients and few short shifts, so the staff minutes of home visits bind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from matcher import load_dataset, plan
from matcher.cli import app
from matcher.dataset.demo import (
    TIGHT_DAYS,
    TIGHT_HOME_BOUND,
    TIGHT_SHIFT_MIN,
    TIGHT_STAFF,
    make_demo,
)
from matcher.match.model import staff_minutes


def test_tight_staff_keeps_the_places_and_makes_more_people_home_bound() -> None:
    """Tight staff: offers and sessions as in the ordinary demo; more patients home-bound."""
    plain, tight = make_demo(2_000, 60, seed=4), make_demo(2_000, 60, seed=4, tight_staff=True)
    for name in ("offers", "sessions", "candidates"):
        pd.testing.assert_frame_equal(getattr(plain, name), getattr(tight, name))
    others = [c for c in plain.patients.columns if c != "home_bound"]
    pd.testing.assert_frame_equal(plain.patients[others], tight.patients[others])
    assert (tight.patients["home_bound"] >= plain.patients["home_bound"]).all()
    share = float(tight.patients["home_bound"].mean())
    assert share > plain.patients["home_bound"].mean() + TIGHT_HOME_BOUND / 2


def test_tight_staff_has_few_short_shifts_for_every_home_visit_service() -> None:
    """Tight staff: each service keeps TIGHT_STAFF staff on TIGHT_DAYS days, short shifts."""
    plain, tight = make_demo(300, 60, seed=2), make_demo(300, 60, seed=2, tight_staff=True)
    assert plain.staff is not None and tight.staff is not None
    assert set(tight.staff["offer_id"]) == set(plain.staff["offer_id"])
    for _, shifts in tight.staff.groupby("offer_id"):
        assert shifts["staff_id"].nunique() <= TIGHT_STAFF
        assert shifts["weekday"].nunique() <= TIGHT_DAYS
    length = tight.staff["shift_end_min"] - tight.staff["shift_start_min"]
    assert (length == TIGHT_SHIFT_MIN).all()
    few, many = staff_minutes(tight), staff_minutes(plain)
    assert few is not None and many is not None
    assert few.sum() < many.sum() / 4


def test_tight_staff_minutes_bind_in_the_flow_plan() -> None:
    """Tight staff: the plan without staff limits visits more than the minutes allow."""
    tight = make_demo(600, 40, seed=1, tight_staff=True)
    flow = plan(tight, solver="flow", baseline=False).assignments
    limited = plan(tight, time_limit=20, baseline=False).assignments
    home = set(tight.offers.loc[tight.offers["kind"] == "home_visit", "offer_id"])
    visits = [int(a["offer_id"].isin(home).sum()) for a in (flow, limited)]
    assert visits[1] < visits[0]


def test_brobygger_demo_tight_staff_writes_a_dataset_that_loads(tmp_path: Path) -> None:
    """brobygger demo --tight-staff writes the tight demo, which passes its own checks."""
    folder = tmp_path / "tight"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(folder), "--patients", "200", "--offers", "30", "--tight-staff"]
    )
    assert result.exit_code == 0, result.output
    loaded = load_dataset(folder)
    expected = make_demo(200, 30, tight_staff=True)
    assert loaded.summary() == expected.summary()
    assert np.array_equal(
        loaded.patients["home_bound"].to_numpy(), expected.patients["home_bound"].to_numpy()
    )
