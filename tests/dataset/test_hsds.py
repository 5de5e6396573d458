"""The catalogue as HSDS 3 tables: every row follows the published HSDS 3 JSON Schema
of its table, the datapackage.json follows the Frictionless Data Package profile,
and the tables hold together."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from exchange_support import rich_catalogue
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker

from matcher import Dataset, load_dataset
from matcher.dataset.exchange import SCHEMAS
from matcher.dataset.hsds import TABLES, hsds_files, resource, schema

DEMO = Path(__file__).resolve().parents[2] / "data" / "activities"


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return load_dataset(DEMO)


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return rich_catalogue(tmp_path_factory.mktemp("rich"))


def tables(files: dict[str, bytes]) -> dict[str, list[dict[str, str]]]:
    """Each HSDS table of an export as its rows."""
    return {
        t: list(csv.DictReader(io.StringIO(files[resource(t)["path"]].decode("utf-8"))))
        for t in TABLES
    }


def as_json(table: str, row: dict[str, str]) -> dict[str, object]:
    """A CSV row as the JSON object the table's schema describes (empty cells left out)."""
    types = {k: v.get("type") for k, v in schema(table)["properties"].items()}
    return {k: float(v) if types[k] == "number" else v for k, v in row.items() if v != ""}


@pytest.mark.parametrize("which", ["demo", "rich"])
def test_every_row_follows_the_hsds_3_schema_of_its_table(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Each row of each table validates against the vendored HSDS 3 JSON Schema,
    formats (uuid, uri, email) included."""
    files = hsds_files(request.getfixturevalue(which))
    errors = []
    for table, rows in tables(files).items():
        validator = Draft202012Validator(schema(table), format_checker=FormatChecker())
        for number, row in enumerate(rows, start=2):
            errors += [
                f"{table}:{number}: {e.message}" for e in validator.iter_errors(as_json(table, row))
            ]
    assert errors == []
    assert len(tables(files)["service"]) == len(request.getfixturevalue(which).offers)


def test_a_row_breaking_the_schema_is_caught_by_the_same_check() -> None:
    """The check above can fail: a service without a status, or with an id that is
    not a UUID, breaks HSDS 3."""
    validator = Draft202012Validator(schema("service"), format_checker=FormatChecker())
    assert list(validator.iter_errors({"id": "7d7c3f5e-1c5a-4b5e-9a57-0b7b1c5e2a10", "name": "x"}))
    assert list(validator.iter_errors({"id": "O1", "name": "x", "status": "active"}))


def test_the_datapackage_follows_the_frictionless_profile(demo: Dataset) -> None:
    """datapackage.json validates against the Frictionless Data Package profile 1.0, names
    every CSV file written, and each resource's fields are the CSV header, in order."""
    files = hsds_files(demo)
    package = json.loads(files["datapackage.json"])
    profile = json.loads((SCHEMAS / "frictionless" / "datapackage.json").read_text("utf-8"))
    assert [e.message for e in Draft7Validator(profile).iter_errors(package)] == []
    assert package["profile"] == "tabular-data-package"
    paths = {r["path"] for r in package["resources"]}
    assert paths == {name for name in files if name.endswith(".csv")}
    for found in package["resources"]:
        header = files[found["path"]].decode("utf-8").splitlines()[0].split(",")
        assert header == [f["name"] for f in found["schema"]["fields"]]
        for key in found["schema"].get("foreignKeys", []):
            assert key["reference"]["resource"] in {r["name"] for r in package["resources"]}


def test_links_between_tables_resolve_and_required_cells_are_filled(rich: Dataset) -> None:
    """Every id a row points to exists in the table it names, and every field the
    package marks required has a value, as a Frictionless validation would check."""
    files = hsds_files(rich)
    rows = tables(files)
    package = json.loads(files["datapackage.json"])
    ids = {t: {r["id"] for r in rows[t]} for t in TABLES}
    for found in package["resources"]:
        table = found["name"]
        for key in found["schema"].get("foreignKeys", []):
            target = key["reference"]["resource"]
            pointed = {r[key["fields"]] for r in rows[table]} - {""}
            assert pointed <= ids[target], (table, key["fields"])
        required = [
            f["name"] for f in found["schema"]["fields"] if f.get("constraints", {}).get("required")
        ]
        assert all(row[name] for row in rows[table] for name in required), table


def test_the_facts_go_where_hsds_has_a_field_for_them(rich: Dataset) -> None:
    """Fee, status, online, accessibility, interpreter languages, address and weekly
    times are HSDS's own fields, not only Brobygger's attributes."""
    rows = tables(hsds_files(rich))
    services = {r["name"]: r for r in rows["service"]}
    assert services["Stille motion Vollsmose"]["status"] == "active"
    assert services["'=Hjertecafé online"]["status"] == "temporarily closed"  # csv-safe
    assert services["Udslusningshold Næsby"]["status"] == "inactive"
    assert services["Stille motion Vollsmose"]["assured_date"] == "2026-11-02"
    assert {r["location_type"] for r in rows["location"]} == {"physical", "virtual"}
    assert {r["details"] for r in rows["accessibility"]} == {"wheelchair", "seated", "hearing"}
    assert {(r["code"], r["note"]) for r in rows["language"]} >= {("ar", "interpreter"), ("en", "")}
    assert {(r["option"], r["amount"], r["currency"]) for r in rows["cost_option"]} >= {
        ("per month", "25.5", "DKK"),
        ("first session", "0", "DKK"),
    }
    assert [(r["address_1"], r["postal_code"], r["city"]) for r in rows["address"]] == [
        ("Idrætsvej 93", "5070", "Odense")
    ]
    wednesday = next(r for r in rows["schedule"] if r["byday"] == "WE")
    assert (wednesday["opens_at"], wednesday["closes_at"], wednesday["freq"]) == (
        "17:00:00",
        "18:30:00",
        "WEEKLY",
    )
    assert sorted(r["count"] for r in rows["schedule"]) == ["", "", "8", "8"]


def test_ids_are_the_same_in_every_export(rich: Dataset) -> None:
    """Two exports of the same catalogue are byte for byte the same (stable UUIDs)."""
    assert hsds_files(rich) == hsds_files(rich)


@pytest.mark.parametrize("which", ["demo", "rich"])
def test_frictionless_finds_the_package_and_its_data_valid(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Frictionless validates the written package, data included (types, formats,
    required cells, primary and foreign keys), and finds a service id that is no
    UUID, with the rows pointing at it."""
    frictionless = pytest.importorskip("frictionless", reason="the dev extra's frictionless")
    from matcher.dataset.exchange import write_folder

    write_folder(hsds_files(request.getfixturevalue(which)), tmp_path / "hsds")
    report = frictionless.validate(tmp_path / "hsds" / "datapackage.json")
    assert report.valid, [(t.name, [e.note for e in t.errors[:3]]) for t in report.tasks]
    services = tmp_path / "hsds" / "services.csv"
    lines = services.read_text(encoding="utf-8").splitlines()
    lines[1] = "not-a-uuid" + lines[1][36:]
    services.write_text("\n".join(lines) + "\n", encoding="utf-8")
    broken = frictionless.validate(tmp_path / "hsds" / "datapackage.json")
    failed = {t.name: {e.type for e in t.errors} for t in broken.tasks if not t.valid}
    assert "type-error" in failed["service"] and "foreign-key" in failed["service_at_location"]
