"""Tables for people, without a browser: sorting by a header's button, paging, the
words of every cell, and the CSV and Excel downloads."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from matcher.ui.views.table import Column, PeopleTable, cell_words, computed_caption


def _frame(n: int = 5) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "who": [f"P{i:03d}" for i in range(n)],
            "share": [i / (n - 1) if i % 2 else None for i in range(n)],
            "wait": pd.array([n - i if i != 1 else None for i in range(n)], dtype="Int64"),
            "note": ['=HYPERLINK("http://x","y")', "+45", "@sum", "-1 borger", "ok"][:n],
        }
    )


_COLUMNS = (
    Column("who", "Borger"),
    Column("share", "Andel", kind="share", missing="skjult (under 5)"),
    Column("wait", "Ventetid (dage)", kind="count", missing="–"),
    Column("note", "Note"),
)


def _cells(table: PeopleTable, column: int) -> list[str]:
    rows = re.findall(r"<tr>(.*?)</tr>", table.value.split("<tbody>")[1])
    return [re.findall(r"<td[^>]*>(.*?)</td>", r)[column] for r in rows]


def test_cells_read_as_words_shares_as_percent_and_missing_as_the_column_says() -> None:
    """A share reads '70 %', a count has the language's grouping, a missing value its words."""
    share = Column("s", "S", kind="share", missing="skjult (under 5)")
    assert cell_words(0.702, share, "da") == "70\xa0%"
    assert cell_words(0.702, share, "en") == "70%"
    assert cell_words(pd.NA, share, "da") == "skjult (under 5)"
    assert cell_words(float("nan"), Column("n", "N", kind="number", digits=1), "da") == ""
    assert cell_words(1234.5, Column("n", "N", kind="number", digits=1), "da") == "1.234,5"
    assert cell_words(12000, Column("c", "C", kind="count"), "en") == "12,000"
    assert cell_words(("a", "b"), Column("t", "T"), "da") == "a, b"
    with pytest.raises(ValueError, match="money"):
        Column("x", "X", kind="money")


def test_no_missing_marker_of_pandas_reaches_the_page() -> None:
    """No <NA>, None or nan is shown: empty cells read as their column's words."""
    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da", legend=("skjult (under 5): ...",))
    for word in ("&lt;NA&gt;", "None", "nan", "<NA>"):
        assert word not in table.value
    assert "skjult (under 5)" in _cells(table, 1)
    assert "–" in _cells(table, 2)
    assert "<p class='bb-legend'>skjult (under 5): ...</p>" in table.value


def test_every_cell_and_header_is_escaped() -> None:
    """Markup in a cell or a header is shown as text, never run."""
    table = PeopleTable()
    frame = pd.DataFrame({"x": ["<script>alert(1)</script>"]})
    table.show(frame, (Column("x", "<b>x</b>"),), lang="da", caption="<i>c</i>")
    assert "<script>" not in table.value and "&lt;script&gt;" in table.value
    assert "<b>x</b>" not in table.value and "<i>c</i>" not in table.value


def test_a_header_is_a_button_that_sorts_both_ways() -> None:
    """Pressing a header's button sorts by it ascending, again descending; aria-sort says so."""
    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da")
    assert table.value.count("<button type='button' class='bb-sort'") == len(_COLUMNS)
    assert "aria-sort='ascending'" not in table.value
    table._message(table, {"act": "sort", "column": "2"})  # the browser pressed "Ventetid"
    waits = _cells(table, 2)
    assert waits == ["1", "2", "3", "5", "–"]  # numbers as numbers, missing last
    assert re.search(r"aria-sort='ascending'[^>]*><button[^>]*>Ventetid", table.value)
    table._message(table, {"act": "sort", "column": "2"})
    assert _cells(table, 2) == ["5", "3", "2", "1", "–"]
    assert re.search(r"aria-sort='descending'[^>]*><button[^>]*>Ventetid", table.value)
    table.sort_by("share")
    shares = _cells(table, 1)
    assert shares[:2] == ["25\xa0%", "75\xa0%"] and shares[2:] == ["skjult (under 5)"] * 3


