"""The planning tab's pathways: how far each person's ladder goes over the weeks.

One button plans every person's steps (``PathwayState``); the figures say how
many reached a lasting step (a club or network group), how many have steps but
no lasting one in the weeks planned, how many have none, the days between
steps, who got company to a first meeting, and how sure the plan is in plain
words; the table lists each person's steps by name and date.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd

from ...words.app import code_text, text
from ...words.formats import decimal
from ..pathways import PathwayState
from ..state import DataState
from .common import message
from .table import Column, PeopleTable, computed_caption

__all__ = ["PathwayView", "figures_html"]


def figures_html(figures: dict[str, Any], lang: str) -> str:
    """The plan's figures as a two-column table of words and numbers."""
    gap = figures["mean_gap_days"]
    if figures["status"] == "OPTIMAL":
        sure = text("pw_proven", lang)
    elif figures["status"] == "FEASIBLE":
        sure = text("pw_gap", lang, gap=decimal(100 * figures["gap"], lang, "0.00"))
    else:
        sure = text("pw_none_found", lang)
    rows = [
        ("pw_people", str(figures["patients"])),
        ("pw_complete", str(figures["complete"])),
        ("pw_no_lasting", str(figures["with_step"] - figures["complete"])),
        ("pw_none", str(figures["none"])),
        ("pw_two_steps", str(sum(n for k, n in figures["steps"].items() if int(k) >= 2))),
        ("pw_mean_gap", "–" if gap is None else decimal(gap, lang)),
        ("pw_company", f"{figures['accompanied']} / {figures['needs_company']}"),
        ("pw_sure", sure),
    ]
    body = "".join(
        f"<tr><th scope='row'>{html.escape(text(key, lang))}</th><td>{html.escape(value)}</td></tr>"
        for key, value in rows
    )
    return f"<table class='bb-figures'>{body}</table>"


class PathwayView(w.VBox):
    """Weeks, "plan pathways", the figures and the steps of each person."""

    def __init__(self, data: DataState, state: PathwayState) -> None:
        self.data, self.state = data, state
        self.heading = w.HTML()
        self.hint = w.HTML()
        self.weeks = w.BoundedIntText(
            value=12, min=1, max=104, style={"description_width": "initial"}
        )
        self.button = w.Button(button_style="primary")
        self.status = w.HTML()
        self.figures = w.HTML()
        self.table = PeopleTable(page_size=50)
        self.button.on_click(lambda _: self.state.run(self.weeks.value))
        state.observe(self._render, names=["busy", "result", "error"])
        data.observe(self._relabel, names="lang")
        super().__init__(
            [
                self.heading,
                self.hint,
                w.HBox(
                    [self.weeks, self.button, self.status], layout=w.Layout(flex_flow="row wrap")
                ),
                self.figures,
                self.table,
            ]
        )
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        lang = self.data.lang
        self.heading.value = f"<h3>{html.escape(text('pw_heading', lang))}</h3>"
        self.hint.value = f"<div class='bb-hint'>{html.escape(text('pw_hint', lang))}</div>"
        self.weeks.description = text("pw_weeks", lang)
        self.button.description = text("pw_run", lang)
        self.table.stem = text("pw_file", lang)
        self._render()

    def _render(self, _: Any = None) -> None:
        lang, state = self.data.lang, self.state
        self.button.disabled = state.busy or self.data.dataset is None
        if state.busy:
            said = html.escape(text("working", lang))
            self.status.value = f"<span class='bb-progress' role='status'>{said}</span>"
        elif state.error:
            self.status.value = message(text("error", lang, message=state.error), "error")
        else:
            self.status.value = ""
        found = state.result
        if found is None:
            self.figures.value = ""
            self.table.clear()
            return
        self.figures.value = figures_html(found.summary(), lang)
        frame, columns = steps_table(found.table, lang)
        caption = computed_caption(text("pw_caption", lang), state.computed, lang)
        self.table.show(frame, columns, lang=lang, caption=caption)


def steps_table(table: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column]]:
    """PATHWAYS.csv's steps for people: kinds in words, dates as dates."""
    frame = table[table["step"].notna()].copy()
    frame["kind"] = [code_text("kind", k, lang) for k in frame["kind"]]
    for column in ("start_date", "last_date"):
        frame[column] = pd.to_datetime(frame[column].replace("", None)).dt.date
    frame["companion_id"] = frame["companion_id"].fillna("")
    columns = [
        Column("patient_id", text("col_patient_id", lang)),
        Column("step", text("col_step", lang), "count"),
        Column("kind", text("col_kind", lang)),
        Column("offer_name", text("col_offer_name", lang), wide=True),
        Column("start_date", text("col_start_date", lang), "date"),
        Column("last_date", text("col_last_date", lang), "date", missing="–"),
        Column("gap_days", text("col_gap_days", lang), "count", missing="–"),
        Column("companion_id", text("col_companion", lang)),
    ]
    return frame, columns
