"""Options of the commands have documented ranges: a value outside (a huge integer, NaN,
infinity, a date outside 2000-2100, a weekday or language that is none) is bad input with
exit 2, never wrapped, clipped, guessed or a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()
DATA = Path(__file__).resolve().parents[2] / "data" / "activities"
HUGE = "99999999999999999999"
#: brobygger sites with a valid activity; a test adds one option that is not.
SITES = [
    *("sites", str(DATA), "--kind", "association", "--start", "17:00", "--end", "18:30"),
    *("--weekday", "tue", "--group-size", "10"),
]


@pytest.mark.parametrize(
    "args",
    [
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--seed", HUGE],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--workers", HUGE],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "nan"],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "inf"],
        ["plan", str(DATA), "--out", "{out}/PLAN.csv", "--time-limit", "-1"],
        ["schedule", str(DATA), "--weeks", HUGE, "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "0", "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--guarantee-days", HUGE, "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--budgets", "0,nan", "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "4", "--budgets", "-5", "--out", "{out}/s"],
        ["recommend", str(DATA), "--patient", "P00001", "--top", HUGE],
        ["demo", "--out", "{out}/demo", "--patients", HUGE],
        ["demo", "--out", "{out}/demo", "--seed", "-1"],
        ["cancel", "--booking", HUGE, "--db", "{out}/db.sqlite3"],
        ["attend", "--booking", "0", "--date", "2027-01-04", "--present", "--db", "{out}/x.db"],
        ["schedule", str(DATA), "--weeks", "2", "--start", "0001-01-01", "--out", "{out}/s"],
        ["schedule", str(DATA), "--weeks", "2", "--start", "9999-12-31", "--out", "{out}/s"],
        ["recommend", str(DATA), "--patient", "P00001", "--today", "9999-12-31"],
        ["tasks", "--due", "--as-of", "0001-01-01", "--db", "{out}/x.db"],
        [*SITES, "--k", HUGE],
        [*SITES, "--seed", "-1"],
        [*SITES, "--time-limit", "inf"],
        [*SITES, "--fee", "nan"],
        [*SITES, "--group-size", HUGE],
        [*SITES, "--weekday", "Monkey"],
        [*SITES, "--languages", "danish"],
    ],
    ids=lambda a: " ".join([a[0], *[x for x in a[1:] if x.startswith("--")][-2:], a[-1][:12]]),
)
def test_an_option_outside_its_range_is_bad_input(tmp_path: Path, args: list[str]) -> None:
    """Each number and date option has a range, and words (weekday, language) their
    vocabulary; outside it the command exits 2 and writes nothing."""
    result = RUNNER.invoke(app, [a.format(out=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_cpr_number_given_as_patient_is_never_repeated(tmp_path: Path) -> None:
    """recommend --patient with a CPR number is bad input whose message does not repeat it."""
    result = RUNNER.invoke(app, ["recommend", str(DATA), "--patient", "010190-1234"])
    assert result.exit_code == 2, result.output
    assert "looks like a CPR number" in result.output
    assert "010190" not in result.output


def test_codes_and_notes_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """``say_code`` gives the English it is handed by default and the app's words with
    BROBYGGER_LANG=da (a code without words as it is); ``say_note`` words a note."""
    from matcher.cli.common import say_code, say_note
    from matcher.words.app import code_text
    from matcher.words.notes import note_text, noted

    note = noted("{n} patients already booked keep their place", n=2)
    monkeypatch.delenv("BROBYGGER_LANG", raising=False)
    assert say_code("kind", "exit_team", "exit team") == "exit team"
    assert say_note(note) == str(note)
    monkeypatch.setenv("BROBYGGER_LANG", "da")
    assert say_code("kind", "exit_team", "exit team") == code_text("kind", "exit_team", "da")
    assert say_code("stage", "no such stage", "x") == "no such stage"
    assert say_note(note) == note_text(note, "da") != str(note)


def test_the_progress_bar_names_each_stage_in_the_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bar shows a planner's stage code, and a numbered stage (a note), in Danish
    with BROBYGGER_LANG=da, and each as it is given by default."""
    from typing import Any

    from matcher.cli import common
    from matcher.words.app import code_text
    from matcher.words.notes import note_text, noted

    shown: list[str] = []

    class Bar:
        """Stands in for rich's Progress and keeps each description the bar is given."""

        def __init__(self, *columns: Any, **options: Any) -> None:
            pass

        def __enter__(self) -> Bar:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def add_task(self, description: str, **options: Any) -> int:
            return 0

        def update(self, task: int, *, description: str, completed: float) -> None:
            shown.append(description)

    monkeypatch.setattr(common, "Progress", Bar)
    budget = noted("budget {budget:g}", budget=40)
    for lang in ("", "da"):
        monkeypatch.setenv("BROBYGGER_LANG", lang)
        with common.progress_bar(10) as progress:
            for stage in ("costs", budget):
                progress(stage, 0.5)
    assert shown == [
        "costs",
        "budget 40",
        code_text("stage", "costs", "da"),
        note_text(budget, "da"),
    ]
    assert shown[2:] != shown[:2]


def _shared(command: str, name: str) -> tuple[object, ...]:
    """A parameter of a command as its help shows it: flags, help line, type and range."""
    click_command = typer.main.get_command(app).commands[command]
    param = next(p for p in click_command.params if p.name == name)
    shown = param.display_type(click_command.context_class(click_command))
    bounds = getattr(param, "min", None), getattr(param, "max", None)
    return tuple(param.opts), getattr(param, "help", None), shown, bounds


@pytest.mark.parametrize(
    ("commands", "names"),
    [
        (("schedule", "pathways"), ("start", "guarantee_days", "join_weeks")),
        (("schedule", "pathways", "plan"), ("directory", "workers", "weights", "seed")),
    ],
)
def test_the_options_the_planning_commands_share_read_alike(
    commands: tuple[str, ...], names: tuple[str, ...]
) -> None:
    """A shared option has one flag, help text, type and range in every command using it."""
    for name in names:
        seen = {_shared(command, name) for command in commands}
        assert len(seen) == 1, (name, seen)
        ((flags, help_text, _, _),) = seen
        if name != "directory":
            assert flags == ("--" + name.replace("_", "-"),)
            assert help_text
