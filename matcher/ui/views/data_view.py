"""The data view: load a dataset from a path or uploaded files.

The folder box loads only folders under the app's data roots (``DataState.roots``)
and says so next to the box when it refuses one. Next to the upload control
the page says how much one upload may weigh (``launch.UPLOAD_LIMIT_MB``): a
larger upload is never sent, and the page's upload guard (``launch.UPLOAD_GUARD``,
reading the limit and the words from the note here) shows why in its place.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ...words.app import text
from ...words.problems import problems_text
from ..launch import UPLOAD_LIMIT_BYTES, UPLOAD_LIMIT_MB
from ..state import DataState
from .common import message


class DataView(w.VBox):
    """Path box, upload, and the loader's messages in the page."""

    def __init__(self, state: DataState) -> None:
        self.state = state
        self.path = w.Text(value=state.path, layout=w.Layout(width="60%"))
        self.load_button = w.Button(button_style="primary")
        #: Under the box: the folders it may load, or why it refused one.
        self.path_note = w.HTML()
        self.upload = w.FileUpload(
            accept=".csv,.geojson", multiple=True, layout=w.Layout(width="auto")
        )
        #: Next to the upload control: the limit; the page fills its refusal box.
        self.upload_note = w.HTML()
        self.status = w.HTML()
        self.load_button.on_click(self._load)
        self.upload.observe(self._uploaded, names="value")
        state.observe(self._render, names=["version", "problems"])
        state.observe(self._render_path, names="refused")
        state.observe(self._relabel, names="lang")
        super().__init__(
            [
                w.HBox([self.path, self.load_button]),
                self.path_note,
                w.HBox([self.upload, self.upload_note], layout=w.Layout(align_items="center")),
                self.status,
            ]
        )
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        lang = self.state.lang
        self.path.description = text("data_path", lang)
        self.load_button.description = text("data_load", lang)
        self.upload.description = text("data_upload", lang)
        too_big = text("data_upload_too_big", lang, mb=UPLOAD_LIMIT_MB, size="{size}")
        self.upload_note.value = (
            f"<div class='bb-upload-limit' data-limit='{UPLOAD_LIMIT_BYTES}' "
            f"data-too-big='{html.escape(too_big, quote=True)}'>"
            f"{html.escape(text('data_upload_limit', lang, mb=UPLOAD_LIMIT_MB))}</div>"
            "<div class='bb-msg bb-error bb-upload-refused' hidden></div>"
        )
        self._render_path()
        self._render()

    def _roots(self) -> str:
        return ", ".join(str(root) for root in self.state.roots or ())

    def _render_path(self, _: Any = None) -> None:
        lang = self.state.lang
        if self.state.refused:
            key = "data_outside_roots" if self.state.roots else "data_no_roots"
            note = message(text(key, lang, path=self.state.refused, roots=self._roots()), "error")
        elif self.state.roots is not None:
            key = "data_roots" if self.state.roots else "data_no_roots_note"
            note = f"<small>{html.escape(text(key, lang, roots=self._roots()))}</small>"
        else:
            note = ""
        self.path_note.value = note

    def _load(self, _: Any = None) -> None:
        self.state.open(self.path.value.strip())

    def _uploaded(self, change: Any) -> None:
        files = {item["name"]: bytes(item["content"]) for item in change["new"]}
        if files:
            self.state.load_files(files)

    def _render(self, _: Any = None) -> None:
        lang = self.state.lang
        parts = []
        if self.state.problems:
            head = text("data_problems", lang, count=len(self.state.problems))
            lines = problems_text(self.state.found[:100], lang) or self.state.problems[:100]
            parts.append(message(head + "\n" + "\n".join(lines), "error"))
        ds = self.state.dataset
        if ds is None:
            parts.append(message(text("data_none", lang)))
        else:
            counts = ds.summary()
            parts.append(message(text("data_loaded", lang, **counts)))
            if self.state.warnings:
                parts.append(
                    message(
                        text("data_warnings", lang) + ":\n" + "\n".join(self.state.warnings[:20]),
                        "warn",
                    )
                )
        self.status.value = "".join(parts)
