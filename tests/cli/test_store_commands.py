"""The database commands: `brobygger import/book/cancel/attend/tasks`, their exit statuses,
and that nothing personal beyond the pseudonym reaches logs, output or the database."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import inspect, select, text
from store_support import PRIVATE, dataset_dir, leaks, pathway_town
from typer.testing import CliRunner

from matcher.cli import app
from matcher.store import active_bookings, list_tasks, open_store

RUNNER = CliRunner()


def run(*args: str | Path) -> tuple[int, str]:
    """Run a brobygger command in-process: (exit status, everything it printed)."""
    result = RUNNER.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A dataset with S1 of 2 places, patients P001-P004 and the PRIVATE patient."""
    return dataset_dir(tmp_path / "data", capacity=2, patients=4, private=True)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database URL in the test's folder (never the user's own database)."""
    return f"sqlite:///{tmp_path / 'db.sqlite3'}"


def _book(folder: Path, db: str, patient: str, session: str = "S1") -> tuple[int, str]:
    return run("book", folder, "--patient", patient, "--session", session, "--db", db)


@pytest.mark.parametrize(
    ("before", "patient", "session", "status", "says"),
    [
        ([], "P001", "S1", 0, "booked 1: patient P001 in session S1"),
        (["P001", "P002"], "P003", "S1", 3, "full"),
        (["P001"], "P001", "S2", 2, "already booked for offer O1"),
        ([], "P999", "S1", 2, "patients.csv:-:patient_id: 'P999' is not in patients.csv"),
        ([], "P001", "S9", 2, "sessions.csv:-:session_id: 'S9' is not in sessions.csv"),
        ([], "0101901234", "S1", 2, "looks like a CPR number"),
    ],
)
def test_book_exit_status(
    folder: Path,
    db: str,
    before: list[str],
    patient: str,
    session: str,
    status: int,
    says: str,
) -> None:
    """book exits 0 when booked, 3 when the session is full, 2 for bad input."""
    for earlier in before:
        assert _book(folder, db, earlier)[0] == 0
    code, output = _book(folder, db, patient, session)
    assert code == status, output
    assert says in output
    with open_store(db) as store:
        assert len(active_bookings(store)) == len(before) + (status == 0)


@pytest.mark.parametrize(
    ("patients", "status", "says", "stored"),
    [
        ("P001,P002", 0, "booked 2: patient P002 in session S1", 2),
        ("P001,P002,P003", 3, "has 2 free places, too few for the group of 3", 0),
        ("P001,P999", 2, "'P999' is not in patients.csv", 0),
    ],
)
def test_book_group_books_everyone_or_nobody(
    folder: Path, db: str, patients: str, status: int, says: str, stored: int
) -> None:
    """book-group books every team-mate in one go (exit 0); a group larger than the free
    places (exit 3) books nobody, and one with an unknown member (exit 2) writes nothing."""
    code, output = run("book-group", folder, "--patients", patients, "--session", "S1", "--db", db)
    assert code == status, output
    assert says in output and "Traceback" not in output
    if status == 2:
        assert not Path(db.removeprefix("sqlite:///")).exists()
        return
    with open_store(db) as store:
        assert len(active_bookings(store)) == stored


def test_book_pathway_books_every_step_and_says_which_are_held(tmp_path: Path, db: str) -> None:
    """book --pathway books the home visits, and holds the exit team and the club, each
    said on its own line (exit 0); from a club, which nothing follows, it books nothing and
    says to book the first step alone (exit 2)."""
    town = pathway_town(tmp_path / "town")
    code, output = run("book", town, "--patient", "P1", "--session", "SH", "--pathway", "--db", db)
    assert code == 0, output
    assert "booked 1: patient P1 in session SH (offer H) from 2027-01-04" in output
    assert "held 2: patient P1 in session SE (offer E) from 2027-02-01, provisionally" in output
    assert "held 3: patient P1 in session SA" in output
    code, output = run("book", town, "--patient", "P2", "--session", "SA", "--pathway", "--db", db)
    assert code == 2 and "book the first step alone" in output and "Traceback" not in output
    with open_store(db) as store:
        assert sorted(active_bookings(store)["patient_id"]) == ["P1", "P1", "P1"]
        tasks = list_tasks(store)
        assert (tasks["kind"] == "confirm_step").sum() == 2


def test_bad_dataset_writes_no_database(tmp_path: Path, db: str) -> None:
    """A missing dataset folder is bad input and no database file is created."""
    code, output = _book(tmp_path / "missing", db, "P001")
    assert code == 2
    assert "dataset folder not found" in output
    assert not (tmp_path / "db.sqlite3").exists()


def test_cancel_then_book_again(folder: Path, db: str) -> None:
    """cancel frees the place of a full session; cancelling twice is bad input."""
    _book(folder, db, "P001")
    _book(folder, db, "P002")
    assert run("cancel", "--booking", "1", "--db", db)[0] == 0
    assert _book(folder, db, "P003")[0] == 0
    code, output = run("cancel", "--booking", "1", "--db", db)
    assert (code, "already cancelled" in output) == (2, True)
    assert run("cancel", "--booking", "42", "--db", db)[0] == 2


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["--date", "2027-01-04", "--present"], 0, "recorded booking 1 on 2027-01-04: present"),
        (["--date", "2027-01-04"], 2, "say whether they came"),
        (["--date", "4. januar", "--absent"], 2, "is not a date"),
        (
            ["--date", "2026-12-28", "--absent"],
            2,
            "--date:-:start_date: 2026-12-28 is before booking 1 starts (2027-01-04)",
        ),
        (
            ["--date", "2027-01-05", "--present"],
            2,
            "--date:-:weekday: 2027-01-05 is a Tuesday, but session S1 of booking 1 meets "
            "on Mondays",
        ),
        (["--date", "2027-01-11", "--absent"], 0, "recorded booking 1 on 2027-01-11: absent"),
    ],
)
def test_attend(folder: Path, db: str, args: list[str], status: int, says: str) -> None:
    """attend records presence or absence on a session date, and refuses a missing flag, a
    bad date, a date before the start or on another weekday than the session's."""
    _book(folder, db, "P001")
    code, output = run("attend", "--booking", "1", *args, "--db", db)
    assert code == status, output
    assert says in output
    with open_store(db) as store, store.read() as session:
        from matcher.store.models import Attendance

        assert len(session.scalars(select(Attendance)).all()) == (status == 0)


