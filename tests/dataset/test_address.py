"""Addresses and postal codes typed at the closing conversation become points, offline."""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from address_support import ADDRESSES, write_addresses

from matcher import InputError
from matcher.dataset.address import (
    MAX_ADDRESS_CHARS,
    POSTAL_TABLE,
    AddressFile,
    Chain,
    Geocoder,
    Located,
    PostalCodes,
    app_geocoder,
    load_geocoder,
    locate,
)
from matcher.geo import DENMARK_BOX
from matcher.words.problems import problem_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def town(tmp_path: Path) -> AddressFile:
    """The invented town's access addresses, read from a WGS84 file."""
    return AddressFile.read(write_addresses(tmp_path / "adgangsadresser.csv", ADDRESSES))


def refused(text: str, geocoder: Geocoder | None = None) -> str:
    """The one problem ``locate`` gives for ``text``, as the command line prints it."""
    with pytest.raises(InputError) as caught:
        locate(text, geocoder)
    (found,) = caught.value.problems
    assert (found.file, found.row, found.column) == ("address", None, "address")
    return found.message


# -- the packaged postal code table ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("5000", "5000 Odense C"),
        ("5230", "5230 Odense M"),
        ("8000", "8000 Århus C"),
        ("2100", "2100 København Ø"),
        ("1050", "1050 København K"),
        ("1499", "1499 København K"),
        ("3700 Rønne", "3700 Rønne"),
    ],
)
def test_a_postal_code_is_located_at_its_area(typed: str, label: str) -> None:
    """A postal code, also one inside a range such as 1000-1499, gives its area's
    point in Denmark, named back with the code typed, at postal-code precision."""
    found = locate(typed)
    assert found.label == label
    assert found.precision == "postal_code"
    west, south, east, north = DENMARK_BOX
    assert west < found.lon < east and south < found.lat < north


@pytest.mark.parametrize("typed", ["5230 Odense M", "Odense M", "odense  m", "ODENSE M", "5230"])
def test_a_postal_name_is_read_without_case_or_spaces(typed: str) -> None:
    """A postal code, its name or both find the same area, whatever the case and spaces."""
    assert locate(typed) == locate("5230")


@pytest.mark.parametrize(("typed", "code"), [("Aarhus C", "8000"), ("København Ø", "2100")])
def test_danish_letters_and_aa_are_read(typed: str, code: str) -> None:
    """Names with æ, ø, å are found, and ``aa`` is read as ``å`` (Aarhus is Århus)."""
    assert locate(typed).lat == locate(code).lat


def test_the_areas_are_in_order_and_apart() -> None:
    """The packaged table has the areas sorted, none overlapping, all within 0800-9990."""
    areas = PostalCodes().areas
    assert len(areas) > 500
    for before, after in itertools.pairwise(areas):
        assert before.code_to < after.code_from
    assert all(800 <= a.code_from <= a.code_to <= 9990 and a.name for a in areas)


def test_the_packaged_table_is_rebuilt_identically(shared_dk: Path, tmp_path: Path) -> None:
    """tools/postal_codes.py rebuilds postal_codes.csv from the boundaries byte for byte,
    one row per postal code area of the boundary file."""
    import geopandas as gpd

    source = shared_dk / "postal_codes.geojson"
    target = tmp_path / "postal_codes.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "postal_codes.py"), str(source), str(target)],
        check=True,
        capture_output=True,
    )
    assert target.read_bytes() == POSTAL_TABLE.read_bytes()
    areas = gpd.read_file(source)["postal_code"].nunique()
    assert len(PostalCodes().areas) == areas


def test_an_address_with_a_postal_code_falls_back_to_the_postal_code() -> None:
    """Without an address file, an address gives its postal code's point, and says so."""
    found = locate("Vestergade 12, 5000 Odense C")
    assert (found.label, found.precision) == ("5000 Odense C", "postal_code")
    assert (found.lat, found.lon) == (locate("5000").lat, locate("5000").lon)


@pytest.mark.parametrize("typed", ["5999", "Vestergade 12, 5999"])
def test_an_unknown_postal_code_is_refused_saying_what_to_type(typed: str) -> None:
    """A postal code no area has is refused, naming the code and what to type."""
    message = refused(typed)
    assert "5999" in message and "4 digits" in message


