"""The gap map: a choropleth of coverage per district, one panel per kind.

Each district is coloured by the share of its patients with at least one
suitable session of the kind (red: few, green: most) and labelled with its
name and that share. A district whose share is suppressed (a count below 5,
or one that would reveal it) is grey and hatched, labelled with its name
only, and the legend says why.
Drawn on a ``matplotlib.figure.Figure`` without pyplot, so nothing global
changes and the figure can be inspected in tests.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from ..geo import OUTSIDE
from .gaps import MIN_COUNT, GapAnalysis

__all__ = ["KIND_TITLES", "draw_gaps", "gaps_png"]

KIND_TITLES: dict[str, str] = {
    "exit_team": "Exit teams",
    "network_group": "Network groups",
    "association": "Association activities",
    "home_visit": "Home visits",
}
_BAND_TEXT = {
    "any": "at any time",
    "day": "in the daytime (starting before 16:00)",
    "evening": "in the evening (starting at 16:00 or later)",
}
_GREY, _EDGE, _HATCH = "#d9d9d9", "#8c8c8c", "///"
_CMAP = "RdYlGn"
#: Above this many districts, names would cover the map: only the colours remain.
MAX_LABELS = 80


def _panel(ax: Axes, analysis: GapAnalysis, kind: str, label_size: float, title: bool) -> None:
    data = analysis.geodata()
    data = data[data["district_id"] != OUTSIDE]
    share = data[f"served_share_{kind}"].astype("Float64")
    shown = share.notna().to_numpy()
    if shown.any():
        data[shown].assign(value=share[shown].astype(float).to_numpy()).plot(
            ax=ax, column="value", cmap=_CMAP, vmin=0.0, vmax=1.0, edgecolor="white", linewidth=0.8
        )
    if (~shown).any():
        data[~shown].plot(ax=ax, linewidth=0.6, facecolor=_GREY, edgecolor=_EDGE, hatch=_HATCH)
    if len(data) <= MAX_LABELS:
        spots = data.geometry.representative_point()
        values = share.to_numpy(dtype=float, na_value=np.nan)
        for name, value, spot in zip(data["name"], values, spots, strict=True):
            text = str(name) if np.isnan(value) else f"{name}\n{value:.0%}"
            ax.annotate(
                text,
                (spot.x, spot.y),
                ha="center",
                va="center",
                fontsize=label_size,
                color="#1a1a1a",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6},
            )
    if title:
        ax.set_title(KIND_TITLES.get(kind, kind), fontsize=12, fontweight="bold")
    ax.set_axis_off()
    ax.set_aspect("equal")


def draw_gaps(analysis: GapAnalysis, kinds: Sequence[str] | None = None) -> Figure:
    """The gap map for ``kinds`` (default: every kind of the analysis).

    Returns a ``Figure``: one panel per kind (2 x 2 for four), a colour bar
    (share of the district's patients with a suitable option), a legend
    entry for suppressed districts, and a note on the outside group.
    """
    kinds = list(kinds or analysis.kinds)
    n = len(kinds)
    ncols = 1 if n == 1 else 2
    nrows = int(np.ceil(n / ncols))
    size = 9.0 if n == 1 else 6.5
    fig = Figure(figsize=(size * ncols, size * nrows * 0.85 + 1.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    label_size = 8.0 if n == 1 else 6.5
    for ax, kind in zip(axes, kinds, strict=False):
        _panel(ax, analysis, kind, label_size, title=n > 1)
    for ax in axes[n:]:
        ax.set_visible(False)
    what = " and ".join(KIND_TITLES.get(k, k) for k in kinds) if n <= 2 else "Every kind"
    fig.suptitle(
        f"{what}: share of patients with a suitable next step\n"
        f"sessions {_BAND_TEXT[analysis.band]}",
        fontsize=14,
        fontweight="bold",
    )
    bar = fig.colorbar(
        ScalarMappable(norm=Normalize(0.0, 1.0), cmap=_CMAP),
        ax=list(axes[:n]),
        orientation="horizontal",
        fraction=0.04,
        shrink=0.6,
        format=PercentFormatter(1.0),
    )
    bar.set_label("share of the district's patients with at least one session that fits every rule")
    suppressed = Patch(facecolor=_GREY, edgecolor=_EDGE, hatch=_HATCH)
    fig.legend(
        handles=[suppressed, Patch(visible=False)],
        labels=[
            f"suppressed: a count below {MIN_COUNT}, or one that would reveal it",
            _outside_note(analysis),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=10,
        frameon=False,
    )
    return fig


def _outside_note(analysis: GapAnalysis) -> str:
    """How many patients live outside every district, or that it is hidden.

    A hidden count reads the same whether it is below 5 or hidden so that a
    small one cannot be worked out: saying which would tell the others apart
    (with the hidden total known, "fewer than 5 outside" bounds the district
    hidden with it)."""
    outside = analysis.group_ids == OUTSIDE
    count = int(analysis.patients[outside].sum())
    if count == 0:
        return "every patient lives in a district"
    if np.isnan(analysis.shown_patients()[outside]).any():
        return "some patients live outside every district (how many is hidden)"
    return f"{count} patients live outside every district (in gaps.csv)"


def gaps_png(analysis: GapAnalysis, kinds: Sequence[str] | None = None, dpi: int = 130) -> bytes:
    """The gap map as PNG bytes."""
    buffer = io.BytesIO()
    draw_gaps(analysis, kinds).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