def test_attend_on_a_day_the_session_moved_to(folder: Path, db: str) -> None:
    """After an import moves a booked session to another weekday, attendance on the new
    weekday is accepted, as on the old one; any other weekday is still refused."""
    from builders import session

    _book(folder, db, "P001")
    dataset_dir(
        folder,
        sessions=[
            session(session_id="S1", offer_id="O1", weekday="wed", capacity=2),
            session(session_id="S3", offer_id="O2", weekday="thu"),
        ],
        patients=4,
        private=True,
    )
    assert run("import", folder, "--db", db)[0] == 0
    for day, status in (("2027-01-11", 0), ("2027-01-13", 0), ("2027-01-14", 2)):
        code, output = run("attend", "--booking", "1", "--date", day, "--present", "--db", db)
        assert code == status, (day, output)
    assert "meets on Mondays or Wednesdays" in output


def _rules_folder(root: Path) -> Path:
    """S1 (low intensity) and S3 (high intensity) with one place each; P001 manages low
    intensity only, P002 anything."""
    from builders import offer, patient, session, write

    dataset_dir(root, capacity=1, patients=2)
    write(root, "offers.csv", [offer(offer_id="O1"), offer(offer_id="O2", intensity="high")])
    write(
        root,
        "sessions.csv",
        [
            session(session_id="S1", offer_id="O1", capacity=1),
            session(session_id="S3", offer_id="O2", weekday="thu", capacity=1),
        ],
    )
    write(
        root,
        "patients.csv",
        [patient(patient_id="P001", intensity_max="low"), patient(patient_id="P002")],
    )
    return root


