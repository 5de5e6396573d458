"""The printed hand-out (matcher.discharge.handout) and ``brobygger handout``, without a browser.

The browser checks (it renders, prints to one A4 page) are in
tests/browser/test_handout_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from builders import LAT, LON, build, offer, patient, session
from typer.testing import CliRunner

from matcher import InputError, Recommender
from matcher.cli import app
from matcher.discharge.handout import MAX_DESCRIPTION, handout_html, map_view, write_handout
from matcher.domain import VULNERABILITY_FLAGS

WALK = offer(
    name="Gåklub Centrum",
    lat=LAT + 0.0133,
    address="Parkvej 11, 5000 Odense C",
    phone="65220190",
    provider="Ældre Sagen",
    fee_dkk_month=40,
    description="Vi går en tur i parken og drikker kaffe bagefter.",
)
HOME = offer(
    offer_id="HOME",
    name="Hjemmetræning",
    kind="home_visit",
    group_size=1,
    supervised="true",
    provider="Odense Kommune",
    phone="",
)


@pytest.fixture
def town(tmp_path: Path) -> Any:
    """One walking club, one home visit and three patients (bike, bus, at home)."""
    return build(
        [WALK, HOME],
        [
            session(first_date="2027-01-13", weekday="wed", weeks=8),
            session(session_id="H1", offer_id="HOME", weekday="thu", start="13:00", end="14:00"),
        ],
        [
            patient(modes="bike"),
            patient(patient_id="P2", modes="bus", lat=LAT - 0.02),
            patient(patient_id="P3", home_bound="true", group_tolerance="individual"),
        ],
        tmp_path / "data",
    )


def text_of(html: str) -> str:
    """The words of a page, without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_handout_says_what_where_when_bring_cost_and_call(town: Any) -> None:
    """Hand-out: what, where (address and map), first date and time, what to bring,
    what it costs and whom to call, in plain Danish by default."""
    html = handout_html(town, "P1", "S1")
    words = text_of(html)
    assert '<html lang="da">' in html
    for expected in (
        "Gåklub Centrum",
        "En aktivitet i en lokal forening.",
        "onsdag den 13. januar 2027",
        "kl. 10.00-11.00",
        "Derefter hver onsdag, i alt 8 gange.",
        "Parkvej 11, 5000 Odense C",
        "Ca. 12 min på cykel fra dit hjem.",
        "km mod nord fra dit hjem",
        "Gode sko og tøj efter vejret.",
        "40 kr. om måneden.",
        "Ring til Ældre Sagen på 65 22 01 90.",
        "Din kontaktperson:",
    ):
        assert expected in words, expected
    assert "<svg" in html and "Dit hjem" in html


def test_the_handout_in_english(town: Any) -> None:
    """Hand-out: English on request."""
    words = text_of(handout_html(town, "P1", "S1", lang="en"))
    for expected in (
        "Your next step",
        "Wednesday 13 January 2027",
        "About 12 min by bike from your home.",
        "DKK 40 a month.",
        "Call Ældre Sagen on 65 22 01 90.",
    ):
        assert expected in words, expected


def test_a_home_visit_needs_no_map(town: Any) -> None:
    """Hand-out for a home visit: 'we come to you', no map, nothing to bring."""
    html = handout_html(town, "P3", "H1")
    words = text_of(html)
    assert "Vi kommer hjem til dig" in words
    assert '<svg class="map"' not in html and "pictogram-home_visit" in html
    assert "Kontakt Odense Kommune." in words
    assert "Kom gerne 10 minutter før" not in words


def test_a_bus_trip_reminds_of_the_ticket(town: Any) -> None:
    """Hand-out: what it costs includes the bus ticket when the trip is by bus."""
    words = text_of(handout_html(town, "P2", "S1"))
    assert "min med bus" in words and "Husk buskort eller billet." in words


def test_nothing_private_and_no_jargon(town: Any) -> None:
    """Health data: no vulnerability label, priority, id or rehabilitation jargon, and the
    flags do not change the page."""
    recommender = Recommender(town, today="2027-01-04")
    plain = handout_html(recommender, patient(modes="bike"), "S1")
    flagged = handout_html(
        recommender, {**patient(modes="bike"), **dict.fromkeys(VULNERABILITY_FLAGS, True)}, "S1"
    )
    assert plain == flagged
    words = text_of(plain).lower()
    for word in (
        "rehabilitering",
        "genoptræningsforløb",
        "udslusning",
        "priorit",
        "sårbar",
        "alene",
        "indkomst",
        "uddannelse",
        "p1",
        "s1",
        "o1",
    ):
        assert word not in words, word


