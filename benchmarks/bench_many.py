"""Benchmark: ``brobygger plan-many`` over demo municipalities on a 2-worker
LocalCluster against planning them one after another in one process.

Run on demand (with ``nice`` on a shared machine)::

    nice -n 10 python -m benchmarks.bench_many
    python -m benchmarks.bench_many --municipalities 10 --patients 5000 --offers 500

The municipalities are ``demo-many``'s (named after and moved to real ones when
../shared/data/dk holds Denmark's boundaries, else numbered), written once to
a temporary folder. Both runs call the same job (``matcher.scale.jobs.plan_job``,
one thread each); the table gives each folder's status and seconds both ways, and
the wall time of the sequential run, of the cluster's jobs and of the cluster
with its start-up, with the speed-ups. The two runs' PLAN.csv files must be the
same byte for byte. Targets: every plan OPTIMAL, the same plans, and a speed-up
of the jobs of at least 1.4 on two cores.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import tempfile
import time
from pathlib import Path

from matcher.dataset.demo_national import write_national_demo
from matcher.scale.cluster import open_client, run_jobs
from matcher.scale.jobs import JobOptions, JobResult, plan_job
from matcher.scale.threads import cores, split_cores

SPEED_UP = 1.4
BOUNDARIES = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "dk" / "municipalities.geojson"
)


def _sequential(
    folders: list[Path], out: Path, options: JobOptions
) -> tuple[list[JobResult], float]:
    start = time.perf_counter()
    results = [plan_job(str(f), str(out), options) for f in folders]
    return results, time.perf_counter() - start


def _warm() -> None:
    import matcher.dataset.load
    import matcher.planning.plan  # noqa: F401


def _parallel(
    folders: list[Path], out: Path, options: JobOptions, workers: int
) -> tuple[list[JobResult], float, float]:
    start = time.perf_counter()
    with open_client(split_cores(workers, options.threads)) as client:
        client.wait_for_workers(workers)
        client.run(_warm)  # imports, as the sequential run has them after its first job
        ready = time.perf_counter()
        results = run_jobs(client, plan_job, folders, out, options)
        jobs = time.perf_counter() - ready
    return results, jobs, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=10)
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv or [])
    boundaries = BOUNDARIES if BOUNDARIES.is_file() else None
    print(
        f"{args.municipalities} demo municipalities of about {args.patients} patients and "
        f"{args.offers} offers ({'real boundaries' if boundaries else 'no boundaries found'}); "
        f"{args.workers} workers on {cores()} cores"
    )
    options = JobOptions(threads=1)
    _warm()
    with tempfile.TemporaryDirectory(prefix="bench-many-") as tmp:
        root = Path(tmp)
        folders = write_national_demo(
            root / "root",
            args.municipalities,
            patients=args.patients,
            offers=args.offers,
            boundaries=boundaries,
        )
        one, one_s = _sequential(folders, root / "one", options)
        many, jobs_s, cluster_s = _parallel(folders, root / "many", options, args.workers)
        same = all(
            filecmp.cmp(
                root / "one" / f.name / "PLAN.csv",
                root / "many" / f.name / "PLAN.csv",
                shallow=False,
            )
            for f in folders
            if (root / "one" / f.name / "PLAN.csv").is_file()
        )
    print(f"\n{'folder':<28}{'patients':>9}{'status':>10}{'one by one s':>14}{'on cluster s':>14}")
    for a, b in zip(one, many, strict=True):
        patients = dict(a.figures).get("patients")
        print(f"{a.folder:<28}{patients!s:>9}{b.status:>10}{a.seconds:>14.2f}{b.seconds:>14.2f}")
    speed_up = one_s / jobs_s
    print(f"\none after another: {one_s:.1f} s")
    print(f"on the cluster:    {jobs_s:.1f} s for the jobs, {cluster_s:.1f} s with its start")
    print(f"speed-up:          {speed_up:.2f} (jobs), {one_s / cluster_s:.2f} (with start-up)")
    print(f"same plans:        {'yes' if same else 'NO'}")
    load = os.getloadavg()[0]
    print(f"load average:      {load:.1f} at the end, on {cores()} cores")
    if load > cores():
        print("the machine was busy with other work: the speed-up is less than the cluster's")
    optimal = all(r.status == "OPTIMAL" for r in (*one, *many))
    missed = [] if optimal else ["a plan is not OPTIMAL"]
    missed += [] if same else ["the two runs' plans differ"]
    missed += [] if speed_up >= SPEED_UP else [f"speed-up {speed_up:.2f} < {SPEED_UP}"]
    for miss in missed:
        print(f"MISSED: {miss}")
    return 1 if missed else 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