def test_book_refuses_a_session_that_breaks_a_rule(tmp_path: Path, db: str) -> None:
    """Rules of a match: book refuses (exit 2, the rule named, no database written) a session
    whose intensity exceeds the patient's intensity_max, though it has a free place."""
    folder = _rules_folder(tmp_path / "data")
    code, output = _book(folder, db, "P001", "S3")
    assert code == 2, output
    assert "session 'S3' does not fit patient 'P001': intensity" in output
    assert "Traceback" not in output
    assert not (tmp_path / "db.sqlite3").exists()
    assert _book(folder, db, "P002", "S3")[0] == 0  # the same session fits another patient


def test_book_checks_the_rules_but_leaves_free_places_to_the_store(tmp_path: Path, db: str) -> None:
    """Capacity: a full session that fits the patient is still refused by the store (exit 3),
    not as a broken rule."""
    folder = _rules_folder(tmp_path / "data")
    assert _book(folder, db, "P002", "S1")[0] == 0
    code, output = _book(folder, db, "P001", "S1")
    assert code == 3, output
    assert "full" in output and "does not fit" not in output


def test_a_database_that_is_not_one_is_bad_input(folder: Path, tmp_path: Path) -> None:
    """--db naming a text file: exit 2 with the file named as not a Brobygger database,
    and the file is not changed."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n", encoding="utf-8")
    for args in (
        ["book", folder, "--patient", "P001", "--session", "S1"],
        ["tasks"],
        ["cancel", "--booking", "1"],
    ):
        code, output = run(*args, "--db", notes)
        assert code == 2, output
        assert f"{notes}:-:-: is not a Brobygger database" in output.replace("\n", "")
        assert "DatabaseError" not in output
    assert notes.read_text(encoding="utf-8") == "not a database\n"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_database_is_bad_input(device: str) -> None:
    """--db naming a device (or a pipe) is bad input (exit 2), never read or written."""
    code, output = run("tasks", "--db", device)
    assert code == 2, output
    assert f"{device}:-:-: is not a regular file" in output.replace("\n", "")


def test_two_absences_make_a_call_task(folder: Path, db: str) -> None:
    """The second missed session in a row tells the user a call task was made."""
    _book(folder, db, "P001")
    run("attend", "--booking", "1", "--date", "2027-01-04", "--absent", "--db", db)
    code, output = run("attend", "--booking", "1", "--date", "2027-01-11", "--absent", "--db", db)
    assert code == 0
    assert "call the patient" in output


def test_tasks_all_shows_each_tasks_status(folder: Path, db: str) -> None:
    """tasks --all lists done tasks beside open ones, so it says which is which."""
    _book(folder, db, "P001")
    run("tasks", "--done", "1", "--outcome", "reached", "--as-of", "2027-03-04", "--db", db)
    code, output = run("tasks", "--all", "--db", db)
    assert code == 0, output
    header = next(line for line in output.splitlines() if "task" in line and "kind" in line)
    assert "status" in header
    assert "done" in output and "open" in output


def test_correcting_an_absence_says_which_call_was_cancelled(folder: Path, db: str) -> None:
    """attend --present for a date marked absent cancels the call it caused, and says so."""
    _book(folder, db, "P001")
    run("attend", "--booking", "1", "--date", "2027-01-04", "--absent", "--db", db)
    run("attend", "--booking", "1", "--date", "2027-01-11", "--absent", "--db", db)
    code, output = run("attend", "--booking", "1", "--date", "2027-01-11", "--present", "--db", db)
    assert code == 0, output
    assert "cancelled: the missed sessions were corrected" in output


def test_tasks_list_due_done_and_export(folder: Path, db: str, tmp_path: Path) -> None:
    """tasks lists open tasks, --due filters by date, --done closes one, --export writes CSV."""
    _book(folder, db, "P001")
    code, output = run("tasks", "--db", db)
    assert (code, "3 tasks" in output) == (0, True)
    code, output = run("tasks", "--due", "--as-of", "2027-03-04", "--db", db)
    assert (code, "1 due task" in output, "follow_up_call" in output) == (0, True, True)
    code, output = run(
        "tasks", "--done", "1", "--outcome", "no_answer", "--as-of", "2027-03-04", "--db", db
    )
    assert (code, "next: task 4 (follow_up_call)" in output) == (0, True)
    target = tmp_path / "meeting" / "tasks.csv"
    assert run("tasks", "--export", target, "--db", db)[0] == 0
    table = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert table[["task_id", "due_date", "attempt"]].values.tolist() == [
        ["4", "2027-03-06", "2"],
        ["2", "2027-04-04", "1"],
        ["3", "2027-07-04", "1"],
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--outcome", "reached"], "goes with --done"),
        (["--done", "99"], "there is no task 99"),
        (["--done", "1", "--outcome", "maybe"], "does not close"),
        (["--as-of", "next week"], "is not a date"),
    ],
)
def test_tasks_bad_input(folder: Path, db: str, args: list[str], says: str) -> None:
    """tasks refuses options that do not fit, with exit status 2."""
    _book(folder, db, "P001")
    code, output = run("tasks", *args, "--db", db)
    assert (code, says in output) == (2, True), output


def test_tasks_from_plan(db: str, tmp_path: Path) -> None:
    """--from-plan stores PLAN.csv and makes tasks for unplaced and escalated patients (an
    escalated one also gets a task to inform the GP)."""
    plan = tmp_path / "PLAN.csv"
    pd.DataFrame(
        {
            "patient_id": ["P001", "P002", "P003"],
            "status": ["placed", "unplaced", "escalated"],
            "offer_id": ["O1", "", ""],
            "session_id": ["S1", "", ""],
            "start_date": ["2027-01-04", "", ""],
            "reason": ["", "no session fits the times", ""],
        }
    ).to_csv(plan, index=False)
    code, output = run("tasks", "--from-plan", plan, "--as-of", "2027-01-04", "--db", db)
    assert (code, "3 new tasks" in output) == (0, True), output
    with open_store(db) as store:
        assert sorted(list_tasks(store)["kind"]) == ["escalated", "inform_gp", "unplaced"]


def test_tasks_from_a_file_that_is_not_a_plan(db: str, tmp_path: Path) -> None:
    """A CSV without PLAN.csv columns or with an unknown status is bad input, naming the row."""
    plan = tmp_path / "PLAN.csv"
    plan.write_text("patient_id,status,reason\nP001,placed,\nP002,lost,\n", encoding="utf-8")
    code, output = run("tasks", "--from-plan", plan, "--db", db)
    assert code == 2
    assert "PLAN.csv:3:status: 'lost' is not a known status (expected one of: placed," in output


HEADER = "patient_id,status,session_id,start_date,wait_days,cost,reason\n"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "PLAN.csv:-:-: the file is empty"),
        ("\x89PNG\x00\x01\x02binary", "is not a CSV text file"),
        (HEADER + "P1,unplaced,,,,,x\nP1,unplaced,,,,,x\n", "PLAN.csv:3:patient_id: duplicate id"),
        (HEADER + "P1,placed,S1,9999-12-31,3,1,\n", "PLAN.csv:2:start_date: '9999-12-31' is"),
        (HEADER + "P1,placed,S1,2027-01-04,nan,1,\n", "PLAN.csv:2:wait_days: 'nan' is not"),
        (HEADER + "P1,placed,S1,2027-01-04,3,1e400,\n", "PLAN.csv:2:cost: '1e400' is not"),
        (HEADER + "P1,placed,,2027-01-04,3,1,\n", "PLAN.csv:2:session_id: a placed patient"),
        (HEADER.replace("\n", "\r") + "P1,unplaced,,,,,x\r", "carriage return only"),
        (HEADER + "P1,unplaced,,,,," + "x" * 200_000 + "\n", "PLAN.csv:2:reason: holds 200,000"),
    ],
    ids=["empty", "binary", "duplicate", "date", "nan", "huge", "no_session", "cr", "long"],
)
def test_a_stored_plan_is_held_to_the_loaders_checks(
    db: str, tmp_path: Path, text: str, says: str
) -> None:
    """tasks --from-plan reads PLAN.csv with the dataset's own reader: every cell in its
    type and range, no duplicate patient, a placed row with its session; bad input is
    exit 2 with the row and column, and no plan is stored."""
    plan = tmp_path / "PLAN.csv"
    plan.write_bytes(text.encode("utf-8", "surrogateescape"))
    code, output = run("tasks", "--from-plan", plan, "--db", db)
    assert code == 2, output
    assert says in output.replace("\n", ""), output
    assert "Error" not in output
    with open_store(db) as store:
        assert len(list_tasks(store)) == 0


def test_a_plan_summary_that_is_no_object_is_bad_input(db: str, tmp_path: Path) -> None:
    """PLAN.json beside PLAN.csv must hold the plan's summary (a JSON object)."""
    plan = tmp_path / "PLAN.csv"
    plan.write_text(HEADER + "P1,unplaced,,,,,x\n", encoding="utf-8")
    (tmp_path / "PLAN.json").write_text("[1, 2]", encoding="utf-8")
    code, output = run("tasks", "--from-plan", plan, "--db", db)
    assert code == 2, output
    assert "PLAN.json:-:-: holds no plan summary (a JSON object)" in output


