"""Commands that close the loop after a match: ``status``, ``consent``, ``meeting``,
``gp-letter`` (and ``remind``, in ``remind_commands``).

``status show|set|summary`` keeps each referral's status; ``consent
give|withdraw|show`` the patient's consent per purpose; ``meeting`` writes the
fortnightly hospital-municipality list of patients in transition (for the
municipality: only those who gave ``share_municipality``); ``gp-letter`` makes
the task to write to the GP about absences, refused without ``gp_on_absence``.
Every command takes ``--db``, ``--actor`` and ``--role`` as the database
commands do. Files for reading (Excel, HTML) are in ``--lang`` (``da`` or
``en``); CSV files keep the store's English codes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..words.problems import problem
from .common import (
    ROW_NUMBER,
    after_writing,
    app,
    check_outputs,
    handle_errors,
    option_date,
    out,
    say,
    say_n,
)
from .store_commands import ActorOption, DbOption, RoleOption, _actor

PatientOption = Annotated[str, typer.Option("--patient", help=say("help_fu_patient"))]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help=say("help_fu_as_of"))]
SheetLangOption = Annotated[str, typer.Option("--lang", help=say("help_sheet_lang"))]

status_app = typer.Typer(no_args_is_help=True, add_completion=False)
consent_app = typer.Typer(no_args_is_help=True, add_completion=False)
app.add_typer(status_app, name="status", help=say("cmd_status"))
app.add_typer(consent_app, name="consent", help=say("cmd_consent"))


def sheet_lang(lang: str) -> str:
    """``--lang`` of a file for reading: ``da`` or ``en``; another is bad input."""
    from ..words.catalog import LANGUAGES

    if lang not in LANGUAGES:
        raise InputError(
            [
                problem(
                    "--lang",
                    None,
                    None,
                    "'{lang}' is not a language of the staff's words ({known})",
                    lang=lang,
                    known=", ".join(LANGUAGES),
                )
            ]
        )
    return lang


def left_out_line(ids: tuple[str, ...], purpose: str | None) -> None:
    """Say which patients a list left out for want of consent (never silently)."""
    if ids:
        out.print(
            say_n("left_out", len(ids), purpose=purpose, patients=", ".join(ids)), soft_wrap=True
        )


@status_app.command("show", help=say("cmd_status_show"))
@handle_errors
def status_show(patient: PatientOption, db: DbOption = None) -> None:
    """Show a patient's referral status and every change of it."""
    from ..store import current_status, open_store, status_history

    with open_store(db) as store:
        now = current_status(store, patient)
        history = status_history(store, patient)
    if now is None:
        out.print(say("status_none", patient=patient))
        return
    out.print(
        say("status_now", patient=patient, status=now.status, since=now.since.date()),
        soft_wrap=True,
    )
    if now.referrer:
        out.print(say("status_referrer", referrer=now.referrer), soft_wrap=True)
    if now.re_offer_date is not None:
        out.print(say("status_re_offer", day=now.re_offer_date))
    table = Table(title=say_n("status_changes", len(history)))
    for key in ("col_when", "col_from", "col_to", "col_by", "col_cause"):
        table.add_column(say(key), no_wrap=True)
    table.add_column(say("col_reason"), overflow="fold", min_width=20)
    for row in history.itertuples(index=False):
        table.add_row(
            str(row.at.date()),
            row.from_status or "-",
            row.to_status,
            f"{row.actor} ({row.actor_role})",
            row.cause,
            row.reason,
        )
    out.print(table)