def test_the_page_loads_nothing_from_the_internet(town: Any) -> None:
    """Hand-out: works offline: no scripts, links, images or addresses to fetch."""
    html = handout_html(town, "P1", "S1")
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert re.findall(r"https?://[^\"' ]+", html) == ["http://www.w3.org/2000/svg"]
    assert "url(" not in html and "@import" not in html


def test_a_long_description_is_cut_to_keep_one_page(tmp_path: Path) -> None:
    """Hand-out: a long description is shortened so the page stays one page."""
    long_text = "Vi mødes og går en tur. " * 60
    ds = build([offer(description=long_text)], [session()], [patient()], tmp_path)
    words = text_of(handout_html(ds, "P1", "S1"))
    kept = re.search(r"(Vi mødes og går en tur\..*?…)", words)
    assert kept is not None and len(kept.group(1)) <= MAX_DESCRIPTION


@pytest.mark.parametrize(
    ("venue", "bearing", "scale"),
    [
        ((0.0, 1000.0), 0.0, 500),
        ((1000.0, 1000.0), 45.0, 500),
        ((-3000.0, 0.0), 270.0, 1000),
        ((5.0, -5.0), 135.0, 100),
    ],
)
def test_the_map_keeps_both_places_inside_with_north_up(
    venue: tuple[float, float], bearing: float, scale: int
) -> None:
    """Map: home, venue and their labels inside the drawing, north up, a round scale bar,
    true bearing."""
    long_name = "Fællesspisning og gåtur i Kongens Have"
    view = map_view(
        (500_000.0, 6_100_000.0),
        (500_000.0 + venue[0], 6_100_000.0 + venue[1]),
        labels=("Dit hjem", long_name),
    )
    for x, y in (view.home, view.venue):
        assert 0 < x < view.width and 0 < y < view.height
    for label in (view.home_label, view.venue_label):
        wide = len(label.text) * 7.4
        left = {"start": label.x, "end": label.x - wide, "middle": label.x - wide / 2}
        assert left[label.anchor] >= 0 and left[label.anchor] + wide <= view.width - 36
        assert 0 < label.y < view.height
    assert view.venue_label.text.endswith("…") and len(view.venue_label.text) <= 26
    if venue[1] > 0:
        assert view.venue[1] < view.home[1]  # north is up
    assert view.bearing_deg == pytest.approx(bearing)
    assert view.scale_m == scale
    metres_per_px = view.scale_m / view.scale_px
    pixels = ((view.venue[0] - view.home[0]) ** 2 + (view.venue[1] - view.home[1]) ** 2) ** 0.5
    assert pixels * metres_per_px == pytest.approx(view.distance_m, rel=0.01, abs=1.0)


def test_a_session_that_does_not_fit_is_refused(town: Any) -> None:
    """Rules: no hand-out for a session that breaks a rule for the patient (named)."""
    with pytest.raises(InputError, match="does not fit patient 'P1'"):
        handout_html(town, "P1", "H1")


def test_write_handout_writes_the_page(town: Any, tmp_path: Path) -> None:
    """Hand-out file: written whole, as UTF-8 HTML."""
    path = write_handout(town, "P1", "S1", tmp_path / "invite.html", lang="en")
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")


