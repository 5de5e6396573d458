"""Pathways over weeks: ``brobygger pathways``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import InputError
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
    handle_errors,
    option_date,
    out,
    report_warnings,
    say,
    table_dialect,
    table_files,
)


@app.command(help=say("cmd_pathways"))
@handle_errors
def pathways(
    *,
    directory: DirectoryArgument,
    weeks: Annotated[int, typer.Option("--weeks", help=say("help_weeks"), min=1, max=104)],
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_pathways_out"))],
    ladders: Annotated[Path | None, typer.Option("--ladders", help=say("help_ladders"))] = None,
    one_step: Annotated[bool, typer.Option("--one-step", help=say("help_one_step"))] = False,
    guarantee_days: GuaranteeDaysOption = 28,
    start: HorizonStartOption = None,
    join_weeks: JoinWeeksOption = 2,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help=say("help_pathways_time_limit"), **SECONDS)
    ] = 60.0,
    workers: WorkersOption = 2,
    weights: WeightsOption = None,
    seed: SeedOption = 0,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """Plan each person's ladder of steps over the next weeks (home visits, an exit team,
    a club), with the gaps between steps and the places of every week."""
    from ..dataset.load import load_dataset
    from ..match.weights import Weights
    from ..planning.ladders import Ladders
    from ..planning.pathway_plan import plan_pathways

    if out_dir.exists() and not out_dir.is_dir():
        raise InputError([problem(str(out_dir), None, None, "exists and is not a folder")])
    chosen_dialect = table_dialect(dialect)
    workbook = out_dir / "pathways.xlsx" if excel else None
    check_outputs([out_dir / "PATHWAYS.csv", *([workbook] if workbook else [])], directory)
    day = option_date(start, "--start")
    chosen = Weights.load(weights)
    rungs = Ladders.load(ladders)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    result = plan_pathways(
        dataset,
        weeks=weeks,
        start=None if day is None else day.isoformat(),
        guarantee_days=guarantee_days,
        cohort_join_weeks=join_weeks,
        weights=chosen,
        ladders=rungs,
        one_step=one_step,
        time_limit=time_limit,
        workers=workers,
        seed=seed,
    )
    with table_files(chosen_dialect, workbook, report=False) as books:
        written = result.write(out_dir)
    _print_pathways(result.summary())
    out.print(say("wrote_files", n=len(written + books), folder=out_dir))


def _print_pathways(figures: dict[str, Any]) -> None:
    """How far the ladders go, the waits, and how sure the plan is."""
    table = Table(title=say("pathways_title", start=figures["start"], weeks=figures["weeks"]))
    table.add_column("", style="bold")
    table.add_column("", justify="right")
    table.add_row(say("discharged_in_horizon"), str(figures["patients"]))
    table.add_row(say("pathways_complete"), str(figures["complete"]))
    table.add_row(say("pathways_with_step"), str(figures["with_step"]))
    table.add_row(say("pathways_none"), str(figures["none"]))
    steps = ", ".join(f"{n}: {count}" for n, count in figures["steps"].items() if count)
    table.add_row(say("pathways_steps"), steps or "-")
    wait, gap = figures["mean_wait_days"], figures["mean_gap_days"]
    table.add_row(say("mean_wait"), "-" if wait is None else f"{wait:g}")
    table.add_row(say("pathways_mean_gap"), "-" if gap is None else f"{gap:g}")
    if figures["status"] == "OPTIMAL":
        sure = say("pathways_proven")
    elif figures["status"] == "FEASIBLE":
        sure = say("pathways_gap", gap=100 * figures["gap"], bound=figures["bound"])
    else:
        sure = say("pathways_none_found")
    table.add_row(say("pathways_sure"), sure)
    table.add_row(say("seconds"), f"{figures['seconds']:.1f}")
    out.print(table)
