"""A one-page hand-out for the first visit, printable on A4.

An invitation with a date makes the first visit far more likely than vague
advice. ``handout_html`` fills ``templates/handout.html`` (Jinja2) with what
the place is (with a small drawing of its kind), the language the activity
is held in, where it is (the address, a small map drawn from the
coordinates of home and venue, no internet needed, and plain directions),
the first date, weekday and time, what to bring, what it costs and whom to
call: the named ``Contact`` person when one is given, else the offer's
phone. Danish by default; also English, Arabic, Turkish, Urdu, Somali,
Polish and Farsi (``PATIENT_LANGUAGES``), Arabic, Urdu and Farsi right to
left. Every word comes from ``matcher.words.patient``; the offer's own
description, written in Danish, is printed only on the Danish and English
pages. The page never shows vulnerability flags, priority or any id.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import numpy as np

from ..dataset.load import Dataset
from ..errors import InputError
from ..match.weights import Weights
from ..words.catalog import PATIENT_LANGUAGES
from ..words.patient import Wording, wording
from ..words.problems import problem
from .contact import MAX_CONTACT_NAME, Contact, call_html, call_text, checked_contact
from .options import Recommender
from .visit import Visit, first_visit

__all__ = [
    "MAX_CONTACT_NAME",
    "MAX_DESCRIPTION",
    "PATIENT_LANGUAGES",
    "Contact",
    "MapLabel",
    "MapView",
    "bring_lines",
    "call_html",
    "call_text",
    "checked_contact",
    "cost_lines",
    "handout_context",
    "handout_html",
    "handout_lang",
    "map_view",
    "recommender_for",
    "render_page",
    "trip_text",
    "when_texts",
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


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("matcher.discharge", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(template: str, context: Mapping[str, Any]) -> str:
    """``templates/<template>`` filled with ``context``, every value escaped."""
    return _environment().get_template(template).render(**context)


def handout_lang(lang: str, option: str = "--lang") -> str:
    """``lang`` as a code of ``PATIENT_LANGUAGES``; another is an ``InputError``
    naming ``option``."""
    code = str(lang).strip().lower()
    if code not in PATIENT_LANGUAGES:
        template = "'{lang}' is not a language the hand-out comes in ({known})"
        known = ", ".join(PATIENT_LANGUAGES)
        raise InputError([problem(option, None, None, template, lang=lang, known=known)])
    return code


def bring_lines(words: Wording, visit: Visit) -> list[str]:
    """What to bring, one sentence each (for a home visit: nothing to prepare)."""
    table = words.names("bring")
    if visit.home_visit:
        return [table["home_visit"]]
    lines = [table["base"]]
    lines += [table[t] for t in visit.tags if t in table]
    if visit.supervised:
        lines.append(table["supervised"])
    return list(dict.fromkeys(lines))


def _scale_label(words: Wording, metres: int) -> str:
    if metres < 1000:
        return f"{metres} m"
    return f"{words.km(metres)} km".replace(",0 km", " km").replace(".0 km", " km")


def _description(visit: Visit, lang: str) -> str:
    """The offer's own text (Danish), shortened to keep one page; only on the Danish and
    English pages, since no other page should carry a Danish paragraph."""
    text = visit.description if lang in ("da", "en") else ""
    if len(text) > MAX_DESCRIPTION:
        text = text[: MAX_DESCRIPTION - 1].rsplit(" ", 1)[0] + "…"
    return text


def cost_lines(words: Wording, visit: Visit) -> list[str]:
    """What it costs, and the bus ticket or the Flextrafik booking the trip needs."""
    fee = visit.fee_dkk_month
    cost = [words("cost_free") if fee <= 0 else words("cost_fee", money=words.money(fee))]
    if visit.mode == "bus":
        cost.append(words("cost_bus"))
    elif visit.mode == "flextrafik":
        cost.append(words("cost_flex"))
    return cost


def when_texts(words: Wording, visit: Visit) -> tuple[str, str, str]:
    """The first date in words, its clock span and how it goes on (``Derefter hver ...``)."""
    weekday = words.weekday(visit.weekday)
    then = (
        words("then_weekly_for", weekday=weekday, weeks=visit.weeks)
        if visit.weeks > 0
        else words("then_weekly", weekday=weekday)
    )
    clock = words("clock_span", start=words.clock(visit.start_min), end=words.clock(visit.end_min))
    return words.date(visit.first), clock, then


def trip_text(words: Wording, visit: Visit) -> str:
    """How the person gets there (``Ca. 12 min på cykel fra dit hjem.``), or that staff come."""
    if visit.home_visit:
        return words("we_come")
    if visit.mode == "online":
        return words("online")
    return words("trip", minutes=visit.minutes, mode=words.names("modes")[visit.mode])


def handout_context(
    recommender: Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str = "da",
    held: bool = False,
    contact: Contact | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain values.

    ``held``: the patient already holds a booking for the session, so it may
    have no free place left; otherwise a full session is refused.
    """
    words = wording(lang)
    visit = first_visit(recommender, patient, session_id, lang=words.lang, held=held)
    view = None
    directions = ""
    if not visit.home_visit:
        view = map_view(visit.home, visit.venue, labels=(words("home"), visit.name))
        compass = words.names("compass")[round(view.bearing_deg / 45.0) % 8]
        directions = words("direction", km=words.km(view.distance_m), compass=compass)
    return {
        **visit_context(words, visit, contact),
        "intro": words.names("kind_intro")[visit.kind],
        "description": _description(visit, words.lang),
        "directions": directions,
        "map": view,
        "scale_label": _scale_label(words, view.scale_m) if view else "",
        "printed": words.date(visit.today),
    }


