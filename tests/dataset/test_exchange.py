"""What the catalogue exchanges share: stable ids, folders written whole or not at all,
readers that name the line or row they cannot read, and CSV files safe to open."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher import InputError
from matcher.dataset.exchange import (
    Imported,
    Source,
    checked,
    read_csv_records,
    read_json,
    stable_id,
    write_catalogue,
    write_folder,
)


def test_the_same_record_gets_the_same_uuid() -> None:
    """An id depends on the kind and key only, and differs between them."""
    assert stable_id("service", "O1") == stable_id("service", "O1")
    assert stable_id("service", "O1") != stable_id("location", "O1")
    assert len(stable_id("service", "O1")) == 36


def test_a_folder_is_written_whole_and_replaces_an_earlier_export(tmp_path: Path) -> None:
    """A new folder gets every file; a second export replaces the first, with no
    hidden folder left beside it."""
    out = tmp_path / "out"
    write_folder({"a.csv": b"1\n", "b.json": b"{}"}, out)
    write_folder({"a.csv": b"2\n", "b.json": b"[]"}, out)
    assert (out / "a.csv").read_bytes() == b"2\n" and (out / "b.json").read_bytes() == b"[]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_folder_with_other_files_is_never_replaced(tmp_path: Path) -> None:
    """A folder holding files an export does not write (a dataset, say) is refused."""
    (tmp_path / "patients.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InputError) as refused:
        write_folder({"a.csv": b"1\n"}, tmp_path)
    assert "patients.csv" in refused.value.problems[0].message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["patients.csv"]


def test_a_failed_write_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the rename fails, the earlier export stays as it was and no temporary
    folder is left."""
    out = tmp_path / "out"
    write_folder({"a.csv": b"1\n"}, out)

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_folder({"a.csv": b"2\n"}, out)
    assert (out / "a.csv").read_bytes() == b"1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def imported(**offer: str) -> Imported:
    """One offer and one session, with ``offer`` over the offer's cells."""
    found = Imported()
    cells = {"offer_id": "O1", "name": "Gåklub", "kind": "association", "lat": "55.4"}
    found.add_offer({**cells, "lon": "10.4", "group_size": "8", **offer}, Source("in.json", 1))
    session = {"session_id": "S1", "offer_id": "O1", "weekday": "mon", "start": "10:00"}
    session |= {"end": "11:00", "capacity": "5", "first_date": "2027-01-04"}
    found.add_session(session, Source("in.json", 1))
    return found


def test_cells_are_checked_by_the_dataset_s_rules_and_named_by_source() -> None:
    """A kind Brobygger does not know is refused at the source's file and record."""
    with pytest.raises(InputError) as refused:
        checked(imported(kind="club"))
    assert [(p.file, p.row, p.column) for p in refused.value.problems] == [("in.json", 1, "kind")]


def test_written_files_are_safe_in_a_spreadsheet(tmp_path: Path) -> None:
    """A name that starts like a formula is written with a quote in front; the other
    files of the folder are left alone."""
    (tmp_path / "patients.csv").write_text("kept\n", encoding="utf-8")
    write_catalogue(imported(name="=HYPERLINK(1)"), tmp_path)
    assert "'=HYPERLINK(1)" in (tmp_path / "offers.csv").read_text(encoding="utf-8")
    assert (tmp_path / "patients.csv").read_text(encoding="utf-8") == "kept\n"


def test_nothing_is_written_when_a_cell_is_bad(tmp_path: Path) -> None:
    """A refused import writes neither offers.csv nor sessions.csv."""
    with pytest.raises(InputError):
        write_catalogue(imported(group_size="0"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_readers_name_the_place_they_cannot_read(tmp_path: Path) -> None:
    """Broken JSON is named by its line, a row with a cell too many by its row, and a
    file that is no UTF-8 by the file."""
    (tmp_path / "a.json").write_text('{\n"a": 1,\n}', encoding="utf-8")
    (tmp_path / "b.csv").write_text("id,name\n1,x\n2,y,z\n", encoding="utf-8")
    (tmp_path / "c.csv").write_bytes(b"id\n\xff\n")
    with pytest.raises(InputError) as bad_json:
        read_json(tmp_path / "a.json", "a.json")
    assert bad_json.value.problems[0].row == 3
    with pytest.raises(InputError) as bad_row:
        read_csv_records(tmp_path / "b.csv", "b.csv")
    assert [(p.file, p.row) for p in bad_row.value.problems] == [("b.csv", 3)]
    with pytest.raises(InputError) as bad_text:
        read_csv_records(tmp_path / "c.csv", "c.csv")
    assert bad_text.value.problems[0].file == "c.csv"
