"""The commands after a match: `brobygger status`, `consent`, `meeting`, `gp-letter`, and
what `book` and `tasks` now take: contact persons, outcomes and the time of a call."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from builders import patient, write
from openpyxl import load_workbook
from store_support import dataset_dir
from typer.testing import CliRunner

from matcher.cli import app
from matcher.store import (
    booking_contact,
    current_status,
    list_tasks,
    open_store,
    record_plan,
    status_history,
)

RUNNER = CliRunner()
#: A past date, so consents recorded on it are never in the future.
PAST = "2026-01-05"


def run(*args: str | Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.output


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset with S1 (Mondays from 2027-01-04) and patients P001-P004."""
    return dataset_dir(tmp_path / "data", patients=4)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database URL in the test's folder."""
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def _status(db: str, *args: str) -> tuple[int, str]:
    return run("status", "set", *args, "--db", db, "--actor", "AB", "--as-of", "2027-01-04")


def test_status_set_and_show(db: str) -> None:
    """status set changes a status and says from what to what; status show gives the
    status, the referrer and each change."""
    assert _status(db, "--patient", "P001", "--to", "referred", "--referrer", "OUH-B2")[0] == 0
    code, output = _status(db, "--patient", "P001", "--to", "offered")
    assert (code, "patient P001: referred -> offered" in output) == (0, True), output
    code, output = run("status", "show", "--patient", "P001", "--db", db)
    assert code == 0, output
    assert "patient P001: offered since" in output
    assert "referred by OUH-B2" in output
    assert "2 changes" in output


def test_a_refused_change_names_both_statuses(db: str) -> None:
    """A change the status does not allow exits 2, naming the status it came from and the
    one asked for, and changes nothing."""
    _status(db, "--patient", "P001", "--to", "referred")
    code, output = _status(db, "--patient", "P001", "--to", "active_6m")
    assert code == 2, output
    assert "--to:-:-: patient P001 cannot go from referred to active_6m" in output
    with open_store(db) as store:
        assert len(status_history(store, "P001")) == 1


def test_not_now_makes_a_dated_task(db: str) -> None:
    """status set --to not_now --re-offer DATE says which task falls due that day."""
    _status(db, "--patient", "P001", "--to", "referred")
    code, output = _status(db, "--patient", "P001", "--to", "not_now", "--re-offer", "2027-03-01")
    assert code == 0, output
    assert "offer again on 2027-03-01" in output
    code, output = _status(db, "--patient", "P002", "--to", "not_now")
    assert code == 2 and "--re-offer" in output


def test_the_refusal_reads_in_danish(db: str) -> None:
    """With BROBYGGER_LANG=da the refusal of a change is worded in Danish."""
    _status(db, "--patient", "P001", "--to", "referred")
    code, output = run(
        "status",
        "set",
        "--patient",
        "P001",
        "--to",
        "started",
        "--db",
        db,
        env={"BROBYGGER_LANG": "da"},
    )
    assert code == 2, output
    assert "borger P001 kan ikke gå fra referred til started" in output


def test_consent_needs_a_person_and_is_shown(db: str) -> None:
    """consent give with the default actor is refused naming --actor; with staff initials
    it is recorded, and consent show lists every purpose."""
    code, output = run("consent", "give", "--patient", "P001", "--purpose", "sms", "--db", db)
    assert code == 2 and "--actor" in output
    code, output = run(
        "consent",
        "give",
        "--patient",
        "P001",
        "--purpose",
        "sms",
        "--purpose",
        "gp_on_absence",
        "--date",
        PAST,
        "--actor",
        "AB",
        "--db",
        db,
    )
    assert code == 0, output
    assert f"patient P001: sms given on {PAST}" in output
    run("consent", "withdraw", "--patient", "P001", "--purpose", "sms", "--actor", "AB",
        "--db", db)  # fmt: skip
    code, output = run("consent", "show", "--patient", "P001", "--db", db)
    assert code == 0, output

    def line(purpose: str) -> str:
        return next(row for row in output.splitlines() if f" {purpose} " in row)

    assert "withdrawn" in line("sms") and "given" in line("gp_on_absence")
    assert "not recorded" in line("share_municipality")


