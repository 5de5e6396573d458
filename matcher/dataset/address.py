"""Where a person lives, from what is typed at the closing conversation.

``locate(text)`` finds an address or a postal code offline, as a WGS84 point
whose ``precision`` says how exact it is. ``PostalCodes`` reads the packaged
``postal_codes.csv`` (one row per Danish postal code area, its point inside
the area; ``tools/postal_codes.py`` builds it from the public boundaries).
``AddressFile`` looks up the address register's access addresses
(*adgangsadresser*, read by ``address_register.read_register``) as CSV:
a municipality's own extract of DAR from Datafordeleren (datafordeler.dk),
or the CSV that DAWA serves
(``/adgangsadresser?format=csv&kommunekode=0461``, documented at
https://dawadocs.dataforsyningen.dk/dok/api/adgangsadresse). Of DAWA's
columns (``id, vejkode, vejnavn, husnr, supplerendebynavn, postnr,
postnrnavn, ..., etrs89koordinat_øst, etrs89koordinat_nord,
wgs84koordinat_bredde, wgs84koordinat_længde, ...``) it reads ``vejnavn``,
``husnr``, ``postnr``, ``postnrnavn`` and the point, in degrees or else in
EPSG:25832 metres; a row without a point is skipped. ``Chain``,
``app_geocoder`` and ``load_geocoder`` (a municipality's own service)
put geocoders together.

Nothing is guessed: a street in several postal codes, a postal code that does
not exist or a town with several postal codes is an ``InputError`` saying
what to type (file ``address``, column ``address``), which never repeats the
typed text (it may hold a CPR number or a formula).
"""

from __future__ import annotations

import csv
import importlib
import logging
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from ..errors import InputError
from ..privacy import looks_like_cpr
from ..words.problems import problem
from .address_register import CODE, NOT_A_CODE, house, read_register
from .cells import Worded, by_unique, has_control, worded

_log = logging.getLogger(__name__)

__all__ = [
    "MAX_ADDRESS_CHARS",
    "POSTAL_TABLE",
    "AddressFile",
    "Chain",
    "Geocoder",
    "Located",
    "PostalCodes",
    "app_geocoder",
    "load_geocoder",
    "locate",
]

#: The packaged table of postal code areas (``code_from,code_to,name,lat,lon``).
POSTAL_TABLE = Path(__file__).resolve().parent / "postal_codes.csv"
#: The longest text taken as an address.
MAX_ADDRESS_CHARS = 200
_FILE, _COLUMN = "address", "address"
_STREET = re.compile(
    r"^(?P<street>.*?[^\W\d_].*?)\s*(?P<number>\d{1,3})(?!\d)"
    r"(?:\s*(?P<letter>[^\W\d_])(?![^\W\d_]))?(?P<rest>.*)$"
)

_EMPTY = worded("type an address or a postal code, e.g. 'Vestergade 12, 5000' or '5230'")
_TOO_LONG = worded("is {length:,} characters long; an address has at most {limit} characters")
_CONTROL = worded("holds a control character (such as an escape code); remove it")
_CPR = worded(
    "looks like a CPR number; type the person's address or postal code, never a CPR number"
)
_NO_SUCH_CODE = worded(
    "there is no postal code {code:04d}; type the 4 digits of the person's postal code, e.g. 5000"
)
_OTHER_TOWN = worded(
    "postal code {code:04d} is {name}, but the town typed is {other}; check which is right"
)
_TOWNS = worded("no postal code is called exactly that; type one of these: {codes}")
_STREETS = worded(
    "'{street}' lies in {count} postal codes ({codes}); add the right one, e.g. '{example}'"
)
_NOT_FOUND = worded(
    "nothing was found for what was typed; type a postal code (5230), a postal code and town "
    "(5230 Odense M) or a street and number with its postal code (Vestergade 12, 5000)"
)
_SPEC = worded("write the geocoder as package.module:factory, e.g. mytown.geo:geocoder")
_CANNOT_USE = worded("cannot use the geocoder '{spec}': {reason}")
_NOT_GEOCODER = worded("'{spec}' did not give a geocoder (an object with a locate(text) method)")