def test_sort_and_page_survive_new_rows_with_the_same_columns() -> None:
    """A table shown again (a new language, a new result) keeps its order."""
    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da")
    table.sort_by("wait", descending=True)
    table.show(_frame(), _COLUMNS, lang="en")
    assert table.sort_column == "wait" and table.descending
    assert _cells(table, 2)[0] == "5"


def test_long_tables_are_paged_with_previous_and_next() -> None:
    """277 rows show 200 at a time with 'Viser 1-200 af 277' and buttons that move."""
    frame = pd.DataFrame({"n": range(277)})
    table = PeopleTable(page_size=200)
    table.show(frame, (Column("n", "Nummer", kind="count"),), lang="da")
    assert "Viser 1-200 af 277" in table.value
    assert len(_cells(table, 0)) == 200
    assert re.search(r"data-act='previous'[^>]*disabled", table.value)
    table._message(table, {"act": "next"})
    assert "Viser 201-277 af 277" in table.value
    assert _cells(table, 0)[0] == "200" and len(_cells(table, 0)) == 77
    assert re.search(r"data-act='next'[^>]*disabled", table.value)
    table._message(table, {"act": "next"})  # no page after the last
    assert "Viser 201-277 af 277" in table.value
    table.previous_page()
    assert "Viser 1-200 af 277" in table.value
    small = PeopleTable()
    small.show(frame.head(3), (Column("n", "Nummer", kind="count"),), lang="en")
    assert "Showing all 3 rows" in small.value and "data-act='next'" not in small.value


def test_every_button_has_a_name_and_the_table_region_a_label() -> None:
    """Each button (sort, pages, downloads) has its words inside, and the scrolled region a name."""
    frame = pd.DataFrame({"n": range(300)})
    table = PeopleTable()
    table.show(frame, (Column("n", "Nummer", kind="count"),), lang="da", caption="Plan")
    for button in re.findall(r"<button[^>]*>(.*?)</button>", table.value):
        assert re.sub(r"<[^>]+>", "", button).strip(" ↕▲▼"), button
    assert "Hent som CSV" in table.value and "Hent som Excel" in table.value
    assert "Forrige side" in table.value and "Næste side" in table.value
    assert "role='region' tabindex='0' aria-label='Plan'" in table.value
    assert "<caption>Plan</caption>" in table.value


def test_the_csv_is_what_the_person_reads_and_runs_no_formula() -> None:
    """The CSV holds the words shown, in the order shown, with formula cells quoted."""
    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da")
    table.sort_by("wait")
    data = table.csv_bytes()
    assert data.startswith("\ufeff".encode())
    read = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    assert list(read.columns) == [c.header for c in _COLUMNS]
    assert list(read["Ventetid (dage)"]) == ["1", "2", "3", "5", "–"]
    notes = set(read["Note"])
    assert '\'=HYPERLINK("http://x","y")' in notes and "'@sum" in notes
    assert "'-1 borger" in notes and "+45" in notes  # a plain number cannot run
    english = PeopleTable()
    english.show(_frame(), _COLUMNS, lang="en")
    assert b"Borger,Andel" in english.csv_bytes()