def test_a_gp_letter_needs_the_gp_consent(db: str) -> None:
    """gp-letter without the gp_on_absence consent exits 2 naming it; with it a task is made."""
    code, output = run("gp-letter", "--patient", "P001", "--db", db)
    assert code == 2, output
    assert "has not given the gp_on_absence consent" in output
    run("consent", "give", "--patient", "P001", "--purpose", "gp_on_absence", "--actor", "AB",
        "--db", db)  # fmt: skip
    code, output = run("gp-letter", "--patient", "P001", "--db", db)
    assert (code, "write to the GP of patient P001" in output) == (0, True), output


def _summary_store(db: str) -> None:
    """P001 and P002 referred by OUH-B2 (P002 stopped with a formula-like reason), P003 by
    GP-7; only P001 and P003 consented to sharing with the municipality."""
    _status(db, "--patient", "P001", "--to", "referred", "--referrer", "OUH-B2")
    _status(db, "--patient", "P002", "--to", "referred", "--referrer", "OUH-B2")
    _status(db, "--patient", "P002", "--to", "stopped", "--reason", "=1+2")
    _status(db, "--patient", "P003", "--to", "offered", "--referrer", "GP-7")
    for pid in ("P001", "P003"):
        run("consent", "give", "--patient", pid, "--purpose", "share_municipality",
            "--actor", "AB", "--db", db)  # fmt: skip


def test_status_summary_per_referrer_as_csv_and_excel(db: str, tmp_path: Path) -> None:
    """status summary writes every referred patient by referrer, formula-safe, as CSV with
    codes and as Excel in words with the counts per referrer."""
    _summary_store(db)
    csv = tmp_path / "status.csv"
    code, output = run("status", "summary", "--out", csv, "--db", db)
    assert code == 0, output
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert table[["referrer", "patient_id", "status"]].values.tolist() == [
        ["GP-7", "P003", "offered"],
        ["OUH-B2", "P001", "referred"],
        ["OUH-B2", "P002", "stopped"],
    ]
    assert table.loc[2, "reason"] == "'=1+2"
    book = tmp_path / "status.xlsx"
    assert run("status", "summary", "--out", book, "--lang", "en", "--db", db)[0] == 0
    sheets = load_workbook(book)
    first, counts = sheets.worksheets
    rows = [[c.value for c in row] for row in first.iter_rows()]
    assert rows[1][:3] == ["Referrer", "Patient", "Status"]
    assert rows[4][:3] == ["OUH-B2", "P002", "stopped"]
    assert rows[4][5] == "'=1+2" and first.cell(5, 6).data_type == "s"
    tallies = [[c.value for c in row] for row in counts.iter_rows()]
    assert tallies[1][0] == "Referrer" and tallies[1][-1] == "Total"
    assert [r[0] for r in tallies[2:]] == ["GP-7", "OUH-B2"] and tallies[3][-1] == 2


def test_the_summary_for_the_municipality_leaves_out_those_without_consent(
    db: str, tmp_path: Path
) -> None:
    """status summary --for-municipality holds only patients with share_municipality and
    names those left out."""
    _summary_store(db)
    csv = tmp_path / "status.csv"
    code, output = run("status", "summary", "--out", csv, "--for-municipality", "--db", db)
    assert code == 0, output
    assert "left out 1 patient without the share_municipality consent: P002" in output
    table = pd.read_csv(csv, dtype=str, keep_default_na=False)
    assert table["patient_id"].tolist() == ["P003", "P001"]
    code, output = run("status", "summary", "--out", tmp_path / "status.txt", "--db", db)
    assert code == 2 and "ending in .csv or .xlsx" in output