# -- the command line -----------------------------------------------------------
def test_cli_handout_writes_the_file(town: Any, tmp_path: Path) -> None:
    """CLI: handout exits 0 and writes the page."""
    out = tmp_path / "out" / "invite.html"
    result = CliRunner().invoke(
        app,
        ["handout", str(town.source), "--patient", "P1", "--session", "S1", "--out", str(out)],
    )
    assert result.exit_code == 0, result.stderr
    assert "Gåklub Centrum" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("patient_id", "session_id", "extra", "named"),
    [
        ("NOPE", "S1", [], ["'NOPE'"]),
        ("P1", "NOPE", [], ["'NOPE'"]),
        ("NOPE", "GONE", [], ["'NOPE'", "'GONE'"]),
        ("P1", "H1", [], ["does not fit"]),
        ("P1", "S1", ["--lang", "xx"], ["'xx'"]),
    ],
)
def test_cli_handout_bad_input_exits_2_and_writes_nothing(
    town: Any,
    tmp_path: Path,
    patient_id: str,
    session_id: str,
    extra: list[str],
    named: list[str],
) -> None:
    """CLI: a bad patient id, session id or language exits 2, names them, writes nothing."""
    out = tmp_path / "invite.html"
    result = CliRunner().invoke(
        app,
        [
            "handout",
            str(town.source),
            "--patient",
            patient_id,
            "--session",
            session_id,
            "--out",
            str(out),
            *extra,
        ],
    )
    assert result.exit_code == 2
    for name in named:
        assert name in result.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_cli_handout_into_a_folder_exits_2(town: Any, tmp_path: Path) -> None:
    """CLI: --out naming a folder is bad input (exit 2)."""
    result = CliRunner().invoke(
        app,
        ["handout", str(town.source), "--patient", "P1", "--session", "S1", "--out", str(tmp_path)],
    )
    assert result.exit_code == 2
    assert "is a folder" in result.stderr


def test_same_walk_club_near_and_far(tmp_path: Path) -> None:
    """Directions: the compass word follows the venue (west of home reads 'vest')."""
    ds = build([offer(lon=LON - 0.02)], [session()], [patient(modes="bike")], tmp_path)
    assert "km mod vest fra dit hjem" in text_of(handout_html(ds, "P1", "S1"))


# -- no invitation to a full session -------------------------------------------
@pytest.fixture
def one_place(tmp_path: Path) -> Any:
    """The walking club with a single place, and two patients for whom it fits."""
    return build(
        [WALK],
        [session(first_date="2027-01-13", weekday="wed", capacity=1)],
        [patient(modes="bike"), patient(patient_id="P2", modes="bike")],
        tmp_path / "data",
    )