@dataclass(frozen=True)
class Located:
    """A point found for a typed text (WGS84 degrees) and how exact it is.

    ``label`` is what was found, to show back (``Vestergade 12, 5000 Odense
    C``); ``precision`` is ``"address"``, ``"street"`` or ``"postal_code"``.
    """

    lat: float
    lon: float
    label: str
    precision: str


@runtime_checkable
class Geocoder(Protocol):
    """Finds a point for a typed address: ``None`` when this geocoder does not
    know it; ``InputError`` when it knows the text cannot be located as typed."""

    def locate(self, text: str) -> Located | None: ...


@dataclass(frozen=True)
class _Typed:
    """An address as typed: street, house number (``12B``), postal code, town."""

    street: str
    number: str
    code: int | None
    place: str


def _refused(said: Worded, /, **values: object) -> InputError:
    """What was typed cannot be located, as a problem of the address field."""
    return InputError([problem(_FILE, None, _COLUMN, said.template, **values)])


def _key(text: str) -> str:
    """``text`` as compared: case, spaces and punctuation aside, ``aa`` read as ``å``."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("aa", "å")
    return "".join(ch for ch in folded if ch.isalnum())


def _parse(text: str) -> _Typed:
    """The parts of an address; ``InputError`` for a number that is no postal code."""
    typed = " ".join(unicodedata.normalize("NFKC", text).split())
    if re.fullmatch(r"[\d ]+", typed) and not CODE.fullmatch(typed):
        raise _refused(NOT_A_CODE, number=typed.replace(" ", "")[:12])
    long_run = next((run for run in re.findall(r"\d+", typed) if len(run) > 4), None)
    if long_run is not None:
        raise _refused(NOT_A_CODE, number=long_run[:12])
    codes = list(CODE.finditer(typed))
    code, place, head = None, "", typed
    if codes:
        found = codes[-1]
        code = int(found.group())
        if not 800 <= code <= 9990:
            raise _refused(NOT_A_CODE, number=found.group())
        head, place = typed[: found.start()], typed[found.end() :].split(",")[0].strip(" .")
    parts = [part.strip() for part in head.split(",") if part.strip()]
    if code is None and len(parts) > 1:
        place = parts[-1]
    street_part = parts[0] if parts else ""
    match = _STREET.match(street_part)
    if match is None:
        return _Typed(street_part.strip(" ."), "", code, place)
    rest = match["rest"].strip(" ,.")
    if code is None and not place and rest:
        place = rest
    number = house(match["number"] + (match["letter"] or ""))
    return _Typed(match["street"].strip(" ,."), number, code, place)


@dataclass(frozen=True)
class _Area:
    code_from: int
    code_to: int
    name: str
    lat: float
    lon: float

    @property
    def label(self) -> str:
        upto = f"-{self.code_to:04d}" if self.code_to != self.code_from else ""
        return f"{self.code_from:04d}{upto} {self.name}"


@cache
def _postal_areas(path: Path) -> tuple[_Area, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]  # code_from, code_to, name, lat, lon
    return tuple(_Area(int(a), int(b), name, float(y), float(x)) for a, b, name, y, x in rows)


class PostalCodes:
    """The Danish postal code areas: ``locate("5230")``, ``locate("5000 Odense C")``,
    ``locate("Odense M")``; an address with a postal code gives the area's point."""

    def __init__(self, table: Path = POSTAL_TABLE) -> None:
        self.areas = _postal_areas(Path(table))
        self._starts = [area.code_from for area in self.areas]
        self._names = {_key(area.name): area for area in self.areas}

    def area(self, code: int) -> _Area | None:
        """The area that holds postal code ``code``, or ``None``."""
        i = bisect_right(self._starts, code) - 1
        return self.areas[i] if i >= 0 and self.areas[i].code_to >= code else None

    def named(self, name: str) -> _Area | None:
        """The area called ``name`` (case, spaces and ``aa``/``å`` aside), or ``None``."""
        return self._names.get(_key(name))

    def _town(self, name: str) -> list[_Area]:
        """Areas whose name starts with the words of ``name`` (``Odense``: Odense C, ...)."""
        words = [_key(word) for word in name.split()]
        prefix = [[_key(word) for word in a.name.split()][: len(words)] for a in self.areas]
        return [area for area, start in zip(self.areas, prefix, strict=True) if start == words]

    def locate(self, text: str) -> Located | None:
        typed = _parse(text)
        if typed.code is not None:
            area = self.area(typed.code)
            if area is None:
                raise _refused(_NO_SUCH_CODE, code=typed.code)
            other = self.named(typed.place) if typed.place else None
            if other is not None and other != area:
                raise _refused(_OTHER_TOWN, code=typed.code, name=area.name, other=other.label)
            return Located(area.lat, area.lon, f"{typed.code:04d} {area.name}", "postal_code")
        name = typed.place or (typed.street if not typed.number else "")
        if not name:
            return None
        area = self.named(name)
        if area is not None:
            return Located(area.lat, area.lon, area.label, "postal_code")
        towns = self._town(name)
        if towns:
            raise _refused(
                _TOWNS,
                codes=", ".join(town.label for town in towns[:5]) + (", ..." * (len(towns) > 5)),
            )
        return None


