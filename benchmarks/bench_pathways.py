"""Benchmark: pathways against one step each (run on demand:
``python -m benchmarks.bench_pathways [--patients 2000] [--weeks 12] [--seeds 0,1,2]``).

For each seed of the demo generator, plans the people discharged over the
weeks twice, as ladders of steps (``plan_pathways``) and one step each
(``one_step=True``, today's plan on the same weekly places), and prints who
reached a lasting step (a complete ladder), who has a step, who has none, the
steps per person, the solver's status and gap, the wall seconds and the peak
memory of the process, so the gain of the ladders is visible. The pathway plan
must be proven or carry a true bound; target: 2,000 patients over 12 weeks in
under 120 s each way on 2 cores.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from rich.console import Console
from rich.table import Table

from matcher.dataset.demo import make_demo
from matcher.planning.pathway_plan import plan_pathways

TARGET_S = 120.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; 1 when a plan is unproven without a bound or too slow."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=2000)
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args(argv or [])
    console = Console(width=150)
    table = Table(
        title=f"Pathways vs one step: {args.patients} patients, {args.offers} offers, "
        f"{args.weeks} weeks"
    )
    for column in (
        "seed",
        "plan",
        "people",
        "complete ladder",
        "with a step",
        "none",
        "steps 1/2/3",
        "options",
        "status",
        "gap",
        "wall s",
        "peak MB",
    ):
        table.add_column(column, justify="right")
    missed = False
    for seed in (int(s) for s in args.seeds.split(",")):
        dataset = make_demo(patients=args.patients, offers=args.offers, seed=seed)
        for one_step in (False, True):
            began = time.perf_counter()
            plan = plan_pathways(
                dataset, weeks=args.weeks, one_step=one_step, time_limit=args.time_limit
            )
            wall = time.perf_counter() - began
            f = plan.summary()
            steps = "/".join(str(f["steps"][str(n)]) for n in (1, 2, 3))
            table.add_row(
                str(seed),
                "one step" if one_step else "pathways",
                str(f["patients"]),
                str(f["complete"]),
                str(f["with_step"]),
                str(f["none"]),
                steps,
                f"{f['options']:,}",
                f["status"],
                f"{100 * f['gap']:.3f} %",
                f"{wall:.1f}",
                f"{_peak_mb():.0f}",
            )
            missed |= f["status"] not in ("OPTIMAL", "FEASIBLE") or wall > TARGET_S
    console.print(table)
    console.print(f"target: each plan proven or bounded, under {TARGET_S:.0f} s wall")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
