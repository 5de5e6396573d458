"""The scenarios of a sweep: what-if variations of weights.toml, checked before a run.

A scenario is a name and some keys of weights.toml (``weights.travel_min``,
``pathway.step_points``, ``transport.in_budget``, ...) set to other values. They
come from a file (``--scenarios``) and from a grid (``--vary KEY=V1,V2``):

* a TOML file: one table per scenario, its keys those of weights.toml, in
  sub-tables or dotted (``[cheap_bus.transport]`` ``bus_fare_2_zones = 12``, or
  ``[cheap_bus]`` ``transport.bus_fare_2_zones = 12``); an empty table is the
  weights as they are;
* a CSV file (comma, or a Danish spreadsheet's ``;`` with decimal commas): a
  ``scenario`` column with the names and one column per key of weights.toml, one
  row per scenario; an empty cell leaves the key as it is;
* each ``--vary KEY=V1,V2,...`` gives every value of its key; several make every
  combination, named after their values (``weights.travel_min=2+pathway.grows=0``).
  With a file as well, each of its scenarios runs with every combination.

A cell of a CSV file or a value of ``--vary`` is yes or no (``true``/``false``,
``yes``/``no``, ``ja``/``nej``), a whole number, a decimal number or else text.
Each scenario's keys are laid over the ``--weights`` file (if any) and checked by
``matcher.match.weights.Weights.load`` itself: an unknown key, a wrong type or a
value outside its limits is a problem naming the scenarios file, the line (or
row) and the key, and nothing runs.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import tempfile
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from ..dataset.files import read_bytes
from ..errors import InputError, Problem
from ..match.weights import Weights
from ..words.problems import problem

__all__ = [
    "MAX_SCENARIOS",
    "Scenario",
    "ScenarioWeights",
    "cell_value",
    "combine",
    "prepare",
    "read_scenarios",
    "toml_text",
    "vary_grid",
    "weights_from_text",
]

#: More scenarios than this are refused: each is a whole plan.
MAX_SCENARIOS = 500
#: A scenarios file larger than this is not a scenarios file.
MAX_BYTES = 1_000_000
#: The column of a CSV file that names the scenarios.
NAME_COLUMN = "scenario"
#: Where grid scenarios come from, as problems name it.
VARY = "--vary"
#: What a scenario's name may hold: it names a folder of the results.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.=+\-]{0,119}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9_.=+\-]")
_WHOLE = re.compile(r"^[+-]?\d+$")
_YES_NO = {"true": True, "yes": True, "ja": True, "false": False, "no": False, "nej": False}
#: Names a scenario cannot take: the files of OUT itself.
RESERVED = ("sweep.csv",)

Value = Any  # a TOML value: bool, int, float, str (or what else a file holds)


@dataclass(frozen=True, slots=True)
class Setting:
    """One key set by a scenario: the dotted key, its value, and where it was given."""

    key: str
    value: Value
    source: str
    row: int | None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A scenario's name, where it was given (file and row) and the keys it sets."""

    name: str
    source: str
    row: int | None
    settings: tuple[Setting, ...] = ()

    def where(self, key: str | None) -> tuple[str, int | None]:
        """The file and row that gave ``key`` (or a key under it); the scenario's own
        file and row for a key it does not set."""
        for setting in self.settings:
            if key is not None and (setting.key == key or setting.key.startswith(f"{key}.")):
                return setting.source, setting.row
        return self.source, self.row


@dataclass(frozen=True, slots=True)
class ScenarioWeights:
    """A checked scenario: its name and the text of the weights file it runs with."""

    name: str
    weights: str


def cell_value(text: str, *, decimal_comma: bool = False) -> Value:
    """A value written as text: yes or no as the data files write it (``true``/``false``,
    ``yes``/``no``, ``ja``/``nej``, any case), a whole number, a decimal number (with
    ``decimal_comma``, ``0,5`` too), or else the text itself."""
    value = text.strip()
    if value.lower() in _YES_NO:
        return _YES_NO[value.lower()]
    number = value.replace(",", ".") if decimal_comma else value
    if _WHOLE.match(number):
        return int(number)
    try:
        return float(number)
    except ValueError:
        return value


def _flat(table: Mapping[str, Value], prefix: str = "") -> Iterable[tuple[str, Value]]:
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


_HEADER = re.compile(r"^\s*\[+\s*([^\]]+?)\s*\]+")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")


def _dotted(text: str) -> str:
    return ".".join(p.strip().strip("\"'") for p in text.split("."))


