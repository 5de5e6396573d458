"""The scenarios of a sweep: read from TOML, CSV and --vary, checked by the weights'
own schema, every problem named by file, row and key before anything runs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.match.weights import Weights
from matcher.scale.scenarios import (
    MAX_SCENARIOS,
    cell_value,
    combine,
    prepare,
    read_scenarios,
    toml_text,
    vary_grid,
    weights_from_text,
)

TOML = """# two scenarios and the weights as they are
[baseline]

[short_trips]
weights.travel_min = 3.0

[late.time_of_day]
comfortable_end = "21:30"
"""


def _problems(error: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in error.value.problems]


def test_a_toml_file_gives_one_scenario_per_table_in_order(tmp_path: Path) -> None:
    """Each table is a scenario; dotted keys and sub-tables both name weights.toml keys."""
    path = tmp_path / "scenarios.toml"
    path.write_text(TOML, encoding="utf-8")
    scenarios = read_scenarios(path)
    assert [s.name for s in scenarios] == ["baseline", "short_trips", "late"]
    assert scenarios[0].settings == ()
    assert [(s.key, s.value, s.row) for s in scenarios[1].settings] == [
        ("weights.travel_min", 3.0, 5)
    ]
    assert [(s.key, s.value) for s in scenarios[2].settings] == [
        ("time_of_day.comfortable_end", "21:30")
    ]


def test_each_scenario_s_weights_are_what_weights_load_reads(tmp_path: Path) -> None:
    """A prepared scenario's text loads as the defaults with only its keys changed."""
    path = tmp_path / "scenarios.toml"
    path.write_text(TOML, encoding="utf-8")
    prepared = {p.name: p for p in prepare(read_scenarios(path))}
    default = Weights.load()
    assert weights_from_text(prepared["baseline"].weights) == default
    short = weights_from_text(prepared["short_trips"].weights)
    assert short.travel_min == 3.0 and short.wait_day == default.wait_day
    assert weights_from_text(prepared["late"].weights).comfortable_end == 21 * 60 + 30


