"""Benchmark: generating the demo municipality at scale (run on demand:
``python -m benchmarks.bench_demo``).

Target (issue 2): 50,000 patients and 5,000 offers in seconds (here: under
15 s on 2 cores), so later benchmarks can build large instances. Prints the
seconds to generate and to write the files; the best of three runs counts,
because the machine may be shared.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from matcher.demo import make_demo
from matcher.export import save_dataset

PATIENTS = 50_000
OFFERS = 5_000
TARGET_S = 15.0
RUNS = 3


def main() -> int:
    """Run the benchmark; exit status 1 when generation misses the target."""
    made = []
    for _ in range(RUNS):
        started = time.perf_counter()
        dataset = make_demo(PATIENTS, OFFERS, seed=0)
        made.append(time.perf_counter() - started)
    counts = dataset.summary()
    assert counts["patients"] == PATIENTS and counts["offers"] == OFFERS
    runs = ", ".join(f"{s:.2f}" for s in made)
    print(
        f"make_demo({PATIENTS:,} patients, {OFFERS:,} offers): best {min(made):.2f} s [{runs}]; "
        f"{counts['sessions']:,} sessions, {counts['places']:,} places"
    )
    with tempfile.TemporaryDirectory(prefix="brobygger-bench-") as tmp:
        started = time.perf_counter()
        save_dataset(dataset, Path(tmp))
        print(f"save_dataset (UTF-8): {time.perf_counter() - started:.2f} s")
    ok = min(made) < TARGET_S
    print(f"target: under {TARGET_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
