"""Maps that work without tiles: polygons and points are vector layers.

On a closed hospital network no tile server may be reachable; every map here
draws districts, homes and venues as vector layers, and adds the tile layer
only when a tile URL is configured.
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import ipyleaflet as L

__all__ = ["base_map", "districts_layer", "fit"]


def base_map(tiles: str, center: tuple[float, float], zoom: int = 11) -> L.Map:
    """A map centred on ``center`` (lat, lon); with tiles from ``tiles`` if given."""
    layer = (
        L.TileLayer(url=tiles, name="tiles", attribution="© OpenStreetMap contributors")
        if tiles
        else None
    )
    m = L.Map(center=center, zoom=zoom, scroll_wheel_zoom=True, layout={"height": "420px"})
    m.layers = (layer,) if layer is not None else ()
    return m


def districts_layer(
    districts: gpd.GeoDataFrame,
    values: dict[str, float | None] | None = None,
    colour: Any = None,
) -> L.GeoJSON:
    """District polygons (EPSG:25832 in, WGS84 out), filled by ``colour(value)``.

    Districts without a value (suppressed or unknown) are grey and hatched in
    the legend's sense: light grey fill.
    """
    frame = districts.to_crs("EPSG:4326")[["district_id", "name", "geometry"]].copy()
    if values is not None and colour is not None:
        frame["fill"] = [
            colour(values.get(d)) if values.get(d) is not None else "#dddddd"
            for d in frame["district_id"]
        ]
    else:
        frame["fill"] = "#9ecae1"
    data = json.loads(frame.to_json())

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "fillColor": feature["properties"]["fill"],
            "color": "#555",
            "weight": 1,
            "fillOpacity": 0.55,
        }

    return L.GeoJSON(data=data, style_callback=style, hover_style={"weight": 3}, name="districts")


def fit(m: L.Map, lats: list[float], lons: list[float]) -> None:
    """Zoom ``m`` to show every point."""
    if not lats:
        return
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    pad = 0.01
    m.fit_bounds([[south - pad, west - pad], [north + pad, east + pad]])
