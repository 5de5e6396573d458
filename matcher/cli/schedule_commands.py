"""Planning over weeks: ``brobygger schedule``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..errors import InputError
from ..words.cli import DEFAULT_LANG
from ..words.problems import problem
from .common import (
    SECONDS,
    DialectOption,
    DirectoryArgument,
    ExcelOption,
    GuaranteeDaysOption,
    HorizonStartOption,
    JoinWeeksOption,
    SeedOption,
    WeightsOption,
    WorkersOption,
    app,
    check_outputs,
    err,
    finite,
    handle_errors,
    language,
    option_date,
    out,
    progress_bar,
    report_warnings,
    say,
    say_code,
    say_note,
    table_dialect,
    table_files,
)

if TYPE_CHECKING:
    from ..planning.schedule import Schedule

#: The largest staff-hour budget over a horizon (500 staff full time for a year).
MAX_BUDGET_HOURS = 1_000_000


def _budgets(text: str) -> list[float]:
    """Staff-hour budgets from ``0,40,80``."""
    values = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            value = float(item.replace(" ", ""))
        except ValueError:
            raise InputError(
                [
                    problem(
                        "--budgets",
                        None,
                        None,
                        "'{value}' is not a number of staff hours",
                        value=item,
                    )
                ]
            ) from None
        if not 0 <= value <= MAX_BUDGET_HOURS:  # also refuses nan
            raise InputError(
                [
                    problem(
                        "--budgets",
                        None,
                        None,
                        "'{value}' must be from 0 to {limit:,} staff hours",
                        value=item,
                        limit=MAX_BUDGET_HOURS,
                    )
                ]
            )
        values.append(value)
    if not values:
        raise InputError(
            [problem("--budgets", None, None, "give at least one budget, e.g. 0,40,80")]
        )
    return values


def _date(text: str | None) -> str | None:
    """``--start`` as ``YYYY-MM-DD``."""
    day = option_date(text, "--start")
    return None if day is None else day.isoformat()


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return "-" if value != value else f"{value:g}"
    return str(value)


@app.command(help=say("cmd_schedule"))
@handle_errors
def schedule(
    *,
    directory: DirectoryArgument,
    weeks: Annotated[int, typer.Option("--weeks", help=say("help_weeks"), min=1, max=520)],
    out_dir: Annotated[
        Path,
        typer.Option("--out", help=say("help_schedule_out")),
    ],
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            help=say("help_candidates"),
        ),
    ] = None,
    budgets: Annotated[
        str | None,
        typer.Option(
            "--budgets",
            help=say("help_budgets"),
        ),
    ] = None,
    guarantee_days: GuaranteeDaysOption = 28,
    start: HorizonStartOption = None,
    join_weeks: JoinWeeksOption = 2,
    schedule_budget: Annotated[
        float | None,
        typer.Option(
            "--schedule-budget",
            help=say("help_schedule_budget"),
            min=0,
            max=MAX_BUDGET_HOURS,
            callback=finite,
        ),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help=say("help_schedule_time_limit"), **SECONDS)
    ] = 30.0,
    workers: WorkersOption = 1,
    weights: WeightsOption = None,
    seed: SeedOption = 0,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """Plan the patients discharged over the next weeks: cohorts, waits against the guarantee,
    candidate teams under staff-hour budgets, and home-visit routes."""
    from ..dataset.load import load_dataset
    from ..match.weights import Weights
    from ..planning.candidates import load_candidates
    from ..planning.schedule import schedule as make_schedule

    problems = []
    if weeks < 1:
        template = "must be at least {low:g}, not {value}"
        problems.append(problem("--weeks", None, None, template, low=1, value=weeks))
    if guarantee_days < 0:
        problems.append(problem("--guarantee-days", None, None, "must be 0 or more"))
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(problem(str(out_dir), None, None, "exists and is not a folder"))
    if problems:
        raise InputError(problems)
    chosen_dialect = table_dialect(dialect)
    workbook = out_dir / "schedule.xlsx" if excel else None
    if workbook is not None:
        check_outputs([workbook], directory)
    budget_list = _budgets(budgets) if budgets is not None else None
    first = _date(start)
    chosen = Weights.load(weights)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    teams = load_candidates(candidates) if candidates is not None else None
    with progress_bar(12) as progress:
        result = make_schedule(
            dataset,
            weeks=weeks,
            start=first,
            guarantee_days=guarantee_days,
            cohort_join_weeks=join_weeks,
            candidates=teams,
            budgets=budget_list,
            schedule_budget=schedule_budget,
            weights=chosen,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            progress=progress,
        )
    with table_files(chosen_dialect, workbook, report=False) as books:
        written = result.write(out_dir)
    _print_schedule(result, written + books, out_dir)


#: The columns of tradeoff.csv shown in the terminal, and the key of each header.
_TRADEOFF_COLUMNS = {
    "budget": "col_hours",
    "opened": "col_teams",
    "staff_hours": "col_used",
    "placed": "col_placed",
    "priority_placed": "col_priority",
    "breaches": "col_breaches",
    "mean_wait": "col_wait",
    "p90_wait": "col_p90",
    "mean_travel": "col_travel",
    "status": "col_status",
}


def _print_schedule(result: Schedule, written: list[Path], out_dir: Path) -> None:
    """The horizon's figures, what staff hours buy, the notes and the files written."""
    figures = result.summary()
    head = Table(
        title=say(
            "schedule_title",
            start=figures["start"],
            end=figures["end"],
            weeks=figures["weeks"],
            days=figures["guarantee_days"],
        )
    )
    head.add_column("", style="bold")
    head.add_column("", justify="right")
    head.add_row(say("discharged_in_horizon"), str(figures["patients"]))
    head.add_row(say("placed"), str(figures["placed"]))
    head.add_row(say("breaches"), str(figures["breaches"]))
    head.add_row(say("late_unplaced"), f"{figures['late']} / {figures['unplaced']}")
    head.add_row(say("escalated"), str(figures["escalated"]))
    head.add_row(say("mean_wait"), _cell(figures["mean_wait_days"]))
    opened = figures["opened"] or say("no_new_team")
    head.add_row(
        say("schedule_budget"), say("budget_cell", hours=figures["schedule_budget"], opened=opened)
    )
    routes = figures["routes"]
    head.add_row(
        say("routed"),
        say(
            "routed_cell",
            visits=routes["visits"],
            days=routes["service_days"],
            minutes=routes["drive_min"],
        ),
    )
    head.add_row(say("seconds"), f"{figures['seconds']:.1f}")
    out.print(head)
    trade = Table(title=say("tradeoff_title"))
    for key in _TRADEOFF_COLUMNS.values():
        trade.add_column(say(key), justify="right")
    for row in result.tradeoff.itertuples(index=False):
        cells = {c: _cell(getattr(row, c)) for c in _TRADEOFF_COLUMNS}
        cells["status"] = say_code("verdict", row.status, cells["status"])
        trade.add_row(*cells.values())
    trade.caption = _tradeoff_caption(list(result.tradeoff["status"]))
    out.print(trade)
    for note in result.notes:
        err.print(say("note", note=say_note(note)), soft_wrap=True)
    out.print(say("wrote_files", n=len(written), folder=out_dir))


def _tradeoff_caption(statuses: list[str]) -> str:
    """What the trade-off table's units and statuses mean. In English the status
    codes as always; in another language the units, then what each verdict shown
    means, in the app's words (``verdict_note_*``)."""
    if language() == DEFAULT_LANG:
        return say("tradeoff_caption")
    lines = [say("tradeoff_caption_worded")]
    for status in dict.fromkeys(statuses):
        meaning = say_code("verdict_note", status, "")
        if meaning and meaning != str(status):
            lines.append(meaning)
    return "\n".join(lines)
