"""Form controls made for keyboard and mouse alike, from ipywidgets' own parts.

ipywidgets' Accordion headers cannot be reached by keyboard and its
SelectMultiple needs Ctrl-click; these controls use only native elements the
browser makes operable: a ``<button>`` that folds a section (any number open),
a row of checkboxes for a choice of several, and a weekday × part-of-day grid
of checkboxes. Each checkbox's label is its accessible name, also where the
grid hides it from sight (the column and row headers say it on screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as w
from traitlets import Bool, Tuple, Unicode, observe

from ...dataset.weekly import PARTS
from ...domain import WEEKDAYS

__all__ = ["Choices", "Section", "WeekGrid"]


class Section(w.VBox):
    """A titled part of a form whose body folds away under its header button.

    The header is a real button (Tab reaches it, Enter or Space folds it); its
    arrow shows whether the body is open, and its ``bb-open`` class tells a
    screen reader the same (``aria-expanded``, set by the page's script). Any
    number of sections may be open.
    """

    expanded = Bool(True)

    def __init__(self, children: Sequence[w.Widget], *, expanded: bool = True) -> None:
        self.header = w.Button(layout=w.Layout(width="auto"))
        self.header.add_class("bb-fold")
        self.body = w.VBox(list(children))
        self.body.add_class("bb-section-body")
        self.title = ""
        super().__init__([self.header, self.body])
        self.add_class("bb-section")
        self.header.on_click(lambda _: setattr(self, "expanded", not self.expanded))
        self.expanded = expanded
        self._show()

    @observe("expanded")
    def _show(self, _: Any = None) -> None:
        self.body.layout.display = "" if self.expanded else "none"
        # the page's script reads the class into the header's aria-expanded
        if self.expanded:
            self.header.add_class("bb-open")
        else:
            self.header.remove_class("bb-open")
        self.header.description = ("▾ " if self.expanded else "▸ ") + self.title

    def set_title(self, title: str) -> None:
        """The section's title on its header."""
        self.title = title
        self._show()


class Choices(w.HBox):
    """A choice of several as checkboxes: ``value`` is the tuple of codes ticked.

    ``options`` are ``(label, code)`` pairs, in the order shown; the
    ``description`` titles the group. A code in ``value`` that is no option
    (from a file) is added as an option under its own name, never dropped.
    In the page the row is one Tab stop, named by its title, whose checkboxes
    the arrow keys move between (the page's script, ``page.py``).
    """

    value = Tuple()
    description = Unicode("")

    def __init__(self, options: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        self._title = w.HTML()
        self._boxes: dict[str, w.Checkbox] = {}
        self._row = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self._title, self._row], **kwargs)
        self.add_class("bb-choices")
        self._quiet = False
        self.options = list(options)

    @property
    def options(self) -> list[tuple[str, str]]:
        """The ``(label, code)`` pairs shown."""
        return [(box.description, code) for code, box in self._boxes.items()]

    @options.setter
    def options(self, options: Sequence[tuple[str, str] | str]) -> None:
        pairs = [o if isinstance(o, tuple) else (str(o), o) for o in options]
        chosen = set(self.value)
        pairs += [(code, code) for code in self.value if code not in {c for _, c in pairs}]
        boxes = {}
        for label, code in pairs:
            box = self._boxes.get(code) or self._box(code)
            box.description = label
            with self._holding():
                box.value = code in chosen
            boxes[code] = box
        self._boxes = boxes
        self._row.children = list(boxes.values())

    def _box(self, code: str) -> w.Checkbox:
        box = w.Checkbox(indent=False, layout=w.Layout(width="auto", margin="0 12px 0 0"))
        box.observe(lambda _: self._ticked(), names="value")
        return box

    def _holding(self) -> Any:
        choices = self

        class _Hold:
            def __enter__(self) -> None:
                choices._quiet = True

            def __exit__(self, *exc: object) -> None:
                choices._quiet = False

        return _Hold()

    def _ticked(self) -> None:
        if not self._quiet:
            self.value = tuple(code for code, box in self._boxes.items() if box.value)

    @observe("value")
    def _tick(self, change: Any) -> None:
        if self._quiet:
            return
        if any(code not in self._boxes for code in change["new"]):
            self.options = self.options  # adds the unknown codes as options
        with self._holding():
            for code, box in self._boxes.items():
                box.value = code in change["new"]

    @observe("description")
    def _retitle(self, change: Any) -> None:
        self._title.value = f"<span class='bb-group-title'>{change['new']}</span>"


class WeekGrid(w.GridBox):
    """Weekdays across, parts of the day down: ``value`` is the set of
    ``(weekday, part)`` cells ticked, as a sorted tuple. In the page the grid is
    one Tab stop whose cells the arrow keys move between (``page.py``)."""

    value = Tuple()

    def __init__(self) -> None:
        self.days = [w.HTML() for _ in WEEKDAYS]
        self.parts = [w.HTML() for _ in PARTS]
        self.cells: dict[tuple[str, str], w.Checkbox] = {}
        children: list[w.Widget] = [w.HTML(), *self.days]
        for p, part in enumerate(PARTS):
            children.append(self.parts[p])
            for day in WEEKDAYS:
                box = w.Checkbox(indent=False, layout=w.Layout(width="auto"))
                box.add_class("bb-cell")
                box.observe(lambda _: self._ticked(), names="value")
                self.cells[(day, part)] = box
                children.append(box)
        super().__init__(
            children,
            layout=w.Layout(grid_template_columns="auto repeat(7, 3em)", grid_gap="2px 4px"),
        )
        self.add_class("bb-week")
        self._quiet = False

    def label(self, day_names: Sequence[str], part_names: Sequence[str]) -> None:
        """Headers and each cell's accessible name ("mandag formiddag")."""
        for widget, name in zip(self.days, day_names, strict=True):
            widget.value = f"<b aria-hidden='true'>{name[:3]}</b>"
        for widget, name in zip(self.parts, part_names, strict=True):
            widget.value = f"<span aria-hidden='true'>{name}</span>"
        for (day, part), box in self.cells.items():
            box.description = f"{day_names[WEEKDAYS.index(day)]} {part_names[PARTS.index(part)]}"

    def _ticked(self) -> None:
        if not self._quiet:
            self.value = tuple(sorted(cell for cell, box in self.cells.items() if box.value))

    @observe("value")
    def _tick(self, change: Any) -> None:
        self._quiet = True
        try:
            for cell, box in self.cells.items():
                box.value = cell in change["new"]
        finally:
            self._quiet = False
