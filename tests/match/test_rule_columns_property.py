"""The rules of the optional columns (interpreter, needs, talk, online, status) decide
every pair as the independent checker (tests/rulecheck.py, written from
data/activities/README.md) does, on random offers and patients."""

from __future__ import annotations

import random
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from builders import LAT, LON, build, offer, patient, session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rulecheck import RuleChecker

from matcher.match.costs import RULES, MatchModel, evaluate

#: The rules of the optional columns, as both sides name them.
NEW_RULES = {"language", "needs", "talk", "online", "status"}
LANGUAGES = ("da", "ar", "so", "tr")
NEEDS = ("wheelchair", "visual", "hearing", "seated")
TALK = ("little", "some", "social")
#: Dates between Danish public holidays (4 January to 28 February 2027).
DAY0 = date(2027, 1, 4)
FAST = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)


def _some(rnd: random.Random, items: tuple[str, ...]) -> str:
    return ";".join(rnd.sample(items, rnd.randint(0, 2)))


def _day(rnd: random.Random) -> str:
    return (DAY0 + timedelta(days=rnd.randint(0, 55))).isoformat()


def _offer(rnd: random.Random, i: int) -> dict[str, Any]:
    status = rnd.choice(["", "open", "paused", "paused", "closed"])
    return offer(
        offer_id=f"O{i}",
        lat=LAT + rnd.uniform(-0.2, 0.2),
        lon=LON + rnd.uniform(-0.2, 0.2),
        languages=rnd.choice(["da", "da", "ar", "da;tr"]),
        interpreter=rnd.choice(["", "none", "first_session", "all"]),
        interpreter_languages=_some(rnd, LANGUAGES),
        accessibility=_some(rnd, NEEDS),
        talk_level=rnd.choice(["", *TALK]),
        online=rnd.choice(["", "false", "true"]),
        status=status,
        paused_until=_day(rnd) if status == "paused" and rnd.random() < 0.8 else "",
    )


def _patient(rnd: random.Random, j: int) -> dict[str, Any]:
    return patient(
        patient_id=f"P{j}",
        discharge_date=_day(rnd),
        languages=rnd.choice(["da", "ar", "so", "ar;da", "tr"]),
        needs=_some(rnd, NEEDS) if rnd.random() < 0.5 else "",
        talk_level_max=rnd.choice(["", *TALK]),
        online_ok=rnd.choice(["", "false", "true"]),
        modes="walk;bus",
        max_travel_min=rnd.randint(10, 60),
    )


@FAST
@given(st.integers(0, 2**32 - 1))
def test_the_optional_column_rules_agree_with_the_documented_checker(seed: int) -> None:
    """Rules 'language', 'needs', 'talk', 'online' and 'status': for every pair of eight
    random offers and patients, the rules the match says fail are the ones the checker
    finds broken; and an online offer is 0 minutes away, so travel never removes it."""
    rnd = random.Random(seed)
    offers = [_offer(rnd, i) for i in range(8)]
    sessions = [
        session(
            session_id=f"S{i}",
            offer_id=f"O{i}",
            weekday=rnd.choice(["mon", "wed", "sat"]),
            first_date=_day(rnd),
        )
        for i in range(8)
    ]
    patients = [_patient(rnd, j) for j in range(8)]
    with tempfile.TemporaryDirectory(prefix="brobygger-rules-") as tmp:
        ds = build(offers, sessions, patients, Path(tmp))
    model = MatchModel.from_dataset(ds)
    ev = evaluate(model, np.arange(model.n_patients), explain=True)
    assert ev.fails is not None
    checker = RuleChecker(ds)
    online = ds.offers["online"].to_numpy(dtype=bool)[model.s_offer]
    for j, pid in enumerate(model.patient_ids):
        for s, sid in enumerate(model.session_ids):
            code = {RULES[r] for r in np.flatnonzero(ev.fails[:, j, s])} & NEW_RULES
            found = checker.pair_violations(str(pid), str(sid))
            assert code == {v.rule for v in found} & NEW_RULES, (pid, sid, found)
            if online[s]:
                assert ev.travel_min[j, s] == 0.0
                assert not ev.fails[RULES.index("travel"), j, s]