def _cli(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_handout_refuses_a_session_another_patient_fills(
    one_place: Any, tmp_path: Path
) -> None:
    """Capacity: no hand-out (exit 2, 'is full', no file) when another patient holds the
    session's only place in --db; the patient who holds it gets theirs."""
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    booked = _cli("book", one_place.source, "--patient", "P2", "--session", "S1", "--db", db)
    assert booked.exit_code == 0, booked.output
    out = tmp_path / "invite.html"
    refused = _cli(
        "handout", one_place.source, "--patient", "P1", "--session", "S1", "--out", out, "--db", db
    )
    assert refused.exit_code == 2, refused.output
    assert "sessions.csv:-:capacity: session 'S1' is full" in refused.stderr
    assert "Traceback" not in refused.output
    assert not out.exists()
    held = _cli(
        "handout", one_place.source, "--patient", "P2", "--session", "S1", "--out", out, "--db", db
    )
    assert held.exit_code == 0, held.output
    assert "Gåklub Centrum" in out.read_text(encoding="utf-8")


def test_cli_handout_after_the_place_is_freed(one_place: Any, tmp_path: Path) -> None:
    """Capacity: once the other patient's booking is cancelled, the place is free and the
    hand-out is written."""
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    _cli("book", one_place.source, "--patient", "P2", "--session", "S1", "--db", db)
    assert _cli("cancel", "--booking", "1", "--db", db).exit_code == 0
    out = tmp_path / "invite.html"
    result = _cli(
        "handout", one_place.source, "--patient", "P1", "--session", "S1", "--out", out, "--db", db
    )
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_handout_of_a_session_without_places(one_place: Any) -> None:
    """Capacity: handout_html refuses a session whose places are all booked, unless the
    patient holds one of them (held=True)."""
    full = Recommender(one_place, booked={"S1": 1})
    with pytest.raises(InputError, match="session 'S1' is full"):
        handout_html(full, "P1", "S1")
    assert "Gåklub Centrum" in handout_html(full, "P1", "S1", held=True)
    assert "Gåklub Centrum" in handout_html(Recommender(one_place), "P1", "S1")


# -- the person's language, the contact person and the calendar invitation ------
def _handout(town: Any, out: Path, *extra: str) -> Any:
    return _cli("handout", town.source, "--patient", "P1", "--session", "S1", "--out", out, *extra)


def test_cli_handout_writes_the_invitation_beside_the_page(town: Any, tmp_path: Path) -> None:
    """CLI: handout writes invite.html and, beside it, invite.ics with the first
    meeting's Danish clock time, and names both files."""
    import icalendar

    out = tmp_path / "out" / "invite.html"
    result = _handout(town, out)
    assert result.exit_code == 0, result.output
    ics = out.with_suffix(".ics")
    (event,) = icalendar.Calendar.from_ical(ics.read_text(encoding="utf-8")).walk("VEVENT")
    start = event.decoded("dtstart")
    assert (start.year, start.month, start.day, start.hour) == (2027, 1, 13, 10)
    assert str(start.tzinfo) == "Europe/Copenhagen"
    assert str(event["summary"]) == "Første gang: Gåklub Centrum"
    assert str(out) in result.stdout and str(ics) in result.stdout


def test_cli_handout_in_arabic_with_a_contact_person(town: Any, tmp_path: Path) -> None:
    """CLI: --lang ar writes a right-to-left Arabic page and invitation, and
    --contact-name/--contact-phone put the contact person on both, escaped."""
    out = tmp_path / "invite.html"
    result = _handout(
        town,
        out,
        "--lang",
        "ar",
        "--contact-name",
        "Mette <b>Hansen</b>",
        "--contact-phone",
        "12345678",
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html and "خطوتك التالية" in html
    assert "Mette &lt;b&gt;Hansen&lt;/b&gt;" in html and "<b>Hansen" not in html
    assert '<bdi dir="ltr">12\u00a034\u00a056\u00a078</bdi>' in html
    ics = out.with_suffix(".ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "SUMMARY;LANGUAGE=ar:أول مرة: Gåklub Centrum" in ics
    assert "Mette <b>Hansen</b>" in ics  # a calendar shows text, never markup


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--lang", "xx"], ["--lang", "'xx'", "da, en, ar, tr, ur, so, pl, fa"]),
        (["--lang", "de"], ["--lang", "'de'"]),
        (["--contact-name", "Mette"], ["--contact-phone", "give both"]),
        (["--contact-phone", "12345678"], ["--contact-name", "give both"]),
        (["--contact-name", "Mette", "--contact-phone", "ring"], ["is not a phone number"]),
    ],
)
def test_cli_handout_bad_language_or_contact_exits_2(
    town: Any, tmp_path: Path, extra: list[str], named: list[str]
) -> None:
    """CLI: a language the hand-out does not come in, or a contact given halfway or
    with a wrong phone, exits 2 naming the option, with no traceback and no file."""
    out = tmp_path / "invite.html"
    result = _handout(town, out, *extra)
    assert result.exit_code == 2, result.output
    for name in named:
        assert name in result.stderr, name
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_cli_handout_refuses_an_ics_out(town: Any, tmp_path: Path) -> None:
    """CLI: --out ending in .ics would be the invitation's own name: exit 2, nothing written."""
    result = _handout(town, tmp_path / "invite.ics")
    assert result.exit_code == 2
    assert "calendar invitation's name" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "data"]


def test_cli_recommend_keeps_danish_and_english_only(town: Any) -> None:
    """CLI: recommend's --lang stays da or en (its table is for staff): ar exits 2."""
    result = _cli("recommend", town.source, "--patient", "P1", "--lang", "ar")
    assert result.exit_code == 2
    assert "--lang" in result.stderr and "'ar' is not a known language (da, en)" in result.stderr


def test_an_online_offer_s_hand_out_says_there_is_no_trip(tmp_path: Path) -> None:
    """Rule 'online' on the hand-out: an online offer 20 km away reads as online from
    home with no travel, in Danish and English, never as minutes by a mode."""
    ds = build(
        [offer(online="true", lat=LAT + 0.2)], [session()], [patient(online_ok="true")], tmp_path
    )
    danish = handout_html(ds, "P1", "S1", today="2027-01-01")
    assert "online hjemmefra: ingen transport" in danish
    assert "min til fods" not in danish
    assert "online from home: no travel" in handout_html(ds, "P1", "S1", lang="en")
