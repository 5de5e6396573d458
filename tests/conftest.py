"""Shared fixtures: the embedded demo dataset and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher import Dataset, load_dataset

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "data" / "activities"
SHARED_DK = ROOT.parent / "shared" / "data" / "dk"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """The embedded demo dataset folder (read only)."""
    return DEMO_DIR


@pytest.fixture(scope="session")
def demo() -> Dataset:
    """The embedded demo dataset, loaded once."""
    return load_dataset(DEMO_DIR)


@pytest.fixture(scope="session")
def shared_dk() -> Path:
    """The real Danish boundary files; skips when ../shared/data/dk is absent."""
    if not (SHARED_DK / "municipalities.geojson").exists():
        pytest.skip(f"real Danish boundary files not found in {SHARED_DK}")
    return SHARED_DK


@pytest.fixture(autouse=True)
def private_database(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test gets its own empty bookings database and data folders, so a
    developer's own bookings never change a result and no test writes there."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BROBYGGER_DB", f"sqlite:///{home / 'brobygger.sqlite3'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
