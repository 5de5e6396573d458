"""The command line speaks English by default and Danish with BROBYGGER_LANG=da; an
unknown BROBYGGER_LANG is bad input (exit 2, one clear line, no traceback)."""

from __future__ import annotations

from pathlib import Path

from builders import build, offer, patient, session, write
from typer.testing import CliRunner

from matcher.cli import app

RUNNER = CliRunner()


def _bad_dataset(folder: Path) -> Path:
    """A dataset whose one patient has a travel limit that is not a number."""
    build(patients=[patient()], directory=folder)
    write(folder, "patients.csv", [patient(max_travel_min="abc")])
    return folder


def test_a_validate_error_reads_in_danish_with_brobygger_lang_da(tmp_path: Path) -> None:
    """The same problem is English by default and Danish with BROBYGGER_LANG=da, at the
    same place of the same file, with exit status 2 both times."""
    folder = _bad_dataset(tmp_path / "data")
    english = RUNNER.invoke(app, ["validate", str(folder)])
    danish = RUNNER.invoke(app, ["validate", str(folder)], env={"BROBYGGER_LANG": "da"})
    assert english.exit_code == danish.exit_code == 2
    assert "1 problem in the input; nothing was written:" in english.output
    assert "patients.csv:2:max_travel_min: 'abc' is not a number" in english.output
    assert "1 problem i inddata; intet blev skrevet:" in danish.output
    assert "patients.csv:2:max_travel_min: 'abc' er ikke et tal" in danish.output
    assert "is not a number" not in danish.output and "Traceback" not in danish.output


def test_a_plan_summary_reads_in_danish_with_brobygger_lang_da(tmp_path: Path) -> None:
    """The plan's table and the files it names are worded in Danish, the figures the same."""
    folder = tmp_path / "data"
    build(offers=[offer()], sessions=[session()], patients=[patient()], directory=folder)
    args = ["plan", str(folder), "--out", str(tmp_path / "out" / "PLAN.csv")]
    english = RUNNER.invoke(app, args)
    danish = RUNNER.invoke(app, args, env={"BROBYGGER_LANG": "da"})
    assert english.exit_code == danish.exit_code == 0, danish.output
    assert "Plan for 1 patients" in english.output and "priority placed" in english.output
    assert "Plan for 1 borgere" in danish.output
    assert "placeret med prioritet" in danish.output and "priority placed" not in danish.output
    csv, json = tmp_path / "out" / "PLAN.csv", tmp_path / "out" / "PLAN.json"
    assert f"wrote {csv} and {json}" in english.output.replace("\n", "")
    assert f"skrev {csv} og {json}" in danish.output.replace("\n", "")


def test_an_unknown_brobygger_lang_is_refused_with_exit_2(tmp_path: Path) -> None:
    """BROBYGGER_LANG=xx stops the command before any work: exit 2, a line naming the
    variable and the languages there are, nothing written, no traceback."""
    folder = tmp_path / "data"
    build(directory=folder)
    out = tmp_path / "out" / "PLAN.csv"
    result = RUNNER.invoke(
        app, ["plan", str(folder), "--out", str(out)], env={"BROBYGGER_LANG": "xx"}
    )
    assert result.exit_code == 2, result.output
    assert "BROBYGGER_LANG:-:-: 'xx' is not a known language (da, en)" in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_an_options_refusal_follows_the_language(tmp_path: Path) -> None:
    """An option's refusal is worded in Danish with BROBYGGER_LANG=da, and in English
    when the variable is empty."""
    folder = tmp_path / "data"
    build(directory=folder)
    args = ["plan", str(folder), "--out", str(tmp_path / "PLAN.csv"), "--solver", "fast"]
    danish = RUNNER.invoke(app, args, env={"BROBYGGER_LANG": "da"})
    empty = RUNNER.invoke(app, args, env={"BROBYGGER_LANG": ""})
    assert danish.exit_code == empty.exit_code == 2
    assert "--solver:-:-: 'fast' er ikke auto, flow eller cpsat" in danish.output
    assert "--solver:-:-: 'fast' is not auto, flow or cpsat" in empty.output


