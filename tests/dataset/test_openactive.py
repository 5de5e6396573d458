"""The catalogue as OpenActive SessionSeries: every object follows the published
OpenActive data model of its type (required fields, types, fixed values), the
JSON-LD names the OpenActive context, and a file read back gives the same offers
and sessions, refuses a bad record by its number and lists what it cannot map."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from exchange_support import OFFER_COLUMNS, SESSION_COLUMNS, differences, rich_catalogue

from matcher import Dataset, InputError, load_dataset
from matcher.dataset.exchange import SCHEMAS, write_catalogue, write_folder
from matcher.dataset.openactive import FILE, openactive_files, read_openactive

DEMO = Path(__file__).resolve().parents[2] / "data" / "activities"
MODELS = SCHEMAS / "openactive"


@cache
def model(name: str) -> dict[str, Any]:
    """The OpenActive data model of type ``name``, with its parent's fields merged in."""
    found = json.loads((MODELS / f"{name}.json").read_text(encoding="utf-8"))
    parent = found.get("subClassOf")
    if parent:
        base = model(parent.removeprefix("#"))
        found = {**base, **found, "fields": {**base["fields"], **found["fields"]}}
    return found


def _is(kind: str, value: Any) -> bool:
    """Whether ``value`` is of the schema.org / OpenActive type ``kind``."""
    name = kind.rsplit("/", 1)[-1]
    if name in (
        "Text",
        "EventStatusType",
        "GenderRestrictionType",
        "EventAttendanceModeEnumeration",
    ):
        return isinstance(value, str)
    if name == "DayOfWeek":
        return isinstance(value, str) and value.startswith("https://schema.org/")
    if name == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "Number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if name == "Boolean":
        return isinstance(value, bool)
    if name == "URL":
        return isinstance(value, str) and re.match(r"^https?://", value) is not None
    if name == "DateTime":
        return isinstance(value, str) and datetime.fromisoformat(value) is not None
    if name == "Date":
        return isinstance(value, str) and date.fromisoformat(value) is not None
    if name == "Time":
        return (
            isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value) is not None
        )
    if name == "Duration":
        return isinstance(value, str) and re.fullmatch(r"P(\d+[DW])|PT\d+[HMS]", value) is not None
    raise AssertionError(f"no check for {kind}")


def _fits(expected: str, value: Any, where: str) -> list[str]:
    if expected.startswith("ArrayOf#"):
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        inner = expected[8:] if expected[8:].startswith("http") else "#" + expected[8:]
        return [e for i, v in enumerate(value) for e in _fits(inner, v, f"{where}[{i}]")]
    if expected.startswith("#"):
        return (
            check(value, expected[1:], where)
            if isinstance(value, dict)
            else [f"{where}: not an object"]
        )
    try:
        fits = _is(expected, value)
    except ValueError:  # a date or time that does not parse
        fits = False
    return [] if fits else [f"{where}: {value!r} is not {expected}"]


def check(thing: dict[str, Any], kind: str, where: str = "") -> list[str]:
    """Every way ``thing`` breaks the OpenActive data model of ``kind``."""
    if kind == "Event" and (MODELS / f"{thing.get('@type')}.json").is_file():
        kind = str(thing["@type"])  # a subEvent is checked as the Event it says it is
    spec = model(kind)
    errors = []
    if thing.get("@type") != spec["type"]:
        errors.append(f"{where}: @type {thing.get('@type')!r} is not {spec['type']}")
    present = {k.removeprefix("@") for k in thing}
    errors += [
        f"{where}: {f} is missing" for f in spec.get("requiredFields") or [] if f not in present
    ]
    for option in spec.get("requiredOptions") or []:
        if not present & set(option["options"]):
            errors.append(f"{where}: none of {option['options']}")
    for key, value in thing.items():
        name = key.removeprefix("@")
        if name in ("context", "type", "id") or key.startswith("beta:"):
            continue
        field = spec["fields"].get(name)
        if field is None:
            errors.append(f"{where}: {key} is not in the {kind} model")
            continue
        if "requiredContent" in field and value != field["requiredContent"]:
            errors.append(f"{where}.{key}: {value!r} is not {field['requiredContent']!r}")
            continue
        kinds = [field.get("model") or field.get("requiredType")]
        kinds += field.get("alternativeTypes", []) + field.get("alternativeModels", [])
        first: list[str] | None = None
        for expected in (k for k in kinds if k):
            found = _fits(expected, value, f"{where}.{key}")
            if not found:
                break
            first = found if first is None else first
        else:
            errors += first or []
        if "minValueInclusive" in field and value < field["minValueInclusive"]:
            errors.append(f"{where}.{key}: below {field['minValueInclusive']}")
    return errors


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return rich_catalogue(tmp_path_factory.mktemp("rich"))


def series_of(dataset: Dataset) -> list[dict[str, Any]]:
    return json.loads(openactive_files(dataset)[FILE])


@pytest.mark.parametrize("which", ["demo", "rich"])
def test_every_session_series_follows_the_openactive_models(which: str, rich: Dataset) -> None:
    """Each SessionSeries, its ScheduledSessions, Schedules, Place, Offer, Organization
    and Concepts have the fields the models require, with the models' types."""
    dataset = load_dataset(DEMO) if which == "demo" else rich
    found = series_of(dataset)
    assert len(found) == len(dataset.offers)
    errors = [e for i, s in enumerate(found) for e in check(s, "SessionSeries", f"[{i}]")]
    assert errors == []
    assert all(s["@context"][0] == "https://openactive.io/" for s in found)


