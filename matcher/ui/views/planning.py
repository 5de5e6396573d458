"""The planner's view: the waiting list, "plan all", the plan and its charts.

Every table is a ``PeopleTable`` for people: offers and sessions by their
name and day and time (never their ids), statuses and reasons in the page's
language, numbers in its signs and a "–" with a legend where a row has no
value. The solver's verdict reads as "bedste plan fundet", "beholdt", ...
with a line saying what it means. Charts are images with alt text, shown
only once there is a chart; each result says when it was computed, and the
progress of a task shows next to the button that started it.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import ipywidgets as w
import pandas as pd

from ...words.app import code_text, text
from ...words.formats import decimal
from ..pathways import PathwayState
from ..state import DataState, PlanningState
from .common import figure_png, message, set_options
from .pathway_view import PathwayView
from .plan_tables import breaches_table, plan_table, tradeoff_table, waiting_table
from .table import PeopleTable, computed_caption

__all__ = ["PlanningView", "capacity_figure", "chart_html", "waits_figure"]

_STATUSES = ("placed", "unplaced", "escalated")
#: The plan's columns shown even when every shown row is empty there.
_ALWAYS = ("patient_id", "status")


def chart_html(png: bytes, alt: str) -> str:
    """A chart as an image with ``alt`` text (nothing without a chart, so no
    empty image shows before one exists)."""
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        f"<figure class='bb-chart'><img src='data:image/png;base64,{data}' "
        f"alt='{html.escape(alt, quote=True)}'></figure>"
    )


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


def _waits_alt(plan: pd.DataFrame, guarantee_days: int, lang: str) -> str:
    placed = plan.loc[plan["status"] == "placed", "wait_days"].astype(float)
    within = int((placed <= guarantee_days).sum())
    return text("alt_waits", lang, n=len(placed), days=guarantee_days, within=within)


def _capacity(
    plan: pd.DataFrame, sessions: pd.DataFrame, offers: pd.DataFrame
) -> tuple[list[str], pd.Series, pd.Series]:
    kind_of = offers.set_index("offer_id")["kind"]
    offered = sessions.groupby(sessions["offer_id"].map(kind_of))["capacity"].sum()
    used = plan.loc[plan["status"] == "placed"].groupby("kind").size()
    kinds = [
        k for k in ("exit_team", "network_group", "association", "home_visit") if k in offered.index
    ]
    return kinds, offered, used


def capacity_figure(
    plan: pd.DataFrame, sessions: pd.DataFrame, offers: pd.DataFrame, lang: str
) -> Any:
    """Places used against places offered, per kind of offer."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds, offered, used = _capacity(plan, sessions, offers)
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
    ax.set_xticks(list(xs), [code_text("kind", k, lang) for k in kinds], rotation=15, ha="right")
    ax.tick_params(axis="x", labelsize=9)
    ax.set_ylabel(text("chart_places", lang))
    ax.legend()
    return fig


def _capacity_alt(
    plan: pd.DataFrame, sessions: pd.DataFrame, offers: pd.DataFrame, lang: str
) -> str:
    kinds, offered, used = _capacity(plan, sessions, offers)
    parts = [
        text(
            "alt_capacity_part",
            lang,
            kind=code_text("kind", k, lang),
            used=int(used.get(k, 0)),
            places=int(offered.get(k, 0)),
        )
        for k in kinds
    ]
    return text("alt_capacity", lang, parts="; ".join(parts))


# -- the view -------------------------------------------------------------------
def _chart_box() -> w.HTML:
    return w.HTML(layout=w.Layout(flex="1 1 420px", max_width="100%"))


def _busy_row(*widgets: w.Widget) -> w.HBox:
    box = w.HBox(list(widgets), layout=w.Layout(align_items="center", flex_flow="row wrap"))
    return box


