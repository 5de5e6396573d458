"""The documented default weights and a user's --weights file (matcher.weights)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from matcher import InputError, Weights
from matcher.domain import MODES
from matcher.weights import default_weights_text


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
        ("[time_of_day]\ncomfortable_start = '25:00'\n", "time_of_day", "time of day"),
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