@pytest.mark.parametrize("typed", ["0100", "9999", "12345", "500", "Vestergade 12, 50000"])
def test_a_number_outside_the_postal_codes_is_refused(typed: str) -> None:
    """A number that cannot be a Danish postal code (0800-9990) is refused, not guessed."""
    assert "0800 to 9990" in refused(typed)


def test_a_postal_code_and_another_town_are_refused() -> None:
    """A postal code typed with another postal code's town is refused, naming both."""
    message = refused("5000 Odense M")
    assert "Odense C" in message and "5230 Odense M" in message


def test_a_town_with_several_postal_codes_names_them() -> None:
    """A town that is several postal codes (Odense) names up to five to choose from."""
    message = refused("Odense")
    assert "5000 Odense C" in message
    assert message.count("Odense") == 5 and message.endswith(", ...")


def test_a_text_nothing_matches_says_what_to_type() -> None:
    """A text that is neither an address nor a postal code says what may be typed."""
    assert "5230 Odense M" in refused("Vestergade 12")


def test_the_problems_read_in_danish() -> None:
    """The app words an address problem in Danish, with the same postal code."""
    with pytest.raises(InputError) as caught:
        locate("5999")
    (found,) = caught.value.problems
    danish = problem_text(found, "da")
    assert danish != found.message and "5999" in danish


# -- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "type an address"),
        ("   ", "type an address"),
        ("=cmd|' /C calc'!A0", "nothing was found"),
        ("x" * 10_000, f"at most {MAX_ADDRESS_CHARS} characters"),
        ("Vestergade \x1b[31m12", "control character"),
        ("010190-1234", "CPR number"),
        ("Vestergade 12, 010190-1234", "CPR number"),
    ],
)
def test_hostile_input_is_refused_without_being_repeated(typed: str, said: str) -> None:
    """Empty, formula, overlong, escape-coded or CPR-like input is refused with what to
    type, and the problem never repeats what was typed."""
    message = refused(typed)
    assert said in message
    for part in ("010190", "1234", "cmd", "calc", "x" * 20, "\x1b"):
        if part in typed:
            assert part not in message


# -- the address file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("Vestergade 12, 5000 Odense C", "Vestergade 12, 5000 Odense C"),
        ("Vestergade 12 5000", "Vestergade 12, 5000 Odense C"),
        ("vestergade 12B, 5000", "Vestergade 12B, 5000 Odense C"),
        ("VESTERGADE 12 b 5000", "Vestergade 12B, 5000 Odense C"),
        ("Vestergade 14", "Vestergade 14, 5000 Odense C"),
        ("Aabyvej 7, 5210", "Åbyvej 7, 5210 Odense NV"),
        ("Skovvej 2, Odense M", "Skovvej 2, 5230 Odense M"),
    ],
)
def test_an_address_is_found_at_its_access_point(town: AddressFile, typed: str, label: str) -> None:
    """A street and number (with a postal code, its town, or neither when the street has
    one postal code) is found at its access address and named back as the file has it."""
    found = town.locate(typed)
    assert found is not None
    assert (found.label, found.precision) == (label, "address")
    street, number = label.split(",")[0].rsplit(" ", 1)
    row = next(r for r in ADDRESSES if (r[0], r[1]) == (street, number))
    assert (found.lat, found.lon) == pytest.approx(row[4:])


