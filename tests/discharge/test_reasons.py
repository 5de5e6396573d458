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
