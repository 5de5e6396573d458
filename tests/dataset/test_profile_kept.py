"""check_patient keeps what the loader's checks made of each cell it has seen, and
still gives exactly the row, and the problems, of checking the whole profile."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pandas.testing import assert_frame_equal

from matcher import InputError
from matcher.dataset import profile
from matcher.dataset.demo import make_demo
from matcher.dataset.profile import (
    check_patient,
    check_patient_rows,
    checked_columns,
    forget_cells,
    patient_cells,
)


def _whole(patient: dict[str, Any]) -> Any:
    """The row of checking every cell of ``patient`` at once, as the file's checks do."""
    cells = patient_cells(patient)
    cells.setdefault("patient_id", "new")
    return check_patient_rows([cells])


def _people(seed: int) -> list[dict[str, Any]]:
    rows = make_demo(patients=80, offers=4, seed=seed).patients
    return rows.drop(columns=["geometry", "x", "y"]).to_dict("records")


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_cells_give_the_row_of_the_whole_check(seed: int) -> None:
    """Same row: values, types and column order, whether its cells were seen or not."""
    forget_cells()
    for _ in range(2):
        for person in _people(seed):
            assert_frame_equal(check_patient(person), _whole(person), check_exact=True)
    assert len(profile._KEPT) > 0


def test_the_columns_are_the_row_s_columns() -> None:
    """checked_columns holds the same columns and values as check_patient's row."""
    person = _people(3)[0]
    columns = checked_columns(person)
    row = check_patient(person)
    assert list(columns) == list(row.columns)
    for name, values in columns.items():
        np.testing.assert_array_equal(values, row[name].to_numpy(), err_msg=name)


def test_a_wrong_cell_is_refused_as_the_whole_check_refuses_it() -> None:
    """Same problems: a wrong cell among kept ones is named as the loader names it."""
    person = _people(4)[0]
    check_patient(person)  # every cell kept
    for wrong in (
        {"max_travel_min": "far"},
        {"modes": "walk;rocket"},
        {"lat": "99"},
        {"patient_id": "0101701234"},
        {"shoe_size": "42"},
    ):
        bad = {**person, **wrong}
        with pytest.raises(InputError) as quick:
            check_patient(bad)
        with pytest.raises(InputError) as whole:
            _whole(bad)
        assert quick.value.problems == whole.value.problems, wrong


def test_a_missing_required_column_is_refused() -> None:
    """A profile without a required column is refused even when its other cells are kept."""
    person = _people(5)[0]
    check_patient(person)
    del person["lat"]
    with pytest.raises(InputError) as found:
        check_patient(person)
    assert any(p.column == "lat" for p in found.value.problems)


def test_the_kept_cells_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most CELLS_KEPT cells are kept; more drop the old ones, and rows stay right."""
    monkeypatch.setattr(profile, "CELLS_KEPT", 50)
    forget_cells()
    for person in _people(6)[:30]:
        assert_frame_equal(check_patient(person), _whole(person), check_exact=True)
        assert len(profile._KEPT) <= 50
