"""What the command line prints and writes is safe whatever the data holds: values are shown as
they are (never as Rich markup, emoji codes or terminal control), a command that has written
its result exits 0 whatever its printing does, and no CSV it writes holds a formula."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from builders import offer, patient, session, write
from typer.testing import CliRunner

from matcher.cli import app, common
from matcher.errors import Problem
from matcher.store import active_bookings, list_tasks, open_store

RUNNER = CliRunner()
#: Offer names that Rich would read as markup, an emoji code or a terminal escape.
CLOSE = "[/] closes nothing"
LINK = "[link=http://x]y[/link]"
BOLD = "[bold]Gåklub"
EMOJI = "Kor :smile:"
ESCAPE = "\x1b[31mRød\x1b[0m \x1b]8;;http://x\x1b\\z\x1b]8;;\x1b\\"
FORMULA = '=HYPERLINK("http://x","y")'
#: Ids Rich would read as markup (a pseudonym cannot hold brackets: the loader refuses it).
SESSION = "S[/]1"
OFFER = "O[bold]1"
PATIENTS = ("P001", "P:2", "P.3_x")


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables 300 characters wide, so every value shows on one line."""
    monkeypatch.setattr(common.out, "_width", 300)
    monkeypatch.setattr(common.err, "_width", 300)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset whose names and ids are markup, an emoji code, terminal escapes and a formula."""
    root = tmp_path / "d[bold]ata[link=x]"
    root.mkdir()
    names = (f"{CLOSE} {LINK}", BOLD, EMOJI, FORMULA)
    offers = [offer(offer_id=OFFER, name=names[0])]
    offers += [offer(offer_id=f"O{i}", name=name) for i, name in enumerate(names[1:], start=2)]
    write(root, "offers.csv", offers)
    sessions = [session(session_id=SESSION, offer_id=OFFER)]
    sessions += [session(session_id=f"S{i}", offer_id=f"O{i}", weekday="tue") for i in range(2, 5)]
    write(root, "sessions.csv", sessions)
    rows = [patient(patient_id=p) for p in PATIENTS]
    write(root, "patients.csv", rows)
    return root


def assert_shown_as_is(output: str, *values: str) -> None:
    """Every value appears exactly as written, and no terminal escape reaches the output."""
    assert "Traceback" not in output and "MarkupError" not in output, output
    for value in values:
        assert value in output, (value, output)
    assert "\x1b" not in output


def test_offer_names_and_ids_are_printed_as_they_are_by_recommend(folder: Path) -> None:
    """recommend shows offer names and ids that look like markup, emoji codes or terminal
    escapes as those very characters, never styled, linked or crashing."""
    for who in PATIENTS:
        code, output = run("recommend", folder, "--patient", who, "--top", "9")
        assert code == 0, output
        assert_shown_as_is(
            output, f"Next steps for {who}", CLOSE, LINK, BOLD, EMOJI, SESSION, OFFER, FORMULA
        )


def test_a_pseudonym_with_markup_is_refused_by_the_loader(folder: Path) -> None:
    """A patient_id holding brackets is no pseudonym: validate refuses it (exit 2), naming
    the cell, and shows nothing as markup."""
    write(folder, "patients.csv", [patient(patient_id="P[/]1"), patient(patient_id="P2")])
    code, output = run("validate", folder)
    assert code == 2, output
    assert_shown_as_is(output, "patients.csv:2:patient_id: must be a pseudonym of 1-64 letters")


def test_an_offer_name_with_a_terminal_escape_is_refused(folder: Path) -> None:
    """A control character in a cell (an escape code that would restyle the terminal) is bad
    input named by file, row and column, and no escape reaches the output."""
    text = "Gåtur i parken. " * 100  # enough text that the file is plainly text
    write(folder, "offers.csv", [offer(offer_id=OFFER, name=ESCAPE, description=text)])
    code, output = run("validate", folder)
    assert code == 2, output
    assert_shown_as_is(output, "offers.csv:2:name: holds a control character")


def test_a_session_id_like_markup_is_booked_and_reported_with_exit_0(
    folder: Path, tmp_path: Path
) -> None:
    """A booking that is made reports success (exit 0) with the ids shown as they are."""
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    code, output = run("book", folder, "--patient", "P001", "--session", SESSION, "--db", db)
    assert code == 0, output
    assert_shown_as_is(output, f"patient P001 in session {SESSION} (offer {OFFER})")
    code, output = run("tasks", "--db", db)
    assert code == 0, output
    assert_shown_as_is(output, SESSION)


@pytest.mark.parametrize(
    "failure", [BrokenPipeError("stdout closed"), UnicodeEncodeError("ascii", "æ", 0, 1, "no")]
)
def test_a_command_that_has_written_exits_0_whatever_its_printing_does(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    """Once book has made the booking and plan has written its files, a failure to print the
    report (a closed pipe, a terminal without the letters) leaves exit status 0."""

    def broken(*args: object, **kwargs: object) -> None:
        raise failure

    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setattr(common.out, "print", broken)
    code, output = run("book", folder, "--patient", "P001", "--session", SESSION, "--db", db)
    assert code == 0, output
    assert "the work is done and kept" in output
    with open_store(db) as store:
        assert len(active_bookings(store)) == 1
    code, output = run("plan", folder, "--out", tmp_path / "PLAN.csv")
    assert code == 0, output
    assert (tmp_path / "PLAN.csv").exists() and (tmp_path / "PLAN.json").exists()


def test_validate_and_plan_print_paths_as_they_are(folder: Path, tmp_path: Path) -> None:
    """validate and plan show a folder or file name with markup in it as it is."""
    code, output = run("validate", folder)
    assert code == 0, output
    assert_shown_as_is(output, "bold]ata[link=x]: valid")  # the title wraps the long path
    target = tmp_path / "[bold]ud[link=x]" / "PLAN.csv"
    code, output = run("plan", folder, "--out", target)
    assert code == 0, output
    assert_shown_as_is(output, f"wrote {target} and {target.with_suffix('.json')}")


def test_problems_and_warnings_are_printed_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A problem or warning quoting a cell with markup is printed as it is, never as markup."""
    problem = Problem("offers.csv", 2, "name", f"'{CLOSE} {LINK}' {ESCAPE}")
    common.report_warnings([problem])
    common.report_problems([problem], "1 problem [/] in the input:")
    printed = capsys.readouterr().err
    assert_shown_as_is(printed, f"warning: offers.csv:2:name: '{CLOSE} {LINK}'", "problem [/] in")


