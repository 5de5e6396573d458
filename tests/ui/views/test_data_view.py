"""The data view's upload and path actions, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ui.state import DataState
from matcher.ui.views.data_view import DataView


def _browser_upload(view: DataView, files: dict[str, bytes]) -> None:
    """What the page sends when files are picked: the upload widget's state, as JSON."""
    view.upload.set_state(
        {
            "value": [
                {
                    "name": name,
                    "type": "text/csv",
                    "size": len(content),
                    "content": memoryview(content),
                    "last_modified": 0,
                }
                for name, content in files.items()
            ]
        }
    )


def test_uploaded_files_are_loaded_and_counted(demo_dir: Path) -> None:
    """Files picked in the upload widget become the dataset, and the view says what is loaded."""
    state = DataState()
    view = DataView(state)
    files = {p.name: p.read_bytes() for p in demo_dir.iterdir() if p.suffix in (".csv", ".geojson")}
    _browser_upload(view, files)
    assert state.dataset is not None
    assert len(state.dataset.patients) == 400
    assert state.problems == []
    assert "Indlæst: 150 tilbud" in view.status.value


def test_bad_upload_shows_the_loaders_messages_and_keeps_the_data(demo_dir: Path) -> None:
    """A bad uploaded file lists file:row:column problems in the page; the data in use stays."""
    state = DataState()
    assert state.load(demo_dir)
    before = state.dataset
    view = DataView(state)
    _browser_upload(view, {"offers.csv": b"offer_id,name\nO1,x\n"})
    assert state.dataset is before
    assert any(p.startswith("offers.csv:1:kind:") for p in state.problems)
    assert "problemer i data; intet er ændret" in view.status.value
    assert "offers.csv:1:kind:" in view.status.value
    assert "Traceback" not in view.status.value


def test_load_button_reads_the_path_box(demo_dir: Path) -> None:
    """Typing a folder and pressing Load loads it."""
    state = DataState()
    view = DataView(state)
    view.path.value = f"  {demo_dir}  "
    view.load_button.click()
    assert state.dataset is not None
    assert state.path == str(demo_dir)


def test_the_folder_box_loads_only_folders_under_the_data_roots(
    demo_dir: Path, tmp_path: Path
) -> None:
    """A folder outside the data roots (here another page's upload, or a link out of
    a root) is refused with a message next to the box, and the data in use stays;
    a folder under a root, and the page's own upload, load."""
    other = DataState(roots=())
    files = {p.name: p.read_bytes() for p in demo_dir.iterdir() if p.suffix == ".csv"}
    assert other.load_files(files)
    elsewhere = other.uploads[0]
    (tmp_path / "link").symlink_to(elsewhere)
    state = DataState(roots=[demo_dir.parent, tmp_path / "none"])
    assert state.load(demo_dir)
    before = state.dataset
    view = DataView(state)
    state.lang = "en"
    assert f"The box loads folders under: {demo_dir.parent.resolve()}" in view.path_note.value
    for folder in (elsewhere, tmp_path / "link", Path("/")):
        view.path.value = str(folder)
        view.load_button.click()
        assert state.refused == str(folder) and state.dataset is before
        assert f"The folder {folder} is not loaded: the app reads only folders under" in (
            view.path_note.value
        )
        assert "bb-error" in view.path_note.value
    view.path.value = str(demo_dir)
    view.load_button.click()
    assert state.refused == "" and state.dataset is not before
    assert "bb-error" not in view.path_note.value
    assert state.load_files(files)
    own = state.uploads[0]
    assert state.open(own) and state.refused == ""
    other.close()
    assert not elsewhere.exists()


def test_a_pages_earlier_and_failed_uploads_are_removed(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the page's last good upload is kept on disk: a newer one replaces it, a bad
    one is removed at once, and all go when the page's state ends."""
    import gc
    import tempfile

    made: list[Path] = []
    mkdtemp = tempfile.mkdtemp

    def recorded(**options: str) -> str:
        made.append(Path(mkdtemp(**options)))
        return str(made[-1])

    monkeypatch.setattr(tempfile, "mkdtemp", recorded)
    state = DataState(roots=())
    files = {p.name: p.read_bytes() for p in demo_dir.iterdir() if p.suffix == ".csv"}
    assert state.load_files(files)
    assert state.load_files(files)
    assert not state.load_files({"offers.csv": b"offer_id,name\nO1,x\n"})
    first, second, bad = made
    assert not first.exists() and second.is_dir() and not bad.exists()
    assert state.uploads == [second]
    del state
    gc.collect()
    assert not second.exists()


def test_the_upload_control_states_its_limit(demo_dir: Path) -> None:
    """Next to the upload control the page says how large one upload may be, and
    carries the limit and the words for the page's check of a larger upload."""
    from matcher.ui.launch import UPLOAD_LIMIT_BYTES, UPLOAD_LIMIT_MB

    view = DataView(DataState())
    note = view.upload_note.value
    assert UPLOAD_LIMIT_MB == 50 and UPLOAD_LIMIT_BYTES == 50_000_000
    assert "Højst 50 MB pr. upload" in note
    assert f"data-limit='{UPLOAD_LIMIT_BYTES}'" in note
    assert "De valgte filer fylder {size} MB, over grænsen på 50 MB" in note
    assert "bb-upload-refused" in note
    view.state.lang = "en"
    assert "At most 50 MB per upload" in view.upload_note.value