@status_app.command("set", help=say("cmd_status_set"))
@handle_errors
def status_set(
    patient: PatientOption,
    to: Annotated[str, typer.Option("--to", help=say("help_status_to"))],
    *,
    reason: Annotated[str, typer.Option("--reason", help=say("help_status_reason"))] = "",
    re_offer: Annotated[
        str | None, typer.Option("--re-offer", help=say("help_status_re_offer"))
    ] = None,
    referrer: Annotated[
        str | None, typer.Option("--referrer", help=say("help_status_referrer"))
    ] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Set a patient's referral status; a change the status does not allow is refused."""
    from ..store import open_store, set_status

    today = option_date(as_of, "--as-of") or date.today()
    again = option_date(re_offer, "--re-offer")
    who = _actor(actor, role)
    with open_store(db) as store:
        changed = set_status(
            store,
            patient,
            to,
            actor=who,
            reason=reason,
            re_offer=again,
            referrer=referrer,
            today=today,
        )
    with after_writing():
        out.print(
            say(
                "status_changed",
                patient=changed.patient_id,
                from_status=changed.from_status or "-",
                to_status=changed.to_status,
            ),
            soft_wrap=True,
        )
        if changed.re_offer_task_id is not None:
            out.print(say("re_offer_task", task=changed.re_offer_task_id, day=again))


@status_app.command("summary", help=say("cmd_status_summary"))
@handle_errors
def status_summary(
    out_path: Annotated[Path, typer.Option("--out", help=say("help_summary_out"))],
    *,
    referrer: Annotated[
        str | None, typer.Option("--referrer", help=say("help_summary_referrer"))
    ] = None,
    for_municipality: Annotated[
        bool, typer.Option("--for-municipality", help=say("help_for_municipality"))
    ] = False,
    lang: SheetLangOption = "da",
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write the status of every referred patient, by referrer, to send back (CSV or Excel)."""
    from ..store import open_store
    from ..store.summaries import status_summary as summary
    from ..store.summaries import write_status_summary

    lang = sheet_lang(lang)
    today = option_date(as_of, "--as-of") or date.today()
    check_outputs([out_path], example="status.xlsx")
    _check_suffix(out_path, (".csv", ".xlsx"), "status.xlsx")
    with open_store(db) as store:
        shared = summary(store, referrer=referrer, for_municipality=for_municipality)
    write_status_summary(shared, out_path, lang=lang, today=today)
    with after_writing():
        out.print(say_n("wrote_summary", len(shared.rows), path=out_path), soft_wrap=True)
        left_out_line(shared.left_out, shared.purpose)


def _check_suffix(path: Path, suffixes: tuple[str, ...], example: str) -> None:
    if path.suffix.lower() not in suffixes:
        raise InputError(
            [
                problem(
                    str(path),
                    None,
                    None,
                    "give a file name ending in {suffixes}, like {example}",
                    suffixes=" or ".join(suffixes),
                    example=example,
                )
            ]
        )


def _record(patient: str, purpose: list[str], day: str | None, given: bool, **who: str) -> None:
    from ..store import open_store, record_consent

    if not purpose:
        raise InputError([problem("--purpose", None, None, "name at least one --purpose")])
    on = option_date(day, "--date")
    actor = _actor(who["actor"], who["role"])
    with open_store(who["db"] or None) as store:
        done = [
            record_consent(store, patient, p, given, on=on, actor=actor)
            for p in dict.fromkeys(purpose)
        ]
    with after_writing():
        key = "consent_given" if given else "consent_withdrawn"
        for now in done:
            out.print(say(key, patient=now.patient_id, purpose=now.purpose, day=now.on))


PurposeOption = Annotated[list[str], typer.Option("--purpose", help=say("help_purpose"))]
DateOption = Annotated[str | None, typer.Option("--date", help=say("help_consent_date"))]


@consent_app.command("give", help=say("cmd_consent_give"))
@handle_errors
def consent_give(
    patient: PatientOption,
    purpose: PurposeOption,
    day: DateOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Record that a patient gives consent to a purpose."""
    _record(patient, purpose, day, True, actor=actor, role=role, db=db or "")


@consent_app.command("withdraw", help=say("cmd_consent_withdraw"))
@handle_errors
def consent_withdraw(
    patient: PatientOption,
    purpose: PurposeOption,
    day: DateOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Record that a patient withdraws consent to a purpose."""
    _record(patient, purpose, day, False, actor=actor, role=role, db=db or "")


@consent_app.command("show", help=say("cmd_consent_show"))
@handle_errors
def consent_show(patient: PatientOption, db: DbOption = None) -> None:
    """Show a patient's consent to each purpose as it holds now."""
    from ..store import check_pseudonym, consents, open_store

    check_pseudonym(patient, "--patient")
    with open_store(db) as store:
        now = consents(store, patient)
    table = Table(title=say("consents_of", patient=patient))
    for key in ("col_purpose", "col_consent", "col_on", "col_by"):
        table.add_column(say(key), no_wrap=True)
    for purpose, held in now.items():
        if held is None:
            table.add_row(purpose, say("consent_not_recorded"), "", "")
        else:
            word = say("consent_yes") if held.given else say("consent_no")
            table.add_row(purpose, word, str(held.on), held.recorded_by)
    out.print(table)


@app.command(help=say("cmd_meeting"))
@handle_errors
def meeting(
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_meeting_out"))],
    *,
    lang: SheetLangOption = "da",
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write the hospital-municipality meeting list of patients in transition (Excel and HTML)."""
    from ..store import open_store
    from ..store.summaries import meeting_list, write_meeting

    lang = sheet_lang(lang)
    today = option_date(as_of, "--as-of") or date.today()
    check_outputs([out_dir / "meeting.xlsx", out_dir / "meeting.html"])
    with open_store(db) as store:
        shared = meeting_list(store, today=today)
    written = write_meeting(shared, out_dir, today=today, lang=lang)
    with after_writing():
        out.print(
            say_n("wrote_meeting", len(shared.rows), paths=", ".join(map(str, written))),
            soft_wrap=True,
        )
        left_out_line(shared.left_out, shared.purpose)


@app.command("gp-letter", help=say("cmd_gp-letter"))
@handle_errors
def gp_letter(
    patient: PatientOption,
    booking: Annotated[
        int | None, typer.Option("--booking", help=say("help_gp_booking"), **ROW_NUMBER)
    ] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Make the task to write to a patient's GP about absences (needs gp_on_absence consent)."""
    from ..store import open_store, request_gp_letter

    today = option_date(as_of, "--as-of") or date.today()
    who = _actor(actor, role)
    with open_store(db) as store:
        task_id = request_gp_letter(store, patient, actor=who, booking_id=booking, today=today)
    with after_writing():
        out.print(say("gp_letter_task", task=task_id, patient=patient))