@pytest.mark.parametrize("typed", ["Vestergade, 5000", "Vestergade 99, 5000"])
def test_a_street_without_its_number_gives_its_middle_address(
    town: AddressFile, typed: str
) -> None:
    """A street found without the number typed (or without that number in the file)
    gives the middle address of the street, at street precision, named without a number."""
    found = town.locate(typed)
    assert found is not None
    assert (found.label, found.precision) == ("Vestergade, 5000 Odense C", "street")
    numbers = sorted((int(r[1].rstrip("B")), r[1]) for r in ADDRESSES if r[0] == "Vestergade")
    middle = next(r for r in ADDRESSES if r[1] == numbers[(len(numbers) - 1) // 2][1])
    assert (found.lat, found.lon) == pytest.approx(middle[4:])


def test_a_street_in_several_postal_codes_is_ambiguous(town: AddressFile) -> None:
    """A street in several postal codes, typed without one, is refused naming them."""
    message = refused("Skovvej 1", town)
    assert "5200 Odense V" in message and "5230 Odense M" in message
    assert "Skovvej 1, 5200" in message


def test_an_ambiguous_street_names_at_most_five_postal_codes(tmp_path: Path) -> None:
    """A street in seven postal codes names five of them and says there are more."""
    rows = [("Bygaden", "1", f"{5000 + 10 * i}", f"By {i}", 55.4, 10.4) for i in range(7)]
    message = refused("Bygaden 1", AddressFile.read(write_addresses(tmp_path / "a.csv", rows)))
    assert "7 postal codes" in message
    assert message.count("By ") == 5 and "..." in message


# -- geocoders together --------------------------------------------------------------------


def test_a_chain_asks_in_turn(town: AddressFile) -> None:
    """A chain gives the first geocoder's point, and the next one's when it knows none."""
    chain = Chain(town, PostalCodes())
    assert locate("Vestergade 12, 5000", chain).precision == "address"
    found = chain.locate("Nyvej 3, 5230")
    assert found is not None and (found.label, found.precision) == ("5230 Odense M", "postal_code")
    assert Chain().locate("5000") is None


def test_the_app_geocoder_is_the_file_then_the_postal_codes(tmp_path: Path) -> None:
    """Without an address file the postal codes answer; with one, its addresses first."""
    assert locate("Vestergade 12, 5000", app_geocoder()).precision == "postal_code"
    path = write_addresses(tmp_path / "a.csv", ADDRESSES)
    assert locate("Vestergade 12, 5000", app_geocoder(path)).precision == "address"
    assert locate("Odense M", app_geocoder(path)).precision == "postal_code"


def test_a_service_that_fails_passes_the_text_on_and_logs_no_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A municipality's service is asked after the address file; when it fails, the
    postal codes still answer and the log names the service, never the typed text."""
    (tmp_path / "down_geo.py").write_text(
        "class Down:\n    def locate(self, text):\n        raise TimeoutError(text)\n\n\n"
        "def geocoder():\n    return Down()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    path = write_addresses(tmp_path / "a.csv", ADDRESSES)
    geocoder = app_geocoder(path, "down_geo:geocoder")
    assert locate("Vestergade 12, 5000", geocoder).precision == "address"
    with caplog.at_level("WARNING"):
        found = locate("Nyvej 3, 5230", geocoder)
    assert (found.label, found.precision) == ("5230 Odense M", "postal_code")
    assert "down_geo:geocoder" in caplog.text and "TimeoutError" in caplog.text
    assert "Nyvej" not in caplog.text


def test_a_municipality_geocoder_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``package.module:factory`` gives the geocoder its factory makes, used by locate."""
    (tmp_path / "mytown_geo.py").write_text(
        textwrap.dedent(
            """
            from matcher.dataset.address import Located

            class TownHall:
                def locate(self, text):
                    return Located(55.4, 10.4, "Rådhuset", "address") if "hus" in text else None

            def geocoder():
                return TownHall()

            def nothing():
                return 42

            def broken():
                raise RuntimeError("no network")
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    geocoder = load_geocoder("mytown_geo:geocoder")
    assert locate("Rådhuset", geocoder) == Located(55.4, 10.4, "Rådhuset", "address")
    assert "nothing was found" in refused("Vestergade 1", geocoder)


@pytest.mark.parametrize(
    ("spec", "said"),
    [
        ("mytown_geo", "package.module:factory"),
        ("no_such_module_here:geocoder", "ModuleNotFoundError"),
        ("mytown_geo2:missing", "AttributeError"),
        ("mytown_geo2:broken", "no network"),
        ("mytown_geo2:nothing", "did not give a geocoder"),
    ],
)
def test_a_geocoder_that_cannot_be_used_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, said: str
) -> None:
    """A spec that is malformed, cannot be imported, fails or makes no geocoder is refused
    with the reason."""
    (tmp_path / "mytown_geo2.py").write_text(
        "def nothing():\n    return 42\n\n\ndef broken():\n    raise RuntimeError('no network')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(InputError) as caught:
        load_geocoder(spec)
    assert said in str(caught.value)


def test_the_wheel_holds_the_postal_table() -> None:
    """pyproject's package data names the packaged postal code table."""
    import tomllib
    from fnmatch import fnmatch

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["matcher"]
    relative = POSTAL_TABLE.relative_to(ROOT / "matcher").as_posix()
    assert any(fnmatch(relative, pattern) for pattern in patterns)
