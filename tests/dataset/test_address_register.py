"""The address register's CSV is read in either coordinate system and either
spreadsheet dialect, and a wrong cell is named by its file, row and column."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from address_support import ADDRESSES, write_addresses

from matcher import InputError
from matcher.dataset.address import AddressFile
from matcher.dataset.address_register import house, read_register


@pytest.mark.parametrize(("typed", "kept"), [("12", "12"), ("012B", "12B"), ("12 b", "12B")])
def test_a_house_number_is_compared_without_spaces_case_or_leading_zeros(
    typed: str, kept: str
) -> None:
    """``12 b``, ``012B`` and ``12B`` are one house number."""
    assert house(typed) == kept


def test_the_register_gives_one_row_per_access_address(tmp_path: Path) -> None:
    """``read_register`` gives street, number, postal code, town and point of each row."""
    table = read_register(write_addresses(tmp_path / "a.csv", ADDRESSES), "a.csv")
    assert list(table.columns) == ["street", "number", "postnr", "town", "lat", "lon"]
    assert len(table) == len(ADDRESSES)
    assert table.iloc[1][["street", "number", "postnr"]].tolist() == ["Vestergade", "12B", 5000]


def test_both_coordinate_systems_give_the_same_point(tmp_path: Path) -> None:
    """An export in ETRS89 / UTM 32N (metres) gives the same points as one in WGS84."""
    wgs84 = AddressFile.read(write_addresses(tmp_path / "wgs84.csv", ADDRESSES))
    etrs89 = AddressFile.read(write_addresses(tmp_path / "etrs89.csv", ADDRESSES, etrs89=True))
    for street, number, code, *_ in ADDRESSES:
        one, other = (
            wgs84.locate(f"{street} {number}, {code}"),
            etrs89.locate(f"{street} {number}, {code}"),
        )
        assert one is not None and other is not None
        assert (other.lat, other.lon) == pytest.approx((one.lat, one.lon), abs=1e-5)


def test_a_danish_spreadsheet_export_is_read(tmp_path: Path) -> None:
    """A ``;``-separated file with decimal commas reads the same points."""
    danish = AddressFile.read(write_addresses(tmp_path / "a.csv", ADDRESSES, sep=";"))
    found = danish.locate("Vestergade 12, 5000")
    assert found is not None and (found.lat, found.lon) == pytest.approx(ADDRESSES[0][4:])


def test_a_row_without_a_point_is_skipped(tmp_path: Path) -> None:
    """An access address without coordinates is left out, and the others are read."""
    path = write_addresses(tmp_path / "a.csv", ADDRESSES)
    text = path.read_text(encoding="utf-8") + "id9,Nyvej,1,,5000,Odense C,,,U\n"
    path.write_text(text, encoding="utf-8")
    addresses = AddressFile.read(path)
    assert len(addresses) == len(ADDRESSES)
    assert addresses.locate("Nyvej 1, 5000") is None


def _problems(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(InputError) as caught:
        AddressFile.read(path)
    assert all(p.file == path.name for p in caught.value.problems)
    return [(p.row, p.column, p.message) for p in caught.value.problems]


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    """A file without ``husnr`` is refused naming the column in the header row."""
    path = write_addresses(tmp_path / "a.csv", ADDRESSES)
    text = path.read_text(encoding="utf-8").replace(",husnr,", ",nummer,", 1)
    path.write_text(text, encoding="utf-8")
    assert _problems(path) == [(1, "husnr", "required column is missing")]


def test_a_file_without_coordinates_is_refused(tmp_path: Path) -> None:
    """A file with neither coordinate pair is refused, naming both pairs."""
    path = tmp_path / "a.csv"
    path.write_text("vejnavn,husnr,postnr,postnrnavn\nVestergade,1,5000,Odense C\n")
    ((row, _, message),) = _problems(path)
    assert row == 1 and "wgs84koordinat_bredde" in message and "etrs89koordinat_øst" in message


@pytest.mark.parametrize(
    ("cell", "column", "said"),
    [
        ("wgs84koordinat_bredde=55,4x", "wgs84koordinat_bredde", "is not a number"),
        ("wgs84koordinat_bredde=10.38", "wgs84koordinat_bredde", "outside Denmark"),
        ("postnr=50000", "postnr", "0800 to 9990"),
        ("vejnavn=", "vejnavn", "is empty"),
    ],
)
def test_a_wrong_cell_is_named_by_row_and_column(
    tmp_path: Path, cell: str, column: str, said: str
) -> None:
    """A non-number or swapped coordinate, a wrong postal code or a missing street is
    named by its spreadsheet row and column."""
    name, value = cell.split("=")
    rows = [list(r) for r in ADDRESSES]
    rows[2][["vejnavn", "husnr", "postnr", "postnrnavn", "wgs84koordinat_bredde"].index(name)] = (
        value
    )
    path = write_addresses(tmp_path / "a.csv", [tuple(r) for r in rows])
    ((row, where, message),) = _problems(path)
    assert (row, where) == (4, column) and said in message


def test_a_file_that_is_not_utf8_is_named_by_row_and_column(tmp_path: Path) -> None:
    """A Windows-1252 byte in a street name is named by its row and column."""
    path = write_addresses(tmp_path / "a.csv", ADDRESSES)
    data = path.read_bytes().replace("Åbyvej".encode(), "Åbyvej".encode("cp1252"))
    path.write_bytes(data)
    assert _problems(path) == [(10, "vejnavn", "is not UTF-8 text; save the file as 'CSV UTF-8'")]


def test_many_wrong_cells_are_counted_after_the_first_ten(tmp_path: Path) -> None:
    """A file full of wrong cells lists ten and counts the rest."""
    rows = [("Vej", "1", "5000", "Odense C", "x", 10.4)] * 25
    found = _problems(write_addresses(tmp_path / "a.csv", rows))
    assert len(found) == 11 and found[-1][2] == "and 15 more problems in the address file"


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    """An empty file and a missing one are refused, each with a plain problem."""
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert _problems(empty) == [(None, None, "the file is empty")]
    assert _problems(tmp_path / "none.csv") == [(None, None, "file not found")]


@pytest.mark.benchmark
def test_a_million_access_addresses_load_in_seconds(tmp_path: Path) -> None:
    """A file of 1,000,000 access addresses (DAWA's columns) loads in a few seconds and
    finds an address at once; the figures are printed."""
    rng = np.random.default_rng(0)
    n = 1_000_000
    path = tmp_path / "adgangsadresser.csv"
    streets = np.array([f"Vej{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(5000)])
    pick = rng.integers(0, len(streets), n)
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id,vejkode,vejnavn,husnr,postnr,postnrnavn,")
        handle.write("etrs89koordinat_øst,etrs89koordinat_nord,nøjagtighed,kilde\n")
        east = rng.uniform(580_000, 590_000, n)
        north = rng.uniform(6_130_000, 6_140_000, n)
        for i in range(n):
            handle.write(
                f"id{i},{pick[i]},{streets[pick[i]]},{i % 300 + 1},{5000 + pick[i] % 27 * 10},"
                f"Odense,{east[i]:.2f},{north[i]:.2f},A,5\n"
            )
    start = time.perf_counter()
    addresses = AddressFile.read(path)
    seconds = time.perf_counter() - start
    found = addresses.locate(f"{streets[pick[0]]} 1, {5000 + pick[0] % 27 * 10}")
    print(f"\n1,000,000 access addresses read and indexed in {seconds:.1f} s")
    assert len(addresses) == n and found is not None and found.precision == "address"
    assert seconds < 15
