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