def test_tasks_from_a_plan_with_a_cpr_number(db: str, tmp_path: Path) -> None:
    """Pseudonyms only: a CPR-like patient_id in PLAN.csv is refused as PLAN.csv:ROW:patient_id,
    without repeating the number, and nothing is stored."""
    plan = tmp_path / "PLAN.csv"
    plan.write_text(
        "patient_id,status,reason\nP001,placed,\n010190-1234,unplaced,none fits\n",
        encoding="utf-8",
    )
    code, output = run("tasks", "--from-plan", plan, "--db", db)
    assert code == 2, output
    assert "PLAN.csv:3:patient_id: looks like a CPR number" in output
    assert "1234" not in output
    assert not (tmp_path / "db.sqlite3").exists()


def test_import_reports_shrinking_sessions(folder: Path, db: str) -> None:
    """import of a catalogue with fewer places than bookings warns and keeps the bookings."""
    from builders import session

    _book(folder, db, "P001")
    _book(folder, db, "P002")
    dataset_dir(
        folder,
        sessions=[
            session(session_id="S1", offer_id="O1", capacity=1),
            session(session_id="S3", offer_id="O2", weekday="thu"),
        ],
        patients=4,
        private=True,
    )
    code, output = run("import", folder, "--db", db)
    assert code == 0
    assert "session S1 now has 1 places but 2 active bookings" in output
    assert "1 gone" in output
    code, output = run("import", folder, "--db", db)
    assert (code, "already current" in output) == (0, True)
    with open_store(db) as store:
        assert len(active_bookings(store)) == 2