def test_the_excel_file_has_numbers_as_numbers_and_formulas_as_text() -> None:
    """Shares are per-cent numbers, counts whole numbers, and '=...' cells plain text."""
    from openpyxl import load_workbook

    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da", caption="Plan", legend=("forklaring",))
    data = table.xlsx_bytes()
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=False))
    assert rows[0][0].value == "Plan"
    assert [c.value for c in rows[1]] == [c.header for c in _COLUMNS]
    body = rows[2:7]
    assert body[1][1].value == pytest.approx(0.25) and body[1][1].number_format == "0%"
    assert body[0][1].value == "skjult (under 5)"
    assert body[0][2].value == 5 and isinstance(body[0][2].value, int)
    for row in body:
        assert row[3].data_type == "s", row[3].value
    assert body[0][3].value.startswith("=HYPERLINK")
    assert rows[-1][0].value == "forklaring"
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_the_download_buttons_hand_the_browser_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pressing CSV or Excel sends the file with its name and type to the page."""
    sent: list[tuple[dict[str, str], list[bytes]]] = []
    table = PeopleTable(stem="plan")
    monkeypatch.setattr(
        table, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    table.show(_frame(), _COLUMNS, lang="da")
    table._message(table, {"act": "csv"})
    table._message(table, {"act": "xlsx"})
    assert [c["name"] for c, _ in sent] == ["plan.csv", "plan.xlsx"]
    assert sent[0][1] == [table.csv_bytes()]
    assert sent[1][0]["mime"].endswith("spreadsheetml.sheet") and sent[1][1][0][:2] == b"PK"


def test_an_empty_or_cleared_table_shows_no_download() -> None:
    """Without rows there is nothing to download; cleared, the table shows nothing."""
    table = PeopleTable()
    table.show(_frame().head(0), _COLUMNS, lang="da")
    assert "Ingen rækker at vise." in table.value and "data-act='csv'" not in table.value
    table.clear()
    assert table.value == ""


def test_a_result_says_when_it_was_computed() -> None:
    """A caption names the result and the time it was computed, in the page's clock."""
    from datetime import datetime

    at = datetime(2027, 1, 4, 14, 5)
    assert computed_caption("Plan", at, "da") == "Plan · beregnet kl. 14.05"
    assert computed_caption("Plan", at, "en") == "Plan · computed at 14:05"
    assert computed_caption("Plan", None, "da") == "Plan"


def test_an_order_by_a_column_not_shown_waits_for_it() -> None:
    """Sorting before any rows are shown, or by a column not shown now, sorts the table
    once that column is shown; meanwhile the rows keep their order and no header is sorted."""
    table = PeopleTable()
    table.sort_by("wait", descending=True)
    table.show(_frame(), _COLUMNS, lang="da")
    assert _cells(table, 2)[0] == "5"
    table.show(_frame(), _COLUMNS[:2], lang="da")
    assert _cells(table, 0) == list(_frame()["who"]) and "aria-sort='descending'" not in table.value
    table.show(_frame(), _COLUMNS, lang="da")
    assert _cells(table, 2)[0] == "5"


def test_a_summary_sentence_is_shown_above_the_table_escaped() -> None:
    """A table's summary is one escaped sentence before the table."""
    table = PeopleTable()
    table.show(_frame(), _COLUMNS, lang="da", summary="53 af 270 <b>får</b> et")
    assert table.value.index("53 af 270 &lt;b&gt;får&lt;/b&gt; et") < table.value.index("<table")


def test_a_long_reason_beside_many_columns_is_a_line_under_its_row() -> None:
    """A ``below`` column beside more than five others is no header but an escaped line
    under each row that has one, spanning the shown columns; with few columns it stays a
    column; the CSV keeps it as a column either way."""
    many = [Column(f"c{i}", f"C{i}") for i in range(6)]
    frame = pd.DataFrame({**{f"c{i}": ["a", "b"] for i in range(6)}, "why": ["<b>far</b>", ""]})
    table = PeopleTable()
    table.show(frame, [*many, Column("why", "Årsag", below=True)], lang="da")
    assert ">Årsag<span" not in table.value
    assert table.value.count("<tr class='bb-below'>") == 1
    assert (
        "<tr class='bb-below'><td colspan='6'><div><span class='bb-below-label'>Årsag:</span> "
        "&lt;b&gt;far&lt;/b&gt;</div></td></tr>" in table.value
    )
    assert "Årsag" in table.csv_bytes().decode("utf-8-sig").splitlines()[0]
    table.show(frame[["c0", "why"]], [many[0], Column("why", "Årsag", below=True)], lang="da")
    assert ">Årsag<span" in table.value and "bb-below" not in table.value
