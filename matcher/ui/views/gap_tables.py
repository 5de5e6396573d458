"""The municipality's tables for people: coverage per district, equity by group
and the chosen new sites, each as a frame and its ``Column``s for a
``PeopleTable``, and what pointing at a district on the gap map says.

Districts and sites are named (never an id, ``venue:O00025`` or coordinates),
shares read as per cent, the excluding rule and the groups as words, and a
count hidden below five as "skjult (under 5)" with a legend line saying why,
so a hidden share is never read as 0 %.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...words.app import code_text, column_text, text
from ...words.formats import percent
from .table import Column

__all__ = ["coverage_table", "district_tip", "equity_table", "hidden_words", "sites_table"]

_DASH = "–"


def hidden_words(lang: str) -> str:
    """What a hidden count reads: ``skjult (under 5)``."""
    return text("hidden_cell", lang)


def _count(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def district_tip(name: str, share: Any, patients: Any, lang: str) -> str:
    """What pointing at a district says: its share with an option, or that it is hidden."""
    if pd.isna(share):
        return text("map_tip_hidden", lang, name=name)
    shown = _count(patients)
    return text(
        "map_tip",
        lang,
        name=name,
        share=percent(float(share), lang),
        patients=hidden_words(lang) if shown is None else shown,
    )


def coverage_table(shown: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column], list[str]]:
    """The coverage of the chosen kind and band for people: district names, shares
    as per cent, the excluding rule in words, and the legend lines that apply."""
    hidden = hidden_words(lang)
    frame = pd.DataFrame(
        {
            "name": shown["name"].to_numpy(dtype=object),
            "patients": shown["patients"].to_numpy(dtype=object),
            "served_share": shown["served_share"].to_numpy(dtype=object),
            "reason": [
                None if pd.isna(r) else code_text("rule", r, lang)
                for r in shown["reason"].to_numpy(dtype=object)
            ],
            "e2sfca": shown["e2sfca"].to_numpy(dtype=object),
        }
    )
    columns = [
        Column("name", text("col_district", lang)),
        Column("patients", column_text("patients", lang), "count", missing=hidden),
        Column("served_share", column_text("served_share", lang), "share", missing=hidden),
        Column("reason", text("col_main_rule", lang), missing=_DASH),
        Column("e2sfca", text("col_access", lang), "number", missing=hidden),
    ]
    legend = []
    if frame[["patients", "served_share", "e2sfca"]].isna().any().any():
        legend.append(text("legend_hidden", lang))
    if (frame["reason"].isna() & frame["served_share"].notna()).any():
        legend.append(text("legend_no_rule", lang))
    legend.append(text("legend_access", lang))
    return frame, columns, legend


def equity_table(equity: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[Column], list[str]]:
    """The equity table for people: dimensions and groups in words (genders, age
    bands in years), district names as they are, and hidden counts said."""
    hidden = hidden_words(lang)
    groups = []
    for dimension, group in zip(equity["dimension"], equity["group"], strict=True):
        if dimension == "district" and group != "outside":
            groups.append(str(group))
        elif dimension == "age band":
            groups.append(text("age_years", lang, band=group))
        else:
            groups.append(code_text("group", group, lang))
    frame = pd.DataFrame(
        {
            "dimension": [code_text("dim", d, lang) for d in equity["dimension"]],
            "group": groups,
            "patients": equity["patients"].to_numpy(dtype=object),
            "placed": equity["placed"].to_numpy(dtype=object),
            "share_placed": equity["share_placed"].to_numpy(dtype=object),
        }
    )
    columns = [
        Column("dimension", column_text("dimension", lang)),
        Column("group", column_text("group", lang)),
        Column("patients", column_text("patients", lang), "count", missing=hidden),
        Column("placed", column_text("placed", lang), "count", missing=hidden),
        Column("share_placed", column_text("share_placed", lang), "share", missing=hidden),
    ]
    legend = [text("legend_equity", lang)]
    if frame[["patients", "placed", "share_placed"]].isna().any().any():
        legend.insert(0, text("legend_hidden", lang))
    return frame, columns, legend


def sites_table(
    table: pd.DataFrame, districts: Any, lang: str
) -> tuple[pd.DataFrame, list[Column], list[str]]:
    """The chosen sites for people: the place (its address and name, or the
    district's middle), the district it lies in, and the people it would serve."""
    import geopandas as gpd

    from ...geo import locate

    hidden = hidden_words(lang)
    found: list[Any] = [None] * len(table)
    if districts is not None and len(table):
        points = gpd.GeoSeries(gpd.points_from_xy(table["lon"], table["lat"]), crs="EPSG:4326")
        names = districts["name"].to_numpy(dtype=object)
        found = [str(names[p]) if p >= 0 else None for p in locate(points, districts)]
    by_id = (
        {}
        if districts is None
        else dict(zip(districts["district_id"], districts["name"], strict=True))
    )
    places = [
        text(
            "site_middle",
            lang,
            name=by_id.get(str(c).partition(":")[2], str(n).removesuffix(" (district centre)")),
        )
        if s == "district"
        else n
        for c, n, s in zip(table["candidate_id"], table["name"], table["source"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "site": places,
            "district": found,
            "source": [code_text("source", s, lang) for s in table["source"]],
            "serves": table["serves"].to_numpy(dtype=object),
            "only_here": table["only_here"].to_numpy(dtype=object),
        }
    )
    columns = [
        Column("site", text("col_site", lang), wide=True),
        Column("district", text("col_district", lang), missing=_DASH),
        Column("source", column_text("source", lang)),
        Column("serves", column_text("serves", lang), "count", missing=hidden),
        Column("only_here", column_text("only_here", lang), "count", missing=hidden),
    ]
    legend = [text("legend_only_here", lang)]
    if frame[["serves", "only_here"]].isna().any().any():
        legend.insert(0, text("legend_hidden", lang))
    return frame, columns, legend
