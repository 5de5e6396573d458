"""Many municipalities or scenarios at once on Dask: ``brobygger plan-many``,
``gaps-many``, ``demo-many`` and ``sweep``.

``plan-many ROOT --out OUT`` runs one plan per dataset folder under ROOT on a
``dask.distributed`` cluster (a ``LocalCluster`` of processes unless
``--scheduler`` names a running one), writes each folder's results under
OUT/<folder>/ and the national table OUT/summary.csv, and prints it. A folder
with bad input is reported with its problems while the others finish (exit 2).
``sweep DATA --out OUT`` runs one plan of one dataset per scenario of the weights
on the same kind of cluster (OUT/<scenario>/, OUT/sweep.csv); every scenario is
checked before any runs, and a scenario that fails is reported while the others
finish (exit 1).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..errors import InputError, Problem
from ..words.problems import problem
from .common import (
    SECONDS,
    SEED,
    WORKERS,
    WeightsOption,
    after_writing,
    app,
    check_outputs,
    err,
    handle_errors,
    out,
    report_problems,
    report_warnings,
    say,
    say_code,
)

if TYPE_CHECKING:
    from distributed import Client

    from ..scale.cluster import Job
    from ..scale.jobs import JobOptions, JobResult

#: A scheduler's address: a protocol, a host and a port.
_ADDRESS = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/:]+(:\d{1,5})?/?$")
#: The file of the national table, in OUT.
SUMMARY = "summary.csv"
#: Files that make a folder a dataset folder, never one to write results into.
DATASET_FILES = ("offers.csv", "patients.csv", "offers.xlsx", "patients.xlsx")
#: The figures of each job, in the order of summary.csv's columns.
PLAN_FIGURES = ("patients", "placed", "priority_placed")

RootArgument = Annotated[Path, typer.Argument(help=say("help_many_root"))]
OutOption = Annotated[Path, typer.Option("--out", help=say("help_many_out"))]
SchedulerOption = Annotated[str | None, typer.Option("--scheduler", help=say("help_scheduler"))]
ManyWorkersOption = Annotated[
    int | None, typer.Option("--workers", help=say("help_many_workers"), **WORKERS)
]
ThreadsOption = Annotated[
    int, typer.Option("--threads-per-job", help=say("help_threads_per_job"), **WORKERS)
]
TimeLimitOption = Annotated[
    float, typer.Option("--time-limit", help=say("help_plan_time_limit"), **SECONDS)
]
SolverOption = Annotated[str, typer.Option("--solver", help=say("help_solver"))]
SeedOption = Annotated[int, typer.Option("--seed", help=say("help_seed"), **SEED)]
SOLVERS = ("auto", "flow", "cpsat")
T = TypeVar("T")
#: A run on a cluster: given the client and what to call as each job ends.
Submit = Callable[["Client", Callable[["JobResult"], None]], list["JobResult"]]


@dataclass(frozen=True)
class Cluster:
    """Where the jobs run: a scheduler's address, or a local cluster of ``workers``
    processes; ``threads`` inside each job."""

    scheduler: str | None
    workers: int | None
    threads: int


def _address_problems(scheduler: str | None) -> list[Problem]:
    if scheduler is not None and not _ADDRESS.match(scheduler):
        template = "'{value}' is not a scheduler address (tcp://host:port)"
        return [problem("--scheduler", None, None, template, value=scheduler)]
    return []


def _solver_problems(solver: str) -> list[Problem]:
    if solver not in SOLVERS:
        return [
            problem("--solver", None, None, "'{value}' is not auto, flow or cpsat", value=solver)
        ]
    return []


def _weights_path(weights: Path | None) -> str | None:
    return str(weights.resolve()) if weights else None


def _folders(root: Path, out_dir: Path, scheduler: str | None) -> list[Path]:
    """The dataset folders under ``root`` (sorted; hidden ones and ``out_dir`` left
    out, so OUT may sit in ROOT); every problem with the arguments at once."""
    problems = _address_problems(scheduler)
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(problem(str(out_dir), None, None, "exists and is not a folder"))
    folders: list[Path] = []
    if not root.is_dir():
        problems.append(problem(str(root), None, None, "folder does not exist"))
    else:
        resolved_out = out_dir.resolve()
        folders = sorted(
            p
            for p in root.iterdir()
            if p.is_dir() and not p.name.startswith((".", "_")) and p.resolve() != resolved_out
        )
        if not folders:
            problems.append(problem(str(root), None, None, "holds no dataset folder"))
    if out_dir.is_dir() and any((out_dir / name).exists() for name in DATASET_FILES):
        # results written among a municipality's own files
        problems.append(problem(str(out_dir), None, None, "is one of the dataset folders"))
    if problems:
        raise InputError(problems)
    return [f.resolve() for f in folders]


def _status(result: JobResult) -> str:
    from ..scale.jobs import BAD_INPUT, DONE, FAILED

    words = {BAD_INPUT: "many_status_bad", FAILED: "many_status_failed", DONE: "many_status_done"}
    if result.status in words:
        return say(words[result.status])
    return say_code("verdict", result.status, result.status.lower())


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.0%}"
    return str(value)


def _print_table(results: Sequence[JobResult], figures: Sequence[str], headers: list[str]) -> None:
    done = sum(r.ok for r in results)
    view = Table(title=say("many_title", done=done, jobs=len(results)))
    view.add_column(say("many_col_folder"))
    for header in headers:
        view.add_column(header, justify="right")
    view.add_column(say("col_status"))
    view.add_column(say("seconds"), justify="right")
    for result in results:
        values = dict(result.figures)
        cells = [_cell(values.get(name)) for name in figures]
        view.add_row(result.folder, *cells, _status(result), f"{result.seconds:.1f}")
    out.print(view)


def _on_cluster(
    cluster: Cluster,
    out_dir: Path,
    total: int,
    submit: Submit,
    *,
    needs: str = "many_needs_extra",
) -> list[JobResult]:
    """Start (or connect to) the cluster, make ``out_dir`` and run ``submit`` on it with
    a progress bar of ``total`` jobs: the shared body of plan-many, gaps-many and sweep.
    Without dask.distributed, say ``needs`` and exit 2."""
    from ..scale.cluster import dask_missing, open_client
    from ..scale.threads import split_cores

    if dask_missing():
        err.print(say(needs), soft_wrap=True)
        raise typer.Exit(2)
    split = split_cores(cluster.workers, cluster.threads)
    if cluster.scheduler is None:
        err.print(say("many_starting", workers=split.workers, threads=split.threads))
        if split.oversubscribed:
            err.print(
                say(
                    "many_oversubscribed",
                    workers=split.workers,
                    threads=split.threads,
                    cores=split.cores,
                ),
                soft_wrap=True,
            )
    else:
        err.print(say("many_connecting", address=cluster.scheduler), soft_wrap=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(open_client(split, cluster.scheduler))
        except OSError:
            if cluster.scheduler is None:  # the local cluster did not start: an error of its own
                raise
            err.print(say("many_unreachable", address=cluster.scheduler), soft_wrap=True)
            raise typer.Exit(1) from None
        bar = stack.enter_context(
            Progress(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
        )
        task = bar.add_task(say("many_jobs"), total=total)

        def done(result: JobResult) -> None:
            bar.update(task, advance=1, description=result.folder)

        return submit(client, done)


def _run_many(
    job: Job,
    root: Path,
    out_dir: Path,
    options: JobOptions,
    *,
    cluster: Cluster,
    figures: Sequence[str],
    headers: list[str],
) -> None:
    """Run ``job`` over every folder under ``root`` and report: the shared body of
    plan-many and gaps-many."""
    from ..scale.cluster import run_jobs
    from ..scale.summary import summary_frame, write_summary

    folders = _folders(root, out_dir, cluster.scheduler)
    results = _on_cluster(
        cluster,
        out_dir,
        len(folders),
        lambda client, done: run_jobs(client, job, folders, out_dir, options, done=done),
    )
    path = write_summary(summary_frame(results, figures), out_dir / SUMMARY)
    with after_writing():
        _print_table(results, figures, headers)
        for result in results:
            report_warnings(result.warnings)
        out.print(say("many_wrote", path=path, folder=out_dir), soft_wrap=True)
    _fail(results)


def _fail(results: Sequence[JobResult], header_key: str = "many_bad_header") -> None:
    """Exit 2 when a job had bad input (its problems listed under ``header_key``), 1
    when a job failed."""
    from ..scale.jobs import BAD_INPUT, FAILED

    failed = [r for r in results if r.status == FAILED]
    for result in failed:
        err.print(say("many_failed", folder=result.folder, error=result.error), soft_wrap=True)
    bad = [r for r in results if r.status == BAD_INPUT]
    if bad:
        header = say(header_key, folders=", ".join(r.folder for r in bad))
        report_problems([p for r in bad for p in r.problems], header)
        raise typer.Exit(2)
    if failed:
        raise typer.Exit(1)


@app.command("plan-many", help=say("cmd_plan-many"))
@handle_errors
def plan_many(
    *,
    root: RootArgument,
    out_dir: OutOption,
    scheduler: SchedulerOption = None,
    workers: ManyWorkersOption = None,
    threads: ThreadsOption = 1,
    time_limit: TimeLimitOption = 30.0,
    weights: WeightsOption = None,
    solver: SolverOption = "auto",
    seed: SeedOption = 0,
) -> None:
    """Plan each dataset folder under ROOT as a job on a Dask cluster, with a national summary."""
    from ..scale.jobs import JobOptions, plan_job

    if _solver_problems(solver):
        raise InputError(_solver_problems(solver))
    options = JobOptions(
        threads=threads,
        time_limit=time_limit,
        solver=solver,
        seed=seed,
        weights=_weights_path(weights),
    )
    headers = [say("many_col_patients"), say("placed"), say("priority_placed")]
    _run_many(
        plan_job,
        root,
        out_dir,
        options,
        cluster=Cluster(scheduler, workers, threads),
        figures=PLAN_FIGURES,
        headers=headers,
    )


@app.command("gaps-many", help=say("cmd_gaps-many"))
@handle_errors
def gaps_many(
    *,
    root: RootArgument,
    out_dir: OutOption,
    scheduler: SchedulerOption = None,
    workers: ManyWorkersOption = None,
    threads: ThreadsOption = 1,
    weights: WeightsOption = None,
) -> None:
    """Gap analysis of each dataset folder under ROOT on a Dask cluster; counts below 5 hidden."""
    from ..domain import KINDS
    from ..scale.jobs import JobOptions, gaps_job

    options = JobOptions(threads=threads, weights=_weights_path(weights))
    figures = ["districts", "patients", *(f"lowest_share_{kind}" for kind in KINDS)]
    headers = [say("many_col_districts"), say("many_col_patients")] + [
        say("many_col_lowest", kind=say_code("kind", kind, kind.replace("_", " ")))
        for kind in KINDS
    ]
    _run_many(
        gaps_job,
        root,
        out_dir,
        options,
        cluster=Cluster(scheduler, workers, threads),
        figures=figures,
        headers=headers,
    )


@app.command("demo-many", help=say("cmd_demo-many"))
@handle_errors
def demo_many(
    *,
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_demo_many_out"))],
    municipalities: Annotated[
        int,
        typer.Option("--municipalities", help=say("help_demo_many_count"), min=1, max=98),
    ] = 10,
    patients: Annotated[
        int, typer.Option(help=say("help_demo_many_patients"), min=0, max=100_000)
    ] = 200,
    offers: Annotated[int, typer.Option(help=say("help_demo_many_offers"), min=4, max=10_000)] = 60,
    seed: Annotated[int, typer.Option(help=say("help_demo_seed"), **SEED)] = 0,
    boundaries: Annotated[
        Path | None, typer.Option("--boundaries", help=say("help_boundaries"))
    ] = None,
) -> None:
    """Write demo municipalities, one dataset folder each, for plan-many and gaps-many to try."""
    from ..dataset.demo_national import write_national_demo

    problems: list[Problem] = []
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(problem(str(out_dir), None, None, "exists and is not a folder"))
    if boundaries is not None and not boundaries.is_file():
        problems.append(problem(str(boundaries), None, None, "file not found"))
    if problems:
        raise InputError(problems)
    folders = write_national_demo(
        out_dir, municipalities, patients=patients, offers=offers, seed=seed, boundaries=boundaries
    )
    with after_writing():
        out.print(say("wrote_demo_many", count=len(folders), folder=out_dir), soft_wrap=True)


def _gathered(problems: list[Problem], work: Callable[[], T]) -> T | None:
    """``work()``, or None with its problems added to ``problems``."""
    try:
        return work()
    except InputError as exc:
        problems += exc.problems
        return None


def _sweep_cell(result: JobResult, name: str) -> str:
    value = dict(result.figures).get(name)
    if value is None:
        return say("hidden") if result.ok and name.startswith("vulnerable") else "-"
    return f"{value:.1f}" if name == "mean_travel_min" else f"{value:.0f}"


def _print_sweep(results: Sequence[JobResult]) -> None:
    view = Table(title=say("sweep_title", done=sum(r.ok for r in results), jobs=len(results)))
    view.add_column(say("sweep_col_scenario"), overflow="fold")
    for key in ("placed", "sweep_col_unplaced", "sweep_col_vulnerable"):
        view.add_column(say(key), justify="right")
    view.add_column(say("sweep_col_travel"), justify="right")
    view.add_column(say("sweep_col_cost"), justify="right")
    view.add_column(say("col_status"))
    view.add_column(say("seconds"), justify="right")
    for r in results:
        placed, vulnerable = _sweep_cell(r, "vulnerable_placed"), _sweep_cell(r, "vulnerable")
        among = say("n_of_total", n=placed, total=vulnerable) if r.ok else "-"
        cells = [_sweep_cell(r, n) for n in ("placed", "unplaced")]
        cells += [among, _sweep_cell(r, "mean_travel_min"), _sweep_cell(r, "cost")]
        view.add_row(r.folder, *cells, _status(r), f"{r.seconds:.1f}")
    out.print(view)


@app.command("sweep", help=say("cmd_sweep"))
@handle_errors
def sweep(
    *,
    data: Annotated[Path, typer.Argument(help=say("help_directory"))],
    out_dir: Annotated[Path, typer.Option("--out", help=say("help_sweep_out"))],
    scenarios: Annotated[
        Path | None, typer.Option("--scenarios", help=say("help_sweep_scenarios"))
    ] = None,
    vary: Annotated[list[str] | None, typer.Option("--vary", help=say("help_sweep_vary"))] = None,
    scheduler: SchedulerOption = None,
    workers: ManyWorkersOption = None,
    threads: ThreadsOption = 1,
    time_limit: TimeLimitOption = 30.0,
    weights: WeightsOption = None,
    solver: SolverOption = "auto",
    seed: SeedOption = 0,
) -> None:
    """Plan one dataset once per scenario of the weights, one job each on a Dask cluster."""
    from ..dataset.load import load_dataset
    from ..scale.jobs import JobOptions
    from ..scale.scenarios import combine, prepare, read_scenarios, vary_grid
    from ..scale.summary import write_summary
    from ..scale.sweep import SWEEP, run_sweep, sweep_frame

    problems = _address_problems(scheduler) + _solver_problems(solver)
    if out_dir.exists() and not out_dir.is_dir():
        problems.append(problem(str(out_dir), None, None, "exists and is not a folder"))
    elif out_dir.is_dir() and any((out_dir / name).exists() for name in DATASET_FILES):
        problems.append(problem(str(out_dir), None, None, "is one of the dataset folders"))
    if scenarios is None and not vary:
        template = "give --scenarios FILE, --vary KEY=V1,V2,... or both"
        problems.append(problem("--scenarios", None, None, template))
    listed = _gathered(problems, lambda: read_scenarios(scenarios) if scenarios else []) or []
    grid = _gathered(problems, lambda: vary_grid(vary or [])) or []
    runs = _gathered(problems, lambda: combine(listed, grid)) or []
    prepared = _gathered(problems, lambda: prepare(runs, weights)) or []
    dataset = _gathered(problems, lambda: load_dataset(data))
    if problems or dataset is None:
        raise InputError(problems)
    written = ("PLAN.csv", "PLAN.json", "weights.toml")
    check_outputs(
        [out_dir / SWEEP, *(out_dir / s.name / f for s in prepared for f in written)], data
    )
    report_warnings(dataset.warnings)
    options = JobOptions(threads=threads, time_limit=time_limit, solver=solver, seed=seed)
    where, target = data.resolve(), out_dir.resolve()
    results = _on_cluster(
        Cluster(scheduler, workers, threads),
        out_dir,
        len(prepared),
        lambda client, done: run_sweep(client, where, target, options, prepared, done=done),
        needs="sweep_needs_extra",
    )
    path = write_summary(sweep_frame(results), out_dir / SWEEP)
    with after_writing():
        _print_sweep(results)
        out.print(say("sweep_wrote", path=path, folder=out_dir), soft_wrap=True)
    _fail(results, "sweep_bad_header")
