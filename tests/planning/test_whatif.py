"""What-if budgets (matcher.planning.whatif): which candidate teams a staff-hour budget opens."""

from __future__ import annotations

import numpy as np
import pytest
from builders import build, patient, session

from matcher.planning.horizon import Horizon, HorizonModel
from matcher.planning.whatif import STATUS_NOTES, status_note, tradeoff
from matcher.words.notes import note_text

START = "2027-01-04"  # a Monday
#: Staff hours over the horizon of the two candidate teams (sessions S2 and S3).
HOURS = np.array([10.0, 12.0])


def _model(patients: int = 6) -> HorizonModel:
    """One existing place (S1) and two candidate teams: S2 with 2 places, S3 with 3;
    everyone fits every session."""
    ds = build(
        sessions=[
            session(session_id="S1", capacity=1),
            session(session_id="S2", capacity=2),
            session(session_id="S3", capacity=3),
        ],
        patients=[patient(patient_id=f"P{i}") for i in range(1, patients + 1)],
    )
    return HorizonModel.build(
        ds, Horizon(np.datetime64(START), 4), s_candidate=np.array([-1, 0, 1])
    )


def test_each_budget_opens_the_teams_that_place_the_most_within_its_hours() -> None:
    """0 hours: the one existing place; 10: team 0 too; 12: team 1 instead (more places);
    15: still only one team fits; 22: both."""
    plans = tradeoff(_model(), HOURS, [22, 0, 12, 15, 10], time_limit=3)
    assert [p.budget for p in plans] == [0, 10, 12, 15, 22]
    assert [p.metrics.placed for p in plans] == [1, 3, 4, 4, 6]
    assert [p.opened.tolist() for p in plans] == [[], [0], [1], [1], [0, 1]]
    for plan in plans:
        assert plan.hours == pytest.approx(HOURS[plan.opened].sum())
        assert plan.hours <= plan.budget
        assert plan.status in STATUS_NOTES


@pytest.mark.parametrize("patients", [2, 4, 7])
def test_more_budget_never_places_fewer_people(patients: int) -> None:
    """Placed, priority placed and breaches never get worse as the budget grows."""
    plans = tradeoff(_model(patients), HOURS, [0, 5, 10, 11, 12, 21, 22, 40], time_limit=2)
    placed = [p.metrics.placed for p in plans]
    assert placed == sorted(placed)
    assert placed[-1] == min(patients, 6)
    priority = [p.metrics.priority_placed for p in plans]
    assert priority == sorted(priority)
    breaches = [p.metrics.breaches for p in plans]
    assert breaches == sorted(breaches, reverse=True)


def test_a_budget_that_affords_every_team_is_exact() -> None:
    """When every affordable team fits the budget together the plan is OPTIMAL, and a team
    that no patient needs is not counted as opened."""
    plans = tradeoff(_model(patients=1), HOURS, [50], time_limit=1)
    assert plans[0].status == "OPTIMAL"
    assert plans[0].metrics.placed == 1
    assert plans[0].opened.tolist() == []  # the one patient takes the existing place
    assert plans[0].hours == 0


def test_a_negative_budget_is_refused() -> None:
    """A budget below zero hours is an error, not an empty plan."""
    with pytest.raises(ValueError, match="negative"):
        tradeoff(_model(), HOURS, [-1, 10], time_limit=1)


@pytest.mark.parametrize("status", ["OPTIMAL", "LOCAL", "FEASIBLE", "KEPT"])
def test_every_status_has_a_note_in_plain_words(status: str) -> None:
    """Each status reads as a lower-case sentence that does not just repeat the status code."""
    note = status_note(status)
    assert note == STATUS_NOTES[status]
    assert len(note.split()) >= 8
    assert note[0].islower()
    assert status not in note
    assert note_text(note, "da") not in ("", note), "no Danish for the status note"


def test_an_unknown_status_has_no_note() -> None:
    """A status without a known meaning gets an empty note rather than an error."""
    assert status_note("UNKNOWN") == ""
    assert status_note("optimal") == ""