class Chain:
    """Geocoders asked in turn: the point of the first that finds the text."""

    def __init__(self, *geocoders: Geocoder) -> None:
        self.geocoders = geocoders

    def locate(self, text: str) -> Located | None:
        found = (geocoder.locate(text) for geocoder in self.geocoders)  # asked one by one
        return next((point for point in found if point is not None), None)


class _Service:
    """A municipality's own geocoder, whose failure (a network down, a timeout)
    is logged without the text asked and passes the text on to the next one."""

    def __init__(self, geocoder: Geocoder, spec: str) -> None:
        self.geocoder, self.spec = geocoder, spec

    def locate(self, text: str) -> Located | None:
        try:
            return self.geocoder.locate(text)
        except Exception as exc:  # the municipality's code may fail in any way
            _log.warning("geocoder %s failed: %s", self.spec, type(exc).__name__)
            return None


class AddressFile:
    """Access addresses of the address register, indexed by street and postal code."""

    def __init__(self, table: pd.DataFrame) -> None:
        """``table``: columns ``street, number, postnr, town, lat, lon`` (one row per
        access address, ``number`` as ``house`` writes it; ``AddressFile.read``)."""
        keys = by_unique(table["street"].to_numpy(dtype=object), _key)
        street_codes, streets = pd.factorize(keys)
        numbers = table["number"].to_numpy(dtype=object)
        value = by_unique(numbers, lambda n: int("0" + re.sub(r"\D.*", "", n))).astype(np.int64)
        group = street_codes.astype(np.int64) * 10_000 + table["postnr"].to_numpy(np.int64)
        order = np.lexsort((numbers.astype(str), value, group))
        self._group = group[order]
        self._street = table["street"].to_numpy(dtype=object)[order]
        self._number = numbers[order]
        self._town = table["town"].to_numpy(dtype=object)[order]
        self._lat = table["lat"].to_numpy(np.float64)[order]
        self._lon = table["lon"].to_numpy(np.float64)[order]
        starts = np.flatnonzero(np.r_[True, self._group[1:] != self._group[:-1]])
        ends = np.r_[starts[1:], len(order)]
        self._streets = {str(k): i for i, k in enumerate(streets)}
        self._slices = {
            int(self._group[s]): (int(s), int(e)) for s, e in zip(starts, ends, strict=True)
        }
        self._codes: dict[int, list[int]] = {}
        for g in self._slices:
            self._codes.setdefault(g // 10_000, []).append(g % 10_000)

    def __len__(self) -> int:
        return len(self._group)

    @classmethod
    def read(cls, path: Path | str, name: str | None = None) -> AddressFile:
        """The access addresses of the CSV file at ``path``; ``InputError`` naming
        the file, row and column of what is wrong (``name``: how it is named)."""
        return cls(read_register(Path(path), name or Path(path).name))

    def locate(self, text: str) -> Located | None:
        typed = _parse(text)
        street = self._streets.get(_key(typed.street)) if typed.street else None
        if street is None:
            return None
        codes = [typed.code] if typed.code is not None else self._codes[street]
        if typed.code is None and typed.place and len(codes) > 1:
            place = _key(typed.place)
            codes = [c for c in codes if _key(self._row_town(street, c)) == place] or codes
        if len(codes) > 1:
            first = self._slices[street * 10_000 + codes[0]][0]
            named = [f"{c:04d} {self._row_town(street, c)}" for c in codes[:5]]
            raise _refused(
                _STREETS,
                street=self._street[first],
                count=len(codes),
                codes=", ".join(named) + (", ..." * (len(codes) > 5)),
                example=f"{self._street[first]} {typed.number}".strip() + f", {codes[0]:04d}",
            )
        code = codes[0]
        start, end = self._slices.get(street * 10_000 + code, (0, 0))
        if start == end:
            return None
        if typed.number:
            hits = np.flatnonzero(self._number[start:end] == typed.number)
            if len(hits):
                i = start + int(hits[0])
                label = f"{self._street[i]} {self._number[i]}, {code:04d} {self._town[i]}"
                return Located(float(self._lat[i]), float(self._lon[i]), label, "address")
        i = start + (end - start - 1) // 2
        label = f"{self._street[i]}, {code:04d} {self._town[i]}"
        return Located(float(self._lat[i]), float(self._lon[i]), label, "street")

    def _row_town(self, street: int, code: int) -> str:
        return str(self._town[self._slices[street * 10_000 + code][0]])


def app_geocoder(address_file: Path | None = None, spec: str = "") -> Geocoder:
    """The app's geocoder: the address file (when given), then the service that
    ``spec`` names (when given, see ``load_geocoder``), then the packaged postal
    code areas, so a postal code is found even when the service is down."""
    found: list[Geocoder] = []
    if address_file is not None:
        found.append(AddressFile.read(address_file))
    if spec.strip():
        found.append(_Service(load_geocoder(spec), spec.strip()))
    return Chain(*found, PostalCodes()) if found else PostalCodes()


def load_geocoder(spec: str) -> Geocoder:
    """The geocoder that ``factory()`` of ``package.module`` makes (``spec`` is
    ``package.module:factory``), such as a municipality's own online service."""
    match = re.fullmatch(r"([A-Za-z_][\w.]*):([A-Za-z_]\w*)", spec.strip())
    if match is None:
        raise _refused(_SPEC)
    module_name, factory_name = match.groups()
    try:
        factory = getattr(importlib.import_module(module_name), factory_name)
        made = factory()
    except Exception as exc:  # the municipality's code may fail in any way: say how
        raise _refused(
            _CANNOT_USE, spec=spec.strip(), reason=f"{type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(made, Geocoder):
        raise _refused(_NOT_GEOCODER, spec=spec.strip())
    return made


def locate(text: str, geocoder: Geocoder | None = None) -> Located:
    """The point of ``text`` (an address or a postal code) by ``geocoder``
    (default: the postal code areas); ``InputError`` saying what to type when
    the text is empty, not found or ambiguous."""
    if not text.strip():
        raise _refused(_EMPTY)
    if len(text) > MAX_ADDRESS_CHARS:
        raise _refused(_TOO_LONG, length=len(text), limit=MAX_ADDRESS_CHARS)
    if has_control(text):
        raise _refused(_CONTROL)
    if looks_like_cpr(text):
        raise _refused(_CPR)
    _parse(text)  # a number that is no postal code is refused whoever looks it up
    found = (geocoder or PostalCodes()).locate(text)
    if found is None:
        raise _refused(_NOT_FOUND)
    return found
