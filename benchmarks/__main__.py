"""Run every benchmark in turn: ``python -m benchmarks [name ...]``.

With names (``plan``, ``gaps``, ...) only those run. Exit status 1 when any
benchmark missed a target.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run the chosen benchmarks; 1 if any missed its target."""
    here = Path(__file__).resolve().parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    chosen = [n for n in names if not argv or n.removeprefix("bench_") in argv or n in argv]
    unknown = [a for a in argv if f"bench_{a.removeprefix('bench_')}" not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
        return 2
    missed = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        module = importlib.import_module(f"benchmarks.{name}")
        if module.main() not in (0, None):
            missed.append(name)
    if missed:
        print(f"\ntargets missed in: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
