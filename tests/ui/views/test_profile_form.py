"""The profile form: Danish words for codes, the grid and the typed times, the address,
and each field's problem shown under it."""

from __future__ import annotations

from matcher.ui.discharge import DischargeState
from matcher.ui.state import DataState
from matcher.ui.views.profile_form import (
    ProfileForm,
    tag_name,
)


def _form(data: DataState, db: str) -> tuple[DischargeState, ProfileForm]:
    state = DischargeState(data, db)
    form = ProfileForm(data, state)
    form.relabel()
    return state, form


def test_codes_are_shown_in_danish_words(data: DataState, db: str) -> None:
    """Travel modes, languages and interests are offered by their Danish names."""
    _, form = _form(data, db)
    assert ("cykel", "bike") in form.fields["modes"].options
    assert ("arabisk", "ar") in form.fields["languages"].options or "ar" not in {
        c for _, c in form.fields["languages"].options
    }
    assert form.fields["languages"].options[0] == ("dansk", "da")
    assert all(label != code for label, code in form.fields["interests"].options[:3])


def test_a_tag_name_falls_back_to_the_tag() -> None:
    """An interest without words shows its tag."""
    assert tag_name("no-such-tag", "da") == "no-such-tag"


def test_the_grid_writes_the_file_s_text_and_shows_it_back(data: DataState, db: str) -> None:
    """Ticking Monday afternoon gives a Monday window; a profile from the data shows in the grid
    when it is grid-shaped, else as Danish words in the own-times field."""
    state, form = _form(data, db)
    form.grid.cells[("mon", "afternoon")].value = True
    assert state.profile["available"].startswith("mon ")
    assert form.available.value == ""
    state.set(available="tue 09:15-10:40")
    assert form.grid.value == ()
    assert form.available.value.startswith("tir")


def test_a_wrong_time_is_shown_under_its_field_in_danish(data: DataState, db: str) -> None:
    """Typed times that cannot be read put the problem under the field, not in the form's list."""
    state, form = _form(data, db)
    form.available.value = "man 25-26"
    assert "bb-field-error" in form.notes["available"].value
    assert state.problems == []


def test_an_address_is_looked_up_when_typed(data: DataState, db: str) -> None:
    """Typing a postal code moves the home and says what was found, under the field."""
    state, form = _form(data, db)
    form.address.value = "5000"
    assert state.home_precision == "postal_code"
    assert "5000" in form.notes["address"].value
    form.address.value = "0001"
    assert "bb-field-error" in form.notes["address"].value


def test_every_section_has_a_title_and_folds(data: DataState, db: str) -> None:
    """Each section's header names it; the first ones are open, the rest folded."""
    _, form = _form(data, db)
    assert all(s.header.description.strip("▾▸ ") for s in form.sections)
    assert form.sections[0].expanded and not form.sections[-1].expanded


def test_the_profile_s_date_is_shown_in_the_page_s_language(data: DataState, db: str) -> None:
    """The form shows the profile's ISO date day first, and writes a typed date back as ISO."""
    state, form = _form(data, db)
    state.set(discharge_date="2027-01-04")
    assert form.date.value == "04.01.2027"
    form.date.value = "5.1.2027"
    assert state.profile["discharge_date"] == "2027-01-05"


def test_the_new_questions_come_in_the_order_of_the_conversation(data: DataState, db: str) -> None:
    """Form: online after how they travel; talking right after the group size, needs at
    the venue after the pace, each with a plain Danish label and Danish choices."""
    _, form = _form(data, db)
    travel = list(form.sections[0].body.children)
    assert travel.index(form.fields["online_ok"]) == travel.index(form.fields["transport_help"]) + 1
    tolerates = list(form.sections[2].body.children)
    order = [tolerates.index(form.fields[n]) for n in ("group_tolerance", "talk_level_max")]
    assert order[1] == order[0] + 1
    assert tolerates.index(form.fields["needs"]) > tolerates.index(form.fields["intensity_max"])
    assert form.fields["online_ok"].description == "Kan være med online (video)"
    assert form.fields["talk_level_max"].description == "Hvor meget snak er i orden"
    assert ("lidt snak", "little") in form.fields["talk_level_max"].options
    assert ("kørestolsadgang", "wheelchair") in form.fields["needs"].options


def test_the_new_answers_reach_the_checked_profile(data: DataState, db: str) -> None:
    """Form: ticking a need, little talking and online makes the checked patient row say
    so; by default nothing is needed, any talk is fine and online is not asked for."""
    state, form = _form(data, db)
    state.set(patient_id="X1", discharge_date="2027-01-04")
    row = state.check()
    assert row is not None
    assert tuple(row["needs"].iloc[0]) == () and row["talk_level_max"].iloc[0] == "social"
    assert not bool(row["online_ok"].iloc[0])
    form.fields["needs"].value = ("wheelchair", "seated")
    form.fields["talk_level_max"].value = "little"
    form.fields["online_ok"].value = True
    row = state.check()
    assert row is not None
    assert set(row["needs"].iloc[0]) == {"wheelchair", "seated"}
    assert row["talk_level_max"].iloc[0] == "little"
    assert bool(row["online_ok"].iloc[0])
