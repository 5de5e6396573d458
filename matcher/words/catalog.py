"""The message catalogues: one gettext ``.po`` file per language.

``locale/<lang>/LC_MESSAGES/brobygger.po`` holds every word a person reads.
Message ids are the symbolic keys the code looks up (``tab_discharge``,
``modes.walk``); each message sits in the context of its register:

* ``patient``: the patient's plain words (reasons, suggestions, hand-out);
* ``staff``: the app's and the plan's words;
* ``municipality``: the municipality tab and the gap map;
* ``problem``: what is wrong with a user's files or entries; the message id
  is the English text itself (the command line's words), with ``{fields}``;
* ``cli``: what the command line prints (``words.cli``);
* ``note``: the notes a result adds (``words.notes``); like ``problem``, the
  message id is the English text itself, with ``{fields}``.

The files are read with Babel (``read_po``) once per language and kept, so a
source checkout needs no build step and the wheel ships the ``.po`` files
themselves.

Danish and English (``LANGUAGES``) hold every context. The patient's own
words, and only those, also come in Arabic, Turkish, Urdu, Somali, Polish
and Farsi (``PATIENT_LANGUAGES``): their catalogues hold the ``patient``
context alone. A catalogue's header line ``X-Native-Review`` says whether a
native speaker has read its texts (``none``: not yet); ``Catalogue.review``
holds it and ``unreviewed()`` lists the languages still waiting.

A plural message (``msgid_plural``) gives one text per plural form, picked
with the catalogue's own ``Plural-Forms`` rule.
"""

from __future__ import annotations

import gettext as _gettext
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

__all__ = [
    "CONTEXTS",
    "DOMAIN",
    "LANGUAGES",
    "PATIENT_LANGUAGES",
    "RIGHT_TO_LEFT",
    "Catalogue",
    "catalogue",
    "po_path",
    "unreviewed",
]

#: The languages with a catalogue of every context; the first is the default.
LANGUAGES = ("da", "en")
#: The languages of the patient's own words (the ``patient`` context): the first two
#: hold every context, the others the ``patient`` context only.
PATIENT_LANGUAGES = ("da", "en", "ar", "tr", "ur", "so", "pl", "fa")
#: The languages written from right to left.
RIGHT_TO_LEFT = frozenset({"ar", "ur", "fa"})
#: The registers a message belongs to (its ``msgctxt``).
CONTEXTS = ("patient", "staff", "municipality", "problem", "cli", "note")
DOMAIN = "brobygger"
_ROOT = Path(__file__).resolve().parent / "locale"
#: The header line saying whether a native speaker has read the texts.
_REVIEW = re.compile(r'^"X-Native-Review:[ \t]*([^"\\]*)', re.MULTILINE)


def po_path(lang: str) -> Path:
    """Where the catalogue of ``lang`` lives."""
    return _ROOT / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language: ``(context, key)`` to a text, or to one
    text per plural form for a plural message."""

    lang: str
    messages: Mapping[tuple[str, str], str | tuple[str, ...]]
    plural: Callable[[int], int]
    #: The header's ``X-Native-Review`` (``none``: no native speaker has read the
    #: texts yet); empty when the header has no such line.
    review: str = ""

    def text(self, context: str, key: str) -> str:
        """The text of ``key`` in ``context``; ``KeyError`` when there is none."""
        found = self.messages[(context, key)]
        return found if isinstance(found, str) else found[0]

    def plural_text(self, context: str, key: str, n: int) -> str:
        """The form of plural message ``key`` that goes with the number ``n``."""
        found = self.messages[(context, key)]
        if isinstance(found, str):
            return found
        return found[min(self.plural(int(n)), len(found) - 1)]

    def keys(self, context: str) -> tuple[str, ...]:
        """Every key of ``context``, in the order of the file."""
        return tuple(key for ctx, key in self.messages if ctx == context)

    def has(self, context: str, key: str) -> bool:
        """Whether ``key`` has a text in ``context``."""
        return (context, key) in self.messages


def _review(raw: bytes) -> str:
    """The ``X-Native-Review`` line of a ``.po`` file's header (Babel drops it)."""
    header = raw.decode("utf-8").split("\n\n", 1)[0]
    found = _REVIEW.search(header)
    return found.group(1).strip() if found else ""


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (one of ``PATIENT_LANGUAGES``), read once."""
    if lang not in PATIENT_LANGUAGES:
        raise KeyError(f"no catalogue for language {lang!r}")
    raw = po_path(lang).read_bytes()
    po = read_po(io.BytesIO(raw), locale=lang, domain=DOMAIN)
    messages: dict[tuple[str, str], str | tuple[str, ...]] = {}
    for message in po:
        if not message.id:
            continue  # the header
        key = message.id if isinstance(message.id, str) else message.id[0]
        string = message.string
        messages[(message.context or "", key)] = (
            string if isinstance(string, str) else tuple(string or ())
        )
    return Catalogue(lang, MappingProxyType(messages), _gettext.c2py(po.plural_expr), _review(raw))


def unreviewed() -> tuple[str, ...]:
    """The languages whose texts no native speaker has read yet (``X-Native-Review: none``)."""
    return tuple(lang for lang in PATIENT_LANGUAGES if catalogue(lang).review == "none")
