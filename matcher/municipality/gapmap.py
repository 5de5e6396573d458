"""The gap map: a choropleth of coverage per district, one panel per kind.

Each district is coloured by the share of its patients with at least one
suitable session of the kind (red: few, green: most) and labelled with its
name and that share. A district whose share is suppressed (a count below 5,
or one that would reveal it) is grey and hatched, labelled with its name
only, and the legend says why.
Every word is the catalogue's (``municipality`` context, ``map_*`` keys), in
English unless asked for another language (``lang``); shares are written by
Babel in that language's locale.
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
from ..words.app import text
from ..words.formats import percent
from .gaps import MIN_COUNT, GapAnalysis

__all__ = ["KIND_TITLES", "draw_gaps", "gaps_png"]

#: The language of the map unless asked otherwise (the CLI's ``gaps.png``).
MAP_LANG = "en"
_KINDS = ("exit_team", "network_group", "association", "home_visit")
#: The title of each kind's panel, in the map's language.
KIND_TITLES: dict[str, str] = {k: text(f"map_kind_{k}", MAP_LANG) for k in _KINDS}
_GREY, _EDGE, _HATCH = "#d9d9d9", "#8c8c8c", "///"
_CMAP = "RdYlGn"
#: Above this many districts, names would cover the map: only the colours remain.
MAX_LABELS = 80


def _kind_title(kind: str, lang: str) -> str:
    return text(f"map_kind_{kind}", lang) if kind in _KINDS else kind


def _panel(
    ax: Axes, analysis: GapAnalysis, kind: str, label_size: float, title: bool, lang: str
) -> None:
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
            label = (
                str(name)
                if np.isnan(value)
                else text("map_label", lang, name=name, share=percent(value, lang))
            )
            ax.annotate(
                label,
                (spot.x, spot.y),
                ha="center",
                va="center",
                fontsize=label_size,
                color="#1a1a1a",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6},
            )
    if title:
        ax.set_title(_kind_title(kind, lang), fontsize=12, fontweight="bold")
    ax.set_axis_off()
    ax.set_aspect("equal")


def draw_gaps(
    analysis: GapAnalysis, kinds: Sequence[str] | None = None, *, lang: str = MAP_LANG
) -> Figure:
    """The gap map for ``kinds`` (default: every kind of the analysis), in ``lang``.

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
        _panel(ax, analysis, kind, label_size, title=n > 1, lang=lang)
    for ax in axes[n:]:
        ax.set_visible(False)
    titles = [_kind_title(k, lang) for k in kinds]
    if n > 2:
        what = text("map_every_kind", lang)
    elif n == 2:
        what = text("map_both", lang, first=titles[0], second=titles[1])
    else:
        what = titles[0] if titles else ""
    fig.suptitle(
        text("map_title", lang, what=what, band=text(f"map_band_{analysis.band}", lang)),
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
    bar.set_label(text("map_bar", lang))
    suppressed = Patch(facecolor=_GREY, edgecolor=_EDGE, hatch=_HATCH)
    fig.legend(
        handles=[suppressed, Patch(visible=False)],
        labels=[
            text("map_suppressed", lang, min_count=MIN_COUNT),
            _outside_note(analysis, lang),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=10,
        frameon=False,
    )
    return fig


def _outside_note(analysis: GapAnalysis, lang: str) -> str:
    """How many patients live outside every district, or that it is hidden.

    A hidden count reads the same whether it is below 5 or hidden so that a
    small one cannot be worked out: saying which would tell the others apart
    (with the hidden total known, "fewer than 5 outside" bounds the district
    hidden with it)."""
    outside = analysis.group_ids == OUTSIDE
    count = int(analysis.patients[outside].sum())
    if count == 0:
        return text("map_all_inside", lang)
    if np.isnan(analysis.shown_patients()[outside]).any():
        return text("map_outside_hidden", lang)
    return text("map_outside", lang, count=count)


def gaps_png(
    analysis: GapAnalysis,
    kinds: Sequence[str] | None = None,
    dpi: int = 130,
    *,
    lang: str = MAP_LANG,
) -> bytes:
    """The gap map as PNG bytes, in ``lang``."""
    buffer = io.BytesIO()
    draw_gaps(analysis, kinds, lang=lang).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
