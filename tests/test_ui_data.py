"""The data view's upload and path actions, without a browser."""

from __future__ import annotations

from pathlib import Path

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
