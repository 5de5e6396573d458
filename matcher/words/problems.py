"""What is wrong with a user's files, in the catalogue: English for the
command line, the page's language in the app.

Code that finds a problem builds it with ``problem(file, row, column,
template, **values)``: ``template`` is the English message with ``{fields}``
(``"must be a number, not {value!r}"``) and is also the message id in the
catalogue's ``problem`` context. The ``Problem`` keeps its English
``message`` (so ``brobygger validate`` prints what it always printed) and
remembers the template and the values; ``problem_text`` words it again in
another language. A problem built without a template (from outside the
catalogue) is shown as it is.

A value whose name starts with ``what`` is itself a message id of the
``problem`` context (``listed``'s "and 12 more {what}"), translated too.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import LISTED, Problem
from .catalog import LANGUAGES, catalogue

__all__ = ["CONTEXT", "listed", "problem", "problem_text", "problems_text"]

#: The catalogue context of every problem message.
CONTEXT = "problem"
#: The language of ``Problem.message``: the command line's.
SOURCE_LANG = "en"


def problem(
    file: str, row: int | None, column: str | None, template: str, /, **values: object
) -> Problem:
    """A ``Problem`` whose message is ``template`` filled with ``values`` (English)."""
    return Problem(
        file,
        row,
        column,
        template.format(**values),
        template=template,
        values=tuple(values.items()),
    )


def _worded(template: str, lang: str) -> str:
    words = catalogue(lang if lang in LANGUAGES else LANGUAGES[0])
    return words.text(CONTEXT, template) if words.has(CONTEXT, template) else template


def _values(values: Mapping[str, object], lang: str) -> dict[str, object]:
    return {
        k: _worded(v, lang) if k.startswith("what") and isinstance(v, str) else v
        for k, v in values.items()
    }


def problem_text(found: Problem, lang: str) -> str:
    """The message of ``found`` in ``lang`` (as it is when it has no template)."""
    if not found.template or lang == SOURCE_LANG:
        return found.message
    values = dict(found.values)
    return _worded(found.template, lang).format(**_values(values, lang))


def problems_text(problems: tuple[Problem, ...] | list[Problem], lang: str) -> list[str]:
    """Each problem as one line for a page, ``file:row:column: message`` as the
    command line prints it, with the message in ``lang``."""
    out = []
    for found in problems:
        row = "-" if found.row is None else str(found.row)
        column = "-" if found.column is None else found.column
        out.append(f"{found.file}:{row}:{column}: {problem_text(found, lang)}")
    return out


def listed(
    problems: list[Problem], file: str, column: str | None, what: str, limit: int = LISTED
) -> list[Problem]:
    """The first ``limit`` problems and one line counting the rest:
    ``and 12 more {what}``, ``what`` being a message id of the catalogue."""
    if len(problems) <= limit:
        return problems
    more = problem(file, None, column, "and {n} more {what}", n=len(problems) - limit, what=what)
    return [*problems[:limit], more]
