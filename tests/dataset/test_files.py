"""What keeps a path from being read as a data file: missing, a folder, a pipe or too
large, each one problem naming the file; a regular file is read whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from matcher import InputError
from matcher.dataset.files import file_problem, read_bytes, require_regular_file

MB = 1024 * 1024


def test_a_regular_file_has_no_problem_and_is_read_whole(tmp_path: Path) -> None:
    """A small regular file passes the check and read_bytes gives all its bytes."""
    path = tmp_path / "offers.csv"
    path.write_bytes(b"offer_id\nO1\n")
    assert file_problem(path) is None
    require_regular_file(path)
    assert read_bytes(path) == b"offer_id\nO1\n"


def test_a_missing_file_is_named_as_asked(tmp_path: Path) -> None:
    """A missing file is 'file not found', under the given name or else its file name."""
    path = tmp_path / "sessions.csv"
    assert str(file_problem(path)) == "sessions.csv:-:-: file not found"
    assert str(file_problem(path, "--sessions")) == "--sessions:-:-: file not found"


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    """A folder in a file's place is refused by require_regular_file and read_bytes."""
    folder = tmp_path / "patients.csv"
    folder.mkdir()
    for call in (require_regular_file, read_bytes):
        with pytest.raises(InputError) as caught:
            call(folder)
        assert [str(p) for p in caught.value.problems] == [
            "patients.csv:-:-: is a folder, not a file"
        ]


def test_a_named_pipe_is_refused_without_being_opened(tmp_path: Path) -> None:
    """A named pipe is no regular file; reading it is refused at once instead of waiting."""
    pipe = tmp_path / "staff.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError) as caught:
        read_bytes(pipe)
    assert str(caught.value.problems[0]) == (
        "staff.csv:-:-: is not a regular file (a pipe, device or socket); give a file"
    )


def test_a_file_over_the_limit_names_both_sizes(tmp_path: Path) -> None:
    """A file larger than the limit is refused with its size and the limit in MB; one at
    the limit is read."""
    path = tmp_path / "travel_times.csv"
    with path.open("wb") as handle:
        handle.truncate(3 * MB)
    assert str(file_problem(path, limit=2 * MB)) == (
        "travel_times.csv:-:-: is 3 MB, more than the 2 MB Brobygger reads"
    )
    with pytest.raises(InputError):
        read_bytes(path, limit=2 * MB)
    assert len(read_bytes(path, limit=3 * MB)) == 3 * MB
