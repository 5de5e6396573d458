"""Errors and warnings of Brobygger's own.

``InputError`` carries every problem found in a user's files, each as
``file:row:column: message`` with rows numbered as a spreadsheet shows them
(the header is row 1). The command line prints them and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = [
    "LISTED",
    "BrobyggerWarning",
    "InputError",
    "PrecisionWarning",
    "Problem",
]

#: Problems of one kind listed before "and N more".
LISTED = 10


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one place of one file.

    ``row`` is the spreadsheet row (header = 1, first data row = 2), or
    ``None`` for a problem with the whole file. ``column`` is ``None`` for a
    problem with a whole row or file. ``message`` is in English (the
    command line's language); ``template`` and ``values``, when given, are
    the catalogue's message id and what fills it, so the app can show the
    same problem in the page's language (``matcher.words.problems``).
    """

    file: str
    row: int | None
    column: str | None
    message: str
    template: str = field(default="", compare=False)
    values: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        column = "-" if self.column is None else self.column
        return f"{self.file}:{row}:{column}: {self.message}"


class InputError(ValueError):
    """A dataset or option that cannot be used, with every problem listed."""

    def __init__(self, problems: Iterable[Problem | str]) -> None:
        self.problems: tuple[Problem, ...] = tuple(
            p if isinstance(p, Problem) else Problem("input", None, None, p) for p in problems
        )
        super().__init__(self._text())

    def _text(self) -> str:
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the input:"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class BrobyggerWarning(UserWarning):
    """A warning about data or a result that the user should know about."""


class PrecisionWarning(BrobyggerWarning):
    """Costs had to be scaled so coarsely that small differences are lost."""
