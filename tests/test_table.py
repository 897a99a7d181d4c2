"""The table layout: widths fit, words wrap, wide characters count twice, and a terminal
gets the same lines as a pipe."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiccli.output.table import (
    RESET,
    Column,
    clean,
    fit,
    lay_out,
    plain,
    sgr,
    styled,
    text_width,
    wrap,
)

COLUMNS = [Column("Time", no_wrap=True, max_width=11), Column("Title"),
           Column("Venue", max_width=20)]
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


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
    columns = [Column("Time", no_wrap=True), Column("Title"), Column("Venue")]
    rows = [["09:00–12:00", "A rather long title " * 4, "Wuzhen International Internet"]]
    widths = fit(columns, rows, 60)
    assert widths[0] == len("09:00–12:00")
    assert sum(widths) + 4 <= 60


def test_render_lays_out_title_header_rows_and_caption() -> None:
    laid = lay_out([Column("Id"), Column("N", justify="right")],
                   [["a", "1"], ["bb", "22"]], 80, title="T", caption="note")
    assert plain(laid) == "T\nId   N\na    1\nbb  22\n note\n"


def test_a_header_is_never_squeezed_below_its_longest_word() -> None:
    # The empty Venue column used to give way to nothing, and its header, folded into
    # one column, stuck out of the width: 41 characters at width 40.
    rows = [["", "0" * 18 + "\u0c64\u0e5c\u0e5c\u0e5c\u0e5c\u2cf4\U0001e2fa", ""]]
    lines = plain(lay_out(COLUMNS, rows, 40)).splitlines()
    assert lines[0].split() == ["Time", "Title", "Venue"]
    assert max(map(text_width, lines)) <= 40


def test_a_title_and_caption_longer_than_the_width_wrap() -> None:
    laid = lay_out([Column("Id")], [["a"]], 40, title="word " * 12, caption="note " * 12)
    assert all(text_width(line) <= 40 for line in plain(laid).splitlines())
    assert len(laid.title) == 2
    assert len(laid.caption) == 2


def test_control_characters_never_reach_the_terminal() -> None:
    mark = "\N{REPLACEMENT CHARACTER}"
    assert clean("a\tb\x1b[31mc\rd\ne") == f"a b{mark}[31mc{mark}d\ne"
    laid = lay_out([Column("Title")], [["evil\x1b]0;title\x07"]], 40, title="\x1b[2J")
    assert "\x1b" not in styled(laid).replace(sgr("bold"), "").replace(RESET, "")


def test_styles_are_ansi_attributes_and_colours_obey_no_color() -> None:
    assert sgr("dim strike") == "\x1b[2;9m"
    assert sgr("bold red") == "\x1b[1;31m"
    assert sgr("bold red", colour=False) == "\x1b[1m"
    assert sgr("red", colour=False) == ""
    with pytest.raises(ValueError, match="unknown style"):
        sgr("blink")


def test_terminal_lines_are_the_plain_lines_styled() -> None:
    laid = lay_out([Column("Id", no_wrap=True), Column("Name")],
                   [["a", "Alpha"], ["b", "Beta and more words than fit"]], 20, title="T")
    text = styled(laid, ["", "dim strike"], ["bold", ""])
    assert text.splitlines() == [
        "\x1b[1mT\x1b[0m",
        "\x1b[1mId  Name\x1b[0m",
        "─" * laid.width,
        "\x1b[1ma \x1b[0m  Alpha",
        "\x1b[2;9m\x1b[1mb \x1b[0m\x1b[2;9m  Beta and more\x1b[0m",
        "\x1b[2;9m    words than fit\x1b[0m",
    ]


@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), max_size=8),
       st.integers(min_value=40, max_value=120), TEXT, TEXT)
def test_every_line_fits_the_width(rows: list[list[str]], width: int, title: str,
                                   caption: str) -> None:
    rows = [[row[0][:11], row[1], row[2]] for row in rows]
    laid = lay_out(COLUMNS, rows, width, title=title or None, caption=caption or None)
    for line in plain(laid).splitlines():
        assert text_width(line) <= width
        assert not any(unicodedata.category(ch) == "Cc" for ch in line)


@given(st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=8),
       st.integers(min_value=40, max_value=120))
def test_styled_is_plain_with_codes_and_a_rule(rows: list[list[str]], width: int) -> None:
    laid = lay_out(COLUMNS, rows, width, title="Agenda")
    codes = styled(laid, ["dim strike"] * len(rows), ["", "bold", ""])
    bare = [line for line in codes.replace("\x1b[2;9m", "").replace("\x1b[1m", "")
            .replace(RESET, "").splitlines() if not line.startswith("─")]
    assert "\n".join(bare) + "\n" == plain(laid)
