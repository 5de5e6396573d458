"""Benchmark: the batch plan of the whole waiting list (issue 3).

Run on demand: ``python -m benchmarks.bench_plan [--quick]``.

For 500, 2,000, 10,000 and 50,000 patients from the demo generator (offers
chosen so that 10,000 patients meet about 2,000 sessions and 50,000 about
10,000), the model and the manual baseline (nearest suitable place in order
of discharge) are compared: placed, priority placed, total travel,
objective, gap to the bound (relative and in cost points), seconds. At
50,000 patients the plan also runs without staff-minute limits
(``solver="flow"``): the contract's transportation problem on its own. Also
``brobygger plan`` end to end (load, costs, solve, write) for 10,000 patients
in a fresh process.

Targets: 10,000 patients / ~2,000 sessions end to end in at most 5 s wall
with a proven optimum; 50,000 / ~10,000 proven optimal in at most 60 s, with
peak memory reported; the model never places less priority than the
baseline. The machine may be shared, so CPU seconds and load are printed
beside wall time.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from matcher import plan
from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset

#: (patients, offers): offers give about 2.4 sessions each.
SIZES = ((500, 60), (2_000, 200), (10_000, 830), (50_000, 4_150))
END_TO_END_S = 5.0
LARGE_S = 60.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def end_to_end(patients: int, offers: int) -> tuple[float, float, str]:
    """Seconds wall and CPU of ``brobygger plan`` in a fresh process, and its status."""
    with tempfile.TemporaryDirectory(prefix="brobygger-bench-") as tmp:
        folder = Path(tmp) / "data"
        save_dataset(make_demo(patients, offers, seed=0), folder)
        out = Path(tmp) / "PLAN.csv"
        env = dict(os.environ, BROBYGGER_DB=f"sqlite:///{Path(tmp) / 'none.sqlite3'}")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "matcher.cli", "plan", str(folder), "--out", str(out)],
            check=True,
            capture_output=True,
            env=env,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        import json

        status = json.loads(out.with_suffix(".json").read_text())["status"]
    return wall, cpu, status


def main(argv: list[str] | None = None) -> int:
    """Print the comparison table; 1 when a target is missed."""
    argv = sys.argv[1:] if argv is None else argv
    sizes = SIZES[:2] if "--quick" in argv else SIZES
    console = Console(width=170)
    table = Table(title="Batch plan: model against the manual baseline")
    for column in (
        "patients",
        "sessions",
        "who",
        "placed",
        "priority",
        "travel min",
        "objective",
        "gap",
        "gap points",
        "wall s",
        "cpu s",
        "status",
    ):
        table.add_column(column, justify="right")
    missed: list[str] = []
    for patients, offers in sizes:
        dataset = make_demo(patients, offers, seed=0)
        # the default plan (staff minutes of home visits when staff.csv is given) and,
        # at the largest size, the contract's transportation problem on its own
        solvers = ("auto", "flow") if patients == SIZES[-1][0] else ("auto",)
        for solver in solvers:
            cpu0, started = _cpu(), time.perf_counter()
            result = plan(dataset, time_limit=60, solver=solver)
            wall, cpu = time.perf_counter() - started, _cpu() - cpu0
            summary = result.summary()
            base = summary["baseline_greedy"]
            travel = (summary["mean_travel_min"] or 0) * summary["placed"]
            gap = summary["gap"]
            table.add_row(
                str(patients),
                str(len(dataset.sessions)),
                "model" if solver == "auto" else "model, no staff limit",
                str(summary["placed"]),
                str(summary["priority_placed"]),
                f"{travel:.0f}",
                f"{summary['objective']:.0f}",
                "-" if gap is None else f"{gap:.2%}",
                f"{summary['objective'] - summary['bound']:.2f}",
                f"{wall:.2f}",
                f"{cpu:.2f}",
                summary["status"],
            )
            if summary["priority_placed"] < base["priority_placed"]:
                missed.append(f"{patients}: model places less priority than by hand")
            if summary["status"] != "OPTIMAL":
                missed.append(f"{patients} ({solver}): not proven optimal ({summary['status']})")
            if patients == SIZES[-1][0] and wall > LARGE_S:
                missed.append(f"{patients:,} patients ({solver}) took {wall:.1f} s wall")
        base_gap = (
            (base["objective"] - summary["bound"]) / base["objective"] if summary["bound"] else 0
        )
        table.add_row(
            "",
            "",
            "by hand",
            str(base["placed"]),
            str(base["priority_placed"]),
            f"{base['total_travel_min']:.0f}",
            f"{base['objective']:.0f}",
            f"{base_gap:.2%}",
            f"{base['objective'] - summary['bound']:.2f}",
            "",
            "",
            "",
        )
        if patients == SIZES[-1][0]:
            console.print(
                f"peak memory of this process after {patients:,} patients: {_peak_mb():.0f} MB"
            )
    console.print(table)
    if "--quick" not in argv:
        wall, cpu, status = end_to_end(10_000, 830)
        console.print(
            f"brobygger plan end to end, 10,000 patients: {wall:.2f} s wall, {cpu:.2f} s CPU, "
            f"{status} (target {END_TO_END_S:.0f} s wall, proven optimum); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        if wall > END_TO_END_S or status != "OPTIMAL":
            missed.append(f"end to end: {wall:.2f} s, {status}")
    for line in missed:
        console.print(f"[red]missed:[/] {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
