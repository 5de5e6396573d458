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
.bb-card h3 { margin: 0 0 4px 0; font-size: 1em; }
.bb-good { color: #1b5e20; } .bb-less { color: #8a4b00; }
.jupyter-widgets :focus-visible, .bb-print:focus-visible, .bb-booking a:focus-visible {
  outline: 3px solid #1a5fb4 !important; outline-offset: 2px; }
.jupyter-widgets input:focus, .jupyter-widgets select:focus, .jupyter-widgets textarea:focus {
  outline: 3px solid #1a5fb4 !important; outline-offset: 1px; }
.jupyter-widgets.widget-tab > .lm-TabBar .lm-TabBar-tab:not(.lm-mod-current) { color: #333; }
.bb-discharge .widget-button { flex-shrink: 0; }
.bb-address-row { flex-flow: row wrap; gap: 4px 0; }
.bb-address-row > .widget-text { flex: 1 1 16em; min-width: 0; width: auto !important; }
.bb-address-row > .widget-text input { min-width: 8em; }
.bb-discharge { display: flex; flex-flow: row wrap; gap: 16px; align-items: flex-start; }
.bb-form-column { flex: 1 1 420px; min-width: 300px; max-width: 560px; }
.bb-results-column { flex: 1 1 420px; min-width: 300px; }
.bb-results-column .leaflet-container { width: 100%; }
.bb-start { flex-flow: row wrap; }
.bb-start .widget-combobox { width: auto !important; min-width: 16em; }
.bb-start .widget-combobox input { min-width: 9em; }
.bb-section { border-top: 1px solid #ccd; padding: 2px 0 6px 0; }
.bb-fold { background: transparent !important; font-weight: 600; font-size: 14px;
  text-align: left; padding-left: 0 !important; color: #1c2a3a; }
.bb-section-body { padding-left: 12px; }
.bb-group-title { font-size: 13px; color: #333; margin-right: 8px; }
.bb-choices { flex-flow: row wrap; align-items: baseline; }
.bb-week .widget-html, .bb-week .widget-checkbox { margin: 0; }
.bb-cell .widget-label-basic > span, .bb-cell label > span { position: absolute; width: 1px;
  height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.bb-cell input { width: 20px; height: 20px; margin: 4px; }
.bb-hint { font-size: 12px; color: #444; }
.bb-ladder { margin: 4px 0; }
.bb-stale { color: #6b3a00; background: #fff6e0; padding: 2px 6px; border-radius: 4px;
  margin: 4px 0; }
.bb-figures { border-collapse: collapse; margin: 6px 0; }
.bb-figures th { text-align: left; font-weight: 600; padding: 2px 1.5em 2px 0; }
.bb-figures td { text-align: right; padding: 2px 0; }
.bb-ladder ol { margin: 2px 0 2px 1.4em; padding: 0; }
.bb-field-error { color: #a51d2d; background: #fdecea; padding: 4px 8px; border-radius: 4px;
  margin: 2px 0 6px 0; white-space: pre-wrap; }
.bb-field-ok { color: #1b5e20; font-size: 13px; margin: 2px 0 6px 0; }
.bb-number { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 50%;
  background: #1a5fb4; color: white; font-weight: 700; }
.bb-kind { font-size: 12px; color: #444; text-transform: uppercase; letter-spacing: .03em; }
.bb-when { display: inline-block; min-width: 18em; padding: 4px 8px 0 0; }
.leaflet-div-icon { background: transparent; border: none; }
.bb-marker { display: block; width: 22px; height: 22px; background: #1a5fb4; color: white;
  border: 2px solid #fff; border-radius: 50%;
  text-align: center; font-weight: 700; line-height: 22px; box-shadow: 0 0 3px #333; }
.bb-handout { width: 100%; max-width: 820px; height: 900px; border: 1px solid #ccc;
  background: white; }
.bb-booking .bb-print { margin: 4px 8px 4px 0; padding: 4px 12px; font-size: 13px;
  background: #1a5fb4; color: white; border: none; border-radius: 2px; cursor: pointer; }
.bb-table caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
.bb-table th.bb-num, .bb-table td.bb-num { text-align: right; font-variant-numeric: tabular-nums; }
.bb-people .bb-table th { padding: 0; vertical-align: bottom; }
.bb-sort { all: unset; box-sizing: border-box; display: block; width: 100%; padding: 3px 8px;
  cursor: pointer; font-weight: 600; color: #1c2a3a; }
.bb-sort:hover { background: #e3e9f0; }
.bb-sort:focus-visible, .bb-page:focus-visible, .bb-export:focus-visible,
.bb-scroll:focus-visible { outline: 3px solid #1a5fb4; outline-offset: -3px; }
.bb-arrow { color: #555; font-size: 11px; }
.bb-legend { font-size: 12px; color: #333; margin: 4px 0; }
.bb-table-tools { display: flex; flex-flow: row wrap; gap: 8px; align-items: center;
  margin: 6px 0; }
.bb-pager { display: inline-flex; gap: 8px; align-items: center; }
.bb-count { font-size: 13px; color: #333; }
.bb-page, .bb-export { padding: 4px 12px; font-size: 13px; border: 1px solid #8a99aa;
  border-radius: 2px; background: #f4f6f8; color: #1c2a3a; cursor: pointer; }
.bb-page[disabled] { color: #777; cursor: default; }
.bb-chart { margin: 4px 0; max-width: 100%; } .bb-chart img { max-width: 100%; height: auto; }
.bb-progress { font-size: 13px; color: #1c2a3a; padding: 0 8px; }
.bb-charts { display: flex; flex-flow: row wrap; gap: 8px; }
.bb-charts .bb-chart { flex: 1 1 420px; }
.bb-people .bb-table td { white-space: nowrap; }
.bb-people .bb-table td.bb-wide { white-space: normal; min-width: 22em; }
.bb-people .bb-table tr.bb-above td { border-bottom: none; }
.bb-people .bb-table tr.bb-below td { white-space: normal; padding-top: 0; color: #333; }
.bb-people .bb-table tr.bb-below td > div { position: sticky; left: 8px;
  max-width: calc(100vw - 96px); }
.bb-below-label { font-weight: 600; }
.bb-label .bb-share { font-weight: 400; }
</style>"""
)
