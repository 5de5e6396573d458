"""Helpers for the storage tests: tiny dataset folders and many processes at once.

``run_cli_processes`` forks one process per command line (the package is
imported once, so 50 processes start in well under a second) and runs the
real ``brobygger`` command in each; with ``together=True`` every process
waits at a barrier just before its booking transaction, so they all race
for the same places at the same moment.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from builders import offer, patient, session, write

from matcher.store import list_tasks
from matcher.store.db import Store

#: A Monday: the first day session S1 of ``dataset_dir`` meets.
START = date(2027, 1, 4)

#: A patient whose every field but the pseudonym is distinctive, so a test
#: can search logs and the database for any of them.
PRIVATE = {
    "patient_id": "PX01",
    "lat": 55.40123,
    "lon": 10.39871,
    "discharge_date": "2027-01-05",
    "diagnoses": "copd",
    "gender": "woman",
    "modes": "bus;flextrafik",
    "max_travel_min": 47,
    "available": "mon 09:30-12:45",
    "budget_dkk_month": 4321.75,
    "languages": "da;tr",
    "interests": "gardening",
    "lives_alone": "true",
    "low_income": "true",
    "mental_health": "true",
}
#: Text that would give a PRIVATE field away if it showed up anywhere.
PRIVATE_VALUES = (
    "55.40123",
    "10.39871",
    "2027-01-05",
    "copd",
    "flextrafik",
    "mon 09:30-12:45",
    "4321.75",
    "gardening",
    "lives_alone",
    "low_income",
    "mental_health",
)


def leaks(text: str) -> list[str]:
    """The PRIVATE values found in ``text`` as whole values (a timestamp such
    as ``...:55.401234`` does not count as the latitude 55.40123)."""
    return [
        value
        for value in PRIVATE_VALUES
        if re.search(rf"(?<![\w.]){re.escape(value)}(?![\w])", text)
    ]


def dataset_dir(
    root: Path,
    *,
    capacity: int = 5,
    patients: int = 3,
    sessions: Sequence[dict[str, Any]] | None = None,
    private: bool = False,
) -> Path:
    """A dataset folder: offers O1 and O2, sessions S1 (O1, ``capacity``
    places, Mondays from 2027-01-04) and S2 (O1) and S3 (O2), and patients
    P001, P002, ... (plus ``PRIVATE`` when asked)."""
    root.mkdir(parents=True, exist_ok=True)
    write(root, "offers.csv", [offer(offer_id="O1"), offer(offer_id="O2", name="Kor")])
    write(
        root,
        "sessions.csv",
        sessions
        or [
            session(session_id="S1", offer_id="O1", capacity=capacity),
            session(session_id="S2", offer_id="O1", weekday="wed", capacity=5),
            session(session_id="S3", offer_id="O2", weekday="thu", capacity=5),
        ],
    )
    rows = [patient(patient_id=f"P{i:03d}") for i in range(1, patients + 1)]
    if private:
        rows.append(patient(**PRIVATE))
    write(root, "patients.csv", rows)
    return root


def kinds(store: Store, **query: object) -> list[str]:
    """The kinds of the tasks ``list_tasks(store, **query)`` lists, in its order."""
    return list_tasks(store, **query)["kind"].tolist()  # type: ignore[arg-type]


def plan_rows() -> pd.DataFrame:
    """PLAN.csv rows: P001 placed in S1, P002 and P004 unplaced (with reasons), P003
    escalated."""
    return pd.DataFrame(
        {
            "patient_id": ["P001", "P002", "P003", "P004"],
            "status": ["placed", "unplaced", "escalated", "unplaced"],
            "offer_id": ["O1", "", "", ""],
            "session_id": ["S1", "", "", ""],
            "kind": ["association", "", "", ""],
            "start_date": ["2027-01-04", "", "", ""],
            "wait_days": [0.0, None, None, None],
            "travel_min": [5.0, None, None, None],
            "travel_mode": ["walk", "", "", ""],
            "fee_dkk_month": [0.0, None, None, None],
            "cost": [3.5, None, None, None],
            "reason": ["", "no session within 20 minutes", "", "no session fits the times"],
        }
    )


def _cli_child(argv: list[str], barrier: Any) -> None:
    if barrier is not None:
        from matcher.store import bookings

        real = bookings.book

        def book_together(*args: Any, **kwargs: Any) -> Any:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=300)
            return real(*args, **kwargs)

        bookings.book = book_together  # type: ignore[assignment]
    from matcher.cli import app

    code = 0
    try:
        app(args=argv, prog_name="brobygger", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_cli_processes(
    argvs: Sequence[list[str]], *, together: bool = True, timeout: float = 900.0
) -> list[int | None]:
    """Exit status of ``brobygger ARGV`` run in one forked process per ARGV
    (``None`` for a process still running after ``timeout`` seconds in all)."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(argvs)) if together else None
    processes = [context.Process(target=_cli_child, args=(list(a), barrier)) for a in argvs]
    # keep the collector off the objects every child inherits: touching them
    # would copy the parent's memory into each of the processes
    gc.freeze()
    try:
        for process in processes:
            process.start()
    finally:
        gc.unfreeze()
    deadline = time.monotonic() + timeout
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    codes = [p.exitcode for p in processes]
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()
    return codes


def run_in_process(target: Callable[..., None], *args: Any) -> int | None:
    """Exit status of ``target(*args)`` run in a forked process (it may ``os._exit``)."""
    context = multiprocessing.get_context("fork")
    process = context.Process(target=target, args=args)
    process.start()
    process.join(120)
    return process.exitcode


def pathway_town(directory: Path) -> Path:
    """A folder where one ladder fits: weekly home visits ``SH`` from 2027-01-04 (four
    weeks), an exit team ``SE`` from 2027-02-01 (eight weeks) and a club ``SA``, 5
    places each; ``P1`` and ``P3`` manage only one-to-one to start with, ``P2`` any
    group."""
    directory.mkdir(parents=True, exist_ok=True)
    write(
        directory,
        "offers.csv",
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="E", kind="exit_team", group_size=6),
            offer(offer_id="A", kind="association", group_size=6),
        ],
    )
    write(
        directory,
        "sessions.csv",
        [
            session(session_id="SH", offer_id="H"),
            session(session_id="SE", offer_id="E", first_date="2027-02-01", weeks=8),
            session(session_id="SA", offer_id="A"),
        ],
    )
    write(
        directory,
        "patients.csv",
        [
            patient(patient_id="P1", group_tolerance="individual"),
            patient(patient_id="P2", group_tolerance="large"),
            patient(patient_id="P3", group_tolerance="individual"),
        ],
    )
    return directory


def busy_pathway_town(directory: Path, bookers: int, team_places: int) -> Path:
    """Weekly home visits ``SH`` with room for every booker, then an exit team ``SE`` with
    ``team_places`` places: the only ladder from ``SH``."""
    directory.mkdir(parents=True, exist_ok=True)
    write(
        directory,
        "offers.csv",
        [
            offer(offer_id="H", kind="home_visit", group_size=1),
            offer(offer_id="E", kind="exit_team", group_size=6),
        ],
    )
    write(
        directory,
        "sessions.csv",
        [
            session(session_id="SH", offer_id="H", capacity=bookers),
            session(
                session_id="SE",
                offer_id="E",
                first_date="2027-02-01",
                weeks=8,
                capacity=team_places,
            ),
        ],
    )
    patients = [patient(patient_id=f"P{i}", group_tolerance="individual") for i in range(bookers)]
    write(directory, "patients.csv", patients)
    return directory
