"""A one-page hand-out for the first visit, printable on A4.

An invitation with a date makes the first visit far more likely than vague
advice. ``handout_html`` fills ``templates/handout.html`` (Jinja2) with what
the place is, where it is (the address, a small map drawn from the
coordinates of home and venue, no internet needed, and plain directions),
the first date, weekday and time, what to bring, what it costs and whom to
call. Danish by default, English on request; every word comes from
``matcher.words.patient``. The page never shows vulnerability flags, priority or
any id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from ..dataset.load import Dataset
from ..match.weights import Weights
from ..words.patient import Wording, wording
from .options import Recommender

__all__ = [
    "MAX_DESCRIPTION",
    "MapLabel",
    "MapView",
    "handout_context",
    "handout_html",
    "map_view",
    "write_handout",
]

TEMPLATE = "handout.html"
#: Longest offer description printed (characters), so the page stays one page.
MAX_DESCRIPTION = 420
#: Scale-bar lengths tried, in metres.
_SCALE_STEPS_M = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)


@dataclass(frozen=True)
class MapLabel:
    """A label on the map: its text, where it is anchored (pixels) and how
    (``start``, ``end`` or ``middle``, as SVG's ``text-anchor``)."""

    text: str
    x: float
    y: float
    anchor: str


@dataclass(frozen=True)
class MapView:
    """A small map in SVG pixels: home, venue, their labels, a scale bar and north.

    ``home`` and ``venue`` are (x, y) pixel positions (y grows downwards);
    ``scale_px`` is the length in pixels of a bar worth ``scale_m`` metres;
    ``distance_m`` is the straight line in metres and ``bearing_deg`` the
    direction from home to venue (0 = north, 90 = east).
    """

    width: int
    height: int
    home: tuple[float, float]
    venue: tuple[float, float]
    scale_px: float
    scale_m: int
    distance_m: float
    bearing_deg: float
    home_label: MapLabel
    venue_label: MapLabel


#: Rough width of one character of a 12 px bold label, in pixels.
_CHAR_PX = 7.4
#: Longest venue name drawn on the map (characters).
MAX_LABEL = 26
#: Pixels kept free at the right edge for the north arrow.
_NORTH_PX = 36


def _label(text: str, x: float, y: float, width: int, height: int) -> MapLabel:
    """A label beside the dot at (x, y): right of it, else left of it, else below it."""
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "…"
    wide = len(text) * _CHAR_PX
    if x + 13 + wide <= width - _NORTH_PX:
        return MapLabel(text, round(x + 13, 1), round(y + 4, 1), "start")
    if x - 13 - wide >= 4:
        return MapLabel(text, round(x - 13, 1), round(y + 4, 1), "end")
    middle = min(max(x, wide / 2 + 4), width - _NORTH_PX - wide / 2)
    below = y + 24 if y + 24 < height - 24 else y - 16
    return MapLabel(text, round(middle, 1), round(below, 1), "middle")


def map_view(
    home_xy: tuple[float, float],
    venue_xy: tuple[float, float],
    *,
    labels: tuple[str, str] = ("", ""),
    width: int = 340,
    height: int = 210,
    margin: int = 40,
    min_span_m: float = 400.0,
) -> MapView:
    """Pixel positions for a map of ``home_xy`` and ``venue_xy`` (EPSG:25832 metres).

    North is up and both axes have the same scale; the map spans at least
    ``min_span_m`` metres across, so two points next door do not fill it.
    ``labels`` are the texts for home and venue; each is placed where it
    fits inside the map.
    """
    (hx, hy), (vx, vy) = home_xy, venue_xy
    dx, dy = vx - hx, vy - hy
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    metres_per_px = max(abs(dx) / inner_w, abs(dy) / inner_h, min_span_m / inner_w)
    cx, cy = (hx + vx) / 2, (hy + vy) / 2

    def pixel(x: float, y: float) -> tuple[float, float]:
        return (
            round(width / 2 + (x - cx) / metres_per_px, 1),
            round(height / 2 - (y - cy) / metres_per_px, 1),
        )

    longest = width / 3 * metres_per_px
    scale_m = max((s for s in _SCALE_STEPS_M if s <= longest), default=_SCALE_STEPS_M[0])
    bearing = (math.degrees(math.atan2(dx, dy)) + 360.0) % 360.0
    home, venue = pixel(hx, hy), pixel(vx, vy)
    return MapView(
        width=width,
        height=height,
        home=home,
        venue=venue,
        scale_px=round(scale_m / metres_per_px, 1),
        scale_m=int(scale_m),
        distance_m=float(math.hypot(dx, dy)),
        bearing_deg=bearing,
        home_label=_label(labels[0], *home, width, height),
        venue_label=_label(labels[1], *venue, width, height),
    )


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("matcher.discharge", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _bring(words: Wording, kind: str, tags: tuple[str, ...], supervised: bool) -> list[str]:
    table = words.names("bring")
    if kind == "home_visit":
        return [table["home_visit"]]
    lines = [table["base"]]
    lines += [table[t] for t in tags if t in table]
    if supervised:
        lines.append(table["supervised"])
    return list(dict.fromkeys(lines))


def _phone(text: str) -> str:
    """A Danish eight-digit number in pairs (``65 22 01 90``); anything else as given."""
    digits = text.replace(" ", "")
    if len(digits) == 8 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return text


def _scale_label(words: Wording, metres: int) -> str:
    if metres < 1000:
        return f"{metres} m"
    return f"{words.km(metres)} km".replace(",0 km", " km").replace(".0 km", " km")


def handout_context(
    recommender: Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str = "da",
    held: bool = False,
) -> dict[str, Any]:
    """Everything the template shows, as plain values.

    ``held``: the patient already holds a booking for the session, so it may
    have no free place left; otherwise a full session is refused.
    """
    words = wording(lang)
    chosen = recommender.option(patient, session_id, lang=lang, need_place=not held)
    option = chosen.table().iloc[0]
    row = recommender.patient_row(patient).iloc[0]
    offers = recommender.dataset.offers
    offer = offers.loc[offers["offer_id"] == option["offer_id"]].iloc[0]
    sessions = recommender.dataset.sessions
    session = sessions.loc[sessions["session_id"] == option["session_id"]].iloc[0]
    kind = str(option["kind"])
    first = pd.Timestamp(option["first_date"]).date()
    start, end = int(session["start_min"]), int(session["end_min"])
    weekday = words.weekday(int(session["day"]))
    weeks = int(session.get("weeks", 0) or 0)
    home_visit = kind == "home_visit"
    mode = str(option["travel_mode"])
    description = str(offer.get("description", "") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        description = description[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    view = None
    directions = ""
    if not home_visit:
        view = map_view(
            (float(row["x"]), float(row["y"])),
            (float(offer["x"]), float(offer["y"])),
            labels=(words("home"), str(offer["name"])),
        )
        compass = words.names("compass")[round(view.bearing_deg / 45.0) % 8]
        directions = words("direction", km=words.km(view.distance_m), compass=compass)
    fee = float(option["fee_dkk_month"])
    cost = [words("cost_free") if fee <= 0 else words("cost_fee", money=words.money(fee))]
    if mode == "bus":
        cost.append(words("cost_bus"))
    elif mode == "flextrafik":
        cost.append(words("cost_flex"))
    provider = str(offer.get("provider", "") or "").strip() or str(offer["name"])
    phone = _phone(str(offer.get("phone", "") or "").strip())
    call = (
        words("call_phone", provider=provider, phone=phone)
        if phone
        else words("call_provider", provider=provider)
    )
    trip = (
        words("we_come")
        if home_visit
        else words(
            "trip",
            minutes=int(np.ceil(float(option["travel_min"]) - 1e-6)),
            mode=words.names("modes")[mode],
        )
    )
    today = recommender.today if recommender.today is not None else np.datetime64("today", "D")
    return {
        "lang": words.lang,
        "t": words,
        "name": str(offer["name"]),
        "intro": words.names("kind_intro")[kind],
        "description": description,
        "first_date": words.date(first),
        "clock": words("clock_span", start=words.clock(start), end=words.clock(end)),
        "then": (
            words("then_weekly_for", weekday=weekday, weeks=weeks)
            if weeks > 0
            else words("then_weekly", weekday=weekday)
        ),
        "home_visit": home_visit,
        "address": str(offer.get("address", "") or "").strip(),
        "trip": trip,
        "directions": directions,
        "map": view,
        "scale_label": _scale_label(words, view.scale_m) if view else "",
        "bring": _bring(words, kind, tuple(offer["tags"]), bool(offer["supervised"])),
        "cost": cost,
        "call": call,
        "printed": words.date(pd.Timestamp(today).date()),
    }


def handout_html(
    dataset: Dataset | Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str = "da",
    weights: Weights | None = None,
    today: date | str | np.datetime64 | None = None,
    held: bool = False,
) -> str:
    """The hand-out for ``patient`` and ``session_id`` as one HTML page (A4, print-ready).

    ``dataset`` may also be a ``Recommender`` already built for it (then
    ``weights`` and ``today`` are its own, and its ``booked`` places count).
    Raises ``InputError`` for an unknown patient or session, a session that
    does not fit the patient, or a session without a free place, unless
    ``held`` (the patient already holds a booking for it).
    """
    recommender = (
        dataset
        if isinstance(dataset, Recommender)
        else Recommender(dataset, weights=weights, today=today)
    )
    context = handout_context(recommender, patient, session_id, lang=lang, held=held)
    return _environment().get_template(TEMPLATE).render(**context)


def write_handout(
    dataset: Dataset | Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    out: str | Path,
    *,
    lang: str = "da",
    weights: Weights | None = None,
    today: date | str | np.datetime64 | None = None,
    held: bool = False,
) -> Path:
    """Write the hand-out to ``out`` (HTML), whole or not at all (see ``handout_html``)."""
    from ..dataset.export import write_text

    html = handout_html(
        dataset, patient, session_id, lang=lang, weights=weights, today=today, held=held
    )
    path = Path(out)
    write_text(path, html)
    return path
