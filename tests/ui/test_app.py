"""The app object the notebook displays."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.ui import BrobyggerApp


@pytest.mark.parametrize(
    ("lang", "titles"),
    [
        ("da", ("Afslutning", "Opfølgning", "Planlægning", "Kommune", "Data")),
        ("en", ("Discharge", "Follow-up", "Planning", "Municipality", "Data")),
    ],
)
def test_app_has_one_tab_per_user_and_data(
    demo_dir: Path, lang: str, titles: tuple[str, ...]
) -> None:
    """Physiotherapist, planner and municipality each have a tab, in the chosen language."""
    app = BrobyggerApp(demo_dir, lang=lang)
    assert tuple(app.tabs.titles) == titles
    assert app.data.dataset is not None


def test_only_the_first_tab_is_built_at_start(demo_dir: Path) -> None:
    """The page starts with the discharge view only; the other tabs are empty boxes
    until they are selected, so the first page has far fewer widgets to draw."""
    app = BrobyggerApp(demo_dir)
    assert app.built() == ("discharge",)
    assert app.tabs.selected_index == 0
    assert app.tabs.children[0].children == (app.discharge_view,)
    assert [slot.children for slot in app.tabs.children[1:]] == [(), (), (), ()]


def test_a_tab_is_built_on_first_selection_and_keeps_its_state(demo_dir: Path) -> None:
    """Selecting a tab builds its view from the state as it is by then (language, chosen
    kind); selecting it again later shows the same view, with what was changed in it."""
    app = BrobyggerApp(demo_dir)
    app.language.value = "en"
    app.municipality.kind = "exit_team"
    app.tabs.selected_index = 3
    assert app.built() == ("discharge", "municipality")
    municipality = app.tabs.children[3].children[0]
    assert municipality is app.municipality_view
    assert municipality.kind.value == "exit_team"
    assert municipality.analyse_button.description == "Coverage and accessibility"
    app.tabs.selected_index = 2
    planning = app.planning_view
    assert app.tabs.children[2].children == (planning,)
    assert planning.run_button.description == "Plan all"
    planning.table.sort_by("wait_days")
    municipality.band.value = "evening"
    app.tabs.selected_index = 0
    app.language.value = "da"  # built tabs follow the switch
    app.tabs.selected_index = 2
    app.tabs.selected_index = 3
    assert app.planning_view is planning and planning.table.sort_column == "wait_days"
    assert planning.run_button.description == "Planlæg alle"
    assert app.municipality_view is municipality and app.municipality.band == "evening"
    assert app.tabs.children[3].children == (municipality,)
    assert app.built() == ("discharge", "planning", "municipality")
    app.tabs.selected_index = 4
    assert "Indlæst: 150 tilbud" in app.data_view.status.value
    assert app.built() == ("discharge", "planning", "municipality", "data")


def test_app_with_bad_data_shows_the_problems_not_a_traceback(tmp_path: Path) -> None:
    """A broken folder starts the app with the loader's messages in the data state."""
    (tmp_path / "offers.csv").write_text("", encoding="utf-8")
    app = BrobyggerApp(tmp_path)
    assert app.data.dataset is None
    assert any(p.startswith("offers.csv:-:-: the file is empty") for p in app.data.problems)
    assert "offers.csv" in app.data_view.status.value


def test_notebook_is_thin() -> None:
    """The app notebook only imports, configures, builds and displays the app."""
    import nbformat

    from matcher.ui.launch import notebook_path

    notebook = nbformat.read(notebook_path(), as_version=4)
    code = [c.source for c in notebook.cells if c.cell_type == "code"]
    assert len(code) <= 4
    assert sum(len(c.splitlines()) for c in code) <= 6


def test_offline_template_has_no_outside_links(tmp_path: Path) -> None:
    """The app's Voila template keeps nothing that loads from the internet."""
    from matcher.ui.launch import TEMPLATE, prepare_template

    root = prepare_template(tmp_path)
    index = (root / "voila" / "templates" / TEMPLATE / "index.html.j2").read_text(encoding="utf-8")
    assert "https://" not in index.replace("https://github.com/pallets/jinja/issues/1044", "")
    assert "extends" in index


def test_launch_finds_the_template_without_importing_voila(tmp_path: Path) -> None:
    """``brobygger app`` writes its template without importing Voila (seconds of start-up);
    the command it becomes runs Voila (quick to start: no IRI format checker)."""
    import subprocess
    import sys

    from matcher.ui.launch import voila_command

    probe = (
        "import sys; from matcher.ui.launch import prepare_template; "
        f"prepare_template(__import__('pathlib').Path({str(tmp_path)!r})); "
        "print('voila' in sys.modules, 'jsonschema' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "False"]
    command = voila_command(8866)
    assert "--port=8866" in command and "--no-browser" in command
    version = subprocess.run(
        [*command[:3], "--version"], capture_output=True, text=True, check=True, timeout=120
    )
    assert version.stdout.strip().startswith("0.")
