"""gaps.gpkg: the gap analysis as a GeoPackage that opens coloured in QGIS.

The file is in EPSG:25832 (ETRS89 / UTM 32N, metres), the Danish
authorities' grid, and holds three map layers with typed columns (whole
numbers as integers, shares and scores as reals, words as text, also when a
column is empty throughout):

- ``districts``: each district's shape with the columns of gaps.csv
  (``GapAnalysis.table()``), suppressed exactly as gaps.csv and
  gaps.geojson are: a hidden count, share or score is NULL;
- ``coverage``: one feature per district, kind and time band (``any``,
  ``day``, ``evening``) with the columns of coverage.csv
  (``GapAnalysis.long_table()``), suppressed alike;
- ``offers``: each offer's venue (a public address, never a patient's home):
  id, name, kind, provider, address, group size, fee and its lists as text.

``sites.gpkg``, beside the file of ``brobygger sites --out``, holds the
chosen sites of a new activity (``sites``: venues or district centres, with
the suppressed counts of the CSV) and the offers, styled alike: a star per
site.

No layer holds a patient or a patient's home. The styles are in the
GeoPackage's ``layer_styles`` table, which QGIS reads when a layer is added:
districts and coverage coloured by served share (red below 25 %, orange,
yellow, green from 75 %; grey for a hidden share, with the legend's words in
``lang``), offers by kind.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import pandas as pd

from ..dataset.export import atomic_path
from ..dataset.load import CRS, Dataset
from ..words.app import code_text, text
from .gaps import GapAnalysis
from .siting import SiteChoice

__all__ = ["LAYERS", "gaps_gpkg", "sites_gpkg", "write_gpkg", "write_layers"]

#: The map layers of gaps.gpkg.
LAYERS = ("districts", "coverage", "offers")
#: Served share bands and their colours, lowest first.
_BANDS = (
    (0.0, 0.25, "215,48,39,255"),
    (0.25, 0.5, "252,141,89,255"),
    (0.5, 0.75, "254,224,139,255"),
    (0.75, 1.01, "26,152,80,255"),
)
_HIDDEN_COLOUR = "190,190,190,255"
_SITE_COLOUR = "106,61,154,255"
_KIND_COLOURS = ("31,120,180,255", "51,160,44,255", "227,26,28,255", "255,127,0,255")
#: Offer columns that go on the map, when the dataset has them.
_OFFER_COLUMNS = (
    "offer_id",
    "name",
    "kind",
    "provider",
    "address",
    "group_size",
    "fee_dkk_month",
    "supervised",
    "diagnoses",
    "languages",
    "tags",
)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns as GeoPackage types: nullable whole numbers stay integers, text is text,
    lists are joined with ';'."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column == "geometry" or isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            continue
        items = [";".join(map(str, v)) if isinstance(v, tuple | list) else v for v in values]
        out[column] = pd.array(items, dtype="string")
    return out


def _symbol(name: str, kind: str, colour: str) -> str:
    layer = "SimpleFill" if kind == "fill" else "SimpleMarker"
    options = [("color", colour), ("outline_color", "35,35,35,255")]
    if kind == "fill":
        options += [("style", "solid")]
    else:
        options += [("size", "5" if colour == _SITE_COLOUR else "2.6")]
        options += [("name", "star" if colour == _SITE_COLOUR else "circle")]
    body = "".join(f'<Option name="{k}" type="QString" value="{v}"/>' for k, v in options)
    return (
        f'<symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="{layer}" enabled="1" locked="0" pass="0">'
        f'<Option type="Map">{body}</Option></layer></symbol>'
    )


def _qml(rules: list[tuple[str, str, str]], kind: str) -> str:
    """A QGIS style: a rule-based renderer of ``(filter, label, colour)`` rules."""
    rule_xml = "".join(
        f'<rule key="r{i}" symbol="{i}" filter={quoteattr(f)} label={quoteattr(label)}/>'
        for i, (f, label, _) in enumerate(rules)
    )
    symbols = "".join(_symbol(str(i), kind, c) for i, (_, _, c) in enumerate(rules))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<rules key="root">{rule_xml}</rules><symbols>{symbols}</symbols>'
        "</renderer-v2></qgis>\n"
    )


def _share_rules(column: str, lang: str) -> list[tuple[str, str, str]]:
    field = f'"{column}"'
    rules = [(f"{field} IS NULL", text("hidden_cell", lang), _HIDDEN_COLOUR)]
    for low, high, colour in _BANDS:
        label = text("legend_step", lang, low=round(low * 100), high=min(100, round(high * 100)))
        rules.append((f"{field} >= {low} AND {field} < {high}", label, colour))
    return rules


def _offer_style(offers: gpd.GeoDataFrame, lang: str) -> str:
    """Offers coloured by kind, the legend in ``lang``."""
    kinds = list(dict.fromkeys(str(k) for k in offers["kind"])) if "kind" in offers else []
    kind_rules = [
        (f"\"kind\" = '{k}'", code_text("kind", k, lang), _KIND_COLOURS[i % len(_KIND_COLOURS)])
        for i, k in enumerate(kinds)
    ]
    return _qml(kind_rules, "marker")


def _styles(styles: dict[str, str]) -> pd.DataFrame:
    """The ``layer_styles`` rows QGIS reads: the default style of each layer."""
    return pd.DataFrame(
        {
            "f_table_catalog": "",
            "f_table_schema": "",
            "f_table_name": list(styles),
            "f_geometry_column": "geom",
            "styleName": list(styles),
            "styleQML": list(styles.values()),
            "styleSLD": "",
            "useAsDefault": True,
            "description": "Brobygger",
            "owner": "",
            "ui": "",
            "update_time": pd.Timestamp.now(tz="UTC").floor("s").tz_localize(None),
        }
    )


def _offers(dataset: Dataset) -> gpd.GeoDataFrame:
    columns = [c for c in _OFFER_COLUMNS if c in dataset.offers.columns]
    offers = gpd.GeoDataFrame(
        dataset.offers[columns], geometry=dataset.offers.geometry.to_crs(CRS), crs=CRS
    )
    return gpd.GeoDataFrame(_typed(offers), geometry="geometry", crs=CRS)


def gaps_gpkg(
    analysis: GapAnalysis, dataset: Dataset, *, lang: str = "en"
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The layers of gaps.gpkg by name, ``layer_styles`` (legends in ``lang``) last."""
    districts = analysis.geodata()
    districts = districts[districts.geometry.notna()].reset_index(drop=True)
    shapes = districts.set_index("district_id").geometry
    long = analysis.long_table()
    long = long[long["district_id"].isin(shapes.index)].reset_index(drop=True)
    coverage = gpd.GeoDataFrame(long, geometry=[shapes[i] for i in long["district_id"]], crs=CRS)
    offers = _offers(dataset)
    first = analysis.kinds[0] if analysis.kinds else ""
    styles = {
        "districts": _qml(_share_rules(f"served_share_{first}", lang), "fill"),
        "coverage": _qml(_share_rules("served_share", lang), "fill"),
        "offers": _offer_style(offers, lang),
    }
    return {
        "districts": gpd.GeoDataFrame(_typed(districts), geometry="geometry", crs=CRS),
        "coverage": gpd.GeoDataFrame(_typed(coverage), geometry="geometry", crs=CRS),
        "offers": offers,
        "layer_styles": _styles(styles),
    }