def _database_text(db: str) -> str:
    with open_store(db) as store, store.engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        rows = [conn.execute(text(f"SELECT * FROM {t}")).all() for t in tables]
    return "\n".join(" | ".join(map(str, row)) for table in rows for row in table)


def test_nothing_personal_beyond_the_pseudonym(
    folder: Path, db: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Logs at DEBUG, printed output and the database hold the pseudonym, no other patient field."""
    pid = PRIVATE["patient_id"]
    printed = []
    # SQLAlchemy keeps its own loggers at WARNING unless asked
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="sqlalchemy"):
        printed.append(_book(folder, db, pid))
        printed.append(
            run("attend", "--booking", "1", "--date", "2027-01-11", "--absent", "--db", db)
        )
        printed.append(
            run("attend", "--booking", "1", "--date", "2027-01-18", "--absent", "--db", db)
        )
        printed.append(run("tasks", "--db", db))
        printed.append(run("tasks", "--done", "4", "--outcome", "no_answer", "--db", db))
        printed.append(run("tasks", "--due", "--as-of", "2027-12-31", "--db", db))
    assert [code for code, _ in printed] == [0] * 6, printed
    logged = caplog.text
    assert pid in logged  # the log is captured at all, with the pseudonym
    assert "sqlalchemy.engine" in logged  # including SQL at DEBUG
    assert leaks(logged) == []
    assert leaks("\n".join(output for _, output in printed)) == []
    stored = _database_text(db)
    assert pid in stored
    assert leaks(stored) == []
    with open_store(db) as store, store.read() as session:
        from matcher.store.models import Booking

        assert session.scalar(select(Booking.start_date)).isoformat() == "2027-01-11"
