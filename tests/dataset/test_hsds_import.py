"""Reading HSDS 3 tables back: the demo catalogue and one using every column come
back as the same offers and sessions; a row that breaks HSDS 3 is refused with its
file, row and field; fields Brobygger has no column for are listed."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from exchange_support import OFFER_COLUMNS, SESSION_COLUMNS, differences, rich_catalogue

from matcher import Dataset, InputError, load_dataset
from matcher.dataset.exchange import write_catalogue, write_folder
from matcher.dataset.hsds import hsds_files
from matcher.dataset.hsds_import import read_hsds

DEMO = Path(__file__).resolve().parents[2] / "data" / "activities"
#: Offer columns HSDS 3 carries in a field of its own; the others travel as
#: attributes of Brobygger's taxonomy (see matcher.dataset.hsds).
NATIVE = (
    "name", "provider", "lat", "lon", "languages", "fee_dkk_month", "address", "phone",
    "description", "interpreter_languages", "accessibility", "trial_free", "online",
    "verified_date", "status",
)  # fmt: skip
#: What HSDS 3 cannot carry in a field of its own (carried as Brobygger attributes, so
#: another HSDS reader sees them only as values of the Brobygger taxonomy).
ATTRIBUTES_ONLY = (
    "offer_id", "kind", "diagnoses", "gender", "group_size", "intensity", "supervised",
    "tags", "talk_level", "interpreter", "paused_until",
)  # fmt: skip


def round_trip(dataset: Dataset, tmp_path: Path) -> Dataset:
    """``dataset`` exported as HSDS 3, imported into a new folder and loaded again."""
    write_folder(hsds_files(dataset), tmp_path / "hsds")
    write_catalogue(read_hsds(tmp_path / "hsds"), tmp_path / "back")
    assert dataset.source is not None
    shutil.copy(dataset.source / "patients.csv", tmp_path / "back" / "patients.csv")
    return load_dataset(tmp_path / "back")


def test_every_offer_column_is_native_or_an_attribute() -> None:
    """The two lists above name every column of offers.csv once."""
    assert sorted(NATIVE + ATTRIBUTES_ONLY) == sorted(OFFER_COLUMNS)


def test_the_demo_catalogue_comes_back_the_same(tmp_path: Path) -> None:
    """data/activities exported as HSDS 3 re-imports to the same offers and sessions,
    field by field."""
    demo = load_dataset(DEMO)
    back = round_trip(demo, tmp_path)
    assert differences(demo, back, OFFER_COLUMNS, "offers") == []
    assert differences(demo, back, SESSION_COLUMNS, "sessions") == []
    assert len(back.offers) == len(demo.offers) and len(back.sessions) == len(demo.sessions)


def test_every_column_comes_back_the_same(tmp_path: Path) -> None:
    """Interpreters, access, talk level, a free first session, online, pauses, no
    provider, an address without a postal code, a formula-like name, courses and
    exceptions all survive the round trip."""
    rich = rich_catalogue(tmp_path / "rich")
    back = round_trip(rich, tmp_path)
    assert differences(rich, back, OFFER_COLUMNS, "offers") == []
    assert differences(rich, back, SESSION_COLUMNS, "sessions") == []
    assert back.offers["name"].iat[1] == "=Hjertecafé online"


def test_the_native_fields_alone_give_the_native_columns(tmp_path: Path) -> None:
    """Without Brobygger's attributes (another system's HSDS), the native columns still
    come back and a service without kind and group size is refused, naming them."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    (tmp_path / "hsds" / "attributes.csv").write_text(
        "id,link_id,taxonomy_term_id,link_type,link_entity,value\n", encoding="utf-8"
    )
    imported = read_hsds(tmp_path / "hsds")
    assert imported.offers[0]["name"] == "Stille motion Vollsmose"
    assert imported.offers[0]["accessibility"] == "wheelchair;seated"
    assert imported.offers[0]["trial_free"] == "true"
    with pytest.raises(InputError) as refused:
        write_catalogue(imported, tmp_path / "back")
    at = {(p.file, p.row, p.column) for p in refused.value.problems}
    assert ("hsds/services.csv", 2, "kind") in at and ("hsds/services.csv", 2, "group_size") in at
    assert ("hsds/schedules.csv", 2, "capacity") in at
    assert not (tmp_path / "back" / "offers.csv").exists()


def edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell of a CSV file (``row`` numbered as a spreadsheet shows it)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_row_breaking_hsds_3_is_refused_with_its_place(tmp_path: Path) -> None:
    """A service id that is no UUID and a status HSDS does not know are named by file,
    row and field, and nothing is read."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    edit(tmp_path / "hsds" / "services.csv", 3, "id", "O2")
    edit(tmp_path / "hsds" / "services.csv", 4, "status", "open")
    with pytest.raises(InputError) as refused:
        read_hsds(tmp_path / "hsds")
    at = {(p.file, p.row, p.column) for p in refused.value.problems}
    assert at == {("hsds/services.csv", 3, "id"), ("hsds/services.csv", 4, "status")}


def test_a_bad_brobygger_value_is_refused_with_the_hsds_row(tmp_path: Path) -> None:
    """A group size outside 1-200 in an attribute is refused at each service's row (the
    two offers of size 8 become 900)."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    path = tmp_path / "hsds" / "attributes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",service,8\n", ",service,900\n"), encoding="utf-8"
    )
    with pytest.raises(InputError) as refused:
        write_catalogue(read_hsds(tmp_path / "hsds"), tmp_path / "back")
    assert [(p.file, p.row, p.column) for p in refused.value.problems] == [
        ("hsds/services.csv", 2, "group_size"),
        ("hsds/services.csv", 4, "group_size"),
    ]


def test_a_short_row_is_refused_with_its_row(tmp_path: Path) -> None:
    """A row that lost a cell is named with its row number."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    path = tmp_path / "hsds" / "phones.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], lines[1].rsplit(",", 1)[0]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_hsds(tmp_path / "hsds")
    assert [(p.file, p.row) for p in refused.value.problems] == [("hsds/phones.csv", 2)]


def test_fields_without_a_brobygger_column_are_listed(tmp_path: Path) -> None:
    """A service's url and email, a table Brobygger does not read and a taxonomy term of
    another system are named, each with the number of records holding a value."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    edit(tmp_path / "hsds" / "services.csv", 2, "url", "https://example.org/walk")
    edit(tmp_path / "hsds" / "services.csv", 3, "url", "https://example.org/cafe")
    edit(tmp_path / "hsds" / "services.csv", 2, "email", "walk@example.org")
    (tmp_path / "hsds" / "contacts.csv").write_text(
        "id,name\n1b4e28ba-2fa1-41d2-883f-0016d3cca427,Anne\n", encoding="utf-8"
    )
    imported = read_hsds(tmp_path / "hsds")
    assert "services.csv: url (2)" in imported.unmapped
    assert "services.csv: email (1)" in imported.unmapped
    assert "contacts.csv: every field (1)" in imported.unmapped
    assert read_hsds_clean(tmp_path, rich) == []


def read_hsds_clean(tmp_path: Path, rich: Dataset) -> list[str]:
    """What a fresh export of ``rich`` leaves unmapped (nothing)."""
    write_folder(hsds_files(rich), tmp_path / "clean")
    return read_hsds(tmp_path / "clean").unmapped


def test_a_folder_without_services_is_refused(tmp_path: Path) -> None:
    """A folder with no services.csv is not an HSDS catalogue."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as refused:
        read_hsds(tmp_path / "empty")
    assert "services.csv" in refused.value.problems[0].message


@pytest.mark.slow
@pytest.mark.parametrize("odd", ["", "x", "-1", "1e999", "MO,XX", "99:99:00"])
def test_any_odd_cell_is_bad_input_never_a_crash(odd: str, tmp_path: Path) -> None:
    """Each cell of the first row of every table, given an odd value in turn, is either
    read or refused as bad input (InputError)."""
    rich = rich_catalogue(tmp_path / "rich")
    write_folder(hsds_files(rich), tmp_path / "hsds")
    crashed = []
    for path in sorted((tmp_path / "hsds").glob("*.csv")):
        original = path.read_text(encoding="utf-8")
        header = next(csv.reader(io.StringIO(original)))
        if original.count("\n") < 2:
            continue
        for column in header:
            edit(path, 2, column, odd)
            try:
                write_catalogue(read_hsds(tmp_path / "hsds"), tmp_path / "back")
            except InputError:
                pass
            except Exception as exc:
                crashed.append(f"{path.name}:{column}: {type(exc).__name__}: {exc}")
            path.write_text(original, encoding="utf-8")
    assert crashed == []
