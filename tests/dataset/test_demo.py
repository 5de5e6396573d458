"""The seeded demo municipality as a whole: languages on both sides, deterministic, it
passes its own checks, is the embedded demo, and it scales (``town`` is in
tests/dataset/conftest.py; its places and people are tested in test_demo_places and
test_demo_people)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from matcher import Dataset, load_dataset
from matcher.dataset.demo import make_demo
from matcher.dataset.export import save_dataset
from matcher.domain import KINDS


def test_several_languages_on_both_sides(town: Dataset) -> None:
    """Offers and patients speak several languages besides Danish; most patients speak Danish."""
    offer_languages = {code for codes in town.offers["languages"] for code in codes}
    patient_languages = {code for codes in town.patients["languages"] for code in codes}
    assert len(offer_languages - {"da"}) >= 4
    assert len(patient_languages - {"da"}) >= 4
    speaks_danish = town.patients["languages"].map(lambda codes: "da" in codes)
    assert 0.8 < speaks_danish.mean() < 1.0


def test_same_seed_same_municipality_other_seed_another() -> None:
    """make_demo is deterministic for a seed and differs for another seed."""
    first, again, other = make_demo(60, 20, seed=3), make_demo(60, 20, seed=3), make_demo(60, 20)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(again, name))
    assert not first.patients[["lat", "lon"]].equals(other.patients[["lat", "lon"]])


def test_demo_passes_its_own_checks(tmp_path: Path) -> None:
    """A saved demo loads without problems or warnings and keeps its counts."""
    demo = make_demo(300, 40, seed=5)
    save_dataset(demo, tmp_path)
    loaded = load_dataset(tmp_path)
    assert loaded.warnings == ()
    assert loaded.summary() == demo.summary()


def test_embedded_demo_is_what_make_demo_data_writes(demo: Dataset, tmp_path: Path) -> None:
    """data/activities is make_demo(400 patients, 150 offers, seed 0), as `make demo-data`
    writes it."""
    save_dataset(make_demo(400, 150, seed=0), tmp_path)
    fresh = load_dataset(tmp_path)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(fresh, name), getattr(demo, name), obj=name)


@pytest.mark.parametrize(("patients", "offers"), [(-1, 10), (10, 3)])
def test_impossible_sizes_are_refused(patients: int, offers: int) -> None:
    """A demo needs at least one offer of each kind and no negative number of patients."""
    with pytest.raises(ValueError, match="at least 4 offers"):
        make_demo(patients, offers)


def test_fewest_offers_still_give_every_kind() -> None:
    """With 4 offers the demo still has one of each kind, and zero patients is allowed."""
    small = make_demo(0, 4, seed=0)
    assert sorted(small.offers["kind"]) == sorted(KINDS)
    assert len(small.patients) == 0


@pytest.mark.slow
def test_demo_scales_to_50000_patients_and_5000_offers() -> None:
    """The generator makes 50,000 patients and 5,000 offers with consistent tables
    (timing: benchmarks/bench_demo.py)."""
    big = make_demo(50_000, 5_000, seed=0)
    assert len(big.patients) == 50_000
    assert len(big.offers) == 5_000
    assert big.patients["patient_id"].is_unique and big.offers["offer_id"].is_unique
    assert set(big.sessions["offer_id"]) == set(big.offers["offer_id"])
    assert len(big.sessions) > 5_000
    assert set(big.offers["kind"]) == set(KINDS)


def test_an_installed_brobygger_writes_the_embedded_demo_once(
    demo: Dataset, tmp_path: Path
) -> None:
    """Without data/activities the demo is written to the cache on first use: the same
    tables as the embedded demo, in one folder, found again without writing it anew."""
    from matcher.dataset.demo import cached_demo

    folder = cached_demo(tmp_path)
    cached = load_dataset(folder)
    for name in ("offers", "sessions", "patients", "staff", "candidates"):
        pd.testing.assert_frame_equal(getattr(cached, name), getattr(demo, name), obj=name)
    assert cached.summary() == demo.summary()
    written = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert cached_demo(tmp_path) == folder
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == written
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]


def test_default_data_dir_falls_back_to_the_cached_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no data/activities lies two folders above the package (an installed
    Brobygger), the default dataset is the demo in the user's cache folder."""
    import platformdirs

    from matcher.dataset import demo as module

    site = tmp_path / "site-packages" / "matcher" / "dataset"
    monkeypatch.setattr(module, "__file__", str(site / "demo.py"))
    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda name: str(tmp_path / name))
    folder = module.default_data_dir()
    assert folder.parent == tmp_path / "brobygger"
    assert load_dataset(folder).summary()["patients"] == module.EMBEDDED_DEMO["patients"]


def test_a_demo_written_meanwhile_by_another_program_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two programs writing the cached demo at once: the one that finds the other's
    folder in place uses it and leaves no half-written folder behind."""
    from matcher.dataset import demo as module

    written = module.write_demo
    folder_name = module.cached_demo(tmp_path / "probe").name

    def another_program_first(out: Path, **size: int) -> Path:
        written(tmp_path / folder_name, **size)  # the other program's folder, in place
        return written(out, **size)

    monkeypatch.setattr(module, "write_demo", another_program_first)
    folder = module.cached_demo(tmp_path)
    assert folder == tmp_path / folder_name
    assert load_dataset(folder).summary()["patients"] == module.EMBEDDED_DEMO["patients"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([folder_name, "probe"])