def key_lines(text: str) -> dict[str, int]:
    """The line of each table and key of a TOML text (dotted), as far as simple
    lines tell."""
    found: dict[str, int] = {}
    table = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group(1))
            found.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            dotted = _dotted(key.group(1))
            found.setdefault(f"{table}.{dotted}" if table else dotted, number)
    return found


def _decoded(path: Path) -> str:
    raw = read_bytes(path, path.name, MAX_BYTES)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError([problem(path.name, None, None, "is neither UTF-8 nor Windows-1252 text")])


def _from_toml(name: str, text: str) -> list[Scenario]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"at line (\d+)", str(exc))
        row = int(line.group(1)) if line else None
        raise InputError(
            [problem(name, row, None, "is not valid TOML ({reason})", reason=exc)]
        ) from None
    except RecursionError:
        raise InputError(
            [problem(name, None, None, "is not valid TOML (nested too deeply)")]
        ) from None
    lines = key_lines(text)
    scenarios, problems = [], []
    for scenario, table in data.items():
        under = [n for key, n in lines.items() if key.startswith(f"{scenario}.")]
        row = lines.get(scenario, min(under, default=None))
        if not isinstance(table, dict):
            template = "is not a scenario: give a table [{name}] with keys of weights.toml"
            problems.append(problem(name, row, scenario, template, name=scenario))
            continue
        settings = tuple(
            Setting(key, value, name, lines.get(f"{scenario}.{key}", row))
            for key, value in _flat(table)
        )
        scenarios.append(Scenario(scenario, name, row, settings))
    if problems:
        raise InputError(problems)
    return scenarios


def _from_csv(name: str, text: str) -> list[Scenario]:
    header = text.lstrip().split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error as exc:
        template = "cannot be read as CSV: {detail}"
        raise InputError([problem(name, reader.line_num, None, template, detail=exc)]) from None
    numbered = [(i, r) for i, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise InputError([problem(name, None, None, "the file is empty")])
    head_row, head = numbered[0]
    columns = [c.strip() for c in head]
    if NAME_COLUMN not in columns:
        raise InputError([problem(name, head_row, NAME_COLUMN, "required column is missing")])
    problems = [
        problem(name, head_row, column, "appears more than once in the header")
        for column in sorted({c for c in columns if columns.count(c) > 1})
    ]
    scenarios = []
    for row, cells in numbered[1:]:
        if any(cell.strip() for cell in cells[len(columns) :]):
            template = (
                "has {cells} cells but the header has {width} columns "
                "(a stray '{sep}' or a missing column name?)"
            )
            found = problem(
                name, row, None, template, cells=len(cells), width=len(columns), sep=sep
            )
            problems.append(found)
            continue
        values = dict(zip(columns, cells, strict=False))
        settings = tuple(
            Setting(key, cell_value(cell, decimal_comma=sep == ";"), name, row)
            for key, cell in values.items()
            if key != NAME_COLUMN and cell.strip()
        )
        scenarios.append(Scenario(values.get(NAME_COLUMN, "").strip(), name, row, settings))
    if problems:
        raise InputError(problems)
    return scenarios


def read_scenarios(path: Path) -> list[Scenario]:
    """The scenarios of a ``.toml`` or ``.csv`` file, in the file's order; raises
    ``InputError`` naming the file, the row and the column of every problem."""
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".csv"):
        template = "is neither a .toml nor a .csv file of scenarios"
        raise InputError([problem(path.name, None, None, template)])
    text = _decoded(path)
    if suffix == ".toml":
        return _from_toml(path.name, text)
    return _from_csv(path.name, text)


def vary_grid(texts: Sequence[str]) -> list[Scenario]:
    """Every combination of the values of ``--vary KEY=V1,V2`` options, named after
    their values (in the options' order); raises ``InputError`` for an option that
    names no key or no value, or a key given twice."""
    axes: list[list[tuple[str, str]]] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for text in texts:
        key, equals, values = (part.strip() for part in text.partition("="))
        listed = [v.strip() for v in values.split(",")]
        if not equals or not key or not all(listed):
            template = "'{value}' is not KEY=V1,V2,... (e.g. weights.travel_min=1,2)"
            problems.append(problem(VARY, None, key or None, template, value=text))
        elif key in seen:
            problems.append(problem(VARY, None, key, "the key is varied twice"))
        else:
            seen.add(key)
            axes.append([(key, v) for v in listed])
    if problems:
        raise InputError(problems)
    if not axes:
        return []
    count = math.prod(len(axis) for axis in axes)
    if count > MAX_SCENARIOS:
        raise InputError([_too_many(count)])
    scenarios = []
    for combination in itertools.product(*axes):
        name = "+".join(f"{key}={_UNSAFE.sub('-', value)}" for key, value in combination)
        settings = tuple(Setting(key, cell_value(v), VARY, None) for key, v in combination)
        scenarios.append(Scenario(name, VARY, None, settings))
    return scenarios


