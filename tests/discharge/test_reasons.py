"""Plain-language reasons of an option (matcher.discharge.reasons): what fits and what
is less good, in the patient's words."""

from __future__ import annotations

from pathlib import Path

from builders import LAT, build, offer, patient, session

from matcher import recommend


def test_reasons_read_like_the_issue(tmp_path: Path) -> None:
    """Reasons: travel by mode, days to the start, and a group larger than preferred."""
    ds = build(
        [offer(lat=LAT + 0.0133, group_size=10, fee_dkk_month=40, tags="dance")],
        [session(first_date="2027-01-13", weekday="wed")],
        [patient(modes="bike", group_tolerance="medium", interests="walking")],
        tmp_path,
    )
    frame = recommend(ds, "P1", lang="en").table()
    fits, less = frame["fits"].iloc[0], frame["less_good"].iloc[0]
    assert "12 min by bike" in fits
    assert "starts in 9 days" in fits
    assert "group of about 10: larger than you prefer" in less
    assert "costs DKK 40 a month" in less
    assert "not among the things you like most" in less
    danish = recommend(ds, "P1").table()
    assert "12 min på cykel" in danish["fits"].iloc[0]
    assert "starter om 9 dage" in danish["fits"].iloc[0]


def test_an_interpreter_at_the_first_session_only_is_said(tmp_path: Path) -> None:
    """Rule 'language' with an interpreter: the card says the interpreter comes the first
    time only, or every time, and that an online offer needs no travel."""
    ds = build(
        [
            offer(interpreter="first_session", interpreter_languages="ar", trial_free="true"),
            offer(offer_id="O2", interpreter="all", interpreter_languages="ar", online="true"),
        ],
        [session(), session(session_id="S2", offer_id="O2")],
        [patient(languages="ar", online_ok="true")],
        tmp_path,
    )
    fits = recommend(ds, "P1", lang="en").table().set_index("offer_id")["fits"]
    assert "an interpreter (Arabic) at the first session" in fits["O1"]
    assert "the first time is free: try it first" in fits["O1"]
    assert "an interpreter (Arabic) every time" in fits["O2"]
    assert "online from home: no travel" in fits["O2"]
    danish = recommend(ds, "P1").table().set_index("offer_id")["fits"]
    assert "tolk (arabisk) første gang" in danish["O1"]
