"""Benchmark: ``brobygger plan`` over many seeds of the demo generator, each in a
fresh process, beside the flow-only plan of the same instance (staff minutes
ignored: ``--solver flow``).

Run on demand::

    python -m benchmarks.bench_plan_seeds --patients 10000 --offers 800-1000 --seeds 20
    python -m benchmarks.bench_plan_seeds --patients 2000 --offers 200 --seeds 5 --tight-staff

Each seed draws its number of offers from the range (from the seed itself, so
a row can be run again alone with ``--first SEED --seeds 1``), writes the demo
(``brobygger demo --seed SEED [--tight-staff]``) and plans it twice. The table
gives the plan's status, wall seconds, gap and open points, the branches of
the exact search, the peak memory of the planning process, and the wall time
and objective as ratios to the flow-only plan, so a noisy machine does not
hide a regression. Targets (10,000 patients, 800-1,000 offers): every plan
OPTIMAL, median at most 3 s and worst at most 10 s wall.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset

MEDIAN_S = 3.0
WORST_S = 10.0


def offers_for(seed: int, spec: str) -> int:
    """The seed's number of offers: ``spec`` is ``N`` or ``LOW-HIGH`` (drawn)."""
    low, _, high = spec.partition("-")
    if not high:
        return int(low)
    return int(np.random.default_rng([seed, 17]).integers(int(low), int(high) + 1))


def run_plan(folder: Path, out: Path, args: list[str]) -> dict[str, Any]:
    """``brobygger plan`` in a fresh process: PLAN.json, wall seconds and peak MB."""
    env = dict(os.environ, BROBYGGER_DB=f"sqlite:///{out.parent / 'none.sqlite3'}")
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "plan", str(folder), "--out", str(out), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        error = child.stderr.read().decode() if child.stderr else ""
        raise RuntimeError(f"brobygger plan failed ({child.returncode}): {error[-2000:]}")
    summary = json.loads(out.with_suffix(".json").read_text())
    summary["wall"] = wall
    summary["peak_mb"] = usage.ru_maxrss / 1024.0
    return summary


def branches(summary: dict[str, Any]) -> str:
    """The exact search's branch count from the plan's notes, or '-'."""
    for note in summary.get("notes") or []:
        found = re.search(r"(\d+) branches", str(note))
        if found:
            return found.group(1)
    return "-"


def one_seed(seed: int, patients: int, offers: int, options: argparse.Namespace) -> dict[str, Any]:
    """Plan one instance with the default solver and flow-only; the row's figures."""
    with tempfile.TemporaryDirectory(prefix="brobygger-seeds-") as tmp:
        folder = Path(tmp) / "data"
        dataset = make_demo(patients, offers, seed=seed, tight_staff=options.tight_staff)
        save_dataset(dataset, folder)
        common = ["--time-limit", str(options.time_limit), "--workers", str(options.workers)]
        plan = run_plan(folder, Path(tmp) / "PLAN.csv", common)
        flow = run_plan(folder, Path(tmp) / "FLOW.csv", [*common, "--solver", "flow"])
    return {
        "seed": seed,
        "offers": offers,
        "sessions": len(dataset.sessions),
        "plan": plan,
        "flow": flow,
    }


def _row(r: dict[str, Any]) -> str:
    plan, flow = r["plan"], r["flow"]
    gap = plan.get("gap")
    return (
        f"{r['seed']:>6}{r['offers']:>7}{r['sessions']:>9}{plan['status']:>10}"
        f"{plan['wall']:>8.2f}{'-' if gap is None else f'{gap:.4%}':>10}"
        f"{plan.get('gap_points') or 0.0:>12.2f}{branches(plan):>9}{plan['peak_mb']:>8.0f}"
        f"{flow['wall']:>8.2f}{plan['wall'] / flow['wall']:>8.2f}"
        f"{plan['objective'] / flow['objective']:>11.6f}"
    )


def main(argv: list[str] | None = None) -> int:
    """Print one row per seed and the summary; 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_plan_seeds")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--offers", default="800-1000", help="N or LOW-HIGH (drawn per seed)")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first", type=int, default=100, help="the first seed")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tight-staff", action="store_true")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    header = (
        f"{'seed':>6}{'offers':>7}{'sessions':>9}{'status':>10}{'wall s':>8}{'gap':>10}"
        f"{'open pts':>12}{'branch':>9}{'peak MB':>8}{'flow s':>8}{'÷ flow':>8}"
        f"{'obj÷flow':>11}"
    )
    print(
        f"brobygger plan, {options.patients:,} patients, offers {options.offers}, "
        f"time limit {options.time_limit:g} s, {options.workers} workers"
        f"{', tight staff minutes' if options.tight_staff else ''}; load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(header)
    print("-" * len(header), flush=True)
    rows = []
    for seed in range(options.first, options.first + options.seeds):
        row = one_seed(seed, options.patients, offers_for(seed, options.offers), options)
        rows.append(row)
        print(_row(row), flush=True)
    walls = [r["plan"]["wall"] for r in rows]
    ratios = [r["plan"]["wall"] / r["flow"]["wall"] for r in rows]
    proven = sum(r["plan"]["status"] == "OPTIMAL" for r in rows)
    median, worst = statistics.median(walls), max(walls)
    print(
        f"OPTIMAL {proven} of {len(rows)}; wall median {median:.2f} s, worst {worst:.2f} s "
        f"(targets {MEDIAN_S:g} s, {WORST_S:g} s); ÷ flow median {statistics.median(ratios):.2f}"
        f", worst {max(ratios):.2f}; peak {max(r['plan']['peak_mb'] for r in rows):.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for r in rows:
        if r["plan"]["status"] != "OPTIMAL":
            tight = " --tight-staff" if options.tight_staff else ""
            print(
                f"not proven: brobygger demo --out DIR --patients {options.patients} "
                f"--offers {r['offers']} --seed {r['seed']}{tight} && brobygger plan DIR "
                f"--out PLAN.csv --time-limit {options.time_limit:g} --workers {options.workers}"
            )
    ok = proven == len(rows) and median <= MEDIAN_S and worst <= WORST_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