def test_a_plan_s_notes_and_kinds_read_in_danish(tmp_path: Path) -> None:
    """With bookings in --db, the plan's note on them and its kinds are worded in Danish
    on the terminal; by default they are the English of before, and PLAN.json keeps
    the English note in both languages."""
    import json

    from store_support import dataset_dir

    from matcher.words.app import code_text

    folder = dataset_dir(tmp_path / "data", capacity=3)
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    booked = RUNNER.invoke(
        app, ["book", str(folder), "--patient", "P001", "--session", "S1", "--db", db]
    )
    assert booked.exit_code == 0, booked.output
    english_out, danish_out = tmp_path / "en" / "PLAN.csv", tmp_path / "da" / "PLAN.csv"
    english = RUNNER.invoke(app, ["plan", str(folder), "--out", str(english_out), "--db", db])
    danish = RUNNER.invoke(
        app,
        ["plan", str(folder), "--out", str(danish_out), "--db", db],
        env={"BROBYGGER_LANG": "da"},
    )
    assert english.exit_code == danish.exit_code == 0, danish.output
    assert "note: 1 patients already booked keep their place" in english.output
    assert "already booked" not in danish.output and "bemærk: " in danish.output
    assert "  association " in english.output
    assert code_text("kind", "association", "da") in danish.output
    for out in (english_out, danish_out):
        notes = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["notes"]
        assert notes[-1] == "1 patients already booked keep their place"


def test_an_import_s_conflicts_read_in_danish(tmp_path: Path) -> None:
    """A session shrunk below its bookings is warned about in Danish with
    BROBYGGER_LANG=da, naming the same session and counts, in English by default."""
    from store_support import dataset_dir

    folder = dataset_dir(tmp_path / "data", capacity=2)
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for who in ("P001", "P002"):
        done = RUNNER.invoke(
            app, ["book", str(folder), "--patient", who, "--session", "S1", "--db", db]
        )
        assert done.exit_code == 0, done.output
    smaller = [session(session_id="S1", offer_id="O1", capacity=1)]
    dataset_dir(folder, sessions=[*smaller, session(session_id="S3", offer_id="O2")])
    danish = RUNNER.invoke(app, ["import", str(folder), "--db", db], env={"BROBYGGER_LANG": "da"})
    assert danish.exit_code == 0, danish.output
    assert "S1" in danish.output and "(1 for mange)" in danish.output
    assert "now has" not in danish.output and "too many" not in danish.output


def test_a_schedule_s_verdicts_read_in_danish(demo_dir: Path, tmp_path: Path) -> None:
    """The trade-off table says each budget's verdict in the app's Danish words, and its
    caption what those verdicts mean; by default the status codes of tradeoff.csv."""
    import pandas as pd

    from matcher.words.app import code_text, text

    args = ["schedule", str(demo_dir), "--weeks", "3", "--budgets", "0,40", "--time-limit", "2"]
    english = RUNNER.invoke(app, [*args, "--out", str(tmp_path / "en")])
    danish = RUNNER.invoke(
        app, [*args, "--out", str(tmp_path / "da")], env={"BROBYGGER_LANG": "da"}
    )
    assert english.exit_code == danish.exit_code == 0, danish.output
    statuses = pd.read_csv(tmp_path / "da" / "tradeoff.csv")["status"].tolist()
    flat = " ".join(danish.output.split())
    for status in statuses:
        assert status in english.output
        assert code_text("verdict", status, "da") in flat
        assert " ".join(text(f"verdict_note_{status.lower()}", "da").split()) in flat
    assert "OPTIMAL proven best" in " ".join(english.output.split())
    assert not any(f" {status} " in danish.output for status in statuses)
