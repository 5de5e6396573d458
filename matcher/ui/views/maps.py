"""Maps that work without tiles: polygons and points are vector layers.

On a closed hospital network no tile server may be reachable; every map here
draws districts, homes and venues as vector layers, and adds the tile layer
only when a tile URL is configured.
"""

from __future__ import annotations

import json
import math
from typing import Any

import geopandas as gpd
import ipyleaflet as L

__all__ = ["base_map", "districts_layer", "fit", "view_of"]


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
    *,
    fill_opacity: float = 0.55,
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
            "fillOpacity": fill_opacity,
        }

    return L.GeoJSON(data=data, style_callback=style, hover_style={"weight": 3}, name="districts")


def view_of(
    lats: list[float], lons: list[float], size: tuple[int, int] = (420, 400)
) -> tuple[tuple[float, float], int]:
    """The centre (lat, lon) and the whole zoom level at which every point fits
    in a map of ``size`` pixels (width, height), in Web Mercator as Leaflet draws.

    Computed here rather than with ``Map.fit_bounds``: that one is a coroutine
    of the kernel's event loop (it fails from a worker thread) and leaves the
    map at 0,0 when the browser has not laid the map out yet.
    """
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)

    def y(lat: float) -> float:  # Mercator, in units of the world's width
        s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
        return 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)

    width = max((east - west) / 360.0, 1e-9)
    height = max(y(south) - y(north), 1e-9)
    zoom = math.floor(math.log2(min(size[0] / (256 * width), size[1] / (256 * height))))
    centre_y = (y(south) + y(north)) / 2
    centre_lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * centre_y))))
    return (centre_lat, (west + east) / 2), int(min(max(zoom, 3), 17))


def fit(m: L.Map, lats: list[float], lons: list[float], pad: float = 0.01) -> None:
    """Centre and zoom ``m`` to show every point (with ``pad`` degrees around)."""
    if not lats:
        return
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    height = m.layout.height or "420px"
    pixels = int(str(height).removesuffix("px")) if str(height).endswith("px") else 420
    centre, zoom = view_of([south - pad, north + pad], [west - pad, east + pad], (420, pixels - 20))
    m.center = centre
    m.zoom = min(zoom, 14)  # one point alone: its neighbourhood, not one house
