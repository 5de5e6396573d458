"""The notes a plan, a schedule, a choice of sites or a catalogue import adds to
its result, in the catalogue: English in the files, the reader's language on
the command line.

Code that adds a note builds it with ``noted(template, **values)``:
``template`` is the English text with ``{fields}`` (``"{n} patients already
booked keep their place"``) and is also the message id in the catalogue's
``note`` context, whose English text is the id itself. The ``Note`` is that
English text (a ``str``, so ``PLAN.json`` and ``schedule.json`` write what they
always wrote) and remembers the template and the values; ``note_text`` words
it again in another language. A value that is itself a ``Note`` is worded too.

The solvers (``matcher.optimize``) sit beside the words and write their notes
as plain English; ``note_text`` reads such a text back into its template when
the ``note`` context holds one that matches it whole (``read_note``), and
shows any other text as it is.
"""

from __future__ import annotations

import re
import string
from functools import cache

from .catalog import LANGUAGES, catalogue

__all__ = ["CONTEXT", "SOURCE_LANG", "Note", "note_text", "noted", "read_note"]

#: The catalogue context of every note.
CONTEXT = "note"
#: The language of a note's own text: the files' and the command line's default.
SOURCE_LANG = "en"


class Note(str):
    """A note's English text, with the catalogue's ``template`` and the ``values``
    that fill it (``(name, value)`` pairs)."""

    __slots__ = ("template", "values")
    template: str
    values: tuple[tuple[str, object], ...]

    def __new__(
        cls, text: str, template: str = "", values: tuple[tuple[str, object], ...] = ()
    ) -> Note:
        made = super().__new__(cls, text)
        made.template = template
        made.values = values
        return made


def noted(template: str, /, **values: object) -> Note:
    """A ``Note`` whose text is ``template`` filled with ``values`` (English)."""
    return Note(template.format(**values), template, tuple(values.items()))


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that reads a text of ``template`` back: each field
    becomes a named group (a field named twice must read the same twice)."""
    parts, seen = [], set()
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is None:
            continue
        if field in seen:
            parts.append(f"(?P={field})")
        else:
            seen.add(field)
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each template of the ``note`` context with its pattern, in the file's order."""
    return tuple((key, _pattern(key)) for key in catalogue(SOURCE_LANG).keys(CONTEXT))


def read_note(text: str) -> Note | None:
    """The note ``text`` says, read back through the catalogue's templates (the
    first that matches the whole text), or ``None`` when none does. The values
    read back are the texts found in place of each field."""
    if isinstance(text, Note) and text.template:
        return text
    for template, pattern in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            return Note(text, template, tuple(found.groupdict().items()))
    return None


def note_text(note: str, lang: str) -> str:
    """``note`` in ``lang``: its template's text in that language filled with its
    values. English, a text no template matches, and a translation its values do
    not fit are the note as it is."""
    if lang == SOURCE_LANG:
        return str(note)
    found = note if isinstance(note, Note) and note.template else read_note(note)
    if found is None:
        return str(note)
    words = catalogue(lang if lang in LANGUAGES else LANGUAGES[0])
    if not words.has(CONTEXT, found.template):
        return str(note)
    values = {
        name: note_text(value, lang) if isinstance(value, Note) else value
        for name, value in found.values
    }
    try:
        return words.text(CONTEXT, found.template).format(**values)
    except (KeyError, IndexError, ValueError):
        return str(note)
