"""One job of a many-folder run: read one dataset folder, write its results.

A job runs in a worker process, maybe on another machine, so it takes plain
values (paths as text, a ``JobOptions``) and returns a ``JobResult`` that
pickles. It never raises: bad input comes back as ``BAD_INPUT`` with its
problems (their file named inside the folder, ``kommune/patients.csv``), any
other failure as ``FAILED`` with one line, and the other jobs go on. Each result
file is written whole or not at all (``matcher.dataset.export.atomic_path``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem
from ..words.problems import problem
from .threads import limit_threads

if TYPE_CHECKING:
    from ..dataset.load import Dataset
    from ..match.weights import Weights
    from ..planning.result import Plan

__all__ = [
    "BAD_INPUT",
    "DONE",
    "FAILED",
    "Figures",
    "JobOptions",
    "JobResult",
    "Outcome",
    "gaps_job",
    "plan_for",
    "plan_job",
    "run_work",
]

#: The status of a job whose folder had bad input (exit status 2 of the command).
BAD_INPUT = "BAD_INPUT"
#: The status of a job that failed for another reason.
FAILED = "FAILED"
#: The status of a gap analysis that was written.
DONE = "DONE"


@dataclass(frozen=True, slots=True)
class JobOptions:
    """What every job of a run is given: the plan's options and its thread count.
    ``weights`` is a weights file's path; ``weights_text``, when given, the text of a
    weights file to use instead (a sweep's scenario, checked before the run)."""

    threads: int = 1
    time_limit: float = 30.0
    solver: str = "auto"
    seed: int = 0
    weights: str | None = None
    weights_text: str | None = None


@dataclass(frozen=True, slots=True)
class JobResult:
    """What one job did: the folder's name, its status (the plan's verdict, or
    ``BAD_INPUT``/``FAILED``), its figures in column order, the seconds it took,
    the problems of its input, its data warnings, and the error of a failed job."""

    folder: str
    status: str
    seconds: float
    figures: tuple[tuple[str, int | float | None], ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    error: str = ""
    files: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the job wrote its results."""
        return self.status not in (BAD_INPUT, FAILED)


def _inside(folder: str, problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
    """Problems with their file named inside ``folder`` (``kommune/patients.csv``)."""
    return tuple(dataclasses.replace(p, file=f"{folder}/{p.file}") for p in problems)


Figures = tuple[tuple[str, int | float | None], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a job's work gives back: its figures, its status and the files written."""

    figures: Figures
    status: str
    files: tuple[str, ...]


Work = Callable[["Dataset", Path, JobOptions], Outcome]


def run_work(
    work: Work, folder: str, out: str, options: JobOptions, *, name: str | None = None
) -> JobResult:
    """Load ``folder`` and run ``work(dataset, target folder, options)``, caught and
    timed. The result and its target folder in ``out`` are called ``name`` (by default
    the folder's name); problems name their file inside the folder."""
    from ..dataset.load import load_dataset

    limit_threads(options.threads)
    source = Path(folder)
    name = name or source.name
    start = time.perf_counter()
    try:
        if not source.is_dir():
            raise InputError([problem(".", None, None, "folder does not exist")])
        dataset = load_dataset(source)
        outcome = work(dataset, Path(out) / name, options)
    except InputError as exc:
        seconds = time.perf_counter() - start
        return JobResult(name, BAD_INPUT, seconds, problems=_inside(source.name, exc.problems))
    except Exception as exc:  # one folder's failure must not stop the others
        seconds = time.perf_counter() - start
        return JobResult(name, FAILED, seconds, error=f"{type(exc).__name__}: {exc}")
    return JobResult(
        name,
        outcome.status,
        time.perf_counter() - start,
        figures=outcome.figures,
        warnings=_inside(source.name, tuple(dataset.warnings)),
        files=outcome.files,
    )


def _weights(options: JobOptions) -> Weights:
    from ..match.weights import Weights

    if options.weights_text is not None:
        from .scenarios import weights_from_text

        return weights_from_text(options.weights_text)
    return Weights.load(Path(options.weights) if options.weights else None)


def plan_for(dataset: Dataset, options: JobOptions) -> Plan:
    """The plan of ``dataset`` with the options of a job (``brobygger plan`` without
    bookings)."""
    from ..planning.plan import plan

    return plan(
        dataset,
        time_limit=options.time_limit,
        workers=options.threads,
        weights=_weights(options),
        solver=options.solver,
        seed=options.seed,
    )


def _plan(dataset: Dataset, target: Path, options: JobOptions) -> Outcome:
    result = plan_for(dataset, options)
    csv_path, json_path = result.write(target / "PLAN.csv")
    summary = result.summary()
    figures: Figures = (
        ("patients", int(summary["patients"])),
        ("placed", int(summary["placed"])),
        ("priority_placed", int(summary["priority_placed"])),
    )
    return Outcome(figures, str(summary["status"]), (str(csv_path), str(json_path)))


def _gaps(dataset: Dataset, target: Path, options: JobOptions) -> Outcome:
    from ..dataset.export import atomic_path
    from ..domain import KINDS
    from ..municipality.gapmap import gaps_png
    from ..municipality.gaps import gap_analysis
    from ..municipality.geopackage import write_gpkg
    from ..municipality.suppression import MIN_COUNT

    analysis = gap_analysis(dataset, None, weights=_weights(options))
    paths = [*analysis.write(target)]
    with atomic_path(target / "gaps.png") as tmp:
        tmp.write_bytes(gaps_png(analysis, None))
    paths += [target / "gaps.png", write_gpkg(analysis, dataset, target / "gaps.gpkg")]
    summary = analysis.summary()
    patients = int(analysis.patients.sum())
    figures: list[tuple[str, int | float | None]] = [
        ("districts", int(summary["districts"])),
        # a municipality's count below 5 is hidden, as every count of gaps is
        ("patients", patients if patients >= MIN_COUNT else None),
    ]
    for kind in KINDS:
        low = summary["coverage"].get(kind, {}).get("lowest")
        figures.append((f"lowest_share_{kind}", None if low is None else low["served_share"]))
    return Outcome(tuple(figures), DONE, tuple(str(p) for p in paths))


def plan_job(folder: str, out: str, options: JobOptions) -> JobResult:
    """Plan the dataset in ``folder`` and write PLAN.csv and PLAN.json into
    ``out``/<folder's name>/ (``brobygger plan`` without bookings)."""
    return run_work(_plan, folder, out, options)


def gaps_job(folder: str, out: str, options: JobOptions) -> JobResult:
    """The gap analysis of ``folder``: gaps.csv, coverage.csv, gaps.geojson, gaps.png and
    gaps.gpkg in ``out``/<folder's name>/ (``brobygger gaps`` without districts or travel
    times), counts below 5 hidden as there."""
    return run_work(_gaps, folder, out, options)
