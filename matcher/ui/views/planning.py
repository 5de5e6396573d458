"""The planner's view: the waiting list, "plan all", the plan and its charts."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import pandas as pd

from ...match.explain import reason_in
from ...words.app import code_text, column_text, date_cells, frame_in, text
from ..state import DataState, PlanningState
from .common import figure_png, frame_html, message, set_options

_WAITING_COLUMNS = [
    "patient_id",
    "discharge_date",
    "diagnoses",
    "modes",
    "max_travel_min",
    "group_tolerance",
    "languages",
]
_SORT_COLUMNS = ("patient_id", "status", "kind", "wait_days", "travel_min", "cost")
_STATUSES = ("placed", "unplaced", "escalated")
#: The coded columns of the tables, and the family of their codes in ``i18n``.
_PLAN_CODES = {"status": "status", "kind": "kind", "travel_mode": "mode"}
_WAITING_CODES = {"diagnoses": "diag", "modes": "mode", "group_tolerance": "tol"}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and len(out) and isinstance(out[column].iloc[0], tuple):
            out[column] = [", ".join(v) for v in out[column]]
    return out


def _reasons_in(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` with the files' English ``reason`` cells in the page's language."""
    if "reason" not in frame.columns:
        return frame
    shown = frame.copy()
    shown["reason"] = [r if not isinstance(r, str) else reason_in(r, lang) for r in frame["reason"]]
    return shown


def waits_figure(plan: pd.DataFrame, guarantee_days: int, lang: str) -> Any:
    """Histogram of waiting days of placed patients with the guarantee marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    placed = plan.loc[plan["status"] == "placed", "wait_days"].astype(float)
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.hist(
        placed,
        bins=range(0, int(max(placed.max() if len(placed) else 0, guarantee_days)) + 8, 7),
        color="#4a7fb5",
        edgecolor="white",
    )
    ax.axvline(guarantee_days, color="#c0392b", linestyle="--")
    ax.set_xlabel(text("chart_wait_days", lang))
    ax.set_ylabel(text("chart_patients", lang))
    ax.set_title(text("waits", lang))
    return fig


def capacity_figure(
    plan: pd.DataFrame, sessions: pd.DataFrame, offers: pd.DataFrame, lang: str
) -> Any:
    """Places used against places offered, per kind of offer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kind_of = offers.set_index("offer_id")["kind"]
    offered = sessions.groupby(sessions["offer_id"].map(kind_of))["capacity"].sum()
    used = plan.loc[plan["status"] == "placed"].groupby("kind").size()
    kinds = [
        k for k in ("exit_team", "network_group", "association", "home_visit") if k in offered.index
    ]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    xs = range(len(kinds))
    ax.bar(
        [x - 0.2 for x in xs],
        [offered.get(k, 0) for k in kinds],
        width=0.4,
        label=text("chart_places", lang),
        color="#bcd",
    )
    ax.bar(
        [x + 0.2 for x in xs],
        [used.get(k, 0) for k in kinds],
        width=0.4,
        label=text("chart_used", lang),
        color="#4a7fb5",
    )
    ax.set_xticks(list(xs), [code_text("kind", k, lang) for k in kinds])
    ax.legend()
    return fig


