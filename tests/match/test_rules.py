"""The hard rules of a match (matcher.match.rules), on tiny hand-built cases.

Every hard rule of the contract has a table of cases: one where the rule
allows the pair and one or more where it forbids it. A forbidden case also
checks that the rule itself is what removed the pair (and no other rule did),
so a test cannot pass because of an unrelated rule.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from pathlib import Path
from typing import Any

import pytest
from match_support import ONE_KM_EAST, check
from match_support import estimated_minutes as _minutes

from matcher.domain import MODES
from matcher.match.costs import COST_TERMS
from matcher.match.rules import RULE_TABLE, RULES
from matcher.words.app import has_text
from matcher.words.patient import LANGUAGES as PATIENT_LANGUAGES
from matcher.words.patient import wording


def assert_rule(tmp_path: Path, rule: str, allowed: bool, **case: Any) -> None:
    feasible, failing, _, _ = check(tmp_path, **case)
    assert feasible is allowed, failing
    assert failing == ([] if allowed else [rule])


@pytest.mark.parametrize(
    ("escalate", "allowed"),
    [("false", True), ("true", False)],
)
def test_escalated_patient_is_never_matched(tmp_path: Path, escalate: str, allowed: bool) -> None:
    """Rule 'escalated': a patient flagged for escalation gets no session at all."""
    assert_rule(tmp_path, "escalated", allowed, p={"escalate": escalate})


HOME_VISIT = {"kind": "home_visit", "group_size": 1}


@pytest.mark.parametrize(
    ("offer_changes", "patient_changes", "allowed"),
    [
        ({}, {"home_bound": "false"}, True),
        ({}, {"home_bound": "true"}, False),  # home-bound: no group outside the home
        (HOME_VISIT, {"home_bound": "true"}, True),
        (HOME_VISIT, {"home_bound": "false", "group_tolerance": "individual"}, True),
        (HOME_VISIT, {"home_bound": "false", "group_tolerance": "small"}, False),
        (HOME_VISIT, {"home_bound": "false", "group_tolerance": "large"}, False),
    ],
)
def test_home_visits_only_for_those_at_home(
    tmp_path: Path, offer_changes: dict[str, Any], patient_changes: dict[str, Any], allowed: bool
) -> None:
    """Rule 'home': home-bound patients get only home visits; home visits go only to the
    home-bound or to patients who tolerate nothing but one-to-one."""
    assert_rule(tmp_path, "home", allowed, o=offer_changes, p=patient_changes)


@pytest.mark.parametrize(
    ("available", "allowed"),
    [
        ("", True),  # empty: any time
        ("mon 09:00-12:00", True),
        ("mon 10:00-11:00", True),  # exactly the session
        ("mon 10:30-12:00", False),  # partly outside: starts before the window
        ("mon 08:00-10:30", False),  # partly outside: ends after the window
        ("tue 09:00-12:00", False),  # other weekday
        ("tue 09:00-12:00;mon 08:00-11:00", True),  # the second window holds it
    ],
)
def test_session_inside_an_available_window(tmp_path: Path, available: str, allowed: bool) -> None:
    """Rule 'time': the Monday 10:00-11:00 session lies inside one of the patient's windows."""
    assert_rule(tmp_path, "time", allowed, p={"available": available})


@pytest.mark.parametrize(
    ("offer_diagnoses", "patient_diagnoses", "allowed"),
    [
        ("heart;copd", "copd", True),
        ("heart;copd", "cancer;heart", True),
        ("heart;copd", "cancer", False),
        ("all", "cancer", True),
        ("all", "", True),  # no diagnosis recorded yet: an offer open to all still fits
        ("heart", "", False),
    ],
)
def test_offer_open_to_all_or_shares_a_diagnosis(
    tmp_path: Path, offer_diagnoses: str, patient_diagnoses: str, allowed: bool
) -> None:
    """Rule 'diagnosis': the offer is for all or shares a diagnosis with the patient."""
    assert_rule(
        tmp_path,
        "diagnosis",
        allowed,
        o={"diagnoses": offer_diagnoses},
        p={"diagnoses": patient_diagnoses},
    )


@pytest.mark.parametrize(
    ("offer_languages", "patient_languages", "allowed"),
    [
        ("da", "da", True),
        ("da", "ar", False),
        ("da", "ar;da", True),
        ("ar;en", "en", True),
        ("ar;en", "tr;so", False),
    ],
)
def test_offer_speaks_a_language_of_the_patient(
    tmp_path: Path, offer_languages: str, patient_languages: str, allowed: bool
) -> None:
    """Rule 'language': the offer and the patient share a language."""
    assert_rule(
        tmp_path,
        "language",
        allowed,
        o={"languages": offer_languages},
        p={"languages": patient_languages},
    )


