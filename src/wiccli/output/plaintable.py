"""Plain-text tables for piped output: Rich's layout without Rich's cost.

On a pipe a table has no colour and no box, so all that is left is laying out
columns: fit them to the width, wrap words, pad cells. Rich spends about a
millisecond a row on that; this takes a few microseconds, which keeps
``wic agenda | less`` on a 10,000-session event quick. Terminals still get Rich.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

GAP = "  "


@dataclass(frozen=True, slots=True)
class PlainColumn:
    header: str
    justify: str = "left"
    no_wrap: bool = False
    min_width: int | None = None
    max_width: int | None = None


class _Widths(dict[str, int]):
    """Each character's width, worked out once: lookups of known ones stay in C."""

    def __missing__(self, ch: str) -> int:
        width = 0 if unicodedata.combining(ch) else (
            2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        self[ch] = width
        return width


_WIDTHS = _Widths()


@lru_cache(maxsize=8192)  # cells repeat a lot: kinds, venues, themes, times
def text_width(text: str) -> int:
    """Columns a string takes on a terminal: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


def _char_width(ch: str) -> int:
    return _WIDTHS[ch]


@lru_cache(maxsize=8192)
def wrap(text: str, width: int) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` columns; a word longer than that is folded."""
    measure = len if text.isascii() else text_width
    if "\n" not in text and measure(text) <= width:
        return (text,)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split():
            size = measure(word)
            if line and used + 1 + size <= width:
                line, used = f"{line} {word}", used + 1 + size
                continue
            if line:
                lines.append(line)
            while size > width:
                head, word = _fold(word, width)
                lines.append(head)
                size = measure(word)
            line, used = word, size
        lines.append(line)
    return tuple(lines)


def _fold(word: str, width: int) -> tuple[str, str]:
    used = 0
    for index, ch in enumerate(word):
        used += _char_width(ch)
        if used > width:
            return word[: max(index, 1)], word[max(index, 1):]
    return word, ""


def _longest_word(text: str) -> int:
    return max(map(len if text.isascii() else text_width, text.split()), default=0)


def fit(columns: Sequence[PlainColumn], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Column widths that fit ``width``: natural sizes, then wrapping columns give way."""
    naturals = []
    for index, column in enumerate(columns):
        cells = [column.header, *(row[index] for row in rows)]
        natural = max(text_width(line) for cell in cells for line in cell.split("\n"))
        naturals.append(min(natural, column.max_width) if column.max_width else natural)
    widths = [max(n, c.min_width or 0) for n, c in zip(naturals, columns, strict=True)]
    budget = width - len(GAP) * (len(columns) - 1)
    if sum(widths) <= budget:
        return widths
    floors = [
        natural if column.no_wrap else min(natural, max(
            column.min_width or 0, max(_longest_word(row[index]) for row in rows)))
        for index, (column, natural) in enumerate(zip(columns, naturals, strict=True))
    ]
    _shrink(widths, floors, budget)
    if sum(widths) > budget:  # still too wide: fold words in the wrapping columns
        _shrink(widths, [w if c.no_wrap else 4 for w, c in zip(widths, columns, strict=True)],
                budget)
    return widths


def _shrink(widths: list[int], floors: list[int], budget: int) -> None:
    """Take columns down towards their floors, widest first, until they fit."""
    while sum(widths) > budget:
        candidates = [i for i, w in enumerate(widths) if w > floors[i]]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1


def _lines(cell: str, size: int) -> tuple[str, ...]:
    """A no-wrap cell's own lines; only a line wider than its column is folded."""
    return tuple(piece for line in cell.split("\n")
                 for piece in (wrap(line, size) if text_width(line) > size else (line,)))


@lru_cache(maxsize=8192)
def _block(cell: str, size: int, right: bool, no_wrap: bool) -> tuple[str, ...]:
    """A cell as the padded lines it takes in its column (the same cells recur a lot)."""
    lines = _lines(cell, size) if no_wrap else wrap(cell, size)
    return tuple(_pad(line, size, right) for line in lines)


def _pad(text: str, width: int, right: bool) -> str:
    if text.isascii():
        return text.rjust(width) if right else text.ljust(width)
    space = " " * max(0, width - text_width(text))
    return space + text if right else text + space


def render(
    columns: Sequence[PlainColumn],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> str:
    """The whole table as text, lines without trailing spaces."""
    widths = fit(columns, rows, width)
    layout = [(size, c.justify == "right", c.no_wrap)
              for c, size in zip(columns, widths, strict=True)]
    blanks = [" " * size for size in widths]
    out: list[str] = [title] if title else []
    for cells in [[c.header for c in columns], *rows]:
        blocks = [_block(cell, *how) for cell, how in zip(cells, layout, strict=True)]
        for line in range(max(map(len, blocks))):
            out.append(GAP.join([block[line] if line < len(block) else blank
                                 for block, blank in zip(blocks, blanks, strict=True)]).rstrip())
    if caption:
        total = sum(widths) + len(GAP) * (len(widths) - 1)
        out.append(caption.center(total).rstrip())
    return "\n".join(out) + "\n"
