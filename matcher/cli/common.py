"""Shared pieces of the command line: the app, error handling, output.

Everything the command line prints goes through ``out`` and ``err``, which show
every string exactly as it is: no Rich markup, no emoji codes, no highlighting,
and every terminal control character as a visible escape (``\\x1b``). An offer
named ``[/]`` or ``[link=http://x]y[/link]``, a session id, a path or a
problem quoting a cell is printed as those characters, and cannot crash the
command, style the terminal or make a link. Styled words of Brobygger's own
are made with ``styled``.

The command line speaks English unless ``BROBYGGER_LANG`` names another
language of the catalogues (``BROBYGGER_LANG=da``): ``say`` words a key of
the catalogues' ``cli`` context in that language, and the problems it prints
are worded in it too, as are a result's notes (``say_note``) and its codes: kinds,
solver verdicts and progress stages (``say_code``). In English these are printed
as they always were. ``handle_errors`` refuses an unknown language (exit 2).
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from ..errors import InputError, Problem
from ..words.cli import DEFAULT_LANG, cli_lang, plural_words, words
from ..words.notes import Note, note_text
from ..words.problems import problem, problems_text

if TYPE_CHECKING:
    from ..dataset.export import Dialect


def language() -> str:
    """The command line's language (``BROBYGGER_LANG``, English by default); English
    when the variable names no language, which ``handle_errors`` refuses."""
    try:
        return cli_lang()
    except InputError:
        return DEFAULT_LANG


def say(key: str, /, **values: object) -> str:
    """The command line's words for ``key`` in its language, filled with ``values``."""
    return words(key, language(), **values)


def say_n(key: str, n: int, /, **values: object) -> str:
    """The form of ``key`` that goes with the number ``n`` (given as ``{n}``)."""
    return plural_words(key, n, language(), **values)


def say_note(note: str) -> str:
    """A result's note (``words.notes``) in the command line's language."""
    return note_text(note, language())


def say_code(family: str, code: object, english: str) -> str:
    """A coded value (a kind, a solver's status, a progress stage) in the command
    line's language: in English ``english``, as the command line has always printed
    it; otherwise the app's words for the code (``words.app.code_text``), or the
    code itself when it has none."""
    lang = language()
    if lang == DEFAULT_LANG:
        return english
    from ..words.app import code_text

    return code_text(family, code, lang)


