"""Plain-text tables: widths fit, words wrap, wide characters count twice."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiccli.output.plaintable import PlainColumn, fit, render, text_width, wrap


def test_wide_characters_take_two_columns() -> None:
    assert text_width("乌镇厅") == 6
    assert text_width("Wuzhen") == 6
    assert text_width("e\u0301") == 1  # a combining accent takes none


def test_wrap_breaks_at_words_and_folds_long_words() -> None:
    assert wrap("Forum on artificial intelligence", 12) == (
        "Forum on", "artificial", "intelligence")
    assert wrap("abcdefghij", 4) == ("abcd", "efgh", "ij")
    assert wrap("one\ntwo", 10) == ("one", "two")
    assert wrap("乌镇厅乌镇厅", 5) == ("乌镇", "厅乌", "镇厅")


def test_columns_shrink_to_fit_and_no_wrap_columns_keep_their_width() -> None:
    columns = [PlainColumn("Time", no_wrap=True), PlainColumn("Title"), PlainColumn("Venue")]
    rows = [["09:00–12:00", "A rather long title " * 4, "Wuzhen International Internet"]]
    widths = fit(columns, rows, 60)
    assert widths[0] == len("09:00–12:00")
    assert sum(widths) + 4 <= 60


def test_render_lays_out_title_header_rows_and_caption() -> None:
    text = render([PlainColumn("Id"), PlainColumn("N", justify="right")],
                  [["a", "1"], ["bb", "22"]], 80, title="T", caption="note")
    assert text == "T\nId   N\na    1\nbb  22\n note\n"


@given(st.lists(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=(
    "Cc", "Cs", "Zl", "Zp")), max_size=40), min_size=3, max_size=3), max_size=8),
       st.integers(min_value=40, max_value=120))
def test_every_line_fits_the_width(rows: list[list[str]], width: int) -> None:
    columns = [PlainColumn("Time", no_wrap=True, max_width=11), PlainColumn("Title"),
               PlainColumn("Venue", max_width=20)]
    rows = [[row[0][:11], row[1], row[2]] for row in rows]
    for line in render(columns, rows, width).splitlines():
        assert text_width(line) <= width
