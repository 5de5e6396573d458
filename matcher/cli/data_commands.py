"""Commands about datasets: ``demo`` and ``validate``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..errors import InputError, Problem
from ..words.problems import problem
from .common import (
    SEED,
    DialectOption,
    ExcelOption,
    WeightsOption,
    after_writing,
    app,
    handle_errors,
    out,
    report_warnings,
    say,
    say_code,
    table_dialect,
)


def _folder_problems(folder: Path) -> list[Problem]:
    """Why ``folder`` cannot receive a dataset, checked before anything is written."""
    if folder.exists():
        if not folder.is_dir():
            return [problem(str(folder), None, None, "exists and is not a folder")]
        nearest = folder
    else:
        nearest = next(p for p in folder.absolute().parents if p.exists())
        if not nearest.is_dir():
            return [
                problem(
                    str(folder),
                    None,
                    None,
                    "cannot be created: {nearest} is not a folder",
                    nearest=str(nearest),
                )
            ]
    if not os.access(nearest, os.W_OK | os.X_OK):
        return [
            problem(
                str(folder),
                None,
                None,
                "cannot be written: no permission in {nearest}",
                nearest=str(nearest),
            )
        ]
    return []


@app.command(help=say("cmd_demo"))
@handle_errors
def demo(
    *,
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_demo_out"))],
    patients: Annotated[
        int, typer.Option(help=say("help_demo_patients"), min=0, max=1_000_000)
    ] = 400,
    offers: Annotated[int, typer.Option(help=say("help_demo_offers"), min=4, max=100_000)] = 120,
    seed: Annotated[int, typer.Option(help=say("help_demo_seed"), **SEED)] = 0,
    danish: Annotated[
        bool,
        typer.Option("--danish", help=say("help_demo_danish")),
    ] = False,
    tight_staff: Annotated[
        bool,
        typer.Option("--tight-staff", help=say("help_demo_tight_staff")),
    ] = False,
    excel: ExcelOption = False,
    dialect: DialectOption = "utf8",
) -> None:
    """Write the seeded demo municipality (around Odense) as a dataset folder."""
    from ..dataset.demo import make_demo
    from ..dataset.export import save_dataset

    problems = _folder_problems(out_dir)
    if problems:
        raise InputError(problems)
    chosen = "danish" if danish else table_dialect(dialect)
    dataset = make_demo(patients=patients, offers=offers, seed=seed, tight_staff=tight_staff)
    save_dataset(dataset, out_dir, dialect=chosen, excel=excel)
    with after_writing():
        counts = dataset.summary()
        out.print(
            say(
                "wrote_demo",
                patients=counts["patients"],
                offers=counts["offers"],
                sessions=counts["sessions"],
                folder=out_dir,
            ),
            soft_wrap=True,
        )


@app.command(help=say("cmd_validate"))
@handle_errors
def validate(
    directory: Annotated[Path, typer.Argument(help=say("help_directory"))],
    weights: WeightsOption = None,
) -> None:
    """Check a dataset folder and list every problem (exit 2 when there are any)."""
    from ..dataset.load import load_dataset
    from ..match.weights import Weights

    dataset = load_dataset(directory, stale_months=Weights.load(weights).stale_months)
    report_warnings(dataset.warnings)
    table = Table(title=say("valid_title", folder=directory), show_header=True)
    table.add_column(say("col_table"))
    table.add_column(say("col_rows"), justify="right")
    for name, count in dataset.summary().items():
        table.add_row(name, str(count))
    kinds = dataset.offers["kind"].value_counts()
    for kind, count in kinds.items():
        table.add_row(say("offers_of_kind", kind=say_code("kind", kind, kind)), str(count))
    out.print(table)