@pytest.mark.parametrize(
    ("offer_gender", "gender", "pref", "allowed"),
    [
        ("any", "woman", "any", True),
        ("men", "man", "any", True),
        ("men", "woman", "any", False),
        ("men", "other", "any", False),
        ("women", "woman", "any", True),
        ("women", "man", "any", False),
        ("any", "man", "same", False),  # wants a men-only group
        ("men", "man", "same", True),
        ("women", "woman", "same", True),
        ("women", "man", "same", False),
    ],
)
def test_gender_of_group_and_gender_wish(
    tmp_path: Path, offer_gender: str, gender: str, pref: str, allowed: bool
) -> None:
    """Rule 'gender': men/women groups take only men/women; gender_pref=same takes only
    a group of the patient's own gender."""
    assert_rule(
        tmp_path,
        "gender",
        allowed,
        o={"gender": offer_gender},
        p={"gender": gender, "gender_pref": pref},
    )


@pytest.mark.parametrize(
    ("tolerance", "group_size", "allowed"),
    [
        ("small", 1, True),
        ("small", 6, True),
        ("small", 7, False),
        ("medium", 12, True),
        ("medium", 13, False),
        ("large", 200, True),  # the largest group offers.csv allows
        ("individual", 2, False),
    ],
)
def test_group_no_larger_than_tolerated(
    tmp_path: Path, tolerance: str, group_size: int, allowed: bool
) -> None:
    """Rule 'group_size': the typical group is at most 1, 6, 12 or any for the tolerance."""
    assert_rule(
        tmp_path,
        "group_size",
        allowed,
        o={"group_size": group_size},
        p={"group_tolerance": tolerance},
    )


def test_individual_tolerance_takes_a_one_to_one_group(tmp_path: Path) -> None:
    """Rule 'group_size': tolerance 'individual' allows group size 1 (home visit or one-to-one)."""
    assert_rule(tmp_path, "group_size", True, o=HOME_VISIT, p={"group_tolerance": "individual"})


@pytest.mark.parametrize(
    ("intensity", "intensity_max", "allowed"),
    [
        ("low", "low", True),
        ("moderate", "low", False),
        ("moderate", "moderate", True),
        ("high", "moderate", False),
        ("high", "high", True),
    ],
)
def test_intensity_manageable(
    tmp_path: Path, intensity: str, intensity_max: str, allowed: bool
) -> None:
    """Rule 'intensity': the offer is no harder than the patient's intensity_max."""
    assert_rule(
        tmp_path,
        "intensity",
        allowed,
        o={"intensity": intensity},
        p={"intensity_max": intensity_max},
    )


@pytest.mark.parametrize(
    ("needs", "supervised", "allowed"),
    [("false", "false", True), ("true", "true", True), ("true", "false", False)],
)
def test_supervision_when_needed(
    tmp_path: Path, needs: str, supervised: str, allowed: bool
) -> None:
    """Rule 'supervision': a patient who needs supervision gets a supervised offer."""
    assert_rule(
        tmp_path,
        "supervision",
        allowed,
        o={"supervised": supervised},
        p={"needs_supervision": needs},
    )


@pytest.mark.parametrize(
    ("fee", "budget", "allowed"),
    [(0, 0, True), (100, 100, True), (100.5, 100, False), (250, 0, False)],
)
def test_fee_within_budget(tmp_path: Path, fee: float, budget: float, allowed: bool) -> None:
    """Rule 'fee': fee_dkk_month does not exceed budget_dkk_month."""
    assert_rule(tmp_path, "fee", allowed, o={"fee_dkk_month": fee}, p={"budget_dkk_month": budget})


@pytest.mark.parametrize(
    ("modes", "max_travel", "allowed", "best"),
    [
        ("walk", 30, True, "walk"),  # about 19.5 min on foot
        ("walk", 15, False, None),
        ("walk;bike", 15, True, "bike"),  # about 8.5 min by bike
        ("walk;bus", 15, False, None),  # the bus needs 15 min to stops and waiting
        ("walk;bus;car", 10, True, "car"),
        ("flextrafik", 15, False, None),
    ],
)
def test_travel_by_best_allowed_mode(
    tmp_path: Path, modes: str, max_travel: int, allowed: bool, best: str | None
) -> None:
    """Rule 'travel': one-way minutes by the fastest of the patient's modes is at most
    max_travel_min; the pair records that mode and its minutes."""
    feasible, failing, ev, model = check(
        tmp_path, o=ONE_KM_EAST, p={"modes": modes, "max_travel_min": max_travel}
    )
    assert feasible is allowed
    assert failing == ([] if allowed else ["travel"])
    fastest = min(_minutes(model, m) for m in modes.split(";"))
    assert ev.travel_min[0, 0] == pytest.approx(fastest, rel=1e-5)
    if best is not None:
        assert MODES[ev.mode[0, 0]] == best
        assert ev.travel_min[0, 0] == pytest.approx(_minutes(model, best), rel=1e-5)