class PlanningView(w.VBox):
    """Waiting list, plan all (with progress and stop), the plan table and charts."""

    guarantee_days = 28

    def __init__(
        self, data: DataState, state: PlanningState, *, pathways: PathwayState | None = None
    ) -> None:
        self.data = data
        self.state = state
        self._relabelling = False
        #: The task a button started last ("plan" or "schedule"): its row shows errors.
        self._started = "plan"
        self.waiting = PeopleTable(page_size=50)
        self.run_button = w.Button(button_style="primary")
        self.stop_button = w.Button(icon="stop", disabled=True)
        self.bar = w.FloatProgress(
            min=0.0, max=1.0, layout=w.Layout(width="200px", visibility="hidden")
        )
        self.progress = w.HTML()
        self.status = w.HTML()
        self.show = w.Dropdown(options=[("", ""), *[(s, s) for s in _STATUSES]], value="")
        self.table = PeopleTable()
        self.waits = _chart_box()
        self.capacity = _chart_box()
        wide = {"description_width": "initial"}
        self.weeks = w.BoundedIntText(value=12, min=1, max=52, style=wide)
        self.guarantee = w.BoundedIntText(value=28, min=1, max=365, style=wide)
        self.budgets = w.Text(value="0,40,80", style=wide)
        self.schedule_button = w.Button(button_style="primary")
        self.schedule_stop = w.Button(icon="stop", disabled=True)
        self.schedule_bar = w.FloatProgress(
            min=0.0, max=1.0, layout=w.Layout(width="200px", visibility="hidden")
        )
        self.schedule_progress = w.HTML()
        self.schedule_status = w.HTML()
        self.schedule_waits = w.HTML(layout=w.Layout(max_width="100%"))
        self.team_weeks = w.HTML(layout=w.Layout(max_width="100%"))
        self.tradeoff_table = PeopleTable()
        self.tradeoff_plot = w.HTML(layout=w.Layout(max_width="100%"))
        self.breaches = PeopleTable()
        self.headings = {
            key: w.HTML()
            for key in ("waiting_list", "plan_table", "schedule_run", "capacity_demand", "waits")
        }
        self.headings["tradeoff"] = w.HTML()
        self.run_button.on_click(self._run)
        self.stop_button.on_click(lambda _: self.state.stop())
        self.schedule_button.on_click(self._schedule)
        self.schedule_stop.on_click(lambda _: self.state.stop())
        self.show.observe(self._render_table, names="value")
        state.observe(self._progress, names=["running", "stage", "progress"])
        state.runner.observe(self._progress, names=["progress", "task"])
        state.observe(self._render_result, names=["result", "error", "stopped"])
        state.observe(self._render_schedule, names=["schedule", "error", "stopped"])
        data.observe(self._render_waiting, names="version")
        data.observe(self._relabel, names="lang")
        heading = self.headings
        super().__init__(
            [
                heading["waiting_list"],
                self.waiting,
                _busy_row(self.run_button, self.stop_button, self.bar, self.progress),
                self.status,
                heading["plan_table"],
                w.HBox([self.show]),
                self.table,
                w.HBox([self.waits, self.capacity], layout=w.Layout(flex_flow="row wrap")),
                heading["schedule_run"],
                w.HBox(
                    [self.weeks, self.guarantee, self.budgets],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                _busy_row(
                    self.schedule_button,
                    self.schedule_stop,
                    self.schedule_bar,
                    self.schedule_progress,
                ),
                self.schedule_status,
                heading["capacity_demand"],
                self.team_weeks,
                heading["waits"],
                self.schedule_waits,
                self.breaches,
                heading["tradeoff"],
                self.tradeoff_table,
                self.tradeoff_plot,
                *([PathwayView(data, pathways)] if pathways is not None else []),
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
        self.stop_button.description = self.schedule_stop.description = text("plan_stop", lang)
        self.show.description = text("filter_status", lang)
        self.weeks.description = text("weeks", lang)
        self.guarantee.description = text("guarantee_days", lang)
        self.budgets.description = text("budgets", lang)
        self.schedule_button.description = text("schedule_run", lang)
        self.waiting.stem = text("file_waiting_list", lang)
        self.table.stem = text("file_plan", lang)
        self.breaches.stem = text("file_breaches", lang)
        self.tradeoff_table.stem = text("file_tradeoff", lang)
        self._relabelling = True
        try:
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

    def _run(self, _: Any = None) -> None:
        self._started = "plan"
        self.state.run()

    def _schedule(self, _: Any = None) -> None:
        lang = self.data.lang
        try:
            budgets = tuple(
                float(b) for b in self.budgets.value.replace(";", ",").split(",") if b.strip()
            )
        except ValueError:
            self.schedule_status.value = message(
                text(
                    "error", lang, message=text("budgets_example", lang, value=self.budgets.value)
                ),
                "error",
            )
            return
        self._started = "schedule"
        self.state.run_schedule(self.weeks.value, budgets or (0.0,), self.guarantee.value)

    def _progress(self, _: Any = None) -> None:
        """Busy buttons off, and the progress next to the button that started the work."""
        running = self.state.running
        task = self.state.runner.task or self._started
        for button in (self.run_button, self.schedule_button):
            button.disabled = running
        rows = {
            "plan": (self.stop_button, self.bar, self.progress),
            "schedule": (self.schedule_stop, self.schedule_bar, self.schedule_progress),
        }
        for name, (stop, bar, words) in rows.items():
            mine = running and task == name
            stop.disabled = not mine
            bar.layout.visibility = "visible" if mine else "hidden"
            bar.value = self.state.progress if mine else 0.0
            said = self.state.runner.progress or text("working", self.data.lang)
            words.value = (
                f"<span class='bb-progress' role='status'>{html.escape(said)}</span>"
                if mine
                else ""
            )

    def _render_waiting(self, _: Any = None) -> None:
        ds = self.data.dataset
        if ds is None:
            self.waiting.clear()
            return
        lang = self.data.lang
        frame, columns = waiting_table(ds.patients, lang)
        caption = text("caption_waiting", lang, n=len(frame))
        self.waiting.show(frame, columns, lang=lang, caption=caption)
        if self.waiting.sort_column is None:
            self.waiting.sort_by("discharge_date")

    def _render_result(self, _: Any = None) -> None:
        lang = self.data.lang
        result = self.state.result
        if self.state.error and self._started == "plan":
            self.status.value = message(text("error", lang, message=self.state.error), "error")
        elif self.state.stopped and self._started == "plan":
            self.status.value = message(text("plan_stopped", lang), "warn")
        elif result is not None:
            summary = result.summary()
            lines = [
                text(
                    "plan_done",
                    lang,
                    placed=summary["placed"],
                    patients=summary["patients"],
                    status=code_text("verdict", summary["status"], lang),
                    seconds=summary["seconds"],
                ),
                text(f"verdict_note_{str(summary['status']).lower()}", lang),
            ]
            if "baseline_greedy" in summary:
                lines.append(
                    text("plan_baseline", lang, placed=summary["baseline_greedy"]["placed"])
                )
            self.status.value = message("\n".join(lines))
        else:
            self.status.value = ""
        self._render_charts()
        self._render_table()

    def _render_charts(self) -> None:
        lang = self.data.lang
        result, ds = self.state.result, self.data.dataset
        if result is None or ds is None:
            self.waits.value = self.capacity.value = ""
            return
        plan = result.assignments
        self.waits.value = chart_html(
            figure_png(waits_figure(plan, self.guarantee_days, lang)),
            _waits_alt(plan, self.guarantee_days, lang),
        )
        self.capacity.value = chart_html(
            figure_png(capacity_figure(plan, ds.sessions, ds.offers, lang)),
            _capacity_alt(plan, ds.sessions, ds.offers, lang),
        )

    def _render_table(self, _: Any = None) -> None:
        if self._relabelling:
            return
        result, ds = self.state.result, self.data.dataset
        if result is None or ds is None:
            self.table.clear()
            return
        lang = self.data.lang
        plan = result.assignments
        if self.show.value:
            plan = plan[plan["status"] == self.show.value]
        frame, columns = plan_table(plan, ds, lang)
        # a column no shown row has (the offer of the unplaced, the reason of the placed) goes
        columns = [c for c in columns if c.name in _ALWAYS or frame[c.name].notna().any()]
        caption = computed_caption(
            text("caption_plan", lang), self.state.computed.get("plan"), lang
        )
        legend = [text("legend_no_place", lang)] if (plan["status"] != "placed").any() else []
        self.table.show(frame, columns, lang=lang, caption=caption, legend=legend)

    def _render_schedule(self, _: Any = None) -> None:
        from ...planning.report import capacity_plot, tradeoff_plot

        lang = self.data.lang
        found, ds = self.state.schedule, self.data.dataset
        problem = self._started == "schedule" and (self.state.error or self.state.stopped)
        if found is None or ds is None or problem:
            for chart in (self.schedule_waits, self.team_weeks, self.tradeoff_plot):
                chart.value = ""
            self.schedule_status.value = ""
            if self._started == "schedule" and self.state.error:
                self.schedule_status.value = message(
                    text("error", lang, message=self.state.error), "error"
                )
            elif self._started == "schedule" and self.state.stopped:
                self.schedule_status.value = message(text("plan_stopped", lang), "warn")
            if found is None or ds is None:
                self.breaches.clear()
                self.tradeoff_table.clear()
                return
        figures = found.figures
        weeks, days = int(figures["weeks"]), int(figures["guarantee_days"])
        at = self.state.computed.get("schedule")
        if not problem:
            done = text(
                "schedule_done",
                lang,
                placed=figures["placed"],
                patients=figures["patients"],
                breaches=figures["breaches"],
                weeks=weeks,
                days=days,
                seconds=figures["seconds"],
            )
            self.schedule_status.value = message(done)
        self.team_weeks.value = chart_html(
            figure_png(capacity_plot(found.weekly, found.horizon, lang=lang)),
            text("alt_team_weeks", lang, weeks=weeks),
        )
        self.schedule_waits.value = chart_html(
            figure_png(waits_figure(found.assignments, days, lang)),
            _waits_alt(found.assignments, days, lang),
        )
        self._render_breaches(found, ds, weeks, days)
        if len(found.tradeoff) > 1:
            frame, columns, legend = tradeoff_table(found.tradeoff, ds, lang)
            caption = computed_caption(text("caption_tradeoff", lang, weeks=weeks), at, lang)
            self.tradeoff_table.show(frame, columns, lang=lang, caption=caption, legend=legend)
            budgets = ", ".join(decimal(b, lang, "#,##0.#") for b in found.tradeoff["budget"])
            self.tradeoff_plot.value = chart_html(
                figure_png(tradeoff_plot(found.tradeoff, found.horizon, lang=lang)),
                text("alt_tradeoff", lang, budgets=budgets),
            )
        else:
            self.tradeoff_table.clear()
            self.tradeoff_plot.value = message(text("no_candidates", lang))

    def _render_breaches(self, found: Any, ds: Any, weeks: int, days: int) -> None:
        lang = self.data.lang
        if not len(found.breaches):
            self.breaches.clear()
            return
        frame, columns = breaches_table(found.breaches, ds, lang)
        legend = []
        if frame["earliest_wait"].isna().any():
            legend.append(text("legend_earliest", lang))
        if frame["offer_name"].isna().any():
            legend.append(text("legend_no_place", lang))
        caption = computed_caption(
            text("caption_breaches", lang, days=days, weeks=weeks),
            self.state.computed.get("schedule"),
            lang,
        )
        self.breaches.show(frame, columns, lang=lang, caption=caption, legend=legend)
