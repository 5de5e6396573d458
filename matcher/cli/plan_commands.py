"""The batch plan command: ``brobygger plan``."""

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
    FreshOnlyOption,
    SeedOption,
    WeightsOption,
    WorkersOption,
    after_writing,
    app,
    check_outputs,
    err,
    handle_errors,
    out,
    progress_bar,
    report_warnings,
    say,
    say_code,
    say_note,
    table_dialect,
    table_files,
)
from .store_commands import DbOption


@app.command(help=say("cmd_plan"))
@handle_errors
def plan(
    *,
    directory: DirectoryArgument,
    out_path: Annotated[Path, typer.Option("--out", help=say("help_plan_out"))],
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", help=say("help_plan_time_limit"), **SECONDS),
    ] = 30.0,
    workers: WorkersOption = 1,
    weights: WeightsOption = None,
    solver: Annotated[str, typer.Option(help=say("help_solver"))] = "auto",
    seed: SeedOption = 0,
    db: DbOption = None,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
    fresh_only: FreshOnlyOption = False,
) -> None:
    """Assign every patient on the waiting list to one next step (PLAN.csv + PLAN.json)."""
    from ..dataset.load import load_dataset
    from ..match.weights import Weights
    from ..store.replan import plan_around_bookings

    if solver not in ("auto", "flow", "cpsat"):
        raise InputError(
            [problem("--solver", None, None, "'{value}' is not auto, flow or cpsat", value=solver)]
        )
    chosen_dialect = table_dialect(dialect)
    workbook = out_path.with_suffix(".xlsx") if excel else None
    outputs = [out_path, out_path.with_suffix(".json"), *([workbook] if workbook else [])]
    check_outputs(outputs, directory, "PLAN.csv")
    chosen = Weights.load(weights)
    dataset = load_dataset(directory)
    report_warnings(dataset.warnings)
    if fresh_only:
        from ..dataset.freshness import without_stale

        dataset = without_stale(dataset, chosen.stale_months)
    with progress_bar(10) as progress:
        result = plan_around_bookings(
            dataset,
            db,
            time_limit=time_limit,
            workers=workers,
            weights=chosen,
            solver=solver,
            seed=seed,
            progress=progress,
        )
    with table_files(chosen_dialect, workbook):
        csv_path, json_path = result.write(out_path)
        with after_writing():  # the plan is written: reporting it cannot fail the command
            _print_summary(result.summary(), csv_path, json_path)


def _print_summary(summary: dict[str, Any], csv_path: Path, json_path: Path) -> None:
    """The plan's figures beside the manual rule's, its notes and the files written."""
    status = say_code("verdict", summary["status"], summary["status"].lower())
    table = Table(title=say("plan_title", patients=summary["patients"], status=status))
    table.add_column("", style="bold")
    table.add_column(say("col_model"), justify="right")
    table.add_column(say("col_by_hand"), justify="right")
    base = summary.get("baseline_greedy", {})
    table.add_row(say("placed"), str(summary["placed"]), str(base.get("placed", "")))
    table.add_row(
        say("priority_placed"),
        say("n_of_total", n=summary["priority_placed"], total=summary["priority_total"]),
        str(base.get("priority_placed", "")),
    )
    travel = (summary["mean_travel_min"] or 0) * summary["placed"]
    table.add_row(say("total_travel"), f"{travel:.0f}", f"{base.get('total_travel_min', 0):.0f}")
    table.add_row(
        say("objective"), f"{summary['objective']:.0f}", f"{base.get('objective', 0):.0f}"
    )
    for kind, count in summary["by_kind"].items():
        table.add_row(f"  {say_code('kind', kind, kind.replace('_', ' '))}", str(count), "")
    table.add_row(say("unplaced_escalated"), f"{summary['unplaced']} / {summary['escalated']}", "")
    gap, points = summary["gap"], summary["gap_points"]
    table.add_row(
        say("gap_to_bound"),
        say("unknown") if gap is None or points is None else say("gap", gap=gap, points=points),
        "",
    )
    table.add_row(say("seconds"), f"{summary['seconds']:.2f}", "")
    out.print(table)
    for note in summary.get("notes", []):
        err.print(say("note", note=say_note(note)), soft_wrap=True)
    out.print(say("wrote_two", first=csv_path, second=json_path), soft_wrap=True)
