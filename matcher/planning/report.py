"""Reports of a schedule: breaches, the trade-off table, opened teams, plots.

Plots use matplotlib's object interface (``Figure``), never global pyplot
state, so they are safe in the app and in threads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..words.app import text
from .candidates import CandidateTeams
from .horizon import Horizon, HorizonModel
from .whatif import BudgetPlan, status_note

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "TRADEOFF_COLUMNS",
    "breaches_frame",
    "capacity_plot",
    "opened_frame",
    "tradeoff_frame",
    "tradeoff_plot",
]

#: Columns of tradeoff.csv (the contract's first, then details).
TRADEOFF_COLUMNS: tuple[str, ...] = (
    "budget",
    "opened",
    "placed",
    "priority_placed",
    "mean_wait",
    "p90_wait",
    "breaches",
    "mean_travel",
    "staff_hours",
    "late",
    "unplaced",
    "in_time",
    "opened_ids",
    "status",
    "status_note",
    "seconds",
)
#: Teams shown in the capacity plot, the busiest first.
PLOTTED_TEAMS = 40
#: The language of the plots unless asked otherwise (the CLI's PNG files).
PLOT_LANG = "en"


def breaches_frame(hm: HorizonModel, frame: pd.DataFrame, capacity: np.ndarray) -> pd.DataFrame:
    """Every patient (not escalated) who does not start within the guarantee, with why.

    ``earliest_wait`` is the shortest wait any allowed session with places
    offers the patient (-1: none), so a planner can tell "nothing starts in
    time" from "the places in time went to others".
    """
    m, g = hm.model, hm.horizon.guarantee_days
    status = frame["status"].to_numpy()
    wait = frame["wait_days"].to_numpy(dtype=float, na_value=np.nan)
    late = (status == "placed") & (wait > g)
    missing = status == "unplaced"
    rows = np.flatnonzero(late | missing)
    earliest = hm.earliest_wait(capacity)
    reasons = []
    for i in rows.tolist():
        e = int(earliest[i])
        if missing[i] and (e < 0 or str(frame["reason"].iat[i]).startswith("the home-visit")):
            reasons.append(str(frame["reason"].iat[i]))
        elif e > g:
            reasons.append(f"no suitable session starts within {g} days (the earliest after {e})")
        elif missing[i]:
            reasons.append(f"the suitable places within {g} days were all needed for others")
        else:
            reasons.append(
                f"the suitable places within {g} days were all needed for others; "
                f"placed after {int(wait[i])} days"
            )
    start = pd.to_datetime(pd.Series(frame["start_date"].to_numpy()[rows]))
    return pd.DataFrame(
        {
            "patient_id": m.patient_ids[rows],
            "discharge_date": m.p_discharge[rows].astype("datetime64[D]").astype(str),
            "status": status[rows],
            "wait_days": frame["wait_days"].to_numpy()[rows],
            "earliest_wait": earliest[rows],
            "guarantee_days": g,
            "offer_id": frame["offer_id"].to_numpy()[rows],
            "start_date": start.dt.strftime("%Y-%m-%d").fillna("").to_numpy(),
            "reason": reasons,
        }
    )


def tradeoff_frame(plans: list[BudgetPlan], teams: CandidateTeams | None) -> pd.DataFrame:
    """tradeoff.csv: one row per budget (staff hours over the horizon)."""
    ids = teams.table["candidate_id"].to_numpy() if teams is not None else np.zeros(0, object)
    rows = []
    for plan in plans:
        mt = plan.metrics
        rows.append(
            {
                "budget": plan.budget,
                "opened": len(plan.opened),
                "placed": mt.placed,
                "priority_placed": mt.priority_placed,
                "mean_wait": mt.mean_wait,
                "p90_wait": mt.p90_wait,
                "breaches": mt.breaches,
                "mean_travel": mt.mean_travel,
                "staff_hours": round(plan.hours, 2),
                "late": mt.late,
                "unplaced": mt.unplaced,
                "in_time": mt.in_time,
                "opened_ids": ";".join(str(c) for c in ids[plan.opened]),
                "status": plan.status,
                "status_note": status_note(plan.status),
                "seconds": round(plan.seconds, 2),
            }
        )
    return pd.DataFrame(rows, columns=list(TRADEOFF_COLUMNS))


def opened_frame(plans: list[BudgetPlan], teams: CandidateTeams | None) -> pd.DataFrame:
    """opened.csv: the candidates each budget opens, with cohorts and staff hours."""
    columns = ["budget", "candidate_id", "name", "cohorts", "first_cohort", "hours"]
    if teams is None:
        return pd.DataFrame(columns=columns)
    rows = [
        {"budget": plan.budget, **teams.table.iloc[c][columns[1:]].to_dict()}
        for plan in plans
        for c in plan.opened.tolist()
    ]
    return pd.DataFrame(rows, columns=columns)


def tradeoff_plot(table: pd.DataFrame, horizon: Horizon, *, lang: str = PLOT_LANG) -> Figure:
    """Placed, breaches, waits and travel against the staff-hour budget, in ``lang``."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 7), layout="constrained")
    axes = figure.subplots(2, 2, sharex=True)
    x = table["budget"].to_numpy(dtype=float)
    panels = (
        (axes[0, 0], ("placed", "priority_placed"), "plot_unit_people_priority"),
        (axes[0, 1], ("breaches", "late", "unplaced"), "plot_unit_people"),
        (axes[1, 0], ("mean_wait", "p90_wait"), "plot_unit_days"),
        (axes[1, 1], ("mean_travel",), "plot_unit_minutes"),
    )
    for ax, columns, unit in panels:
        for column in columns:
            values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
            ax.plot(x, values, marker="o", label=text(f"plot_{column}", lang))
        ax.set_ylabel(text(unit, lang))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    axes[0, 1].set_title(text("plot_not_started", lang, days=horizon.guarantee_days), fontsize=9)
    for ax in axes[1]:
        ax.set_xlabel(text("plot_staff_hours", lang, weeks=horizon.weeks))
    figure.suptitle(
        text(
            "plot_tradeoff_title",
            lang,
            start=horizon.start,
            last=horizon.last,
            weeks=horizon.weeks,
        )
    )
    return figure


