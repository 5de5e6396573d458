"""The form's keyboard-made controls: folding sections, checkbox choices, the week grid."""

from __future__ import annotations

import ipywidgets as w

from matcher.dataset.weekly import PARTS
from matcher.domain import WEEKDAYS
from matcher.ui.views.controls import Choices, Section, WeekGrid


def test_a_section_folds_and_unfolds_from_its_header_button() -> None:
    """The header is a button; clicking it hides the body, clicking again shows it."""
    section = Section([w.Text()], expanded=True)
    section.set_title("Hvornår")
    assert section.header.description == "▾ Hvornår"
    section.header.click()
    assert not section.expanded
    assert section.body.layout.display == "none"
    assert section.header.description == "▸ Hvornår"
    section.header.click()
    assert section.expanded and section.body.layout.display == ""


def test_a_section_header_says_whether_it_is_open() -> None:
    """The header carries ``bb-open`` exactly while the body shows (the page's script
    reads it into ``aria-expanded``)."""
    section = Section([w.Text()], expanded=False)
    assert "bb-open" not in section.header._dom_classes
    section.header.click()
    assert "bb-open" in section.header._dom_classes
    section.header.click()
    assert "bb-open" not in section.header._dom_classes


def test_sections_fold_independently() -> None:
    """Opening one section leaves another as it was (any number may be open)."""
    first, second = Section([w.Text()]), Section([w.Text()], expanded=False)
    second.header.click()
    assert first.expanded and second.expanded


def test_choices_value_is_the_ticked_codes_in_option_order() -> None:
    """Ticking boxes sets the value to their codes; setting the value ticks the boxes."""
    choices = Choices([("gå", "walk"), ("cykel", "bike"), ("bus", "bus")])
    boxes = dict((code, box) for code, box in choices._boxes.items())
    boxes["bus"].value = True
    boxes["walk"].value = True
    assert choices.value == ("walk", "bus")
    choices.value = ("bike",)
    assert [b.value for b in boxes.values()] == [False, True, False]


def test_a_code_that_is_no_option_is_kept_as_its_own_option() -> None:
    """A value from a file that the options lack is added under its name, never dropped."""
    choices = Choices([("dansk", "da")])
    choices.value = ("da", "fo")
    assert ("fo", "fo") in choices.options
    assert choices.value == ("da", "fo")


def test_relabelling_choices_keeps_what_is_ticked() -> None:
    """New labels (another language) keep the ticked codes."""
    choices = Choices([("gå", "walk"), ("bus", "bus")])
    choices.value = ("bus",)
    choices.options = [("walk", "walk"), ("bus", "bus")]
    assert choices.value == ("bus",)
    assert choices._boxes["bus"].value


def test_the_week_grid_has_a_named_box_per_day_and_part() -> None:
    """Every cell has a checkbox whose label says its day and part of day."""
    grid = WeekGrid()
    grid.label([f"dag{i}" for i in range(7)], ["formiddag", "eftermiddag", "aften"])
    assert len(grid.cells) == len(WEEKDAYS) * len(PARTS)
    assert grid.cells[("mon", PARTS[0])].description == "dag0 formiddag"
    assert grid.cells[("sun", PARTS[-1])].description == "dag6 aften"


def test_the_week_grid_value_follows_its_boxes_both_ways() -> None:
    """Ticking cells sets the value; setting the value ticks exactly those cells."""
    grid = WeekGrid()
    grid.cells[("tue", PARTS[1])].value = True
    grid.cells[("mon", PARTS[0])].value = True
    assert set(grid.value) == {("mon", PARTS[0]), ("tue", PARTS[1])}
    grid.value = (("fri", PARTS[2]),)
    assert [cell for cell, box in grid.cells.items() if box.value] == [("fri", PARTS[2])]
