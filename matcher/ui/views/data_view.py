"""The data view: load a dataset from a path or uploaded files."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..i18n import text
from ..state import DataState
from .common import message


class DataView(w.VBox):
    """Path box, upload, and the loader's messages in the page."""

    def __init__(self, state: DataState) -> None:
        self.state = state
        self.path = w.Text(value=state.path, layout=w.Layout(width="60%"))
        self.load_button = w.Button(button_style="primary")
        self.upload = w.FileUpload(accept=".csv,.geojson", multiple=True)
        self.status = w.HTML()
        self.load_button.on_click(self._load)
        self.upload.observe(self._uploaded, names="value")
        state.observe(self._render, names=["version", "problems"])
        state.observe(self._relabel, names="lang")
        super().__init__([w.HBox([self.path, self.load_button]), self.upload, self.status])
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        lang = self.state.lang
        self.path.description = text("data_path", lang)
        self.load_button.description = text("data_load", lang)
        self.upload.description = text("data_upload", lang)
        self._render()

    def _load(self, _: Any = None) -> None:
        self.state.load(self.path.value.strip())

    def _uploaded(self, change: Any) -> None:
        files = {item["name"]: bytes(item["content"]) for item in change["new"]}
        if files:
            self.state.load_files(files)

    def _render(self, _: Any = None) -> None:
        lang = self.state.lang
        parts = []
        if self.state.problems:
            head = text("data_problems", lang, count=len(self.state.problems))
            parts.append(message(head + "\n" + "\n".join(self.state.problems[:100]), "error"))
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