app = typer.Typer(
    name="brobygger",
    help=say("help_app"),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

#: Control characters a terminal acts on (all but tab and line feed), shown as escapes.
_CONTROLS = {
    code: f"\\x{code:02x}" for code in (*range(0, 9), *range(11, 32), 127, *range(128, 160))
}


def visible(value: object) -> str:
    """``value`` as text a terminal shows and never acts on: control characters
    (escape sequences, carriage return, bell) become escapes like ``\\x1b``."""
    return str(value).translate(_CONTROLS)


class PlainConsole(Console):
    """A console that prints every string as it is: markup, emoji codes and
    highlighting are off for every string it renders (table cells and titles
    included), and control characters are shown as escapes."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(visible(text), **kwargs)


def styled(*parts: object | tuple[object, str]) -> Text:
    """One line of output made of plain values and ``(value, style)`` pairs: the
    style comes from Brobygger, the values are shown as they are."""
    text = Text()
    for part in parts:
        if isinstance(part, tuple):
            value, style = part
            text.append(visible(value), style=style)
        else:
            text.append(visible(part))
    return text


out = PlainConsole()
err = PlainConsole(stderr=True)


#: ``--excel``: also write the command's tables as one Excel workbook, a sheet per table.
ExcelOption = Annotated[bool, typer.Option("--excel", help=say("help_excel"))]
#: ``--dialect``: the CSV files as UTF-8 (``utf8``) or for Danish Excel (``danish``).
DialectOption = Annotated[str, typer.Option("--dialect", help=say("help_dialect"))]

#: ``--weights``: a user's TOML file over the default cost weights.
WeightsOption = Annotated[Path | None, typer.Option("--weights", help=say("help_weights"))]
FreshOnlyOption = Annotated[bool, typer.Option("--fresh-only", help=say("help_fresh_only"))]

F = TypeVar("F", bound=Callable[..., Any])
#: Problems printed before "and N more"; the full list goes to a file on request.
MAX_SHOWN = 200


def report_problems(problems: tuple[Problem, ...] | list[Problem], header: str) -> None:
    """Print problems to stderr, one per line, as ``file:row:column: message``."""
    err.print(styled((header, "bold red")), soft_wrap=True)
    for line in problems_text(problems[:MAX_SHOWN], language()):
        err.print(line, soft_wrap=True)
    if len(problems) > MAX_SHOWN:
        err.print(say("problems_more", n=len(problems) - MAX_SHOWN))


def report_warnings(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Print data warnings to stderr, in the command line's language."""
    for line in problems_text(problems, language()):
        err.print(styled((say("warning"), "yellow"), " ", line), soft_wrap=True)


@contextlib.contextmanager
def after_writing() -> Iterator[None]:
    """Wrap what a command prints once it has written its result (a booking, a
    file): the work is done, so nothing in the block (a closed pipe, a terminal
    that cannot show a letter) can turn the command into a failure. Exit status 0."""
    try:
        yield
    except (Exception, KeyboardInterrupt) as exc:
        with contextlib.suppress(Exception):
            err.print(say("report_failed", error=type(exc).__name__), soft_wrap=True)


def handle_errors(func: F) -> F:
    """Turn a user's mistake into exit status 2 with every problem listed,
    and anything else into status 1 with one clear line (no traceback unless
    ``BROBYGGER_DEBUG`` is set)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            cli_lang()  # an unknown BROBYGGER_LANG is bad input, before any work
            return func(*args, **kwargs)
        except InputError as exc:
            header = say_n("problems_header", len(exc.problems))
            report_problems(exc.problems, header)
            raise typer.Exit(2) from None
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            err.print(say("stopped"))
            raise typer.Exit(1) from None
        except Exception as exc:
            if os.environ.get("BROBYGGER_DEBUG"):
                raise
            err.print(
                styled((say("error"), "bold red"), f" {type(exc).__name__}: {exc}"),
                soft_wrap=True,
            )
            err.print(say("debug_hint"))
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def stdout_is_terminal() -> bool:
    """True when a person is watching (progress bars make sense)."""
    return sys.stderr.isatty()


def finite(value: float | None) -> float | None:
    """Refuse ``nan`` and ``inf`` for a number option (a range alone lets NaN through)."""
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(say("not_finite", value=value))
    return value


#: The ranges of the number options the commands share: a value outside is bad input
#: (exit 2), never wrapped or clipped.
SECONDS = {"min": 0, "max": 86_400, "callback": finite}
WORKERS = {"min": 1, "max": 64}
SEED = {"min": 0, "max": 2**31 - 1}

#: The dataset folder a command reads.
DirectoryArgument = Annotated[Path, typer.Argument(help=say("help_directory"))]
#: ``--workers``: CP-SAT's search workers (each command keeps its own default).
WorkersOption = Annotated[int, typer.Option("--workers", help=say("help_workers"), **WORKERS)]
#: ``--seed``: CP-SAT's random seed.
SeedOption = Annotated[int, typer.Option("--seed", help=say("help_seed"), **SEED)]
#: ``--start``: the first day of a horizon over weeks (default: the earliest discharge).
HorizonStartOption = Annotated[str | None, typer.Option("--start", help=say("help_schedule_start"))]
#: ``--guarantee-days``: the waiting-time guarantee of a horizon, in days.
GuaranteeDaysOption = Annotated[
    int, typer.Option("--guarantee-days", help=say("help_guarantee_days"), min=1, max=3660)
]
#: ``--join-weeks``: the weeks in which an exit-team cohort takes newcomers.
JoinWeeksOption = Annotated[
    int, typer.Option("--join-weeks", help=say("help_join_weeks"), min=1, max=520)
]
#: Booking and task numbers, as the database stores them.
ROW_NUMBER = {"min": 1, "max": 2**63 - 1}


def check_outputs(paths: list[Path], dataset: Path | None = None, example: str = "") -> None:
    """Refuse, before any work is done, an output that would replace a folder, a
    device or pipe (``/dev/full``), or a file of the dataset being read."""
    from ..dataset.load import DISTRICT_FILES
    from ..dataset.schema import FILES

    inputs: set[Path] = set()
    if dataset is not None and dataset.is_dir():
        names = {spec.name for spec in FILES} | set(DISTRICT_FILES)
        names |= {f"{Path(spec.name).stem}.xlsx" for spec in FILES}
        inputs = {(dataset / name).resolve() for name in names}
    problems = []
    for path in paths:
        if path.exists() and path.is_dir():
            if example:
                template = "is a folder; give a file name like {example}"
                problems.append(problem(str(path), None, None, template, example=example))
            else:
                problems.append(problem(str(path), None, None, "is a folder; give a file name"))
        elif path.exists() and not path.is_file():
            problems.append(
                problem(
                    str(path),
                    None,
                    None,
                    "is not a regular file (a device or pipe) and is never replaced; "
                    "give a file name to write",
                )
            )
        elif path.resolve() in inputs:
            problems.append(
                problem(
                    str(path),
                    None,
                    None,
                    "is a file of the dataset being read and is never replaced; "
                    "give another file name",
                )
            )
    if problems:
        raise InputError(problems)


def option_date(text: str | None, option: str) -> date | None:
    """A date option (``YYYY-MM-DD``) within the dates the data may hold, or ``None``."""
    from ..dataset.schema import DATE_MAX, DATE_MIN

    if text is None:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            [problem(option, None, None, "'{text}' is not a date (YYYY-MM-DD)", text=text)]
        ) from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise InputError(
            [
                problem(
                    option,
                    None,
                    None,
                    "'{text}' is outside the dates Brobygger accepts "
                    "({first:%Y-%m-%d} to {last:%Y-%m-%d})",
                    text=text,
                    first=DATE_MIN,
                    last=DATE_MAX,
                )
            ]
        )
    return day


@contextlib.contextmanager
def progress_bar(width: int) -> Iterator[Callable[[str, float], None]]:
    """A bar on stderr while a plan is made; yields the ``progress(stage, share)``
    callback the planners call. The bar is gone when the block ends."""
    with Progress(
        TextColumn(f"{{task.description:<{width}}}", markup=False),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(say("loading"), total=1.0)

        def progress(stage: str, share: float) -> None:
            # a stage with a number ("budget 40") is a note; the others are codes
            said = say_note(stage) if isinstance(stage, Note) else say_code("stage", stage, stage)
            bar.update(task, description=said, completed=share)

        yield progress


def table_dialect(dialect: str) -> Dialect:
    """``--dialect``: ``utf8`` or ``danish``; another is bad input (exit 2)."""
    from ..dataset.export import DIALECTS

    for known in DIALECTS:
        if dialect.strip().lower() == known:
            return known
    raise InputError(
        [
            problem(
                "--dialect",
                None,
                None,
                "'{value}' is not a CSV dialect ({known})",
                value=dialect,
                known=", ".join(DIALECTS),
            )
        ]
    )


def workbook_lang(dialect: Dialect) -> str:
    """The language of a workbook's headers: Danish for ``--dialect danish``, else the
    command line's."""
    return "da" if dialect == "danish" else language()


@contextlib.contextmanager
def table_files(
    dialect: Dialect, workbook: Path | None, *, report: bool = True
) -> Iterator[list[Path]]:
    """The tables written in the block in ``dialect`` and, with ``workbook``, also as
    that workbook's sheets (``dataset.export.table_outputs``); the yielded list holds
    the workbook once written, which is then said (unless not ``report``)."""
    from ..dataset.export import table_outputs

    with table_outputs(dialect=dialect, workbook=workbook, lang=workbook_lang(dialect)) as written:
        yield written
    with after_writing():
        for path in written if report else ():
            out.print(say("wrote", path=path), soft_wrap=True)
