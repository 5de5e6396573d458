"""The language switch in the page header, without a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matcher.ui import BrobyggerApp


@pytest.fixture()
def app(demo_dir: Path) -> BrobyggerApp:
    """The app on the demo data with a found profile, a plan and the gap analysis."""
    app = BrobyggerApp(demo_dir)
    app.discharge.start_from("P00001")
    app.discharge.set(max_travel_min=40, modes=("bike",))
    app.discharge.find()
    app.planning.run(background=False)
    app.municipality.analyse(background=False)
    assert app.planning.result is not None and app.municipality.analysis is not None
    assert app.municipality.error == "" and app.planning.error == ""
    return app


def _shown(box: Any) -> str:
    """Every text a box of widgets shows, its children's included."""
    value = getattr(box, "value", "")
    own = value if isinstance(value, str) else ""
    return own + "".join(_shown(child) for child in getattr(box, "children", ()))


def test_switch_to_english_relabels_every_view(app: BrobyggerApp) -> None:
    """The header switch turns headings, labels, tables and cards into English and back."""
    assert app.language.value == "da"
    assert app.discharge_view.find_button.description == "Find næste skridt"
    app.language.value = "en"
    assert app.data.lang == "en"
    assert tuple(app.tabs.titles) == ("Discharge", "Follow-up", "Planning", "Municipality", "Data")
    assert "the next step after rehabilitation" in app.title.value
    assert app.language_label.value == "Language"
    discharge = app.discharge_view
    assert discharge.find_button.description == "Find next steps"
    assert discharge.fields["max_travel_min"].description == "At most minutes each way"
    assert discharge.sections[0].header.description.endswith(
        "Where the person lives and how they travel"
    )
    assert ("bike", "bike") in discharge.fields["modes"].options
    card = _shown(discharge.results.children[0])
    assert "first time" in card and "by bike" in card and "på cykel" not in card
    planning = app.planning_view
    assert planning.headings["waiting_list"].value == "<h3>Waiting list</h3>"
    assert planning.run_button.description == "Plan all"
    assert "have a next step" in planning.status.value
    assert ">Wait (days)<span" in planning.table.value
    assert "<td>placed</td>" in planning.table.value
    assert "<td>walk</td>" in planning.waiting.value or "walk," in planning.waiting.value
    municipality = app.municipality_view
    assert municipality.title.value == "<h3>Association activity: all day</h3>"
    assert ">Share with an option<span" in municipality.table.value
    assert "<td>travel time</td>" in municipality.table.value
    assert "<td>speaks Danish</td>" in municipality.equity.value
    assert "<td>age band</td>" in municipality.equity.value
    assert "Loaded: 150 offers" in app.data_view.status.value
    app.language.value = "da"
    assert discharge.find_button.description == "Find næste skridt"
    assert "<td>placeret</td>" in planning.table.value
    assert "<td>taler dansk</td>" in municipality.equity.value
    assert "på cykel" in _shown(discharge.results.children[0])


def test_switch_keeps_data_profile_and_results(app: BrobyggerApp) -> None:
    """Switching language loses nothing: the same data, profile, options, plan and analysis."""
    dataset, plan, analysis = app.data.dataset, app.planning.result, app.municipality.analysis
    equity = app.municipality.equity
    profile = dict(app.discharge.profile)
    sessions = list(app.discharge.options["session_id"])
    app.municipality_view.kind.value = "exit_team"
    app.planning_view.show.value = "unplaced"
    app.planning_view.table.sort_by("wait_days")
    app.language.value = "en"
    assert app.data.dataset is dataset and app.data.version == 1
    assert app.discharge.profile == profile
    assert list(app.discharge.options["session_id"]) == sessions
    assert app.planning.result is plan
    assert app.municipality.analysis is analysis and app.municipality.equity is equity
    assert app.municipality.kind == "exit_team" and app.municipality_view.kind.value == "exit_team"
    assert app.planning_view.show.value == "unplaced"
    assert app.planning_view.table.sort_column == "wait_days"
    assert "<td>unplaced</td>" in app.planning_view.table.value
    assert "<td>placed</td>" not in app.planning_view.table.value
    assert app.discharge_view.fields["max_travel_min"].value == 40
    assert app.discharge_view.fields["modes"].value == ("bike",)


def test_switch_keeps_the_booking_and_the_handout_s_own_language(app: BrobyggerApp) -> None:
    """A booked place stays booked across a switch of the page's language; the panel is
    then in the page's new language, and the hand-out stays in the person's own."""
    state = app.discharge
    session = str(state.options.iloc[0]["session_id"])
    assert state.book(session)
    booking = state.booking
    assert 'lang="da"' in state.handout
    app.language.value = "en"
    assert state.booking is booking and state.booking_message == "booked"
    assert 'lang="da"' in state.handout
    assert "Booked:" in _shown(app.discharge_view.handout)
    assert state.options.iloc[0]["session_id"] == session


def test_nothing_fits_is_reworded_not_lost(app: BrobyggerApp) -> None:
    """When nothing fits, the reasons and what would open more follow the language."""
    state = app.discharge
    state.set(modes=("walk",), max_travel_min=5)
    state.find()
    assert state.nothing_fits is not None and state.nothing_fits.text == "Intet passer lige nu."
    changes = [s.changes for s in state.nothing_fits.suggestions]
    app.language.value = "en"
    assert state.nothing_fits.text == "Nothing fits right now."
    assert [s.changes for s in state.nothing_fits.suggestions] == changes
    assert app.discharge_view.more.children
    assert "What would open more options" in "".join(
        getattr(c, "value", "") for c in app.discharge_view.more.children
    )


def test_unknown_language_opens_in_danish() -> None:
    """A language the app does not have falls back to Danish, the default."""
    app = BrobyggerApp(lang="fr")
    assert app.data.lang == "da" and app.language.value == "da"
    assert app.tabs.titles[0] == "Afslutning"
