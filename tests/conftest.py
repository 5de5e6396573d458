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
