"""Commands on the database: ``import``, ``book``, ``cancel``, ``attend``, ``tasks``.

Every command takes ``--db URL`` (default: ``$BROBYGGER_DB``, then an SQLite
file in the user's data directory) and ``--actor``/``--role`` for the audit
log (a staff pseudonym or initials code, never a name). ``book`` exits with
status 3 when the session is full, and may name the booking's staff contact
person (``--contact-name``, ``--contact-phone``). ``tasks --done`` takes the
outcomes of ``matcher.store.OUTCOMES`` and ``--called`` (the part of the day
of a call nobody answered), and says when to call next and the status the
outcome set.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import InputError, Problem
from ..words.problems import problem
from .common import (
    ROW_NUMBER,
    DialectOption,
    ExcelOption,
    after_writing,
    app,
    check_outputs,
    err,
    handle_errors,
    option_date,
    out,
    report_warnings,
    say,
    say_n,
    say_note,
    styled,
    table_dialect,
    table_files,
)

if TYPE_CHECKING:
    from ..store import Actor, BookingInfo, ImportReport

#: Exit status of ``book`` when every place of the session is taken.
EXIT_FULL = 3

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help=say("help_db"),
        show_default=False,
    ),
]
ActorOption = Annotated[
    str,
    typer.Option(
        "--actor",
        envvar="BROBYGGER_ACTOR",
        help=say("help_actor"),
    ),
]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        envvar="BROBYGGER_ROLE",
        help=say("help_role"),
    ),
]
ContactNameOption = Annotated[
    str | None, typer.Option("--contact-name", help=say("help_book_contact_name"))
]
ContactPhoneOption = Annotated[
    str | None, typer.Option("--contact-phone", help=say("help_book_contact_phone"))
]


def _say_booked(booking: BookingInfo) -> None:
    """One line per booking made: a pathway's later step says it is held until its
    confirming call."""
    key = "booked_held" if booking.provisional else "booked"
    out.print(
        say(
            key,
            booking=booking.booking_id,
            patient=booking.patient_id,
            session=booking.session_id,
            offer=booking.offer_id,
            start=booking.start_date,
        ),
        soft_wrap=True,
    )


def _actor(actor: str, role: str) -> Actor:
    from ..store import Actor

    return Actor(actor, role)


def _report_import(report: ImportReport, directory: Path) -> None:
    if report.changed:
        out.print(
            say(
                "import_report",
                import_id=report.import_id,
                folder=directory,
                offers=report.offers,
                sessions=report.sessions,
                added=report.added,
                removed=report.removed,
                resized=report.resized,
            ),
            soft_wrap=True,
        )
    for conflict in report.conflicts:
        err.print(styled((say("warning"), "yellow"), " ", say_note(conflict.note)), soft_wrap=True)


@app.command("import", help=say("cmd_import"))
@handle_errors
def import_catalogue(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Load or refresh the catalogue (offers and sessions) without losing bookings."""
    from ..dataset.load import load_dataset
    from ..store import import_catalogue as run_import
    from ..store import open_store

    who = _actor(actor, role)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    with open_store(db) as store:
        report = run_import(store, dataset, actor=who)
    with after_writing():
        if not report.changed:
            out.print(say("import_current", import_id=report.import_id))
        _report_import(report, directory)


@app.command(help=say("cmd_book"))
@handle_errors
def book(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    patient: Annotated[str, typer.Option("--patient", help=say("help_book_patient"))],
    session: Annotated[str, typer.Option("--session", help=say("help_book_session"))],
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
    *,
    contact_name: ContactNameOption = None,
    contact_phone: ContactPhoneOption = None,
    pathway: Annotated[bool, typer.Option("--pathway", help=say("help_book_pathway"))] = False,
) -> None:
    """Book a place for a patient (exit 0 booked, 3 full, 2 bad input or a broken rule)."""
    from ..dataset.load import load_dataset
    from ..store import SessionFull, book_from_dataset, check_booking, check_contact, open_store
    from ..store.importer import import_catalogue as run_import
    from ..store.pathway_bookings import book_pathway

    who = _actor(actor, role)
    check_contact(contact_name, contact_phone)
    dataset = load_dataset(directory)
    check_booking(dataset, patient, session)  # a pair that breaks a rule writes nothing
    with open_store(db) as store:
        try:
            if pathway:
                report = run_import(store, dataset, actor=who)
                booked = book_pathway(
                    store,
                    dataset,
                    patient,
                    session,
                    actor=who,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                )
            else:
                booking, report = book_from_dataset(
                    store,
                    dataset,
                    patient,
                    session,
                    actor=who,
                    contact_name=contact_name,
                    contact_phone=contact_phone,
                )
                booked = [booking]
        except SessionFull as full:
            said = say("nothing_booked", reason=full)
            err.print(styled((say("full"), "bold red"), " ", said), soft_wrap=True)
            raise typer.Exit(EXIT_FULL) from None
    with after_writing():  # the booking is made: reporting it cannot fail the command
        _report_import(report, directory)
        for made in booked:
            _say_booked(made)