def test_bad_input_quoting_markup_exits_2_with_the_problem(folder: Path) -> None:
    """An unknown patient id with markup in it is bad input (exit 2) named as it was given."""
    code, output = run("recommend", folder, "--patient", "Q[/]9")
    assert code == 2, output
    assert_shown_as_is(output, "patient 'Q[/]9' is not in patients.csv")


def test_an_error_quoting_markup_is_printed_as_it_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unexpected error whose message holds markup gives one line and exit 1, no traceback."""
    monkeypatch.delenv("BROBYGGER_DEBUG", raising=False)

    @common.handle_errors
    def failing() -> None:
        raise RuntimeError(f"closing tag {CLOSE}")

    with pytest.raises(typer.Exit) as stopped:
        failing()
    assert stopped.value.exit_code == 1
    assert_shown_as_is(capsys.readouterr().err, f"error: RuntimeError: closing tag {CLOSE}")


def test_the_tasks_export_holds_no_formula(tmp_path: Path) -> None:
    """The tasks export puts a ' before a text cell a spreadsheet would run (a reason
    '-1-1' from a stored plan would be computed as -2), and leaves numbers as numbers."""
    plan = tmp_path / "PLAN.csv"
    plan.write_text("patient_id,status,reason\nP1,unplaced,-1-1\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    code, output = run("tasks", "--from-plan", plan, "--as-of", "2027-01-04", "--db", db)
    assert code == 0, output
    export = tmp_path / "tasks.csv"
    code, output = run("tasks", "--export", export, "--db", db)
    assert code == 0, output
    rows = pd.read_csv(export, dtype=str, keep_default_na=False)
    cells = [c for c in rows.to_numpy().ravel() if c]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))], rows.to_dict("records")
    assert any(c.startswith("'-1-1") or "-1-1" in c for c in cells), rows.to_dict("records")
    assert rows["task_id"].tolist() == ["1"]


def test_no_command_module_makes_its_own_console() -> None:
    """Every command prints through the plain consoles of matcher.cli.common."""
    package = Path(common.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        if module.name != "common.py":
            assert "Console(" not in text, module.name
        assert "markup=True" not in text and "from_markup" not in text, module.name


def test_a_task_that_cannot_be_completed_stores_no_plan_either(tmp_path: Path) -> None:
    """tasks --from-plan with a --done that is bad input exits 2 and writes nothing: the
    plan is not stored and makes no task."""
    plan = tmp_path / "PLAN.csv"
    plan.write_text("patient_id,status,reason\nP001,unplaced,none fits\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    code, output = run("tasks", "--from-plan", plan, "--done", "99", "--db", db)
    assert code == 2, output
    assert "there is no task 99" in output and "nothing was written" in output
    with open_store(db) as store:
        assert len(list_tasks(store)) == 0
