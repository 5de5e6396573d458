"""The house rules of ``matcher/``: packages by job, imports flow one way.

The import graph is read from the source (every ``import`` statement,
including those inside functions and under ``TYPE_CHECKING``), so a new
module cannot hide an upward import by importing late.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

import matcher

ROOT = Path(matcher.__file__).resolve().parent

#: Lowest first. A module may import from its own package and from packages
#: on a lower floor, never from a higher floor or a sibling on the same floor.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("matcher.domain", "matcher.errors", "matcher.csvsafe", "matcher.dates"),
    ("matcher.privacy", "matcher.words", "matcher.optimize"),
    ("matcher.geo",),
    ("matcher.dataset",),
    ("matcher.match",),
    ("matcher.discharge", "matcher.planning", "matcher.municipality"),
    ("matcher.store", "matcher.scale"),
    ("matcher.ui", "matcher.service"),
    ("matcher.cli",),
)
#: Longest lines a module may have: beyond this it holds more than one job.
MAX_LINES = 500
#: Most positional-or-keyword parameters a function may take; more options
#: go after ``*`` with defaults, or into a value object.
MAX_PARAMETERS = 7


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


@cache
def import_graph() -> dict[str, frozenset[str]]:
    """Module → the ``matcher`` modules it imports."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - (node.level - 1)]
                    target = ".".join(base) + (f".{node.module}" if node.module else "")
                else:
                    target = node.module or ""
                targets = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
        graph.setdefault(name, set())
    return {k: frozenset(v) for k, v in graph.items()}


def floor_of(module: str) -> tuple[int, str] | None:
    """(floor, package) of a module, ``None`` for ``matcher`` itself."""
    for level, packages in enumerate(FLOORS):
        for package in packages:
            if module == package or module.startswith(package + "."):
                return level, package
    return None


def test_every_module_has_a_floor() -> None:
    """Every module belongs to one of the packages named in ``FLOORS``."""
    homeless = [m for m in import_graph() if m != "matcher" and floor_of(m) is None]
    assert homeless == []


def test_no_upward_or_sideways_import() -> None:
    """A module imports only from its own package or a lower floor."""
    wrong = []
    for module, targets in import_graph().items():
        here = floor_of(module)
        if here is None:
            continue
        for target in targets:
            there = floor_of(target)
            if there is None or (there[1] != here[1] and there[0] >= here[0]):
                wrong.append(f"{module} -> {target}")
    assert sorted(wrong) == []


def test_no_import_cycle() -> None:
    """No module imports itself through others (function-level imports count)."""
    graph = import_graph()
    # A package's __init__ re-exports its modules; edges into it from its own
    # modules would be cycles by construction, so they are not allowed either.
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(_modules()))
def test_module_is_short_enough(module: str) -> None:
    """No module is longer than MAX_LINES lines."""
    lines = _modules()[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_functions_take_few_parameters() -> None:
    """No function takes more than MAX_PARAMETERS positional parameters
    (``self``/``cls`` and keyword-only options not counted)."""
    wide = []
    for module, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                names = [n for n in names if n not in ("self", "cls")]
                if len(names) > MAX_PARAMETERS:
                    wide.append(f"{module}.{node.name} ({len(names)})")
    assert sorted(wide) == []


def test_every_package_says_what_it_is_for() -> None:
    """Each package's ``__init__`` opens with a docstring naming its job."""
    silent = []
    for init in ROOT.rglob("__init__.py"):
        if "migrations" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        if not doc or doc.startswith("TODO"):
            silent.append(str(init.relative_to(ROOT.parent)))
    assert silent == []


TESTS = ROOT.parent / "tests"


def test_every_module_has_its_test_file() -> None:
    """``matcher/<package>/<module>.py`` is tested in ``tests/<package>/test_<module>.py``."""
    missing = []
    for module, path in _modules().items():
        if path.name in ("__init__.py", "__main__.py"):
            continue
        parts = module.split(".")[1:]
        want = TESTS.joinpath(*parts[:-1], f"test_{parts[-1]}.py")
        if not want.exists():
            missing.append(str(want.relative_to(TESTS)))
    assert sorted(missing) == []