def _too_many(count: int) -> Problem:
    template = "{count} scenarios are more than {limit}; give fewer values or keys"
    return problem(VARY, None, None, template, count=count, limit=MAX_SCENARIOS)


def combine(listed: Sequence[Scenario], grid: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios to run: those of the file, those of the grid, or, with both,
    every scenario of the file with every combination of the grid (``name+grid``).
    Raises ``InputError`` when the names are not unique, not fit to name a folder
    or too many, or when the grid varies a key a scenario of the file sets."""
    problems: list[Problem] = []
    if listed and grid:
        runs = []
        for first, second in itertools.product(listed, grid):
            keys = {s.key for s in first.settings}
            for setting in second.settings:
                if setting.key in keys:
                    source, row = first.where(setting.key)
                    template = "is also varied by --vary; set it in one place"
                    problems.append(problem(source, row, setting.key, template))
            settings = (*first.settings, *second.settings)
            runs.append(Scenario(f"{first.name}+{second.name}", first.source, first.row, settings))
    else:
        runs = [*listed, *grid]
    if len(runs) > MAX_SCENARIOS:
        problems.append(_too_many(len(runs)))
    seen: set[str] = set()
    for run in runs:
        if not _NAME.match(run.name) or run.name.lower() in RESERVED:
            template = (
                "'{name}' cannot name a folder of results: give letters, digits and "
                "_ . = + - (at most 120, starting with a letter or digit)"
            )
            problems.append(problem(run.source, run.row, NAME_COLUMN, template, name=run.name))
        elif run.name in seen:
            template = "'{name}' names two scenarios"
            problems.append(problem(run.source, run.row, NAME_COLUMN, template, name=run.name))
        seen.add(run.name)
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return runs


def _nested(settings: Iterable[Setting]) -> dict[str, Any]:
    """The settings as tables of values. A key set both as a value and as a table
    (CSV columns ``weights`` and ``weights.travel_min``) keeps the value, which
    ``Weights.load`` then refuses as no table."""
    out: dict[str, Any] = {}
    for setting in settings:
        *tables, last = setting.key.split(".")
        here: Any = out
        for table in tables:
            here = here.setdefault(table, {})
            if not isinstance(here, dict):
                break
        else:
            if not isinstance(here.get(last), dict):
                here[last] = setting.value
    return out


def _laid_over(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _laid_over(out[key], value)
        else:
            out[key] = value
    return out


_BARE = re.compile(r"^[A-Za-z0-9_\-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # inf and nan are TOML too; Weights refuses them
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML value: {value!r}")


def toml_text(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> str:
    """``data`` (tables of values, as ``tomllib`` reads them) as TOML text."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in data.items() if not isinstance(v, dict)]
    for key, value in data.items():
        if isinstance(value, dict):
            path = (*prefix, key)
            lines += ["", f"[{'.'.join(_key(p) for p in path)}]", toml_text(value, path)]
    return "\n".join(lines).strip("\n") + ("\n" if not prefix else "")


def weights_from_text(text: str) -> Weights:
    """``Weights.load`` of a weights file holding ``text`` (its problems name the
    file ``weights.toml``)."""
    with tempfile.TemporaryDirectory(prefix="brobygger-weights-") as folder:
        path = Path(folder) / "weights.toml"
        path.write_text(text, encoding="utf-8")
        return Weights.load(path)


def _base(path: Path | None) -> dict[str, Any]:
    """The keys of the ``--weights`` file, checked by ``Weights.load``."""
    if path is None:
        return {}
    Weights.load(path)
    return tomllib.loads(path.read_text(encoding="utf-8"))


def prepare(scenarios: Sequence[Scenario], base: Path | None = None) -> list[ScenarioWeights]:
    """Each scenario's keys laid over the ``base`` weights file and checked by
    ``Weights.load``; raises ``InputError`` with every problem of every scenario,
    each naming the file and row that set the key, and the key."""
    data = _base(base)
    prepared, problems = [], []
    for scenario in scenarios:
        text = toml_text(_laid_over(data, _nested(scenario.settings)))
        try:
            weights_from_text(text)
        except InputError as exc:
            for found in exc.problems:
                source, row = scenario.where(found.column)
                problems.append(replace(found, file=source, row=row))
            continue
        prepared.append(ScenarioWeights(scenario.name, text))
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return prepared