def test_the_meeting_list_holds_patients_in_transition_with_consent(
    db: str, tmp_path: Path
) -> None:
    """meeting writes meeting.xlsx and a printable meeting.html of the patients in transition
    (open cases, unplaced, escalated), only those who consented to sharing, and names the
    others; nothing personal beyond the pseudonym."""
    from store_support import plan_rows

    _summary_store(db)
    with open_store(db) as store:
        record_plan(store, plan_rows())  # P002, P004 unplaced; P003 escalated
    folder = tmp_path / "meeting"
    code, output = run("meeting", "--out", folder, "--lang", "en", "--db", db)
    assert code == 0, output
    assert "2 patients in transition" in output
    assert "left out 2 patients without the share_municipality consent: P002, P004" in output
    sheet = load_workbook(folder / "meeting.xlsx").worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [r[:2] for r in rows[2:]] == [["P001", "open case"], ["P003", "escalated"]]
    page = (folder / "meeting.html").read_text(encoding="utf-8")
    assert "<table>" in page and "P003" in page and "P002" not in page
    assert "a person must act first" in page and "inform the GP" in page


def test_book_keeps_the_contact_person(folder: Path, db: str) -> None:
    """book --contact-name --contact-phone stores the staff contact person of the booking;
    a phone that is no phone number is bad input and nothing is booked."""
    code, output = run(
        "book", folder, "--patient", "P002", "--session", "S1", "--contact-name", "Ole",
        "--contact-phone", "ring",
        "--db", db,
    )  # fmt: skip
    assert code == 2 and "--contact-phone" in output
    code, output = run(
        "book", folder, "--patient", "P001", "--session", "S1",
        "--contact-name", "Anne Berg", "--contact-phone", "66 12 34 56", "--db", db,
    )  # fmt: skip
    assert code == 0, output
    with open_store(db) as store:
        found = booking_contact(store, "P001", "S1")
        assert found is not None and (found.name, found.phone) == ("Anne Berg", "66 12 34 56")
        assert current_status(store, "P001").status == "booked"  # type: ignore[union-attr]
        assert booking_contact(store, "P002", "S1") is None


def test_the_handout_names_the_contact_person_of_the_booking(
    folder: Path, db: str, tmp_path: Path
) -> None:
    """handout --db without --contact-name prints the contact person saved with the
    patient's booking, on the page and in the invitation; --contact-name overrides it."""
    run(
        "book", folder, "--patient", "P001", "--session", "S1",
        "--contact-name", "Anne Berg", "--contact-phone", "66 12 34 56", "--db", db,
    )  # fmt: skip
    out = tmp_path / "invite.html"
    code, output = run(
        "handout", folder, "--patient", "P001", "--session", "S1", "--out", out, "--db", db
    )
    assert code == 0, output
    assert "Anne Berg" in out.read_text(encoding="utf-8")
    assert "Anne Berg" in out.with_suffix(".ics").read_text(encoding="utf-8")
    code, output = run(
        "handout", folder, "--patient", "P001", "--session", "S1", "--out", out, "--db", db,
        "--contact-name", "Ole Dam", "--contact-phone", "70 10 20 30",
    )  # fmt: skip
    assert code == 0, output
    page = out.read_text(encoding="utf-8")
    assert "Ole Dam" in page and "Anne Berg" not in page