@pytest.mark.parametrize(
    ("max_travel", "allowed"),
    [(10, True), (5, False)],  # the staff drive about 6.2 min by car
)
def test_home_visit_travel_is_the_staff_drive(
    tmp_path: Path, max_travel: int, allowed: bool
) -> None:
    """Rule 'travel' for home visits: the staff's drive counts, not the patient's modes."""
    feasible, failing, ev, model = check(
        tmp_path,
        o={**HOME_VISIT, **ONE_KM_EAST},
        p={"home_bound": "true", "modes": "walk", "max_travel_min": max_travel},
    )
    assert feasible is allowed
    assert failing == ([] if allowed else ["travel"])
    assert ev.travel_min[0, 0] == pytest.approx(_minutes(model, "car"), rel=1e-5)
    assert ev.mode[0, 0] == -1  # staff travel, not a patient mode
    terms = dict(zip(COST_TERMS, ev.terms[:, 0, 0], strict=True))
    assert terms["travel_min"] == 0.0


@pytest.mark.parametrize(
    ("capacity", "booked", "allowed"),
    [
        (1, None, True),
        (0, None, False),
        (2, {"S1": 1}, True),
        (1, {"S1": 1}, False),  # the only place is already booked
        (1, {"S1": 3}, False),  # overbooked: never below zero
        (1, {"S9": 1}, True),  # bookings of other sessions do not count
    ],
)
def test_capacity_counts_existing_bookings(
    tmp_path: Path, capacity: int, booked: dict[str, int] | None, allowed: bool
) -> None:
    """Rule 'capacity': a session with no free place left (after bookings) takes nobody."""
    feasible, failing, _, model = check(tmp_path, s={"capacity": capacity}, booked=booked)
    assert feasible is allowed
    assert failing == ([] if allowed else ["capacity"])
    assert model.s_capacity[0] >= 0


@pytest.mark.parametrize(
    ("interpreter", "languages", "allowed"),
    [
        ("first_session", "ar;so", True),  # an interpreter for Arabic at the first session
        ("all", "ar", True),
        ("all", "so", False),  # the interpreter speaks Somali, the patient Arabic
        ("none", "ar", False),  # languages listed, but no interpreter comes
    ],
)
def test_an_interpreter_for_the_patients_language_passes_the_language_rule(
    tmp_path: Path, interpreter: str, languages: str, allowed: bool
) -> None:
    """Rule 'language': a Danish offer with an interpreter (first session or every one)
    for the patient's language fits a patient who speaks no Danish."""
    offer_changes = {"interpreter": interpreter, "interpreter_languages": languages}
    assert_rule(tmp_path, "language", allowed, o=offer_changes, p={"languages": "ar"})


@pytest.mark.parametrize(
    ("accessibility", "needs", "allowed"),
    [
        ("", "", True),
        ("wheelchair;seated", "wheelchair", True),
        ("wheelchair;seated", "seated;wheelchair", True),
        ("wheelchair", "wheelchair;hearing", False),  # one need not met
        ("", "visual", False),
    ],
)
def test_every_need_is_in_the_offers_accessibility(
    tmp_path: Path, accessibility: str, needs: str, allowed: bool
) -> None:
    """Rule 'needs': the patient's needs are a subset of the offer's accessibility."""
    assert_rule(tmp_path, "needs", allowed, o={"accessibility": accessibility}, p={"needs": needs})


@pytest.mark.parametrize(
    ("talk_level", "talk_level_max", "allowed"),
    [
        ("little", "little", True),
        ("some", "", True),  # no limit given: social, any talk
        ("social", "some", False),
        ("some", "little", False),
        ("", "little", False),  # an offer that says nothing counts as some talking
    ],
)
def test_the_offer_talks_no_more_than_the_patient_is_comfortable_with(
    tmp_path: Path, talk_level: str, talk_level_max: str, allowed: bool
) -> None:
    """Rule 'talk': the offer's talk level is at most the patient's (little < some < social)."""
    assert_rule(
        tmp_path,
        "talk",
        allowed,
        o={"talk_level": talk_level},
        p={"talk_level_max": talk_level_max},
    )


@pytest.mark.parametrize(
    ("online", "online_ok", "allowed"),
    [("false", "false", True), ("true", "true", True), ("true", "false", False)],
)
def test_online_offers_only_for_those_who_take_part_online(
    tmp_path: Path, online: str, online_ok: str, allowed: bool
) -> None:
    """Rule 'online': an online offer fits only a patient with online_ok."""
    assert_rule(tmp_path, "online", allowed, o={"online": online}, p={"online_ok": online_ok})


