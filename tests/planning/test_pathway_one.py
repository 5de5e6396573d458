"""One person's ladder from the first step chosen at the closing conversation."""

from __future__ import annotations

from builders import build, offer, patient, session

from matcher.planning.pathway_one import ladder_from


def _town(tolerance: str = "individual", **person: object) -> object:
    return build(
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="E", kind="exit_team", group_size=6),
            offer(offer_id="A", kind="association", group_size=6),
        ],
        [
            session(session_id="SH", offer_id="H"),
            session(session_id="SE", offer_id="E", first_date="2027-02-01", weeks=8),
            session(session_id="SA", offer_id="A"),
        ],
        [patient(patient_id="P1", group_tolerance=tolerance, **person)],
    )


def test_home_visits_lead_on_to_the_team_and_the_club() -> None:
    """From home visits the ladder goes on to the exit team a week after the last visit
    and to the club in the team's last two weeks, each with its dates."""
    ds = _town()
    steps = ladder_from(ds, ds.patients, "SH")
    assert [(s.kind, s.session_id) for s in steps] == [
        ("home_visit", "SH"),
        ("exit_team", "SE"),
        ("association", "SA"),
    ]
    assert [str(s.start) for s in steps] == ["2027-01-04", "2027-02-01", "2027-03-08"]
    assert str(steps[0].last) == "2027-01-25" and steps[-1].last is None


def test_a_session_that_is_no_first_step_gives_no_ladder() -> None:
    """An exit team is no first step for someone who manages only one-to-one."""
    ds = _town()
    assert ladder_from(ds, ds.patients, "SE") == []


def test_a_lasting_first_step_is_the_whole_ladder() -> None:
    """A club lasts, so nothing follows it."""
    ds = _town("medium")
    steps = ladder_from(ds, ds.patients, "SA")
    assert [s.session_id for s in steps] == ["SA"]
