"""The views' small helpers: tables as plain HTML, options that keep what is selected,
message boxes and figures as PNG."""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from matcher.ui.views.common import figure_png, frame_html, message, set_options


def test_frame_html_escapes_cells_and_counts_the_rows_left_out() -> None:
    """Cell text is shown, not run as HTML; rows beyond max_rows are counted below."""
    frame = pd.DataFrame({"name": ["<b>Kor</b>", "Gå-gruppe", "Strik"], "places": [3, 5, 8]})
    shown = frame_html(frame, max_rows=2, lang="en")
    assert "&lt;b&gt;Kor&lt;/b&gt;" in shown and "<b>" not in shown
    assert "Gå-gruppe" in shown and "Strik" not in shown
    assert "1 more rows" in shown
    assert "more rows" not in frame_html(frame, max_rows=3, lang="en")


def test_set_options_keeps_the_selection_that_is_still_an_option() -> None:
    """New options keep the selected value when it is still there, else the first option."""
    pick = w.Dropdown(options=[("A", "a"), ("B", "b"), ("C", "c")], value="b")
    set_options(pick, [("Cee", "c"), ("Bee", "b")])
    assert (pick.value, pick.label) == ("b", "Bee")
    set_options(pick, [("Cee", "c"), ("Dee", "d")])
    assert pick.value == "c"


def test_set_options_keeps_what_is_left_of_a_multiple_selection() -> None:
    """A multiple selection keeps the chosen values that are still options, in order."""
    pick = w.SelectMultiple(options=["da", "en", "tr"], value=("da", "tr"))
    set_options(pick, ["tr", "ar", "da"])
    assert pick.value == ("da", "tr")
    set_options(pick, ["ar"])
    assert pick.value == ()


def test_message_is_escaped_text_in_a_box_of_its_kind() -> None:
    """A message shows its text as text, in the box of the kind asked for."""
    box = message("Fejl i <offers.csv> & mere", "error")
    assert box == "<div class='bb-msg bb-error'>Fejl i &lt;offers.csv&gt; &amp; mere</div>"
    assert "bb-info" in message("Indlæst")


def test_figure_png_gives_png_bytes_and_closes_the_figure() -> None:
    """A figure becomes PNG bytes and is closed, so figures do not pile up in the kernel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    png = figure_png(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert not plt.fignum_exists(fig.number)
