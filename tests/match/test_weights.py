"""The documented default weights and a user's --weights file (matcher.match.weights)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher import InputError, Weights
from matcher.domain import MODES
from matcher.match.weights import default_weights_text


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_load_with_documented_values() -> None:
    """The packaged file loads; one point is one minute of travel; clocks become minutes."""
    w = Weights.load()
    assert w.travel_min == 1.0
    assert w.comfortable_start == 9 * 60 and w.comfortable_end == 20 * 60
    assert set(w.travel) == set(MODES)
    assert w.candidates_per_patient >= 1 and w.all_pairs_up_to >= 0


def test_every_weight_and_plan_key_is_documented() -> None:
    """Every key of [weights] and [plan] in weights.toml has a comment right above it."""
    lines = default_weights_text().splitlines()
    table = ""
    for i, line in enumerate(lines):
        if line.startswith("["):
            table = line.strip("[]")
        elif re.match(r"^\w+\s*=", line) and table in ("weights", "plan"):
            assert lines[i - 1].startswith("#"), f"{table}.{line.split('=')[0].strip()}"


def test_a_file_overrides_only_its_keys(tmp_path: Path) -> None:
    """A user's file may hold only the keys it changes; the rest keep their defaults."""
    path = write(tmp_path, "[weights]\nwait_day = 2.5\n\n[travel.bus]\nfixed_min = 5\n")
    w, d = Weights.load(path), Weights.load()
    assert w.wait_day == 2.5
    assert w.travel["bus"].fixed_min == 5.0
    assert w.travel["bus"].speed_kmh == d.travel["bus"].speed_kmh
    assert w.travel_min == d.travel_min


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("[weights]\nwalking_speed = 3\n", "weights.walking_speed", "unknown key"),
        ("[weigths]\ntravel_min = 3\n", "weigths", "unknown key"),
        ("[weights]\ntravel_min = 'fast'\n", "weights.travel_min", "wrong type"),
        ("[weights]\ntravel_min = true\n", "weights.travel_min", "wrong type"),
        ("weights = 3\n", "weights", "must be a table"),
        ("[weights]\nwait_day = -1\n", "weights.wait_day", "at least 0"),
        ("[travel.car]\nspeed_kmh = 0\n", "travel.car.speed_kmh", "above 0"),
        ("[plan]\ncandidates_per_patient = 0\n", "plan.candidates_per_patient", "at least 1"),
        ("[plan]\nall_pairs_up_to = -5\n", "plan.all_pairs_up_to", "at least 0"),
        (
            "[time_of_day]\ncomfortable_start = '25:00'\n",
            "time_of_day.comfortable_start",
            "time of day",
        ),
    ],
)
def test_bad_keys_and_values_name_the_file_and_key(
    tmp_path: Path, text: str, column: str, words: str
) -> None:
    """An unknown key, a wrong type or an impossible value is an InputError naming the
    file and the key."""
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, text))
    problem = caught.value.problems[0]
    assert problem.file == "mine.toml"
    assert problem.column == column
    assert words in problem.message


def test_every_problem_is_listed(tmp_path: Path) -> None:
    """Two unknown keys give two problems, not one."""
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, "[weights]\na = 1\nb = 2\n"))
    assert [p.column for p in caught.value.problems] == ["weights.a", "weights.b"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[weights\ntravel_min = 1\n", "is not valid TOML"),
        (b"[weights]\ntravel_min = \xff\n", "is not valid TOML"),
    ],
)
def test_unreadable_file_is_an_input_error(tmp_path: Path, content: bytes, words: str) -> None:
    """A file that is not TOML (or not UTF-8) is an InputError naming the file."""
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        Weights.load(path)
    assert caught.value.problems[0].file == "bad.toml"
    assert words in caught.value.problems[0].message


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    """A weights file that does not exist is an InputError, not a traceback."""
    with pytest.raises(InputError, match="weights file not found"):
        Weights.load(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("[weights]\ntravel_min = nan\n", "weights.travel_min", "finite number, not nan"),
        ("[weights]\nwait_day = inf\n", "weights.wait_day", "finite number, not inf"),
        ("[travel.bus]\nspeed_kmh = -inf\n", "travel.bus.speed_kmh", "finite number"),
        ("[weights]\nhome_visit = 1e308\n", "weights.home_visit", "at most 10000"),
        ("[travel.car]\nspeed_kmh = 5000\n", "travel.car.speed_kmh", "at most 300"),
        ("[travel.car]\ndetour = 0.5\n", "travel.car.detour", "at least 1"),
        ("[travel.walk]\nfixed_min = -3\n", "travel.walk.fixed_min", "at least 0"),
        ("[plan]\nhome_visit_min = 100000\n", "plan.home_visit_min", "at most 720"),
        ("[plan]\nall_pairs_up_to = 99999999999999999999\n", "plan.all_pairs_up_to", "at most"),
        ("[plan]\ncandidates_per_patient = 2.5\n", "plan.candidates_per_patient", "whole number"),
        ("[weights]\ntravel_min = 1979-05-27\n", "weights.travel_min", "give a number"),
        ("[weights]\ntravel_min = 07:32:00\n", "weights.travel_min", "give a number"),
        ("[weights]\ntravel_min = [1, 2]\n", "weights.travel_min", "give a number"),
        ("[time_of_day]\ncomfortable_end = 20\n", "time_of_day.comfortable_end", "give text"),
        ("[travel.train]\nspeed_kmh = 80\n", "travel.train", "unknown key"),
        (
            "[time_of_day]\ncomfortable_start = '21:00'\n",
            "time_of_day.comfortable_start",
            "not before comfortable_end",
        ),
    ],
)
def test_impossible_weights_are_refused_naming_file_line_and_key(
    tmp_path: Path, text: str, column: str, words: str
) -> None:
    """NaN, infinite, huge, negative, fractional counts and dates are refused with the
    file, the key's line and the key; never a traceback or a silently odd plan."""
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, "# my weights\n" + text))
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert (problem.file, problem.column) == ("mine.toml", column)
    assert problem.row == (2 if column == "travel.train" else 3)  # the key's (or table's) line
    assert words in problem.message


