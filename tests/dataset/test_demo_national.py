"""The national demo: N municipality folders of other seeds and sizes, named after the
real municipalities and moved to them when their boundaries are given."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from matcher.dataset.demo import CENTRE_LONLAT, make_demo
from matcher.dataset.demo_national import (
    MIN_PATIENTS,
    moved,
    municipalities,
    write_national_demo,
)
from matcher.dataset.load import load_dataset


def test_without_boundaries_folders_are_numbered_of_sizes_from_the_seed(tmp_path: Path) -> None:
    """kommune_01.. with sizes that differ, the same for the same seed."""
    folders = write_national_demo(tmp_path / "a", 3, patients=60, offers=12, seed=5)
    again = write_national_demo(tmp_path / "b", 3, patients=60, offers=12, seed=5)
    assert [f.name for f in folders] == ["kommune_01", "kommune_02", "kommune_03"]
    sizes = [len(load_dataset(f).patients) for f in folders]
    assert len(set(sizes)) > 1 and min(sizes) >= MIN_PATIENTS
    for first, second in zip(folders, again, strict=True):
        text = (first / "patients.csv").read_text()
        assert text == (second / "patients.csv").read_text()


def test_at_least_one_municipality() -> None:
    """Zero municipalities is refused."""
    with pytest.raises(ValueError):
        municipalities(0, None)


def test_moved_keeps_every_distance_and_moves_the_centre() -> None:
    """Moving the demo keeps the distances between offers and patients (within metres)."""
    demo = make_demo(patients=30, offers=8, seed=2)
    origin = gpd.GeoSeries(gpd.points_from_xy([CENTRE_LONLAT[0]], [CENTRE_LONLAT[1]]), crs=4326)
    centre = origin.to_crs(25832).iloc[0]
    there = moved(demo, (centre.x + 100_000, centre.y + 150_000))
    before = demo.patients.geometry.distance(demo.offers.geometry.iloc[0])
    after = there.patients.geometry.distance(there.offers.geometry.iloc[0])
    assert (before - after).abs().max() < 5
    shift = there.patients.geometry.iloc[0].distance(demo.patients.geometry.iloc[0])
    assert abs(shift - (100_000**2 + 150_000**2) ** 0.5) < 50
    assert there.districts is not None and demo.districts is not None
    assert there.districts.geometry.area.sum() == pytest.approx(
        demo.districts.geometry.area.sum(), rel=1e-3
    )


def test_real_boundaries_name_the_folders_and_place_each_demo_inside(
    shared_dk: Path, tmp_path: Path
) -> None:
    """With Denmark's boundaries each folder is a real municipality (code_name), spread over
    the codes, and its patients' middle lies in that municipality."""
    boundaries = shared_dk / "municipalities.geojson"
    folders = write_national_demo(tmp_path, 3, patients=40, offers=10, boundaries=boundaries)
    names = [f.name for f in folders]
    assert names[0] == "0101_koebenhavn" and len(set(names)) == 3
    shapes = gpd.read_file(boundaries).to_crs(25832).dissolve(by="lau_1")
    for folder in folders:
        data = load_dataset(folder)
        code = str(int(folder.name.split("_")[0]))
        middle = data.patients.geometry.union_all().centroid
        assert shapes.loc[code].geometry.buffer(10_000).contains(middle), folder.name
