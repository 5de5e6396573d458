"""Why a patient has no place (matcher.match.explain): the rules that removed the
sessions, and a reason of PLAN.csv in another language."""

from __future__ import annotations

import numpy as np
from builders import LAT, build, offer, patient, session

from matcher.match.costs import evaluate
from matcher.match.explain import (
    ESCALATED_REASON,
    exclusion_counts,
    reason_in,
    reasons_for,
    taken_reason,
)
from matcher.match.model import MatchModel
from matcher.words.app import text


def far_town() -> MatchModel:
    """One walk 3.3 km north and three patients: one walks at most 10 minutes, one is
    escalated and one speaks only Turkish."""
    dataset = build(
        [offer(lat=LAT + 0.03)],
        [session()],
        [
            patient(max_travel_min=10, modes="walk"),
            patient(patient_id="P2", escalate="true"),
            patient(patient_id="P3", languages="tr", max_travel_min=90),
        ],
    )
    return MatchModel.from_dataset(dataset)


def test_exclusion_counts_tell_a_rule_alone_from_a_rule_at_all() -> None:
    """A session removed by two rules counts for both at all, for neither alone."""
    fails = np.array(
        [
            [True, True, False],
            [False, True, False],
            [False, False, True],
        ]
    )
    alone, total = exclusion_counts(fails)
    assert alone.tolist() == [1, 0, 1]
    assert total.tolist() == [2, 1, 1]


def test_a_travel_reason_names_the_limit_the_modes_and_the_nearest_minutes() -> None:
    """The travel reason says the patient's limit, modes and the nearest session's minutes."""
    model = far_town()
    reason = reasons_for(model, np.array([0]))[0]
    nearest = int(np.ceil(evaluate(model, np.array([0])).travel_min[0, 0]))
    assert "10 min" in reason
    assert text("reason_mode_walk", "en") in reason
    assert f"{nearest} min" in reason
    assert text("reason_rule_travel", "en") in reason


def test_an_escalated_patient_is_told_a_person_acts_first() -> None:
    """An escalated patient's reason is the escalation, whatever else fails."""
    assert reasons_for(far_town(), np.array([1])) == [ESCALATED_REASON]


def test_the_rule_that_removed_the_session_is_named() -> None:
    """A patient kept out by language alone is told of the language, not of travel."""
    reason = reasons_for(far_town(), np.array([2]))[0]
    assert text("reason_rule_language", "en") in reason
    assert text("reason_rule_travel", "en") not in reason


def test_a_taken_reason_counts_the_sessions_that_fit() -> None:
    """The reason for places all taken states how many sessions fit, in the language asked."""
    assert "3" in taken_reason(3)
    assert taken_reason(1) != taken_reason(3)
    assert taken_reason(3, "da") != taken_reason(3, "en")


def test_a_reason_of_the_plan_reads_in_danish() -> None:
    """reason_in gives the Danish of an English reason, keeps English and unknown text as is."""
    reasons = reasons_for(far_town(), np.arange(3))
    danish = [reason_in(r, "da") for r in reasons]
    assert all(d != r for d, r in zip(danish, reasons, strict=True))
    assert reason_in(ESCALATED_REASON, "da") == text("reason_escalated", "da")
    assert reason_in(taken_reason(3), "da") == taken_reason(3, "da")
    assert [reason_in(r, "en") for r in reasons] == reasons
    assert reason_in("not a reason of the plan", "da") == "not a reason of the plan"


def test_reasons_of_the_plan_are_said_in_danish() -> None:
    """A reason of PLAN.csv (English, the file's language) reads in Danish through the
    catalogue; the English stays as the file has it, and unknown text is left alone."""
    reason = (
        "stays at home, so only home visits fit; nothing fits: too far away (only reason "
        "for 3 of 9 sessions; over 20 min by walk or bus; the nearest is 27 min); "
        "no free places (one reason for 9 of 9 sessions)"
    )
    danish = reason_in(reason, "da")
    assert danish == (
        "bliver hjemme, så kun hjemmebesøg passer; intet passer: for langt væk (eneste årsag "
        "for 3 af 9 hold; over 20 min til fods eller med bus; det nærmeste er 27 min); "
        "ingen ledige pladser (én årsag for 9 af 9 hold)"
    )
    assert reason_in(reason, "en") == reason
    assert reason_in(ESCALATED_REASON, "da") == text("reason_escalated", "da")
    assert reason_in(taken_reason(2), "da").startswith("alle passende pladser er taget (2 hold")
    assert reason_in("something else entirely", "da") == "something else entirely"


def test_a_patient_kept_from_online_offers_is_told_the_online_rule() -> None:
    """Rule 'online' in a reason: the only offer meets online and the patient does not
    take part online; the reason says so, also in Danish, and online_ok opens it."""
    dataset = build(
        [offer(online="true", lat=LAT + 0.3)],
        [session()],
        [patient(), patient(patient_id="P2", online_ok="true", max_travel_min=5)],
    )
    model = MatchModel.from_dataset(dataset)
    (reason,) = reasons_for(model, np.array([0]))
    assert text("reason_rule_online", "en") in reason
    assert text("reason_rule_online", "da") in reason_in(reason, "da")
    assert evaluate(model, np.array([1])).feasible.all()