def test_a_problem_names_the_line_of_its_key(tmp_path: Path) -> None:
    """The problem of a key gives the key's line in the file."""
    text = "# mine\n\n[weights]\ntravel_min = 1\nwait_day = nan\n"
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, text))
    assert str(caught.value.problems[0]) == (
        "mine.toml:5:weights.wait_day: must be a finite number, not nan"
    )


def test_malformed_toml_names_its_line(tmp_path: Path) -> None:
    """A TOML syntax error is reported with the file and the line it is on."""
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, "[weights]\ntravel_min = 1\nwait_day = = 2\n"))
    problem = caught.value.problems[0]
    assert (problem.file, problem.row) == ("mine.toml", 3)
    assert "is not valid TOML" in problem.message


def test_a_whole_number_written_with_a_point_is_accepted(tmp_path: Path) -> None:
    """candidates_per_patient = 12.0 is 12; speeds may be whole numbers."""
    w = Weights.load(write(tmp_path, "[plan]\ncandidates_per_patient = 12.0\n"))
    assert w.candidates_per_patient == 12
    assert Weights.load(write(tmp_path, "[travel.walk]\nspeed_kmh = 5\n")).travel[
        "walk"
    ].speed_kmh == pytest.approx(5.0)


def test_min_km_can_be_set_for_every_mode(tmp_path: Path) -> None:
    """Every mode takes every travel key, also those its default leaves out (min_km)."""
    w = Weights.load(write(tmp_path, "[travel.walk]\nmin_km = 0.1\n"))
    assert w.travel["walk"].min_km == pytest.approx(0.1)


def test_a_folder_or_a_huge_file_is_refused(tmp_path: Path) -> None:
    """A folder given as the weights file, or a file over 1 MB, is an InputError."""
    folder = tmp_path / "w.toml"
    folder.mkdir()
    with pytest.raises(InputError, match=r"w\.toml:-:-: is not a file"):
        Weights.load(folder)
    huge = write(tmp_path, "# padding\n" * 200_000)
    with pytest.raises(InputError, match="is larger than"):
        Weights.load(huge)


def test_deeply_nested_toml_is_refused(tmp_path: Path) -> None:
    """A value nested thousands of arrays deep is refused, not a RecursionError."""
    with pytest.raises(InputError, match=r"mine\.toml"):
        Weights.load(write(tmp_path, "[weights]\ntravel_min = " + "[" * 5000 + "]" * 5000))


def test_plan_refuses_bad_weights_with_exit_2(tmp_path: Path, demo_dir: Path) -> None:
    """brobygger plan --weights with NaN exits 2 naming file and key, no traceback."""
    from typer.testing import CliRunner

    from matcher.cli import app

    path = write(tmp_path, "[weights]\ntravel_min = nan\n")
    result = CliRunner().invoke(
        app, ["plan", str(demo_dir), "--out", str(tmp_path / "PLAN.csv"), "--weights", str(path)]
    )
    assert result.exit_code == 2, result.output
    assert "mine.toml:2:weights.travel_min: must be a finite number" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "PLAN.csv").exists()


def test_transport_fares_and_the_budget_switch_load_from_a_file(tmp_path: Path) -> None:
    """[transport] keys override the documented fares; in_budget takes only true or
    false, and a fare outside its limits is refused naming the key."""
    w = Weights.load(write(tmp_path, "[transport]\nin_budget = true\nbus_fare_2_zones = 22\n"))
    assert w.transport.in_budget is True and w.transport.bus_fare_2_zones == 22.0
    assert Weights.load().transport.in_budget is False
    for text, column, words in [
        ("[transport]\nin_budget = 1\n", "transport.in_budget", "give true or false"),
        ("[transport]\nbus_zone_km = 0\n", "transport.bus_zone_km", "above 0"),
        ("[transport]\ncar_dkk_per_km = -1\n", "transport.car_dkk_per_km", "at least 0"),
    ]:
        with pytest.raises(InputError) as caught:
            Weights.load(write(tmp_path, text))
        assert caught.value.problems[0].column == column
        assert words in caught.value.problems[0].message


def test_holidays_are_skipped_for_exit_teams_and_home_visits_by_default() -> None:
    """[holidays] of the defaults keeps exit teams and home visits off public holidays."""
    assert Weights.load().holiday_kinds == ("exit_team", "home_visit")


def test_a_file_sets_which_kinds_skip_holidays(tmp_path: Path) -> None:
    """A weights file turns skipping holidays off or on per kind of offer; a value that is
    not true or false is refused naming its key."""
    text = "[holidays]\nexit_team = false\nassociation = true\n"
    assert Weights.load(write(tmp_path, text)).holiday_kinds == ("association", "home_visit")
    with pytest.raises(InputError) as caught:
        Weights.load(write(tmp_path, "[holidays]\nhome_visit = 'yes'\n"))
    assert caught.value.problems[0].column == "holidays.home_visit"
    assert "true or false" in caught.value.problems[0].message
