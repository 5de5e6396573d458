"""How many threads evaluate the pairs (``matcher.match.costs.THREADS``) on a platform
without ``os.sched_getaffinity`` (Windows, macOS).

Each case runs in a fresh interpreter that takes the function away before Brobygger
is imported, as on those platforms: reloading ``costs`` in the test process would
leave the modules that imported from it holding the old classes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

_RUN = """
import json, os
del os.sched_getaffinity
{setup}
import matcher.match.costs as costs
from matcher import plan
from matcher.dataset.demo import make_demo

demo = make_demo(30, 8, seed=2)
result = plan(demo, time_limit=30)
placed = int((result.table()["status"] == "placed").sum())
print(json.dumps({{"threads": costs.THREADS, "rows": len(result.table()), "placed": placed}}))
"""


def _without_affinity(setup: str) -> dict[str, int]:
    code = _RUN.format(setup=textwrap.dedent(setup))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    figures: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


@pytest.mark.parametrize(
    ("setup", "threads"),
    [
        ("os.process_cpu_count = lambda: 3", 3),
        ("os.process_cpu_count = lambda: 16", 4),
        ("os.__dict__.pop('process_cpu_count', None)\nos.cpu_count = lambda: 2", 2),
        ("os.__dict__.pop('process_cpu_count', None)\nos.cpu_count = lambda: None", 1),
    ],
)
def test_brobygger_imports_and_plans_without_sched_getaffinity(setup: str, threads: int) -> None:
    """Without os.sched_getaffinity, matcher imports and plans, with one thread per core
    from os.process_cpu_count (else os.cpu_count, 1 when unknown), at most four."""
    figures = _without_affinity(setup)
    assert figures["threads"] == threads
    assert figures["rows"] == 30
    assert figures["placed"] > 0
