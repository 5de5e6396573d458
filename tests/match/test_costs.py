"""The cost terms of a match (matcher.match.costs) and the start dates they count
waiting from, on tiny hand-built cases."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import build, offer, patient, session
from match_support import ONE_KM_EAST, check
from match_support import estimated_minutes as _minutes

from matcher.match.costs import COST_TABLE, COST_TERMS, MatchModel, cost_weights, evaluate
from matcher.match.weights import Weights, default_weights_text


@pytest.mark.parametrize(
    ("weekday", "first_date", "discharge", "start", "wait"),
    [
        ("mon", "2027-01-04", "2027-01-04", "2027-01-04", 0),  # same Monday
        ("mon", "2027-01-04", "2027-01-06", "2027-01-11", 5),  # after discharge: next Monday
        ("mon", "2027-01-04", "2026-12-20", "2027-01-04", 15),  # waits for the first date
        ("wed", "2027-01-04", "2027-01-01", "2027-01-06", 5),  # first date is not a Wednesday
        ("sun", "2027-01-11", "2027-01-12", "2027-01-17", 5),
        ("fri", "2026-12-01", "2027-01-04", "2027-01-08", 4),  # ongoing group
    ],
)
def test_start_date_is_first_weekday_on_or_after_both_dates(
    tmp_path: Path, weekday: str, first_date: str, discharge: str, start: str, wait: int
) -> None:
    """Start date: the first occurrence of the session's weekday on or after both
    first_date and discharge_date; the wait is counted from discharge."""
    feasible, _, ev, _ = check(
        tmp_path,
        s={"weekday": weekday, "first_date": first_date},
        p={"discharge_date": discharge},
    )
    assert feasible
    assert ev.start_day[0, 0] == np.datetime64(start, "D").astype(np.int64)


def terms_of(tmp_path: Path, **case: Any) -> dict[str, float]:
    _, _, ev, _ = check(tmp_path, **case)
    return dict(zip(COST_TERMS, ev.terms[:, 0, 0].tolist(), strict=True))


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [("10:00", "11:00", 0.0), ("08:00", "10:00", 1.0), ("19:30", "21:00", 1.0)],
)
def test_time_of_day_counts_hours_outside_the_comfortable_band(
    tmp_path: Path, start: str, end: str, hours: float
) -> None:
    """Cost term time_of_day_hours: hours of the session outside 09:00-20:00 (defaults)."""
    assert terms_of(tmp_path, s={"start": start, "end": end})["time_of_day_hours"] == hours


@pytest.mark.parametrize(
    ("interests", "tags", "miss"),
    [("", "walking", 0.0), ("walking;choir", "choir", 0.0), ("dance", "walking", 1.0)],
)
def test_interest_miss_only_when_interests_named_and_none_served(
    tmp_path: Path, interests: str, tags: str, miss: float
) -> None:
    """Cost term interest_miss: 1 when the patient named interests and the offer serves none."""
    assert terms_of(tmp_path, o={"tags": tags}, p={"interests": interests})["interest_miss"] == miss


@pytest.mark.parametrize(
    ("prior", "miss"),
    [("", 0.0), ("O1", 0.0), ("O2", 0.5), ("O3", 1.0)],
)
def test_continuity_with_prior_team_or_venue(tmp_path: Path, prior: str, miss: float) -> None:
    """Cost term continuity_miss: 0 for the prior offer, 0.5 for the same venue, 1 otherwise."""
    offers = [
        offer(),
        offer(offer_id="O2", kind="exit_team"),  # same venue as O1
        offer(offer_id="O3", kind="exit_team", **ONE_KM_EAST),
    ]
    ds = build(offers, [session()], [patient(prior_offer_id=prior)], tmp_path)
    ev = evaluate(MatchModel.from_dataset(ds), np.array([0]))
    assert ev.terms[COST_TERMS.index("continuity_miss"), 0, 0] == miss


def test_cost_is_the_weighted_sum_of_the_terms(tmp_path: Path) -> None:
    """The pair's cost in points is the weights times the terms, inf where infeasible."""
    ds = build(
        [offer(fee_dkk_month=100, tags="choir", **ONE_KM_EAST)],
        [session(start="08:00", end="09:30"), session(session_id="S2", weekday="tue")],
        [patient(modes="walk;bike", interests="dance", discharge_date="2027-01-02")],
        tmp_path,
    )
    model = MatchModel.from_dataset(ds)
    w = model.weights
    ev = evaluate(model, np.array([0]))
    weights = np.array(
        [
            w.travel_min,
            w.wait_day,
            w.time_of_day_hour,
            w.interest_miss,
            w.continuity_miss,
            w.fee_dkk,
            w.home_visit,
            w.staff_drive_min,
            w.transport_dkk,
        ]
    )
    expected = weights @ ev.terms[:, 0, :]
    assert ev.feasible[0].all()
    np.testing.assert_allclose(ev.cost[0], expected, rtol=1e-9)
    # travel by bike (8.5 min), 2 days wait, 1 hour early, interest missed, 100 DKK
    assert ev.cost[0, 0] == pytest.approx(_minutes(model, "bike") + 1.0 + 6.0 + 10.0 + 5.0)


def test_weights_change_the_cost(tmp_path: Path) -> None:
    """A weights file changes what each term costs (here: a day of waiting costs 3 points)."""
    path = tmp_path / "w.toml"
    path.write_text("[weights]\nwait_day = 3.0\ntravel_min = 0.0\n", encoding="utf-8")
    ds = build(patients=[patient(discharge_date="2027-01-01")], directory=tmp_path / "d")
    ev = evaluate(MatchModel.from_dataset(ds, Weights.load(path)), np.array([0]))
    assert ev.wait_days[0, 0] == 3
    assert ev.cost[0, 0] == pytest.approx(9.0)


def test_cost_weights_follow_the_cost_table() -> None:
    """Each term's weight is a field of Weights and a key of the default weights file,
    and cost_weights lists them in the order of Evaluation.terms."""
    w = Weights.load()
    defaults = tomllib.loads(default_weights_text())["weights"]
    assert [t.name for t in COST_TABLE] == list(COST_TERMS)
    assert {t.weight for t in COST_TABLE} == set(defaults)
    np.testing.assert_array_equal(cost_weights(w), [getattr(w, t.weight) for t in COST_TABLE])


def test_evaluation_reads_a_term_by_name(tmp_path: Path) -> None:
    """Evaluation.term gives the row of terms named, in its own units."""
    _, _, ev, _ = check(tmp_path, o={"fee_dkk_month": 100})
    assert ev.term("fee_dkk")[0, 0] == 100.0
    for i, name in enumerate(COST_TERMS):
        np.testing.assert_array_equal(ev.term(name), ev.terms[i])