def test_tasks_say_when_to_call_next_and_the_status(folder: Path, db: str, tmp_path: Path) -> None:
    """tasks --done with no_answer and --called says to call in the next part of the day,
    which the export's call_time keeps; declined says the new status; --called without
    --done is bad input."""
    run("book", folder, "--patient", "P001", "--session", "S1", "--db", db)
    code, output = run("tasks", "--called", "morning", "--db", db)
    assert code == 2 and "goes with --done" in output
    code, output = run(
        "tasks", "--done", "1", "--outcome", "no_answer", "--called", "morning", "--db", db
    )
    assert (code, "call again in the afternoon" in output) == (0, True), output
    assert run("tasks", "--export", tmp_path / "tasks.csv", "--db", db)[0] == 0
    exported = pd.read_csv(tmp_path / "tasks.csv", dtype=str, keep_default_na=False)
    assert exported.set_index("task_id").loc["4", "call_time"] == "afternoon"
    code, output = run("tasks", "--done", "4", "--outcome", "declined", "--db", db)
    assert (code, "patient P001 is now declined" in output) == (0, True), output
    with open_store(db) as store:
        done = list_tasks(store, statuses=("done",)).set_index("task_id")["outcome"]
        assert done.to_dict() == {1: "no_answer", 4: "declined"}


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("", "patients.csv:3:contact_channel: 'fax' is not a known contact_channel"),
        ("da", "patients.csv:3:contact_channel: 'fax' er ikke en kendt værdi for contact_channel"),
    ],
)
def test_a_bad_contact_channel_is_refused_in_both_languages(
    tmp_path: Path, lang: str, says: str
) -> None:
    """A contact_channel outside phone, letter, sms, in_person, relative is refused with file,
    row and column (exit 2), in English and, with BROBYGGER_LANG=da, in Danish."""
    root = dataset_dir(tmp_path / "data")
    write(
        root,
        "patients.csv",
        [
            patient(patient_id="P001", contact_channel="sms", call_time="evening"),
            patient(patient_id="P002", contact_channel="fax"),
        ],
    )
    code, output = run("validate", root, env={"BROBYGGER_LANG": lang})
    assert code == 2, output
    assert says in output


def test_nothing_personal_beyond_the_pseudonym_after_a_match(
    tmp_path: Path, db: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Statuses, consent, reminders, the summary and the meeting list print, log, store and
    write the pseudonym and no other field of the patient."""
    import logging

    from sqlalchemy import inspect, text
    from store_support import PRIVATE, leaks

    root = dataset_dir(tmp_path / "data")
    write(root, "patients.csv", [patient(**PRIVATE, contact_channel="sms", call_time="morning")])
    pid = PRIVATE["patient_id"]
    out = tmp_path / "out"
    steps = [
        ("status", "set", "--patient", pid, "--to", "referred", "--referrer", "OUH-B2"),
        ("consent", "give", "--patient", pid, "--purpose", "sms", "--actor", "AB"),
        ("consent", "give", "--patient", pid, "--purpose", "share_municipality", "--actor", "AB"),
        (
            "book",
            root,
            "--patient",
            pid,
            "--session",
            "S1",
            "--contact-name",
            "Anne",
            "--contact-phone",
            "66123456",
        ),
        ("remind", root, "--days", "7", "--out", out, "--as-of", "2027-01-08"),
        ("status", "summary", "--out", out / "status.csv"),
        ("meeting", "--out", out, "--as-of", "2027-01-08"),
        ("status", "show", "--patient", pid),
        ("consent", "show", "--patient", pid),
    ]
    printed = []
    with caplog.at_level(logging.DEBUG):
        for step in steps:
            code, output = run(*step, "--db", db)
            assert code == 0, (step, output)
            printed.append(output)
    assert pid in caplog.text and leaks(caplog.text) == []
    assert leaks("\n".join(printed)) == []
    written = [
        p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".csv", ".html")
    ]
    assert pid in "\n".join(written) and leaks("\n".join(written)) == []
    assert pid in (out / "sms.csv").read_text(encoding="utf-8")  # a text was written
    assert pid in (out / "meeting.html").read_text(encoding="utf-8")
    with open_store(db) as store, store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        stored = "\n".join(
            " | ".join(map(str, row))
            for t in tables
            for row in conn.execute(text(f"SELECT * FROM {t}"))
        )
    assert pid in stored and leaks(stored) == []