def capacity_plot(weekly: pd.DataFrame, horizon: Horizon, *, lang: str = PLOT_LANG) -> Figure:
    """Free places against demand per exit team and week, as two heat maps, in ``lang``."""
    from matplotlib.figure import Figure

    teams = weekly[weekly["kind"] == "exit_team"]
    figure = Figure(figsize=(12, 8), layout="constrained")
    if teams.empty:
        ax = figure.subplots()
        ax.text(0.5, 0.5, text("plot_no_teams", lang), ha="center", va="center")
        ax.set_axis_off()
        return figure
    places = teams.pivot_table(index="offer_id", columns="week", values="places", aggfunc="sum")
    demand = teams.pivot_table(index="offer_id", columns="week", values="demand", aggfunc="sum")
    joined = teams.pivot_table(index="offer_id", columns="week", values="joined", aggfunc="sum")
    busiest = (demand.sum(axis=1) + joined.sum(axis=1)).sort_values(ascending=False).index
    busiest = busiest[:PLOTTED_TEAMS]
    names = teams.drop_duplicates("offer_id").set_index("offer_id")["name"]
    shown = [str(names.get(o, "")) or str(o) for o in busiest]
    twice = {n for n in shown if shown.count(n) > 1}  # two teams of one name: say which
    labels = [
        f"{n[:26]} ({o})" if n in twice else n[:34] for n, o in zip(shown, busiest, strict=True)
    ]
    top = max(
        1.0, float(np.nanmax([places.loc[busiest].max().max(), demand.loc[busiest].max().max()]))
    )
    axes = figure.subplots(1, 2, sharey=True)
    image = None
    for ax, table, title in (
        (axes[0], places, text("plot_free_places", lang)),
        (axes[1], demand, text("plot_demand", lang)),
    ):
        values = table.loc[busiest].to_numpy(dtype=float)
        image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=top)
        ax.set_title(title, fontsize=10)
        ax.set_xticks(range(values.shape[1]), [str(c) for c in table.columns])
        ax.set_xlabel(text("plot_week", lang))
    axes[0].set_yticks(range(len(labels)), labels, fontsize=7)
    if image is not None:
        figure.colorbar(image, ax=axes, shrink=0.6, label=text("plot_unit_people", lang))
    figure.suptitle(text("plot_capacity_title", lang, start=horizon.start, last=horizon.last))
    return figure
