"""`brobygger remind`: reminders by channel, SMS only with consent (refusals printed),
nothing sent without --gateway, and a municipality's gateway plugged in by name."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from builders import patient, write
from store_support import dataset_dir
from typer.testing import CliRunner

from matcher.cli import app
from matcher.store import open_store
from matcher.store.sms import sms_log

RUNNER = CliRunner()
GATEWAY = """
import json, os

def factory():
    def send(records):
        with open(os.environ["TOWN_SMS_OUT"], "a", encoding="utf-8") as out:
            for r in records:
                out.write(json.dumps(vars(r)) + "\\n")
    return send
"""


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def booked(tmp_path: Path) -> tuple[Path, str]:
    """A dataset (P001 by letter, P002 and P003 by SMS, P004 by phone), each booked into S1;
    only P002 consented to SMS. Returns the folder and the database."""
    root = dataset_dir(tmp_path / "data")
    write(
        root,
        "patients.csv",
        [
            patient(patient_id="P001", contact_channel="letter"),
            patient(patient_id="P002", contact_channel="sms"),
            patient(patient_id="P003", contact_channel="sms"),
            patient(patient_id="P004", contact_channel="phone"),
        ],
    )
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    for pid in ("P001", "P002", "P003", "P004"):
        assert run("book", root, "--patient", pid, "--session", "S1", "--db", db)[0] == 0
    consent = ("consent", "give", "--patient", "P002", "--purpose", "sms", "--actor", "AB")
    assert run(*consent, "--date", "2026-01-05", "--db", db)[0] == 0
    return root, db


def _remind(root: Path, db: str, out: Path, *more: str) -> tuple[int, str]:
    return run(
        "remind", root, "--days", "7", "--out", out, "--as-of", "2027-01-01", "--db", db, *more
    )


def test_remind_writes_calls_letters_and_texts_and_sends_nothing(
    booked: tuple[Path, str], tmp_path: Path
) -> None:
    """remind writes the call list, a letter and the texts with consent, lists the refused
    SMS, and says nothing was sent without --gateway."""
    root, db = booked
    out = tmp_path / "out"
    code, output = _remind(root, db, out)
    assert code == 0, output
    assert "4 bookings start within 7 days of 2027-01-01" in output
    assert "call list: 2 patients" in output
    assert "letters: 1 in" in output and "SMS texts: 1 written" in output
    assert "nothing was sent (no --gateway)" in output
    assert "refused: SMS to P003 (booking 3) without the sms consent" in output
    assert sorted(p.name for p in out.iterdir()) == [
        "calls.csv",
        "calls.xlsx",
        "letters",
        "refused.csv",
        "sms.csv",
    ]
    calls = pd.read_csv(out / "calls.csv", dtype=str, keep_default_na=False)
    assert calls["patient_id"].tolist() == ["P003", "P004"]
    with open_store(db) as store:
        assert sms_log(store)["status"].tolist() == ["written"]


def test_remind_hands_the_texts_to_a_gateway(
    booked: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--gateway module:factory plugs in a municipality's gateway: it gets each text with
    the pseudonym and no phone number, and the log says sent."""
    root, db = booked
    (tmp_path / "town_gateway.py").write_text(GATEWAY, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("TOWN_SMS_OUT", str(tmp_path / "sent.jsonl"))
    code, output = _remind(root, db, tmp_path / "out", "--gateway", "town_gateway:factory")
    assert code == 0, output
    assert "sent through town_gateway:factory: 1, not sent: 0" in output
    (sent,) = [json.loads(line) for line in (tmp_path / "sent.jsonl").read_text().splitlines()]
    assert sent["patient_id"] == "P002" and "phone" not in sent
    code, output = _remind(root, db, tmp_path / "out", "--gateway", "town_gateway:factory")
    assert "1 SMS was sent before and is not sent again" in output
    assert len((tmp_path / "sent.jsonl").read_text().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--gateway", "nowhere:factory"], "--gateway:-:-: cannot use nowhere:factory"),
        (["--lang", "ar"], "--lang:-:-: 'ar' is not a language of the staff's words"),
    ],
)
def test_remind_refuses_bad_options_before_writing(
    booked: tuple[Path, str], tmp_path: Path, args: list[str], says: str
) -> None:
    """A gateway that cannot be loaded or a language without staff words is bad input
    (exit 2) and nothing is written."""
    root, db = booked
    code, output = _remind(root, db, tmp_path / "out", *args)
    assert code == 2, output
    assert says in output
    assert not (tmp_path / "out").exists()


def test_remind_days_outside_a_year_is_bad_input(booked: tuple[Path, str], tmp_path: Path) -> None:
    """--days is 0 to 366."""
    root, db = booked
    code = run("remind", root, "--days", "400", "--out", tmp_path / "o", "--db", db)[0]
    assert code == 2
