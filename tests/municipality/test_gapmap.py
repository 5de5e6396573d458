"""The gap map (matcher.municipality.gapmap): one panel per kind, in the page's language,
with the note on patients outside every district."""

from __future__ import annotations

from builders import build, offer, session
from gaps_support import analysis_of, at, people, two_districts

from matcher.municipality import gapmap
from matcher.municipality.gapmap import draw_gaps, gaps_png
from matcher.municipality.gaps import GapAnalysis, gap_analysis
from matcher.words.app import text


def two_towns() -> GapAnalysis:
    """Every kind, for 10 patients in Vest near a walk and 10 in Øst far from it."""
    dataset = build(
        offers=[offer(**at(-1000))],
        sessions=[session(capacity=10)],
        patients=people(10, "V", -1000) + people(10, "E", 1500),
    )
    return gap_analysis(dataset, two_districts())


def test_one_panel_per_kind_and_no_more() -> None:
    """Four kinds give four visible panels; three kinds leave the fourth panel hidden."""
    analysis = two_towns()
    every = draw_gaps(analysis)
    assert sum(ax.get_visible() for ax in every.axes if ax.get_label() != "<colorbar>") == 4
    three = draw_gaps(analysis, list(analysis.kinds[:3]))
    panels = [ax for ax in three.axes if ax.get_label() != "<colorbar>"]
    assert [ax.get_visible() for ax in panels] == [True, True, True, False]


def test_the_map_speaks_the_language_asked() -> None:
    """Panel titles are the kinds' names of the catalogue in the language asked."""
    analysis = two_towns()
    kinds = list(analysis.kinds[:2])
    for lang in ("da", "en"):
        figure = draw_gaps(analysis, kinds, lang=lang)
        titles = [ax.get_title() for ax in figure.axes if ax.get_title()]
        assert titles == [text(f"map_kind_{k}", lang) for k in kinds]
    assert draw_gaps(analysis, kinds, lang="da").get_suptitle() != (
        draw_gaps(analysis, kinds, lang="en").get_suptitle()
    )


def test_with_nobody_outside_the_note_says_so() -> None:
    """When every patient lives inside a district the legend says everyone is inside."""
    figure = draw_gaps(analysis_of([10, 20], [5, 10]), lang="en")
    legend = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert text("map_all_inside", "en") in legend


def test_gaps_png_is_a_png_image() -> None:
    """gaps_png gives the map's bytes as a PNG file."""
    png = gaps_png(analysis_of([10, 20], [5, 10]), dpi=40)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_map_says_hidden_for_a_small_outside_count_too() -> None:
    """The map's note on patients outside reads the same whether below 5 or hidden to protect."""
    dataset = build(
        offers=[offer(**at(-1000))],
        sessions=[session(capacity=10)],
        patients=people(10, "V", -1000) + people(20, "E", 1500) + people(3, "F", 9000),
    )
    figure = draw_gaps(gap_analysis(dataset, two_districts()), ["association"])
    legend = [t.get_text() for legend in figure.legends for t in legend.get_texts()]
    assert "some patients live outside every district (how many is hidden)" in legend
    assert not any("fewer than" in text for text in legend)


def test_the_gap_map_speaks_the_language_asked() -> None:
    """The gap map's titles are the catalogue's; English by default."""
    assert gapmap.KIND_TITLES["exit_team"] == "Exit teams"
    assert text("map_kind_exit_team", "da") == "Udslusningshold"
