"""Shared pieces of the command line: the app, error handling, output."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from ..errors import InputError, Problem

app = typer.Typer(
    name="brobygger",
    help=(
        "Brobygger matches people finishing rehabilitation to a next step that fits them "
        "(exit team, network group, association activity or home visit) and schedules it."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

F = TypeVar("F", bound=Callable[..., Any])
#: Problems printed before "and N more"; the full list goes to a file on request.
MAX_SHOWN = 200


def report_problems(problems: tuple[Problem, ...] | list[Problem], header: str) -> None:
    """Print problems to stderr, one per line, as ``file:row:column: message``."""
    err.print(f"[bold red]{header}[/]")
    for problem in problems[:MAX_SHOWN]:
        err.print(str(problem), markup=False, soft_wrap=True)
    if len(problems) > MAX_SHOWN:
        err.print(f"... and {len(problems) - MAX_SHOWN} more problems")


def report_warnings(problems: tuple[Problem, ...] | list[Problem]) -> None:
    """Print data warnings to stderr."""
    for problem in problems:
        err.print(f"[yellow]warning:[/] {problem}", soft_wrap=True)


def handle_errors(func: F) -> F:
    """Turn a user's mistake into exit status 2 with every problem listed,
    and anything else into status 1 with one clear line (no traceback unless
    ``BROBYGGER_DEBUG`` is set)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            count = len(exc.problems)
            report_problems(
                exc.problems,
                f"{count} problem{'s' if count != 1 else ''} in the input; nothing was written:",
            )
            raise typer.Exit(2) from None
        except typer.Exit:
            raise
        except KeyboardInterrupt:
            err.print("stopped; nothing was written")
            raise typer.Exit(1) from None
        except Exception as exc:
            if os.environ.get("BROBYGGER_DEBUG"):
                raise
            err.print(f"[bold red]error:[/] {type(exc).__name__}: {exc}", soft_wrap=True)
            err.print("(set BROBYGGER_DEBUG=1 to see the details)")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def default_data_dir() -> Path:
    """The embedded demo dataset: ``data/activities`` of a source checkout, or
    the copy installed with the package."""
    here = Path(__file__).resolve().parents[2] / "data" / "activities"
    if (here / "offers.csv").exists():
        return here
    from importlib import resources

    return Path(str(resources.files("matcher").joinpath("demo_data")))


def stdout_is_terminal() -> bool:
    """True when a person is watching (progress bars make sense)."""
    return sys.stderr.isatty()
