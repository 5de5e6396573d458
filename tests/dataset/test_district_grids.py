"""The grid laid when a dataset has no districts, and the population centre of each
district (its patients' mean home, else a point inside it)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from dataset_support import DISTRICTS, EAST, X0, Y0
from shapely.geometry import Point

from matcher.dataset.district_grids import grid_districts, population_centres
from matcher.geo import CRS, locate


def test_grid_covers_every_point_once() -> None:
    """Without districts, a regular grid holds every point in exactly one named cell."""
    rng = np.random.default_rng(0)
    xy = rng.uniform([X0, Y0], [X0 + 9000, Y0 + 5000], size=(300, 2))
    grid = grid_districts(xy, cell_m=1000)
    assert (grid.geometry.area == 1e6).all()
    assert grid["district_id"].is_unique
    assert grid["name"].str.fullmatch(r"grid [A-Z]+\d+").all()
    pos = locate(gpd.GeoSeries(gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=CRS), grid)
    assert (pos >= 0).all()
    counts = np.bincount(pos, minlength=len(grid))
    assert (counts > 0).all()  # only cells that hold a point are kept


def test_grid_default_cell_and_labels() -> None:
    """The default cell splits the longer side in about eight, labelled like a map grid."""
    xy = np.array([[X0 + 10, Y0 + 10], [X0 + 7990, Y0 + 3990]])
    grid = grid_districts(xy)
    assert grid.geometry.iloc[0].area == pytest.approx(1000.0**2)
    assert grid["district_id"].tolist() == ["A4", "H1"]  # 8 x 4 cells, north is row 1
    assert len(grid_districts(np.empty((0, 2)))) == 0


def test_population_centre_is_patients_mean_else_inside_point() -> None:
    """A district's centre is its patients' mean home; without patients, a point inside it."""
    xy = np.array([[X0 + 100, Y0 + 100], [X0 + 300, Y0 + 500], [X0 + 9000, Y0]])
    pos = np.array([0, 0, -1])
    centres = population_centres(DISTRICTS, xy, pos)
    assert centres[0].tolist() == [X0 + 200, Y0 + 300]
    assert EAST.contains(Point(centres[1]))