@app.command("book-group", help=say("cmd_book-group"))
@handle_errors
def book_group(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    patients: Annotated[str, typer.Option("--patients", help=say("help_book_group_patients"))],
    session: Annotated[str, typer.Option("--session", help=say("help_book_session"))],
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
    *,
    contact_name: ContactNameOption = None,
    contact_phone: ContactPhoneOption = None,
) -> None:
    """Book team-mates into one session together: all of them or none (exit 0 booked,
    3 too few places, 2 bad input or a broken rule)."""
    from ..dataset.load import load_dataset
    from ..store import check_booking, check_contact, open_store
    from ..store.groups import GroupTooLarge, book_group_from_dataset

    who = _actor(actor, role)
    ids = [p.strip() for p in patients.split(",") if p.strip()]
    check_contact(contact_name, contact_phone)
    dataset = load_dataset(directory)
    refused: list[Problem] = []
    for patient in ids:  # a member who breaks a rule writes nothing, not even a database
        try:
            check_booking(dataset, patient, session)
        except InputError as exc:
            refused += exc.problems
    if refused:
        raise InputError(refused)
    with open_store(db) as store:
        try:
            booked = book_group_from_dataset(
                store,
                dataset,
                ids,
                session,
                actor=who,
                contact_name=contact_name,
                contact_phone=contact_phone,
            )
        except GroupTooLarge as full:
            said = say("group_too_large", free=full.free, size=full.size, session=session)
            err.print(styled((say("full"), "bold red"), " ", said), soft_wrap=True)
            raise typer.Exit(EXIT_FULL) from None
    with after_writing():  # the bookings are made: reporting them cannot fail the command
        for booking in booked:
            _say_booked(booking)