def test_an_online_offer_needs_no_travel(tmp_path: Path) -> None:
    """Rule 'travel': an online offer 50 km away is 0 minutes and no fares, so the travel
    rule holds for a patient who walks at most 10 minutes."""
    far = {"online": "true", "lat": 55.85, "fee_dkk_month": 0}
    case = {"o": far, "p": {"online_ok": "true", "max_travel_min": 10, "modes": "walk;bus"}}
    assert_rule(tmp_path, "travel", True, **case)
    assert_rule(tmp_path / "b", "travel", False, o={**far, "online": "false"}, p=case["p"])
    _, _, ev, _ = check(tmp_path / "c", **case)
    terms = dict(zip(COST_TERMS, ev.terms[:, 0, 0], strict=True))
    assert terms["travel_min"] == 0.0 and terms["transport_dkk"] == 0.0


@pytest.mark.parametrize(
    ("status", "paused_until", "allowed"),
    [
        ("open", "", True),
        ("closed", "", False),
        ("paused", "", False),  # paused without an end: nobody
        ("paused", "2027-01-10", False),  # the first session, Monday 4 January, is paused
        ("paused", "2027-01-03", True),  # the pause ended the day before
    ],
)
def test_closed_offers_and_offers_paused_at_the_start_take_nobody(
    tmp_path: Path, status: str, paused_until: str, allowed: bool
) -> None:
    """Rule 'status': a closed offer, or one paused on the patient's first session, is
    never matched."""
    assert_rule(tmp_path, "status", allowed, o={"status": status, "paused_until": paused_until})


def _nodes(test: Any) -> list[ast.AST]:
    """Every node of a test function's source."""
    return list(ast.walk(ast.parse(textwrap.dedent(inspect.getsource(test)))))


def _assert_rule_calls(test: Any) -> list[ast.Call]:
    """The test's calls of ``assert_rule(tmp_path, rule, allowed, ...)``."""
    return [
        node
        for node in _nodes(test)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "assert_rule"
    ]


def _rules_asserted(test: Any) -> set[str]:
    """The rules a test function asserts as what removed a pair: the rule given to
    ``assert_rule`` and the rule lists ``failing`` is compared with."""
    named = {ast.literal_eval(call.args[1]) for call in _assert_rule_calls(test)}
    for node in _nodes(test):
        if isinstance(node, ast.Compare) and getattr(node.left, "id", None) == "failing":
            lists = [n for n in ast.walk(node) if isinstance(n, ast.List)]
            named |= {ast.literal_eval(e) for lst in lists for e in lst.elts}
    return named


def _outcomes(test: Any) -> set[bool]:
    """Whether the test's cases allow the pair, forbid it, or both: the ``allowed``
    values of its parametrisation, or the ``allowed`` given to ``assert_rule``."""
    found = {
        bool(call.args[2].value)
        for call in _assert_rule_calls(test)
        if isinstance(call.args[2], ast.Constant)
    }
    for mark in getattr(test, "pytestmark", []):
        if mark.name != "parametrize":
            continue
        names, cases = mark.args[0], mark.args[1]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        if "allowed" in names:
            at = names.index("allowed")
            found |= {bool(getattr(case, "values", case)[at]) for case in cases}
    return found


def test_every_rule_has_a_test() -> None:
    """Every rule of matcher.match.rules.RULE_TABLE is asserted by a test above, with a
    case the rule allows and a case it forbids, found by reading the tests themselves."""
    outcomes: dict[str, set[bool]] = {}
    for name, test in sorted(globals().items()):
        if name.startswith("test_") and name != "test_every_rule_has_a_test":
            for rule in _rules_asserted(test):
                outcomes.setdefault(rule, set()).update(_outcomes(test))
    assert set(outcomes) == set(RULES)
    assert {rule: found for rule, found in outcomes.items() if found != {True, False}} == {}


def test_every_rule_has_its_reason_in_the_words() -> None:
    """Each rule's message id names its reason in the app's words and in the patient's
    words of every language."""
    assert [r.name for r in RULE_TABLE] == list(RULES)
    for rule in RULE_TABLE:
        assert has_text(rule.message), rule.name
        for lang in PATIENT_LANGUAGES:
            assert rule.message in wording(lang).table["phrases"], (rule.name, lang)


def test_rule_scopes_keep_offer_rules_before_session_rules() -> None:
    """The offer rules come first in the table, as ``Evaluation.fails`` stacks them."""
    scopes = [r.scope for r in RULE_TABLE]
    assert set(scopes) == {"offer", "session"}
    assert scopes == sorted(scopes)