def visit_context(words: Wording, visit: Visit, contact: Contact | None) -> dict[str, Any]:
    """What a hand-out and a reminder letter both show of ``visit``: its name and kind,
    when, where, what to bring, what it costs and whom to call (``contact`` when it
    has a name, else the offer's phone), as plain values for a template."""
    first_date, clock, then = when_texts(words, visit)
    named = contact if contact is not None and contact.name.strip() else None
    return {
        "lang": words.lang,
        "rtl": words.rtl,
        "t": words,
        "name": visit.name,
        "kind": visit.kind,
        "pictogram_label": words("pictogram", kind=words.names("kinds")[visit.kind]),
        "spoken": (
            words("activity_language", languages=words.spoken(visit.languages))
            if visit.languages
            else ""
        ),
        "first_date": first_date,
        "clock": clock,
        "then": then,
        "home_visit": visit.home_visit,
        "address": visit.address,
        "trip": trip_text(words, visit),
        "bring": bring_lines(words, visit),
        "cost": cost_lines(words, visit),
        "call": call_html(words, visit, named),
        "contact": named,
    }


def recommender_for(
    dataset: Dataset | Recommender,
    *,
    weights: Weights | None = None,
    today: date | str | np.datetime64 | None = None,
) -> Recommender:
    """``dataset``'s recommender (``dataset`` itself when it is one)."""
    if isinstance(dataset, Recommender):
        return dataset
    return Recommender(dataset, weights=weights, today=today)


def handout_html(
    dataset: Dataset | Recommender,
    patient: str | Mapping[str, Any],
    session_id: str,
    *,
    lang: str = "da",
    weights: Weights | None = None,
    today: date | str | np.datetime64 | None = None,
    held: bool = False,
    contact: Contact | None = None,
) -> str:
    """The hand-out for ``patient`` and ``session_id`` as one HTML page (A4, print-ready).

    ``dataset`` may also be a ``Recommender`` already built for it (then
    ``weights`` and ``today`` are its own, and its ``booked`` places count).
    ``contact``: the person to call, printed with their phone instead of the
    offer's. Raises ``InputError`` for an unknown patient or session, a
    session that does not fit the patient, or a session without a free
    place, unless ``held`` (the patient already holds a booking for it).
    """
    recommender = recommender_for(dataset, weights=weights, today=today)
    context = handout_context(
        recommender, patient, session_id, lang=lang, held=held, contact=contact
    )
    return render_page(TEMPLATE, context)


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
    contact: Contact | None = None,
) -> Path:
    """Write the hand-out to ``out`` (HTML), whole or not at all (see ``handout_html``)."""
    from ..dataset.export import write_text

    html = handout_html(
        dataset,
        patient,
        session_id,
        lang=lang,
        weights=weights,
        today=today,
        held=held,
        contact=contact,
    )
    path = Path(out)
    write_text(path, html)
    return path
