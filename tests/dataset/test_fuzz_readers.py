"""Every file reader, fed mangled copies of the valid demo files.

Property: a reader either succeeds with a sane result (every number within its
schema's limits, every id non-empty) or reports the file as bad input
(``InputError``, or problems for ``read_table``); never any other exception.
``brobygger validate`` exits 0 or 2 and never prints a traceback.

The fast tests run about 840 examples in all (under a minute); the ``slow`` ones
five times as many, or ``BROBYGGER_FUZZ_TIMES`` times.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
import os
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from matcher import InputError
from matcher.cli import app
from matcher.dataset.districts import read_districts
from matcher.dataset.load import load_dataset
from matcher.dataset.schema import (
    CANDIDATES,
    DATE_MAX,
    DATE_MIN,
    FILES,
    OFFERS,
    PATIENTS,
    SESSIONS,
    STAFF,
    TRAVEL_TIMES,
    FileSpec,
)
from matcher.dataset.tables import read_table
from matcher.geo import OUTSIDE
from matcher.match.weights import LIMITS, Weights, default_weights_text

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "activities"
TESTS_DATA = ROOT / "tests" / "data"
SPECS = {spec.name: spec for spec in FILES}
#: Examples per fast test: about 840 in all across the readers, well under a minute.
FAST = {"table": 60, "districts": 60, "weights": 200, "dataset": 60, "cli": 40}
#: How many times as many the slow run takes (BROBYGGER_FUZZ_TIMES, default 5).
SLOW = int(os.environ.get("BROBYGGER_FUZZ_TIMES", "5"))
_FUZZ = settings(
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)

# ----------------------------------------------------------------------------
# mutations


HUGE = [
    b"1e309",
    b"-1e309",
    b"99999999999999999999999999999",
    b"1e308",
    b"-0",
    b"nan",
    b"NaN",
    b"inf",
    b"-Infinity",
    b"0x10",
    b"1_000",
    b"\xd9\xa3",  # an Arabic-Indic digit
    b"\xef\xbc\x95",  # a full-width digit
]
SEPARATORS = [b",", b";", b"\t", b"|", b'"', b"\n", b"\r", b"\r\n", b" ", b"."]
UNICODE = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8)


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [data]


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` changed in one way a real file gets broken."""
    size = max(1, len(data))
    at = draw(st.integers(0, size))
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "insert",
                "delete",
                "duplicate_line",
                "drop_line",
                "swap_lines",
                "separator",
                "unicode",
                "huge",
                "cr_only",
                "crlf",
                "flip",
            ]
        )
    )
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "delete":
        return data[:at] + data[at + draw(st.integers(1, 64)) :]
    if kind in ("duplicate_line", "drop_line", "swap_lines"):
        lines = _lines(data)
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "duplicate_line":
            lines.insert(i, lines[i])
        elif kind == "drop_line":
            del lines[i]
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines)
    if kind == "separator":
        old, new = draw(st.sampled_from(SEPARATORS)), draw(st.sampled_from(SEPARATORS))
        count = draw(st.sampled_from([1, 3, -1]))
        if count < 0:
            return data.replace(old, new)
        head, tail = data[:at], data[at:]
        return head + tail.replace(old, new, count)
    if kind == "unicode":
        return data[:at] + draw(UNICODE).encode("utf-8") + data[at:]
    if kind == "huge":
        # replace the number (or a character) that starts at a digit after ``at``
        digits = [i for i in range(at, len(data)) if data[i : i + 1].isdigit()][:1]
        start = digits[0] if digits else at
        end = start
        while end < len(data) and data[end : end + 1] in b"0123456789.eE+-":
            end += 1
        return data[:start] + draw(st.sampled_from(HUGE)) + data[max(end, start + 1) :]
    if kind == "cr_only":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    # flip one byte
    if not data:
        return bytes([draw(st.integers(0, 255))])
    i = min(at, len(data) - 1)
    return data[:i] + bytes([data[i] ^ draw(st.integers(1, 255))]) + data[i + 1 :]