class PlanningView(w.VBox):
    """Waiting list, plan all (with progress and stop), the plan table and charts."""

    guarantee_days = 28

    def __init__(self, data: DataState, state: PlanningState) -> None:
        self.data = data
        self.state = state
        self._relabelling = False
        self.waiting = w.HTML()
        self.run_button = w.Button(button_style="primary")
        self.stop_button = w.Button(button_style="warning", disabled=True)
        self.bar = w.FloatProgress(
            min=0.0, max=1.0, layout=w.Layout(width="300px", visibility="hidden")
        )
        self.status = w.HTML()
        self.sort = w.Dropdown(options=_SORT_COLUMNS, value="patient_id")
        self.show = w.Dropdown(options=[("", ""), *[(s, s) for s in _STATUSES]], value="")
        self.table = w.HTML()
        self.waits = w.Image(format="png", layout=w.Layout(max_width="48%"))
        self.capacity = w.Image(format="png", layout=w.Layout(max_width="48%"))
        self.weeks = w.BoundedIntText(value=12, min=1, max=52)
        self.guarantee = w.BoundedIntText(value=28, min=1, max=365)
        self.budgets = w.Text(value="0,40,80")
        self.schedule_button = w.Button(button_style="primary")
        self.schedule_button.on_click(self._schedule)
        self.schedule_status = w.HTML()
        self.schedule_waits = w.Image(format="png", layout=w.Layout(max_width="48%"))
        self.team_weeks = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.tradeoff_table = w.HTML()
        self.tradeoff_plot = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.breaches = w.HTML()
        self.headings = {
            key: w.HTML()
            for key in ("waiting_list", "plan_table", "schedule_run", "capacity_demand", "waits")
        }
        self.headings["tradeoff"] = w.HTML()
        self.run_button.on_click(lambda _: self.state.run())
        self.stop_button.on_click(lambda _: self.state.stop())
        self.sort.observe(self._render_table, names="value")
        self.show.observe(self._render_table, names="value")
        state.observe(self._progress, names=["running", "stage", "progress"])
        state.observe(self._render_result, names=["result", "error", "stopped"])
        state.observe(self._render_schedule, names=["schedule", "error"])
        data.observe(self._render_waiting, names="version")
        data.observe(self._relabel, names="lang")
        heading = self.headings
        super().__init__(
            [
                heading["waiting_list"],
                self.waiting,
                w.HBox([self.run_button, self.stop_button, self.bar]),
                self.status,
                heading["plan_table"],
                w.HBox([self.sort, self.show]),
                self.table,
                w.HBox([self.waits, self.capacity]),
                heading["schedule_run"],
                w.HBox([self.weeks, self.guarantee, self.budgets, self.schedule_button]),
                self.schedule_status,
                heading["capacity_demand"],
                self.team_weeks,
                heading["waits"],
                self.schedule_waits,
                self.breaches,
                heading["tradeoff"],
                self.tradeoff_table,
                self.tradeoff_plot,
            ]
        )
        self._relabel()

    def _relabel(self, _: Any = None) -> None:
        """Every label, heading, table and chart in the current language."""
        lang = self.data.lang
        for key, widget in self.headings.items():
            level = "h3" if key in ("waiting_list", "plan_table", "schedule_run") else "h4"
            widget.value = f"<{level}>{text(key, lang)}</{level}>"
        self.run_button.description = text("plan_all", lang)
        self.stop_button.description = text("plan_stop", lang)
        self.sort.description = text("sort_by", lang)
        self.show.description = text("filter_status", lang)
        self.weeks.description = text("weeks", lang)
        self.guarantee.description = text("guarantee_days", lang)
        self.budgets.description = text("budgets", lang)
        self.schedule_button.description = text("schedule_run", lang)
        self._relabelling = True
        try:
            set_options(self.sort, [(column_text(c, lang), c) for c in _SORT_COLUMNS])
            set_options(
                self.show,
                [(text("all", lang), ""), *[(code_text("status", s, lang), s) for s in _STATUSES]],
            )
        finally:
            self._relabelling = False
        self._render_waiting()
        self._render_result()
        self._render_schedule()
        self._progress()

    def _schedule(self, _: Any = None) -> None:
        try:
            budgets = tuple(
                float(b) for b in self.budgets.value.replace(";", ",").split(",") if b.strip()
            )
        except ValueError:
            self.schedule_status.value = message(
                text(
                    "error",
                    self.data.lang,
                    message=text("budgets_example", self.data.lang, value=self.budgets.value),
                ),
                "error",
            )
            return
        self.state.run_schedule(self.weeks.value, budgets or (0.0,), self.guarantee.value)

    def _render_schedule(self, _: Any = None) -> None:
        from ...planning.report import capacity_plot, tradeoff_plot

        lang = self.data.lang
        found = self.state.schedule
        if found is None:
            for image in (self.schedule_waits, self.team_weeks, self.tradeoff_plot):
                image.value = b""
            self.schedule_status.value = self.tradeoff_table.value = self.breaches.value = ""
            return
        figures = found.figures
        self.schedule_status.value = message(
            text(
                "schedule_done",
                lang,
                placed=figures["placed"],
                patients=figures["patients"],
                breaches=figures["breaches"],
                weeks=figures["weeks"],
                days=figures["guarantee_days"],
                seconds=figures["seconds"],
            )
        )
        self.team_weeks.value = figure_png(capacity_plot(found.weekly, found.horizon, lang=lang))
        self.schedule_waits.value = figure_png(
            waits_figure(found.assignments, int(figures["guarantee_days"]), lang)
        )
        self.breaches.value = (
            frame_html(
                frame_in(_reasons_in(found.breaches, lang), lang, {"status": "status"}), 50, lang
            )
            if len(found.breaches)
            else ""
        )
        if len(found.tradeoff) > 1:
            # the status in plain words replaces the file's English status_note
            shown = found.tradeoff.drop(columns=["status_note"], errors="ignore")
            self.tradeoff_table.value = frame_html(
                frame_in(shown, lang, {"status": "solver"}), lang=lang
            )
            self.tradeoff_plot.value = figure_png(
                tradeoff_plot(found.tradeoff, found.horizon, lang=lang)
            )
        else:
            self.tradeoff_table.value = message(text("no_candidates", lang))
            self.tradeoff_plot.value = b""

    def _render_waiting(self, _: Any = None) -> None:
        ds = self.data.dataset
        if ds is None:
            self.waiting.value = ""
            return
        lang = self.data.lang
        frame = ds.patients[_WAITING_COLUMNS].copy()
        frame["discharge_date"] = date_cells(frame["discharge_date"], lang)
        shown = frame_in(frame.sort_values("discharge_date"), lang, _WAITING_CODES)
        self.waiting.value = frame_html(_plain(shown), max_rows=50, lang=lang)

    def _progress(self, _: Any = None) -> None:
        running = self.state.running
        self.run_button.disabled = running
        self.schedule_button.disabled = running
        self.stop_button.disabled = not running
        self.bar.layout.visibility = "visible" if running else "hidden"
        self.bar.value = self.state.progress
        if running:
            self.status.value = message(
                text(
                    "plan_running",
                    self.data.lang,
                    stage=code_text("stage", self.state.stage, self.data.lang) or "...",
                )
            )

    def _render_result(self, _: Any = None) -> None:
        lang = self.data.lang
        result = self.state.result
        if self.state.error:
            self.status.value = message(text("error", lang, message=self.state.error), "error")
        elif self.state.stopped:
            self.status.value = message(text("plan_stopped", lang), "warn")
        elif result is not None:
            summary = result.summary()
            lines = [
                text(
                    "plan_done",
                    lang,
                    placed=summary["placed"],
                    patients=summary["patients"],
                    status=code_text("solver", summary["status"], lang),
                    seconds=summary["seconds"],
                )
            ]
            if "baseline_greedy" in summary:
                lines.append(
                    text("plan_baseline", lang, placed=summary["baseline_greedy"]["placed"])
                )
            self.status.value = message("\n".join(lines))
            ds = self.data.dataset
            self.waits.value = figure_png(
                waits_figure(result.assignments, self.guarantee_days, lang)
            )
            self.capacity.value = figure_png(
                capacity_figure(result.assignments, ds.sessions, ds.offers, lang)
            )
        else:
            self.status.value = ""
        self._render_table()

    def _render_table(self, _: Any = None) -> None:
        if self._relabelling:
            return
        result = self.state.result
        if result is None:
            self.table.value = ""
            return
        frame = result.assignments
        if self.show.value:
            frame = frame[frame["status"] == self.show.value]
        frame = frame.sort_values(self.sort.value, kind="stable", na_position="last")
        shown = frame.copy()
        lang = self.data.lang
        shown["start_date"] = date_cells(shown["start_date"], lang)
        shown = _reasons_in(shown, lang)
        self.table.value = frame_html(frame_in(shown, lang, _PLAN_CODES), lang=lang)
