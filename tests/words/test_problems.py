"""Problems with a user's files are in the catalogue: English on the command
line, the page's language in the app, the same facts in both."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import matcher
from matcher import InputError, Problem
from matcher.errors import LISTED
from matcher.words.catalog import LANGUAGES, catalogue
from matcher.words.problems import CONTEXT, listed, problem, problem_text, problems_text

PACKAGE = Path(matcher.__file__).resolve().parent
#: Where every problem is built with ``problem()``: what the app shows.
KEYED = (
    "dataset",
    "discharge",
    "store",
    "planning",
    "municipality",
    "match",
    "words/patient.py",
    "cli",
)


def _calls(name: str) -> list[tuple[str, int, ast.Call]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called == name:
                    found.append((str(path.relative_to(PACKAGE)), node.lineno, node))
    return found


def _templates() -> list[tuple[str, str]]:
    """(place in the code, template) of every ``problem(...)`` with a literal template."""
    out = []
    for where, line, call in _calls("problem"):
        if len(call.args) >= 4 and isinstance(call.args[3], ast.Constant):
            out.append((f"{where}:{line}", str(call.args[3].value)))
    return out


def _whats() -> list[tuple[str, str]]:
    """(place, message id) of every literal ``what`` given to ``listed``."""
    out = []
    for where, line, call in _calls("listed"):
        args = [*call.args[3:4], *(k.value for k in call.keywords if k.arg == "what")]
        out += [(f"{where}:{line}", str(a.value)) for a in args if isinstance(a, ast.Constant)]
    return out


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_the_code_builds_problems_from_the_catalogue() -> None:
    """There are problem templates to check (the scan finds the loader's)."""
    assert len(_templates()) > 50


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_problem_template_is_in_the_catalogue(lang: str) -> None:
    """Every template given to ``problem()`` and every ``what`` given to
    ``listed()`` has a text in each language, with the same fields."""
    words = catalogue(lang)
    missing, changed = [], []
    for where, template in _templates() + _whats():
        if not words.has(CONTEXT, template):
            missing.append(f"{where}: {template!r}")
        elif _fields(words.text(CONTEXT, template)) != _fields(template):
            changed.append(f"{where}: {template!r}")
    assert missing == []
    assert changed == []


def test_english_problem_texts_are_the_messages_themselves() -> None:
    """The English catalogue words each problem exactly as the command line does."""
    words = catalogue("en")
    differ = [k for k in words.keys(CONTEXT) if words.text(CONTEXT, k) != k]
    assert differ == []


def test_no_problem_in_the_loader_is_built_outside_the_catalogue() -> None:
    """In the packages whose problems the app shows, every ``Problem`` comes
    from ``problem()`` (a bare ``Problem(...)`` would stay English on a Danish page)."""
    bare = [
        f"{w}:{line}" for w, line, _ in _calls("Problem") if w in KEYED or w.split("/")[0] in KEYED
    ]
    assert bare == []


def test_a_problem_reads_the_same_in_english_and_in_danish_words() -> None:
    """The message stays the command line's English; the app words it in Danish."""
    found = problem(
        "patient", None, "patient_id", "'{patient_id}' is not in the dataset", patient_id="P9"
    )
    assert found.message == "'P9' is not in the dataset"
    assert str(found) == "patient:-:patient_id: 'P9' is not in the dataset"
    assert problem_text(found, "da") == "'P9' findes ikke i data"
    assert problems_text([found], "da") == ["patient:-:patient_id: 'P9' findes ikke i data"]
    assert problems_text([found], "en") == [str(found)]


def test_a_problem_without_a_template_is_shown_as_it_is() -> None:
    """A problem from outside the catalogue is not guessed at."""
    plain = Problem("input", None, None, "something else")
    assert problem_text(plain, "da") == "something else"
    assert plain == Problem("input", None, None, "something else")


def test_listed_counts_the_rest_in_the_page_language() -> None:
    """``listed`` keeps ten problems and words the count of the rest; a
    ``what`` outside the catalogue is shown as it is."""
    many = [
        problem("f.csv", r, "c", "'{patient_id}' is not in the dataset", patient_id=r)
        for r in range(2, 15)
    ]
    kept = listed(many, "f.csv", "c", "unknown patients")
    assert len(kept) == 11
    assert kept[-1].message == "and 3 more unknown patients"
    assert problem_text(kept[-1], "da") == "og 3 mere: unknown patients"
    assert InputError(kept).problems[-1].template == "and {n} more {what}"


def test_the_cell_parsers_words_are_in_the_catalogue() -> None:
    """The messages the cell parsers give (``worded(...)``) and the domain's and
    the privacy rules' words they are read back from are in both catalogues."""
    from matcher import privacy
    from matcher.dataset import cells

    said = [
        str(call.args[0].value)
        for _, _, call in _calls("worded")
        if call.args and isinstance(call.args[0], ast.Constant)
    ]
    said += [*cells.DOMAIN_TEMPLATES, privacy.PSEUDONYM_RULE, privacy.LOOK_ALIKE_RULE]
    assert len(said) > 30
    for lang in LANGUAGES:
        words = catalogue(lang)
        assert [t for t in said if not words.has(CONTEXT, t)] == []
        assert [t for t in said if _fields(words.text(CONTEXT, t)) != _fields(t)] == []


@pytest.mark.parametrize(
    ("cell", "template"),
    [
        ("25:99", "'{text}' is not a time of day (HH:MM, 00:00-23:59)"),
        ("noon", "'{text}' is not a time of day (HH:MM)"),
    ],
)
def test_a_wrong_clock_is_read_back_into_its_template(cell: str, template: str) -> None:
    """The domain's English for a wrong clock time is keyed by its template."""
    from matcher.dataset.cells import clock_cell

    _, said = clock_cell(cell)
    assert said is not None and said.template == template and said.values == {"text": cell}


@pytest.mark.parametrize(
    ("cell", "template"),
    [
        ("monday morning", "'{text}' is not a window like 'mon 08:00-12:00'"),
        ("xyz 10:00-12:00", "'{day}' is not a weekday (mon, tue, ... sun)"),
        ("mon 12:00-10:00", "window '{window}' ends before it starts"),
    ],
)
def test_a_wrong_window_is_read_back_into_its_template(cell: str, template: str) -> None:
    """The domain's English for a wrong time window is keyed by its template."""
    from matcher.dataset.cells import windows_cell

    _, said = windows_cell(cell)
    assert said is not None and said.template == template


def test_personal_ids_are_keyed() -> None:
    """Every reason ``looks_like_personal_id`` gives is a message of the catalogue."""
    from matcher.dataset.cells import personal_id_problem

    for value in ("010203-1234", "Jens Hansen", "P 00 1!", "Ｐ001"):
        said = personal_id_problem(value)
        assert said is not None and catalogue("da").has(CONTEXT, said.template), value


def test_the_loader_s_problems_read_in_danish(tmp_path: Path) -> None:
    """A wrong number in patients.csv keeps its English and reads in Danish."""
    from matcher import load_dataset

    data = PACKAGE.parent / "data" / "activities"
    for f in data.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        if f.name == "patients.csv":
            lines = text.split("\n")
            cells = lines[1].split(",")
            cells[lines[0].split(",").index("max_travel_min")] = "abc"
            lines[1] = ",".join(cells)
            text = "\n".join(lines)
        (tmp_path / f.name).write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_dataset(tmp_path)
    (found,) = caught.value.problems
    assert found.message == "'abc' is not a number"
    assert problem_text(found, "da") == "'abc' er ikke et tal"


def test_a_store_refusal_reads_in_danish(tmp_path: Path) -> None:
    """The store's refusals keep the command line's English and read in Danish,
    weekday names too."""
    from datetime import date

    from store_support import dataset_dir

    from matcher import load_dataset
    from matcher.store import book, import_catalogue, open_store

    with open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}") as store:
        import_catalogue(store, load_dataset(dataset_dir(tmp_path / "data", patients=2)))
        first = book(store, "P001", "S1", date(2027, 1, 4))
        with pytest.raises(InputError) as twice:
            book(store, "P001", "S1", date(2027, 1, 11))
        with pytest.raises(InputError) as tuesday:
            book(store, "P002", "S1", date(2027, 1, 5))
    (found,) = twice.value.problems
    assert found.message == (
        f"patient P001 is already booked for offer O1 (booking {first.booking_id}); "
        "cancel that booking first to move them"
    )
    assert problem_text(found, "da") == (
        f"borger P001 er allerede booket til tilbud O1 (booking {first.booking_id}); "
        "annullér den booking først for at flytte borgeren"
    )
    (day,) = tuesday.value.problems
    assert day.message == "2027-01-05 is a Tuesday, but session S1 meets on Mondays"
    assert problem_text(day, "da") == "2027-01-05 er en tirsdag, men hold/tid S1 mødes om mandagen"


def test_a_long_list_is_cut_with_a_count_of_the_rest() -> None:
    """Past ``limit`` problems the rest are one line: ``and N more ...``."""
    problems = [Problem("sessions.csv", row, "start", "not a time") for row in range(2, 17)]
    kept = listed(problems, "sessions.csv", "start", "start times")
    assert len(problems) == 15 and len(kept) == LISTED + 1
    assert kept[:LISTED] == problems[:LISTED]
    assert kept[-1] == Problem("sessions.csv", None, "start", "and 5 more start times")
    assert listed(problems, "sessions.csv", "start", "rows", limit=3)[-1].message == (
        "and 12 more rows"
    )


def test_a_short_list_is_kept_whole() -> None:
    """Up to ``limit`` problems are all listed, with no count line."""
    problems = [Problem("sessions.csv", row, None, "bad") for row in range(2, 2 + LISTED)]
    assert listed(problems, "sessions.csv", None, "rows") == problems