def sites_gpkg(
    choice: SiteChoice, dataset: Dataset, *, lang: str = "en"
) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """The layers of sites.gpkg: the chosen ``sites`` (``SiteChoice.table()``, hidden
    counts NULL) at their venue or district centre, the ``offers``, and their styles."""
    table = choice.table()
    points = gpd.points_from_xy(choice.sites["x"], choice.sites["y"], crs=CRS)
    sites = gpd.GeoDataFrame(_typed(table), geometry=points, crs=CRS)
    offers = _offers(dataset)
    ids = [str(i).replace("'", "''") for i in table["candidate_id"]]
    site_rules = [
        (f"\"candidate_id\" = '{i}'", str(n), _SITE_COLOUR)
        for i, n in zip(ids, table["name"], strict=True)
    ]
    styles = {
        "sites": _qml(site_rules, "marker"),
        "offers": _offer_style(offers, lang),
    }
    return {"sites": sites, "offers": offers, "layer_styles": _styles(styles)}


def write_gpkg(
    analysis: GapAnalysis, dataset: Dataset, path: str | Path, *, lang: str = "en"
) -> Path:
    """Write gaps.gpkg (``gaps_gpkg``) at ``path``, whole or not at all; the styles'
    legend in ``lang``."""
    return write_layers(gaps_gpkg(analysis, dataset, lang=lang), path)


def write_layers(layers: dict[str, gpd.GeoDataFrame | pd.DataFrame], path: str | Path) -> Path:
    """Write ``layers`` (map layers, then ``layer_styles``) as one GeoPackage at ``path``,
    whole or not at all."""
    import pyogrio

    target = Path(path)
    with atomic_path(target) as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on an empty layer
        tmp.unlink()  # GDAL makes the GeoPackage itself
        for name, layer in layers.items():
            if isinstance(layer, gpd.GeoDataFrame):
                layer.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")
            else:
                pyogrio.write_dataframe(layer, tmp, layer=name, driver="GPKG")
    return target
