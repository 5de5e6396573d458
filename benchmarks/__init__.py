"""Benchmarks, run on demand (``make benchmark`` or ``python -m benchmarks.bench_x``).

Each ``bench_*.py`` module has a ``main()`` that prints a table of figures and
returns 0 when its targets are met, 1 when one is missed. They are not part
of the test suite: speed and memory depend on the machine.
"""
