"""Commands for one patient at the closing conversation: ``recommend`` and ``handout``."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.table import Table

from ..errors import InputError, Problem
from ..privacy import PSEUDONYM_RULE
from ..words.problems import problem
from .common import (
    FreshOnlyOption,
    WeightsOption,
    after_writing,
    app,
    check_outputs,
    handle_errors,
    option_date,
    out,
    report_warnings,
    say,
    say_code,
    say_n,
    styled,
)
from .store_commands import DbOption

if TYPE_CHECKING:
    from ..dataset.load import Dataset
    from ..discharge.recommendation import Recommendation

_LANG_HELP = say("help_patient_lang")
_TODAY_HELP = say("help_today")
LangOption = Annotated[str, typer.Option("--lang", help=_LANG_HELP)]
#: The hand-out's language: any of the patient's languages, not only the command line's.
HandoutLangOption = Annotated[str, typer.Option("--lang", help=say("help_handout_lang"))]
TodayOption = Annotated[str | None, typer.Option("--today", help=_TODAY_HELP)]
ContactNameOption = Annotated[
    str | None, typer.Option("--contact-name", help=say("help_contact_name"))
]
ContactPhoneOption = Annotated[
    str | None, typer.Option("--contact-phone", help=say("help_contact_phone"))
]


def _recommend_lang(lang: str) -> None:
    """Refuse a --lang of ``recommend`` outside Danish and English (its table and
    JSON are read by staff); the hand-out takes more (``HandoutLangOption``)."""
    from ..words.catalog import LANGUAGES

    if str(lang).strip().lower() not in LANGUAGES:
        template = "'{lang}' is not a known language ({known})"
        known = ", ".join(LANGUAGES)
        raise InputError([problem("--lang", None, None, template, lang=lang, known=known)])


def _unknown_ids(dataset: Dataset, patient: str, session: str | None) -> list[Problem]:
    """Problems for a patient or session id that the dataset does not hold."""
    from ..dataset.cells import personal_id_problem

    problems = []
    personal = personal_id_problem(patient)
    if personal is not None and personal.template != PSEUDONYM_RULE:  # never repeated
        problems.append(
            problem("--patient", None, "patient_id", personal.template, **personal.values)
        )
    elif patient not in set(dataset.patients["patient_id"]):
        template = "patient '{patient_id}' is not in patients.csv"
        problems.append(problem("--patient", None, "patient_id", template, patient_id=patient))
    if session is not None and session not in set(dataset.sessions["session_id"]):
        template = "session '{session_id}' is not in sessions.csv"
        problems.append(problem("--session", None, "session_id", template, session_id=session))
    return problems


@app.command(help=say("cmd_recommend"))
@handle_errors
def recommend(
    *,
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    patient: Annotated[str, typer.Option("--patient", help=say("help_patient"))],
    top: Annotated[int, typer.Option("--top", min=1, max=100, help=say("help_top"))] = 5,
    as_json: Annotated[bool, typer.Option("--json", help=say("help_json"))] = False,
    lang: LangOption = "da",
    weights: WeightsOption = None,
    today: TodayOption = None,
    db: DbOption = None,
    fresh_only: FreshOnlyOption = False,
) -> None:
    """The few next steps that fit one patient, ranked as the batch plan would, with reasons."""
    from ..dataset.load import load_dataset
    from ..discharge.options import Recommender
    from ..match.weights import Weights
    from ..store import booked_counts

    _recommend_lang(lang)
    day = option_date(today, "--today")
    chosen = Weights.load(weights)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    if fresh_only:
        from ..dataset.freshness import without_stale

        dataset = without_stale(dataset, chosen.stale_months, day)
    problems = _unknown_ids(dataset, patient, None)
    if problems:
        raise InputError(problems)
    booked = booked_counts(db, dataset)
    recommender = Recommender(dataset, weights=chosen, today=day, booked=booked)
    found = recommender.recommend(patient, top, lang=lang)
    if as_json:
        payload = {"lang": lang, "top": top, **found.summary()}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print_table(found, patient)


def _print_table(found: Recommendation, patient: str) -> None:
    nothing = found.nothing_fits
    if len(found) == 0:
        out.print(styled((patient, "bold"), f": {nothing.text if nothing else ''}"), soft_wrap=True)
        if nothing is not None:
            for blocker in nothing.blockers:
                out.print(f"  - {blocker.text}", soft_wrap=True)
            for suggestion in nothing.suggestions:
                out.print(f"  + {suggestion.text}", soft_wrap=True)
        return
    table = Table(title=say("next_steps_title", patient=patient), show_lines=True)
    table.add_column("#", justify="right")
    table.add_column(say("col_offer"))
    table.add_column(say("col_first_time"))
    table.add_column(say("col_travel_fee_group"))
    table.add_column(say("col_cost"), justify="right")
    table.add_column(say("col_fits"))
    for row in found.table().itertuples(index=False):
        reasons = "\n".join([*(f"+ {r}" for r in row.fits), *(f"- {r}" for r in row.less_good)])
        minutes = math.ceil(row.travel_min - 1e-6)
        table.add_row(
            str(row.rank),
            f"{row.name}\n{say_code('kind', row.kind, row.kind.replace('_', ' '))}\n"
            f"{row.offer_id} / {row.session_id}",
            f"{pd.Timestamp(row.first_date):%Y-%m-%d} {row.weekday}\n{row.start}-{row.end}"
            f"\n{say_n('in_days', int(row.days_until_start))}",
            "\n".join(
                (
                    say("travel_cell", minutes=minutes, mode=row.travel_mode),
                    say("fee_cell", fee=row.fee_dkk_month),
                    say("group_cell", size=row.group_size),
                )
            ),
            f"{row.cost:.1f}",
            reasons,
        )
    out.print(table)


@app.command(help=say("cmd_handout"))
@handle_errors
def handout(
    *,
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    patient: Annotated[str, typer.Option("--patient", help=say("help_patient"))],
    session: Annotated[str, typer.Option("--session", help=say("help_handout_session"))],
    out_path: Annotated[Path, typer.Option("--out", help=say("help_handout_out_ics"))],
    lang: HandoutLangOption = "da",
    contact_name: ContactNameOption = None,
    contact_phone: ContactPhoneOption = None,
    weights: WeightsOption = None,
    today: TodayOption = None,
    db: DbOption = None,
) -> None:
    """A one-page printable hand-out for the first visit (what, where, when, bring, price, call).

    Refused (exit 2) when the session has no free place left, counting the
    bookings in --db, unless the patient holds one of them.
    """
    from ..dataset.export import write_text
    from ..dataset.load import load_dataset
    from ..discharge.handout import checked_contact, handout_html, handout_lang
    from ..discharge.invitation import invitation_ics
    from ..discharge.options import Recommender
    from ..match.weights import Weights
    from ..store import booked_counts, booking_contact, holds_booking, open_store

    code = handout_lang(lang)
    contact = checked_contact(contact_name, contact_phone)
    day = option_date(today, "--today")
    ics_path = _ics_beside(out_path)
    check_outputs([out_path, ics_path], directory, "invite.html")
    chosen = Weights.load(weights)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    problems = _unknown_ids(dataset, patient, session)
    if problems:
        raise InputError(problems)
    recommender = Recommender(dataset, weights=chosen, today=day, booked=booked_counts(db, dataset))
    # a full session is refused, unless the place it is full with is this patient's own
    held = holds_booking(db, patient, session)
    if contact is None and held:  # the contact person saved with the booking, if any
        with open_store(db) as store:
            contact = booking_contact(store, patient, session)
    html = handout_html(recommender, patient, session, lang=code, held=held, contact=contact)
    ics = invitation_ics(recommender, patient, session, lang=code, held=held, contact=contact)
    write_text(out_path, html)
    write_text(ics_path, ics)
    with after_writing():
        out.print(say("wrote", path=out_path), soft_wrap=True)
        out.print(say("wrote", path=ics_path), soft_wrap=True)


def _ics_beside(out_path: Path) -> Path:
    """The calendar invitation's file: ``--out`` with ``.ics`` for its ending; an
    ``--out`` that is itself an ``.ics`` is refused (the two would be one file)."""
    if out_path.suffix.lower() == ".ics":
        template = (
            "is the calendar invitation's name; give the hand-out a name ending in .html "
            "(the .ics is written beside it)"
        )
        raise InputError([problem(str(out_path), None, None, template)])
    return out_path.with_suffix(".ics")