def test_an_unknown_key_and_a_value_out_of_range_are_named_with_file_line_and_key(
    tmp_path: Path,
) -> None:
    """Keys are checked by Weights.load itself: an unknown one and one above its limit are
    problems naming the scenarios file, the key's line and the key; nothing is prepared."""
    path = tmp_path / "bad.toml"
    path.write_text(
        "[fine]\nweights.travel_min = 2\n\n[wrong.pathway]\nladder_bonus = 4\ngrows = 9\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as error:
        prepare(read_scenarios(path))
    found = _problems(error)
    assert any(p.startswith("bad.toml:5:pathway.ladder_bonus: unknown key") for p in found)
    assert "bad.toml:6:pathway.grows: must be at most 3, not 9" in found
    assert len(found) == 2


def test_the_scenarios_lie_over_the_weights_file(tmp_path: Path) -> None:
    """--weights is the base: a scenario changes only its own keys of it."""
    base = tmp_path / "weights.toml"
    base.write_text("[weights]\nwait_day = 2.0\ntravel_min = 5.0\n", encoding="utf-8")
    (prepared,) = prepare(vary_grid(["weights.travel_min=0.5"]), base)
    weights = weights_from_text(prepared.weights)
    assert (weights.wait_day, weights.travel_min) == (2.0, 0.5)


def test_a_csv_file_gives_a_scenario_per_row_and_empty_cells_keep_the_key(
    tmp_path: Path,
) -> None:
    """A Danish spreadsheet's CSV: one row per scenario, decimal commas, an empty cell
    leaves its key as it is; a wrong cell is named by its row and column."""
    path = tmp_path / "scenarios.csv"
    path.write_text(
        "scenario;weights.travel_min;transport.in_budget\nhalf;0,5;\nbudget;;maybe\nfees;;ja\n",
        encoding="cp1252",
    )
    with pytest.raises(InputError) as error:
        prepare(read_scenarios(path))
    assert _problems(error) == [
        "scenarios.csv:3:transport.in_budget: has the wrong type ('maybe'); give true or false"
    ]
    half, _, fees = read_scenarios(path)
    assert [(s.key, s.value) for s in half.settings] == [("weights.travel_min", 0.5)]
    assert [(s.key, s.value) for s in fees.settings] == [("transport.in_budget", True)]


def test_vary_makes_every_combination_named_after_its_values() -> None:
    """Two --vary options of 2 and 3 values make 6 scenarios, named key=value+key=value."""
    grid = vary_grid(["weights.travel_min=1,2", "pathway.grows=0,1,2"])
    assert len(grid) == 6
    assert grid[0].name == "weights.travel_min=1+pathway.grows=0"
    assert grid[-1].name == "weights.travel_min=2+pathway.grows=2"
    assert [(s.key, s.value) for s in grid[-1].settings] == [
        ("weights.travel_min", 2),
        ("pathway.grows", 2),
    ]


def test_a_file_and_a_grid_run_each_scenario_with_each_combination(tmp_path: Path) -> None:
    """With --scenarios and --vary, every scenario of the file runs with every value."""
    path = tmp_path / "scenarios.toml"
    path.write_text(TOML, encoding="utf-8")
    runs = combine(read_scenarios(path), vary_grid(["weights.wait_day=0,1"]))
    assert [r.name for r in runs][:2] == [
        "baseline+weights.wait_day=0",
        "baseline+weights.wait_day=1",
    ]
    assert len(runs) == 6
    with pytest.raises(InputError) as error:
        combine(read_scenarios(path), vary_grid(["weights.travel_min=1,2"]))
    assert _problems(error) == [
        "scenarios.toml:5:weights.travel_min: is also varied by --vary; set it in one place"
    ]


def test_bad_vary_options_and_names_are_refused() -> None:
    """--vary without a value, a key varied twice, a grid too large, a name that cannot
    name a folder and a name given twice are each a problem."""
    with pytest.raises(InputError) as error:
        vary_grid(["weights.travel_min", "pathway.grows=1,", "a=1", "a=2"])
    assert len(error.value.problems) == 3
    with pytest.raises(InputError):
        vary_grid([f"weights.travel_min={','.join(map(str, range(MAX_SCENARIOS + 1)))}"])
    csv = combine(vary_grid(["weights.wait_day=1"]), [])
    with pytest.raises(InputError) as error:
        combine([*csv, *csv], [])
    assert "'weights.wait_day=1' names two scenarios" in _problems(error)[0]


def test_a_scenario_named_like_no_folder_is_refused(tmp_path: Path) -> None:
    """A name with a slash, or the name of sweep.csv, cannot name a result folder."""
    path = tmp_path / "names.csv"
    path.write_text("scenario,weights.wait_day\n../up,1\nsweep.csv,2\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        combine(read_scenarios(path), [])
    found = _problems(error)
    assert len(found) == 2
    assert found[0].startswith("names.csv:2:scenario: '../up' cannot name a folder")


def test_cells_are_numbers_booleans_or_text() -> None:
    """Yes and no as the data files write them, whole and decimal numbers are read as
    such; anything else is text."""
    assert cell_value(" TRUE ") is True and cell_value("false") is False
    assert cell_value("Ja") is True and cell_value("no") is False
    assert cell_value("12") == 12 and isinstance(cell_value("12"), int)
    assert cell_value("0.5") == 0.5 and cell_value("0,5", decimal_comma=True) == 0.5
    assert cell_value("09:00") == "09:00"


def test_toml_text_reads_back_as_the_same_tables() -> None:
    """What toml_text writes, tomllib reads back unchanged (text with quotes and
    control characters, numbers, booleans, nested tables)."""
    data = {"a": {"b": 1, "c": {"d": 'x"y\x7f\n', "e": True, "f": 0.1}}, "top": -3}
    assert tomllib.loads(toml_text(data)) == data


def test_a_file_that_is_no_scenarios_file_is_refused(tmp_path: Path) -> None:
    """A file of another kind, bad TOML and a top-level key that is no table are named."""
    other = tmp_path / "scenarios.json"
    other.write_text("{}", encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("[a\n", encoding="utf-8")
    loose = tmp_path / "loose.toml"
    loose.write_text("travel_min = 2\n", encoding="utf-8")
    for path, said in (
        (other, "is neither a .toml nor a .csv file"),
        (bad, "is not valid TOML"),
        (loose, "loose.toml:1:travel_min: is not a scenario"),
        (tmp_path / "missing.toml", "file not found"),
    ):
        with pytest.raises(InputError) as error:
            read_scenarios(path)
        assert said in _problems(error)[0]
