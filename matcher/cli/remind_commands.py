"""The reminder command: ``brobygger remind``.

Before each active booking's first session, a reminder in the way the patient
is best reached (``contact_channel`` of ``patients.csv``): a call list for
staff, a printable letter, or an SMS text written to the send log (only with
the ``sms`` consent; a refused one is listed and called instead). Nothing is
sent unless ``--gateway package.module:factory`` names a municipality's
gateway, which finds each phone number from the pseudonym itself.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from .common import after_writing, app, check_outputs, handle_errors, option_date, out, say, say_n
from .followup_commands import AsOfOption, SheetLangOption, sheet_lang
from .store_commands import ActorOption, DbOption, RoleOption, _actor

#: The most days ahead a reminder is written for (a year).
DAYS = {"min": 0, "max": 366}


@app.command(help=say("cmd_remind"))
@handle_errors
def remind(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    days: Annotated[int, typer.Option("--days", help=say("help_remind_days"), **DAYS)],
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_remind_out"))],
    *,
    gateway: Annotated[str, typer.Option("--gateway", help=say("help_gateway"))] = "",
    lang: SheetLangOption = "da",
    as_of: AsOfOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
    role: RoleOption = "staff",
) -> None:
    """Write the reminders before each booking's first session: calls, letters and SMS texts."""
    from ..dataset.load import load_dataset
    from ..store import open_store
    from ..store.reminders import write_reminders
    from ..store.sms import load_gateway

    lang = sheet_lang(lang)
    today = option_date(as_of, "--as-of") or date.today()
    who = _actor(actor, role)
    names = ("calls.csv", "calls.xlsx", "sms.csv", "refused.csv")
    check_outputs([out_dir / name for name in names], directory)
    send = load_gateway(gateway) if gateway.strip() else None
    dataset = load_dataset(directory)
    with open_store(db) as store:
        done = write_reminders(
            store,
            dataset,
            out_dir,
            today=today,
            days=days,
            gateway=send,
            gateway_name=gateway.strip(),
            actor=who,
            lang=lang,
        )
    with after_writing():
        out.print(say_n("remind_due", done.due, days=days, today=today), soft_wrap=True)
        out.print(say_n("remind_calls", len(done.calls), folder=out_dir), soft_wrap=True)
        out.print(say_n("remind_letters", len(done.letters), folder=out_dir / "letters"))
        out.print(say_n("remind_texts", len(done.texts), folder=out_dir), soft_wrap=True)
        if send is None:
            if len(done.texts):
                out.print(say("remind_not_sent"))
        else:
            out.print(say("remind_sent", sent=done.sent, failed=done.failed, gateway=gateway))
        if done.already_sent:
            out.print(say_n("remind_already_sent", len(done.already_sent)))
        for row in done.refused.itertuples(index=False):
            out.print(
                say(
                    f"remind_refused_{row.reason}",
                    patient=row.patient_id,
                    booking=row.booking_id,
                ),
                soft_wrap=True,
            )
