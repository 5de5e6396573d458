"""Small widget helpers shared by the views."""

from __future__ import annotations

import html
import io
from typing import Any

import ipywidgets as w
import pandas as pd

from ...words.app import text

__all__ = ["figure_png", "frame_html", "message", "set_options"]


def frame_html(frame: pd.DataFrame, max_rows: int = 200, lang: str = "da") -> str:
    """A plain, readable HTML table of ``frame`` (first ``max_rows`` rows)."""
    shown = frame.head(max_rows)
    body = shown.to_html(index=False, na_rep="", escape=True, border=0, classes="bb-table")
    more = len(frame) - len(shown)
    if more > 0:
        body += f"<p class='bb-more'>{html.escape(text('more_rows', lang, more=more))}</p>"
    return f"<div class='bb-scroll'>{body}</div>"


def set_options(widget: Any, options: Any) -> None:
    """New option labels for a selection widget, keeping what is selected.

    Setting ``options`` selects the first option; the value is put back, and
    a value that is no longer an option falls back to the first (or none).
    Callers guard their own observers while this runs.
    """
    value = widget.value
    widget.options = options
    values = [o[1] if isinstance(o, tuple) else o for o in widget.options]
    if isinstance(value, tuple):
        widget.value = tuple(v for v in value if v in values)
    elif value in values:
        widget.value = value


def message(text: str, kind: str = "info") -> str:
    """HTML for a message box: ``info``, ``warn`` or ``error``."""
    return f"<div class='bb-msg bb-{kind}'>{html.escape(text)}</div>"


def figure_png(fig: Any) -> bytes:
    """PNG bytes of a matplotlib figure (closed afterwards)."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


STYLE = w.HTML(
    """<style>
.bb-scroll { max-height: 420px; overflow: auto; }
.bb-table { border-collapse: collapse; font-size: 13px; }
.bb-table th, .bb-table td { padding: 3px 8px; border-bottom: 1px solid #ddd; text-align: left; }
.bb-table th { position: sticky; top: 0; background: #f4f6f8; }
.bb-msg { padding: 8px 12px; border-radius: 4px; margin: 6px 0; white-space: pre-wrap; }
.bb-info { background: #eef5fb; }
.bb-warn { background: #fff6e0; }
.bb-error { background: #fdecea; }
.bb-card { border: 1px solid #ccd; border-radius: 6px; padding: 8px 12px; margin: 6px 0; }
.bb-label { font-size: 11px; font-weight: 600; color: #222; white-space: nowrap;
  text-shadow: 0 0 3px white; }
.bb-card h4 { margin: 0 0 4px 0; } .bb-good { color: #1b5e20; } .bb-less { color: #8a4b00; }
</style>"""
)