def test_the_check_finds_what_breaks_a_model(rich: Dataset) -> None:
    """The check above can fail: a missing organizer, a capacity given as text and a
    session without a start are each named."""
    broken = series_of(rich)[0]
    del broken["organizer"]
    broken["maximumAttendeeCapacity"] = "8"
    del broken["subEvent"][0]["startDate"]
    errors = check(broken, "SessionSeries")
    assert any("organizer is missing" in e for e in errors)
    assert any("maximumAttendeeCapacity" in e for e in errors)
    assert any("startDate is missing" in e for e in errors)


def test_the_facts_go_where_openactive_has_a_property(rich: Dataset) -> None:
    """Fee in DKK, a free first session, accessibility, online, group size, places and
    the women-only restriction are OpenActive's own properties."""
    first, online = series_of(rich)[:2]
    assert first["offers"][0]["price"] == 25.5 and first["offers"][0]["priceCurrency"] == "DKK"
    assert first["isAccessibleForFree"] is False and online["isAccessibleForFree"] is True
    assert first["beta:isFirstSessionAccessibleForFree"] is True
    assert [c["prefLabel"] for c in first["accessibilitySupport"]] == ["wheelchair", "seated"]
    assert first["genderRestriction"] == "https://openactive.io/FemaleOnly"
    assert online["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert first["maximumAttendeeCapacity"] == 8
    assert first["location"]["geo"]["latitude"] == pytest.approx(55.3959)
    session = first["subEvent"][0]
    assert (session["startDate"], session["endDate"]) == (
        "2027-01-06T17:00:00",
        "2027-01-06T18:30:00",
    )
    assert session["remainingAttendeeCapacity"] == 5


def round_trip(dataset: Dataset, tmp_path: Path) -> Dataset:
    write_folder(openactive_files(dataset), tmp_path / "oa")
    write_catalogue(read_openactive(tmp_path / "oa" / FILE), tmp_path / "back")
    assert dataset.source is not None
    shutil.copy(dataset.source / "patients.csv", tmp_path / "back" / "patients.csv")
    return load_dataset(tmp_path / "back")


@pytest.mark.parametrize("which", ["demo", "rich"])
def test_a_file_read_back_gives_the_same_catalogue(
    which: str, rich: Dataset, tmp_path: Path
) -> None:
    """Exported and imported again, every offer and session column is the same (a
    session ending at 24:00 included)."""
    dataset = load_dataset(DEMO) if which == "demo" else rich
    back = round_trip(dataset, tmp_path)
    assert differences(dataset, back, OFFER_COLUMNS, "offers") == []
    assert differences(dataset, back, SESSION_COLUMNS, "sessions") == []


def test_a_bad_record_is_refused_by_its_number(rich: Dataset, tmp_path: Path) -> None:
    """A record that is no SessionSeries and one whose group size is text are named by
    the file, the record's number and the field; nothing is written."""
    found = series_of(rich)
    found[1]["@type"] = "Event"
    found[2]["maximumAttendeeCapacity"] = "many"
    path = tmp_path / "bad.jsonld"
    path.write_text(json.dumps(found), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        write_catalogue(read_openactive(path), tmp_path / "back")
    at = [(p.file, p.row, p.column) for p in refused.value.problems]
    assert ("bad.jsonld", 2, "@type") in at and ("bad.jsonld", 3, "group_size") in at
    assert not (tmp_path / "back").exists()


def test_a_file_that_is_no_json_is_refused_with_its_line(tmp_path: Path) -> None:
    """Broken JSON is named with the line it breaks on."""
    path = tmp_path / "broken.jsonld"
    path.write_text('[\n {"@type": "SessionSeries",\n  "name": }\n]\n', encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_openactive(path)
    assert [(p.file, p.row) for p in refused.value.problems] == [("broken.jsonld", 3)]


def test_properties_without_a_brobygger_column_are_listed(rich: Dataset, tmp_path: Path) -> None:
    """Properties of another publisher (leader, image, a category of their own) are named
    with how many records hold them; an RPDE page is read through its items."""
    found = series_of(rich)
    found[0]["leader"] = [{"@type": "Person", "name": "Anne"}]
    found[1]["leader"] = [{"@type": "Person", "name": "Bo"}]
    found[0]["image"] = [{"@type": "ImageObject", "url": "https://example.org/a.jpg"}]
    found[0]["category"].append("Walking")
    page = {"items": [{"state": "updated", "kind": "SessionSeries", "data": s} for s in found]}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    imported = read_openactive(path)
    assert imported.unmapped == [
        "page.json: category Walking (1)",
        "page.json: image (1)",
        "page.json: leader (2)",
    ]
    assert len(imported.offers) == len(rich.offers)


@pytest.mark.parametrize("odd", [5, "x", None, {}, [], [5], True])
def test_any_odd_value_is_bad_input_never_a_crash(
    odd: object, rich: Dataset, tmp_path: Path
) -> None:
    """Each property of a SessionSeries, of its place and of its first session, given
    an odd value in turn, is either read or refused as bad input (InputError)."""
    base = series_of(rich)[0]
    paths = [(k,) for k in base] + [("location", k) for k in base["location"]]
    paths += [("subEvent", 0, k) for k in base["subEvent"][0]]
    paths += [("eventSchedule", 0, k) for k in base["eventSchedule"][0]]
    crashed = []
    for path in paths:
        record = json.loads(json.dumps(base))
        holder = record
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = odd
        file = tmp_path / "odd.jsonld"
        file.write_text(json.dumps([record]), encoding="utf-8")
        try:
            write_catalogue(read_openactive(file), tmp_path / "back")
        except InputError:
            pass
        except Exception as exc:
            crashed.append(f"{path}: {type(exc).__name__}: {exc}")
    assert crashed == []