@app.command(help=say("cmd_cancel"))
@handle_errors
def cancel(
    booking: Annotated[int, typer.Option("--booking", help=say("help_booking"), **ROW_NUMBER)],
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Cancel a booking; its place is free again."""
    from ..store import cancel as run_cancel
    from ..store import open_store

    who = _actor(actor, role)
    with open_store(db) as store:
        info = run_cancel(store, booking, actor=who)
    with after_writing():
        out.print(
            say("cancelled", booking=info.booking_id, session=info.session_id), soft_wrap=True
        )


@app.command(help=say("cmd_attend"))
@handle_errors
def attend(
    booking: Annotated[int, typer.Option("--booking", help=say("help_booking"), **ROW_NUMBER)],
    day: Annotated[str, typer.Option("--date", help=say("help_attend_date"))],
    present: Annotated[
        bool | None,
        typer.Option("--present/--absent", help=say("help_present"), show_default=False),
    ] = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Record attendance; two missed sessions in a row make a call task."""
    from ..store import open_store, record_attendance

    if present is None:
        raise InputError([problem("--present/--absent", None, None, "say whether they came")])
    when = option_date(day, "--date")
    assert when is not None
    who = _actor(actor, role)
    with open_store(db) as store:
        done = record_attendance(store, booking, when, present, actor=who)
    with after_writing():
        key = "attendance_corrected" if done.corrected else "attendance_recorded"
        came = say("present") if present else say("absent")
        out.print(say(key, booking=done.booking_id, day=done.day, came=came))
        if done.call_task_id is not None:
            out.print(say("call_task", task=done.call_task_id))
        for task_id in done.cancelled_task_ids:
            out.print(say("call_task_cancelled", task=task_id))


def _task_table(frame: object, title: str, *, status: bool = False) -> Table:
    """The tasks as a table; with ``status`` (tasks --all) a column says open, done or
    cancelled."""
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    table = Table(title=title)
    columns = ("task", "kind", "status") if status else ("task", "kind")
    keys = ("col_task", "col_kind", "col_status")[: len(columns)]
    # the part of the day to call in, only when a task has one
    timed = bool(frame["call_time"].astype(bool).any()) if "call_time" in frame else False
    for key in (*keys, "col_patient", "col_booking", "col_session", "col_due", "col_try"):
        table.add_column(say(key), no_wrap=True)
    if timed:
        table.add_column(say("col_call_time"), no_wrap=True)
    table.add_column(say("col_note"), overflow="fold", min_width=20)
    for row in frame.itertuples(index=False):
        booking = "" if pd.isna(row.booking_id) else str(row.booking_id)
        cells = (str(row.task_id), str(row.kind), str(row.status))[: len(columns)]
        when = (str(row.call_time),) if timed else ()
        table.add_row(
            *cells,
            str(row.patient_id),
            booking,
            str(row.session_id),
            str(row.due_date),
            str(row.attempt),
            *when,
            str(row.note),
        )
    return table


@app.command(help=say("cmd_tasks"))
@handle_errors
def tasks(
    *,
    due: Annotated[bool, typer.Option("--due", help=say("help_due"))] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help=say("help_as_of"))] = None,
    done: Annotated[int | None, typer.Option("--done", help=say("help_done"), **ROW_NUMBER)] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            help=say("help_outcome_closed"),
        ),
    ] = None,
    from_plan: Annotated[
        Path | None,
        typer.Option(
            "--from-plan",
            help=say("help_from_plan"),
        ),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", help=say("help_export")),
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help=say("help_all"))] = False,
    called: Annotated[str | None, typer.Option("--called", help=say("help_called"))] = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """List, complete and export follow-up tasks; store a plan's open cases."""
    from ..store import complete_task, export_tasks, list_tasks, open_store, read_plan, record_plan

    today = option_date(as_of, "--as-of") or date.today()
    who = _actor(actor, role)
    chosen_dialect = table_dialect(dialect)
    workbook = export.with_suffix(".xlsx") if excel and export is not None else None
    if excel and export is None:
        raise InputError([problem("--excel", None, None, "goes with --export FILE")])
    if export is not None:
        check_outputs([export, *([workbook] if workbook else [])], example="tasks.csv")
    if outcome is not None and done is None:
        raise InputError([problem("--outcome", None, None, "goes with --done TASK")])
    if called is not None and done is None:
        raise InputError([problem("--called", None, None, "goes with --done TASK")])
    plan_rows = read_plan(from_plan) if from_plan is not None else None
    with open_store(db) as store:
        # --done first: a task that cannot be completed is refused before the plan is
        # stored (read_plan has checked the plan already), so bad input writes nothing
        if done is not None:
            result = complete_task(store, done, outcome, actor=who, today=today, called=called)
            with after_writing():
                out.print(
                    say("task_done", task=result.task_id, kind=result.kind, outcome=result.outcome)
                )
                if result.next_task_id is not None:
                    out.print(say("next_task", task=result.next_task_id, kind=result.next_kind))
                if result.next_call_time is not None:
                    out.print(say(f"call_next_{result.next_call_time}"))
                if result.status is not None:
                    out.print(say("status_now_is", patient=result.patient_id, status=result.status))
        if plan_rows is not None:
            assert from_plan is not None
            stored = record_plan(
                store, plan_rows[0], plan_rows[1], source=str(from_plan), actor=who, today=today
            )
            with after_writing():
                out.print(
                    say(
                        "plan_stored",
                        plan=stored.plan_id,
                        rows=stored.rows,
                        tasks=stored.tasks_created,
                    )
                )
        acted = done is not None or plan_rows is not None
        if acted and not (due or export is not None):
            return
        statuses = ("open", "done", "cancelled") if everything else ("open",)
        frame = list_tasks(store, due_by=today if due else None, statuses=statuses)
    if export is not None:
        with table_files(chosen_dialect, workbook):
            export_tasks(frame, export)
            with after_writing():
                out.print(say("wrote_tasks", n=len(frame), path=export), soft_wrap=True)
        return
    title = say_n("due_tasks" if due else "tasks", len(frame))
    if due:
        title = say("as_of", title=title, day=today)
    out.print(_task_table(frame, title, status=everything))
