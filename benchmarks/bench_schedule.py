"""Benchmarks of planning over weeks (run on demand: ``python -m benchmarks.bench_schedule``).

Targets (issue 7), on 2 cores:

* 12 weeks, 3,000 patients, 40 candidate teams: the trade-off table for 5
  staff-hour budgets in under 5 minutes;
* routes: 8 staff and 80 visits on one day, solved in under 10 seconds.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace

import numpy as np
from rich.console import Console
from rich.table import Table

from matcher import Weights
from matcher.dataset.demo import make_demo
from matcher.domain import MODES
from matcher.planning.routes import Shift, route_day
from matcher.planning.schedule import schedule

TRADEOFF_TARGET_S = 300.0
ROUTES_TARGET_S = 10.0
BUDGETS = (0.0, 80.0, 160.0, 320.0, 640.0)


def bench_tradeoff(console: Console, workers: int = 2) -> tuple[float, bool]:
    """The trade-off table for 5 budgets: 12 weeks, 3,000 patients, 40 candidates."""
    dataset = make_demo(patients=3000, offers=400, seed=0)
    assert dataset.candidates is not None
    started, cpu = time.perf_counter(), time.process_time()
    stages: list[tuple[str, float]] = []
    result = schedule(
        dataset,
        weeks=12,
        budgets=BUDGETS,
        workers=workers,
        time_limit=25.0,
        progress=lambda stage, _: stages.append((stage, time.perf_counter() - started)),
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    table = Table(
        title=(
            f"Trade-off: {len(result.assignments)} patients, 12 weeks, "
            f"{len(dataset.candidates)} candidates, {workers} workers"
        )
    )
    for column in (
        "budget",
        "opened",
        "staff_hours",
        "placed",
        "priority_placed",
        "breaches",
        "mean_wait",
        "p90_wait",
        "mean_travel",
        "status",
        "seconds",
    ):
        table.add_column(column, justify="right")
    for row in result.tradeoff.itertuples(index=False):
        table.add_row(
            *(
                str(getattr(row, c))
                for c in (
                    "budget",
                    "opened",
                    "staff_hours",
                    "placed",
                    "priority_placed",
                    "breaches",
                    "mean_wait",
                    "p90_wait",
                    "mean_travel",
                    "status",
                    "seconds",
                )
            )
        )
    console.print(table)
    marks = ", ".join(f"{stage} at {at:.1f}s" for stage, at in stages)
    console.print(f"stages: {marks}")
    console.print(
        f"wall {seconds:.1f} s, process CPU {cpu:.1f} s, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    routes = result.summary()["routes"]
    console.print(
        f"home visits routed: {routes['visits']} on {routes['service_days']} service days "
        f"({routes['solves']} routing solves); breaches listed: {len(result.breaches)}"
    )
    ok = seconds < TRADEOFF_TARGET_S
    return seconds, ok


def bench_routes(console: Console, time_limit: float = 6.0) -> tuple[float, bool]:
    """One day of one service: 8 staff, 80 visits of 30 minutes, guided local search."""
    dataset = make_demo(patients=3000, offers=400, seed=0)
    weights = Weights.load()
    weights = replace(weights, home_visit_min=30)
    rng = np.random.default_rng(0)
    home = dataset.offers[dataset.offers["kind"] == "home_visit"].iloc[0]
    base = np.array([home["x"], home["y"]])
    patients = dataset.patients
    near = np.argsort(np.hypot(patients["x"] - base[0], patients["y"] - base[1]).to_numpy())
    shift = (8 * 60, 15 * 60 + 30)
    chosen, windows = [], []
    for i in near.tolist():  # the nearest 80 who can have a visit on a Monday shift
        available = patients["available"].iat[i]
        spans = [(w.start, w.end) for w in available if w.day == 0] if available else [(0, 1440)]
        if any(min(b, shift[1]) - max(a, shift[0]) >= weights.home_visit_min for a, b in spans):
            chosen.append(i)
            windows.append(spans)
        if len(chosen) == 80:
            break
    homes = patients[["x", "y"]].to_numpy()[chosen]
    shifts = [Shift(f"T{k + 1}", *shift) for k in range(8)]
    priority = rng.integers(1, 4, size=80)
    started, cpu = time.perf_counter(), time.process_time()
    result = route_day(
        base,
        homes,
        windows,
        shifts,
        weights.home_visit_min,
        weights.travel[MODES[3]],
        priority=priority,
        time_limit=time_limit,
        guided=True,
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    table = Table(title="Routes: 8 staff, 80 visits of 30 min on one day")
    for column in ("visits made", "not fitted", "drive (min)", "idle (min)", "seconds", "CPU s"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(result.visited())),
        str(len(result.dropped)),
        str(int(result.drive.sum())),
        str(int(result.idle.sum())),
        f"{seconds:.2f}",
        f"{cpu:.2f}",
    )
    console.print(table)
    return seconds, seconds < ROUTES_TARGET_S


def main() -> None:
    """Run both targets and print a table with the verdicts."""
    console = Console(width=140)
    figures = [
        ("routes: 8 staff, 80 visits", ROUTES_TARGET_S, *bench_routes(console)),
        (
            "trade-off: 3,000 patients, 40 candidates, 5 budgets",
            TRADEOFF_TARGET_S,
            *bench_tradeoff(console),
        ),
    ]
    table = Table(title="Planning over weeks: targets")
    for column in ("benchmark", "target (s)", "measured (s)", "met"):
        table.add_column(column)
    for name, target, seconds, ok in figures:
        table.add_row(name, f"{target:.0f}", f"{seconds:.1f}", "yes" if ok else "NO")
    console.print(table)


if __name__ == "__main__":
    main()