@st.composite
def mangled(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after one to three mutations, or (rarely) random bytes instead."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=2048))
    for _ in range(draw(st.integers(1, 3))):
        data = draw(mutation(data))
    return data


# ----------------------------------------------------------------------------
# sanity of what a reader returns


def _check_table(frame: pd.DataFrame, spec: FileSpec) -> None:
    """Every value of a table that was read without problems is within its schema."""
    for column in spec.columns:
        if column.name not in frame.columns:
            continue
        values = frame[column.name]
        if column.type in ("int", "float", "lat", "lon"):
            numbers = values.to_numpy(dtype=float)
            assert np.isfinite(numbers).all(), column.name
            given_ = numbers[numbers != column.default] if column.default is not None else numbers
            if column.type == "lat":
                assert (np.abs(numbers) <= 90).all(), column.name
            if column.type == "lon":
                assert (np.abs(numbers) <= 180).all(), column.name
            if column.minimum is not None:
                low = (
                    given_ > column.minimum
                    if column.exclusive_minimum
                    else given_ >= column.minimum
                )
                assert low.all(), (column.name, given_[~low][:3])
            if column.maximum is not None:
                assert (given_ <= column.maximum).all(), (column.name, given_.max())
        elif column.type == "id":
            assert all(isinstance(v, str) and v.strip() for v in values), column.name
            assert values.is_unique, column.name
        elif column.type == "enum":
            allowed = {*column.choices, column.default}
            assert set(values) <= allowed, (column.name, set(values) - allowed)
        elif column.type == "date":
            present = values.dropna()
            if len(present):
                assert present.min().date() >= DATE_MIN, column.name
                assert present.max().date() <= DATE_MAX, column.name
        elif column.type == "date_ranges":
            low, high = ((d - dt.date(1970, 1, 1)).days for d in (DATE_MIN, DATE_MAX))
            for periods in values:
                assert all(low <= a <= b <= high for a, b in periods), (column.name, periods)
        elif column.type == "clock":
            minutes = frame[f"{column.name}_min"].to_numpy()
            assert ((minutes >= 0) & (minutes <= 24 * 60)).all(), column.name


def _check_districts(table: gpd.GeoDataFrame) -> None:
    """Districts read without error: ids non-empty and unique, valid shapes with area."""
    assert len(table) > 0
    assert all(isinstance(v, str) and v.strip() for v in table["district_id"])
    assert table["district_id"].is_unique
    assert OUTSIDE not in set(table["district_id"])
    assert table.geometry.is_valid.all()
    assert (table.geometry.area > 0).all()
    assert np.isfinite(table.total_bounds).all()


def _check_weights(weights: Weights) -> None:
    """Weights read without error: every number finite and within ``LIMITS``."""
    for key, limit in LIMITS.items():
        section, *rest = key.split(".")
        if section == "weights":
            values = [weights.travel_min, weights.wait_day, weights.home_visit, weights.fee_dkk]
        elif section == "travel":
            values = [getattr(speed, rest[-1]) for speed in weights.travel.values()]
        elif section == "transport":
            costs = weights.transport
            names = [f.name for f in dataclasses.fields(costs) if f.name != "in_budget"]
            values = [getattr(costs, n) for n in (names if rest[-1] == "*" else rest[-1:])]
        elif section == "pathway":
            settings = weights.pathway
            named = {
                "step_points",
                "complete_points",
                "candidates_per_step",
                "start_weeks",
                "accompany_km",
            }
            names = [
                f.name for f in dataclasses.fields(settings) if f.name not in named | {"grows"}
            ]
            values = [getattr(settings, n) for n in (names if rest[-1] == "*" else rest[-1:])]
        else:
            values = [getattr(weights, rest[-1])]
        for value in values:
            assert math.isfinite(value), key
            assert limit.problem(value) is None, (key, value)
    assert 0 <= weights.comfortable_start < weights.comfortable_end <= 24 * 60


def _check_dataset_reader(read: Callable[[], T], check: Callable[[T], None]) -> None:
    """``read()`` either returns something ``check`` accepts or raises InputError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = read()
    except InputError as exc:
        assert exc.problems, "an InputError without a problem"
        assert all(p.message for p in exc.problems)
        return
    check(result)


# ----------------------------------------------------------------------------
# the valid files


def _travel_times() -> bytes:
    """A small valid travel_times.csv (tests/data's when there is one): patients and
    districts of the demo to its first offers."""
    given_ = TESTS_DATA / "travel_times.csv"
    if given_.exists():
        return given_.read_bytes()
    patients = pd.read_csv(DEMO / "patients.csv", nrows=12)["patient_id"]
    offers = pd.read_csv(DEMO / "offers.csv", nrows=6)["offer_id"]
    rows = ["origin_id,destination_id,minutes,mode"]
    modes = ["", "walk", "bus", "car"]
    for i, patient in enumerate([*patients, "D01", "D02"]):
        for j, offer in enumerate(offers):
            rows.append(f"{patient},{offer},{5 + (i * 7 + j * 3) % 50}.5,{modes[(i + j) % 4]}")
    return ("\n".join(rows) + "\n").encode("utf-8")


CSV_FILES = {spec.name: DEMO / spec.name for spec in FILES if (DEMO / spec.name).exists()}


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The bytes of every valid file the readers take."""
    found = {name: path.read_bytes() for name, path in CSV_FILES.items()}
    found["travel_times.csv"] = _travel_times()
    found["weights.toml"] = default_weights_text().encode("utf-8")
    found["districts.geojson"] = (DEMO / "districts.geojson").read_bytes()
    folder = tmp_path_factory.mktemp("valid_maps")
    frame = gpd.read_file(DEMO / "districts.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(folder / "districts.gpkg", driver="GPKG")
        frame.to_crs("EPSG:25832").to_file(folder / "districts.shp", driver="ESRI Shapefile")
    found["districts.gpkg"] = (folder / "districts.gpkg").read_bytes()
    for part in folder.glob("districts.*"):
        if part.suffix != ".gpkg":
            found[f"shapefile{part.suffix}"] = part.read_bytes()
    return found


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch folder the examples write their mangled files into."""
    return tmp_path_factory.mktemp("fuzz")


def test_the_valid_files_pass(originals: dict[str, bytes], work: Path) -> None:
    """The unmangled files read without a problem (so a failure below is the mutation's)."""
    for name, spec in SPECS.items():
        path = work / name
        path.write_bytes(originals[name])
        read = read_table(path, spec)
        assert not read.problems, read.problems[:3]
        assert read.frame is not None
        _check_table(read.frame, spec)
    _check_districts(read_districts(DEMO / "districts.geojson"))
    _write_shapefile(work, originals, {})
    _check_districts(read_districts(work / "map" / "districts.shp"))
    (work / "districts.gpkg").write_bytes(originals["districts.gpkg"])
    _check_districts(read_districts(work / "districts.gpkg"))
    path = work / "weights.toml"
    path.write_bytes(originals["weights.toml"])
    _check_weights(Weights.load(path))


# ----------------------------------------------------------------------------
# CSV tables


def _fuzz_table(
    name: str, examples: int, originals: dict[str, bytes], work: Path
) -> Callable[[], None]:
    spec = SPECS[name]

    @settings(_FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        path = work / name
        path.write_bytes(data.draw(mangled(originals[name]), label="bytes"))
        read = read_table(path, spec)
        if read.frame is not None and not read.problems:
            assert len(read.rows) == len(read.frame)
            _check_table(read.frame, spec)
        else:
            assert read.problems, "no table and no problem"

    return run


TABLES = [spec.name for spec in (OFFERS, SESSIONS, PATIENTS, STAFF, CANDIDATES, TRAVEL_TIMES)]


@pytest.mark.parametrize("name", TABLES)
def test_a_mangled_csv_file_is_read_or_reported(
    originals: dict[str, bytes], work: Path, name: str
) -> None:
    """read_table on a mangled CSV gives a sane table or problems, never an exception."""
    _fuzz_table(name, FAST["table"], originals, work)()


@pytest.mark.slow
@pytest.mark.parametrize("name", TABLES)
def test_a_mangled_csv_file_is_read_or_reported_slow(
    originals: dict[str, bytes], work: Path, name: str
) -> None:
    """As above, with many more examples."""
    _fuzz_table(name, FAST["table"] * SLOW, originals, work)()


# ----------------------------------------------------------------------------
# district files


def _write_shapefile(work: Path, originals: dict[str, bytes], changed: dict[str, bytes]) -> Path:
    folder = work / "map"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for key, content in originals.items():
        if key.startswith("shapefile."):
            suffix = key.removeprefix("shapefile")
            (folder / f"districts{suffix}").write_bytes(changed.get(key, content))
    return folder / "districts.shp"


SHAPEFILE_PARTS = ["shapefile.shp", "shapefile.shx", "shapefile.dbf", "shapefile.prj"]


def _fuzz_districts(
    kind: str, examples: int, originals: dict[str, bytes], work: Path
) -> Callable[[], None]:
    @settings(_FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        if kind == "shapefile":
            part = data.draw(st.sampled_from(SHAPEFILE_PARTS), label="part")
            if data.draw(st.integers(0, 9), label="drop") == 0:
                path = _write_shapefile(work, originals, {})
                path.with_suffix(part.removeprefix("shapefile")).unlink()
            else:
                content = data.draw(mangled(originals[part]), label="bytes")
                path = _write_shapefile(work, originals, {part: content})
        else:
            path = work / kind
            path.write_bytes(data.draw(mangled(originals[kind]), label="bytes"))
        _check_dataset_reader(lambda: read_districts(path), _check_districts)

    return run


DISTRICT_KINDS = ["districts.geojson", "districts.gpkg", "shapefile"]


@pytest.mark.parametrize("kind", DISTRICT_KINDS)
def test_a_mangled_district_file_is_read_or_refused(
    originals: dict[str, bytes], work: Path, kind: str
) -> None:
    """read_districts on a mangled GeoJSON, GeoPackage or Shapefile gives sane districts
    or an InputError, never another exception."""
    _fuzz_districts(kind, FAST["districts"], originals, work)()


@pytest.mark.slow
@pytest.mark.parametrize("kind", DISTRICT_KINDS)
def test_a_mangled_district_file_is_read_or_refused_slow(
    originals: dict[str, bytes], work: Path, kind: str
) -> None:
    """As above, with many more examples."""
    _fuzz_districts(kind, FAST["districts"] * SLOW, originals, work)()


# ----------------------------------------------------------------------------
# weights

TOML_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(
        lambda v: (
            "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
        )
    ),
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["true", "'09:00'", "'25:00'", "[]", "{}", "1979-05-27", "07:32:00", '"x"']),
)
TOML_KEYS = st.sampled_from(
    [
        "[weights]\ntravel_min",
        "[weights]\nwait_day",
        "[weights]\nunknown",
        "[travel.bus]\nspeed_kmh",
        "[travel.walk]\nmin_km",
        "[travel.car]\ndetour",
        "[plan]\ncandidates_per_patient",
        "[plan]\nhome_visit_min",
        "[plan]\nall_pairs_up_to",
        "[time_of_day]\ncomfortable_start",
        "[time_of_day]\ncomfortable_end",
        "[travel]\nbus",
        "weights",
    ]
)


def _fuzz_weights(examples: int, originals: dict[str, bytes], work: Path) -> Callable[[], None]:
    @settings(_FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        if data.draw(st.booleans(), label="own file"):
            pairs = data.draw(st.lists(st.tuples(TOML_KEYS, TOML_VALUES), max_size=4))
            content = "".join(f"{key} = {value}\n" for key, value in pairs).encode("utf-8")
        else:
            content = data.draw(mangled(originals["weights.toml"]), label="bytes")
        path = work / "mine.toml"
        path.write_bytes(content)
        _check_dataset_reader(lambda: Weights.load(path), _check_weights)

    return run


def test_a_mangled_weights_file_is_read_or_refused(originals: dict[str, bytes], work: Path) -> None:
    """Weights.load on a mangled or random TOML gives weights within LIMITS or an
    InputError, never another exception."""
    _fuzz_weights(FAST["weights"], originals, work)()


@pytest.mark.slow
def test_a_mangled_weights_file_is_read_or_refused_slow(
    originals: dict[str, bytes], work: Path
) -> None:
    """As above, with many more examples."""
    _fuzz_weights(FAST["weights"] * SLOW, originals, work)()


# ----------------------------------------------------------------------------
# a whole dataset, and brobygger validate


SMALL_FILES = [*TABLES, "districts.geojson"]


def _small_dataset(originals: dict[str, bytes], folder: Path) -> None:
    """A valid dataset of the demo's first rows (faster to read many times)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    offers = pd.read_csv(DEMO / "offers.csv", dtype=str, keep_default_na=False)
    sessions = pd.read_csv(DEMO / "sessions.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(DEMO / "staff.csv", dtype=str, keep_default_na=False)
    keep = set(offers["offer_id"][:25]) | set(staff["offer_id"][:6])
    offers[offers["offer_id"].isin(keep)].to_csv(folder / "offers.csv", index=False)
    sessions[sessions["offer_id"].isin(keep)].to_csv(folder / "sessions.csv", index=False)
    staff[staff["offer_id"].isin(keep)].to_csv(folder / "staff.csv", index=False)
    patients = pd.read_csv(DEMO / "patients.csv", dtype=str, keep_default_na=False)
    patients[:40].to_csv(folder / "patients.csv", index=False)
    (folder / "candidates.csv").write_bytes(originals["candidates.csv"])
    (folder / "districts.geojson").write_bytes(originals["districts.geojson"])
    travel = pd.read_csv(io.BytesIO(originals["travel_times.csv"]), dtype=str)
    travel = travel.fillna("")
    travel[travel["destination_id"].isin(keep)].to_csv(folder / "travel_times.csv", index=False)


def _check_dataset(dataset: object) -> None:
    for name, spec in SPECS.items():
        table = getattr(dataset, name.removesuffix(".csv"))
        if table is not None:
            _check_table(table, spec)
    districts = getattr(dataset, "districts", None)
    if districts is not None:
        _check_districts(districts)


def _fuzz_dataset(
    examples: int, through_cli: bool, originals: dict[str, bytes], work: Path
) -> Callable[[], None]:
    @settings(_FUZZ, max_examples=examples)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        folder = work / "dataset"
        if not (folder / "offers.csv").exists():
            _small_dataset(originals, folder)
        name = data.draw(st.sampled_from(SMALL_FILES), label="file")
        path = folder / name
        valid = path.read_bytes()
        try:
            path.write_bytes(data.draw(mangled(valid), label="bytes"))
            if through_cli:
                result = CliRunner().invoke(app, ["validate", str(folder)])
                assert result.exit_code in (0, 2), (result.exit_code, result.output[-2000:])
                assert "Traceback" not in result.output
            else:
                _check_dataset_reader(lambda: load_dataset(folder), _check_dataset)
        finally:
            path.write_bytes(valid)

    return run


def test_a_dataset_with_a_mangled_file_loads_or_is_refused(
    originals: dict[str, bytes], work: Path
) -> None:
    """load_dataset with one mangled file gives a sane Dataset or an InputError."""
    _fuzz_dataset(FAST["dataset"], through_cli=False, originals=originals, work=work)()


def test_validate_exits_0_or_2_on_a_mangled_dataset(
    originals: dict[str, bytes], work: Path
) -> None:
    """brobygger validate on a dataset with one mangled file exits 0 or 2, never with a
    traceback or status 1."""
    _fuzz_dataset(FAST["cli"], through_cli=True, originals=originals, work=work)()


@pytest.mark.slow
def test_a_dataset_with_a_mangled_file_loads_or_is_refused_slow(
    originals: dict[str, bytes], work: Path
) -> None:
    """As above, with many more examples."""
    _fuzz_dataset(FAST["dataset"] * SLOW, through_cli=False, originals=originals, work=work)()


@pytest.mark.slow
def test_validate_exits_0_or_2_on_a_mangled_dataset_slow(
    originals: dict[str, bytes], work: Path
) -> None:
    """As above, with many more examples."""
    _fuzz_dataset(FAST["cli"] * SLOW, through_cli=True, originals=originals, work=work)()


@pytest.mark.parametrize("name", TABLES)
def test_a_carriage_return_inside_a_line_is_a_problem_not_a_crash(work: Path, name: str) -> None:
    """A CSV whose fields are split by carriage returns inside LF lines (the smallest case
    the fuzzer found) gives problems, never a csv.Error."""
    path = work / f"cr_{name}"
    path.write_bytes(b"a\rb\n")
    read = read_table(path, SPECS[name])
    assert read.problems
