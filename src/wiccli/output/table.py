"""The one table layout: plain text on a pipe, the same lines styled on a terminal.

Laying out a table is fitting columns to the width, wrapping words and padding
cells. Done here once, a row costs a few microseconds (Rich takes about a
millisecond), and a table reads the same wherever it goes: a terminal gets the
very lines a pipe gets, with a bold title and header, a rule under the header and
each row's style as ANSI codes around its lines. No Rich, no Typer.

A column's role says how it gives way when the table is wider than the screen, so that
one long value (a 60-letter slug) never squeezes the column people read:

- ``prose`` (titles, names, notes) wraps at spaces and gets the room;
- ``address`` (e-mail addresses, URLs) wraps at spaces too, but a word is never broken:
  one longer than the column is cut, with ``…`` at its end;
- ``code`` (slugs, ids, kinds) stays on one line and is cut with ``…``;
- ``fixed`` (times, numbers, statuses) is never wrapped nor cut.

``no_wrap=True`` without a role means ``fixed``; no role, ``prose``. Where everything
fits, every column has its natural width and no role changes a thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from wiccli.output.cells import (
    ELLIPSIS,
    READABLE_ADDRESS,
    clean,
    cut_columns,
    ellipsize,
    longest_kept,
    longest_word,
    text_width,
    wrap,
)

# What other modules take from here (the cell functions live in cells.py).
__all__ = ["ELLIPSIS", "READABLE_ADDRESS", "ROLES", "Column", "ColumnLike", "Laid", "clean",
           "ellipsize", "fit", "lay_out", "plain", "role_of", "sgr", "styled", "text_width",
           "wrap"]

GAP = "  "
RULE = "─"
ROLES = ("prose", "address", "code", "fixed")
# A code (an address) gives way first, down to this many columns: a slug is still told
# apart by its start. Once prose is down to its longest word, one longer than that gives
# way further, to SHORT_CODE (SHORT_ADDRESS); a shorter code is kept whole until the
# prose has folded its words and the table is still too wide.
READABLE_CODE = 16
SHORT_CODE = 8
SHORT_ADDRESS = 12
FOLD = 4  # the narrowest a wrapping column gets, folding (or cutting) its words


class ColumnLike(Protocol):
    """What the layout needs to know of a column (``render.Column`` is one)."""

    @property
    def header(self) -> str: ...
    @property
    def justify(self) -> str: ...
    @property
    def no_wrap(self) -> bool: ...
    @property
    def min_width(self) -> int | None: ...
    @property
    def max_width(self) -> int | None: ...
    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    justify: str = "left"
    no_wrap: bool = False
    min_width: int | None = None
    max_width: int | None = None
    role: str = ""


def role_of(column: ColumnLike) -> str:
    """The column's role: its own, else ``fixed`` for a no-wrap column, else ``prose``."""
    role = column.role or ("fixed" if column.no_wrap else "prose")
    if role not in ROLES:
        raise ValueError(f"unknown column role {role!r}")
    return role


@dataclass(frozen=True, slots=True)
class Laid:
    """A table laid out: every line as text, without trailing spaces."""

    title: tuple[str, ...]
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]  # the lines of each row, in order
    caption: tuple[str, ...]
    widths: tuple[int, ...]  # of each column

    @property
    def width(self) -> int:
        """The table's width: its columns and the gaps between them."""
        return sum(self.widths) + len(GAP) * (len(self.widths) - 1)


# --------------------------------------------------------------------------- widths


def fit(columns: Sequence[ColumnLike], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Column widths that fit ``width``: natural sizes, then columns give way by role.

    In turn, each step only while the table is too wide: codes and addresses down to a
    readable length; wrapping columns down to their longest word; long codes and addresses
    shorter still; wrapping columns below that, folding (prose) or cutting (address) their
    words; at last every code to SHORT_CODE. Within a step the widest column gives way
    first, so the prose people read keeps the most room.
    """
    naturals = _naturals(columns, rows)
    widths = [max(n, c.min_width or 0) for n, c in zip(naturals, columns, strict=True)]
    budget = width - len(GAP) * (len(columns) - 1)
    if sum(widths) <= budget:
        return widths
    roles = [role_of(c) for c in columns]
    heads = [max(map(text_width, c.header.split("\n"))) if role == "code"
             else longest_word(c.header) for c, role in zip(columns, roles, strict=True)]
    # A wrapping column gives way down to its longest word, the header's included.
    words = [min(natural, max(column.min_width or 0, longest_word(column.header),
                              *(longest_kept(row[index], role == "address") for row in rows)))
             for index, (column, natural, role) in enumerate(zip(columns, naturals, roles,
                                                                 strict=True))]
    # Only a value already cut gives way further: a short code is kept whole.
    long = [role in _READABLE and n > _READABLE[role] for role, n in zip(roles, naturals,
                                                                        strict=True)]
    steps: list[Callable[[int, int], int]] = [
        lambda i, w: min(w, max(_READABLE[roles[i]], heads[i])) if roles[i] in _READABLE else w,
        lambda i, w: min(w, words[i]) if roles[i] in _WRAPPING else w,
        lambda i, w: min(w, max(_SHORT[roles[i]], heads[i])) if long[i] else w,
        lambda i, w: FOLD if roles[i] in _WRAPPING else w,
        # The last resort, before a line runs past the width: even a short code is cut.
        lambda i, w: min(w, max(SHORT_CODE, heads[i])) if roles[i] == "code" else w,
    ]
    for step in steps:
        if sum(widths) <= budget:
            break
        _shrink(widths, [step(i, w) for i, w in enumerate(widths)], budget)
    return widths


def _naturals(columns: Sequence[ColumnLike], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column's width with nothing wrapped (up to its ``max_width``)."""
    naturals = []
    for index, column in enumerate(columns):
        cells = [column.header, *(row[index] for row in rows)]
        natural = max(text_width(line) for cell in cells for line in cell.split("\n"))
        naturals.append(min(natural, column.max_width) if column.max_width else natural)
    return naturals


_WRAPPING = ("prose", "address")
_READABLE = {"code": READABLE_CODE, "address": READABLE_ADDRESS}
_SHORT = {"code": SHORT_CODE, "address": SHORT_ADDRESS}


def _shrink(widths: list[int], floors: list[int], budget: int) -> None:
    """Take columns down towards their floors, widest first, until they fit."""
    while sum(widths) > budget:
        candidates = [i for i, w in enumerate(widths) if w > floors[i]]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1


# --------------------------------------------------------------------------- layout


def _lines(cell: str, size: int) -> tuple[str, ...]:
    """A no-wrap cell's own lines; only a line wider than its column is folded."""
    return tuple(piece for line in cell.split("\n")
                 for piece in (wrap(line, size) if text_width(line) > size else (line,)))


@lru_cache(maxsize=8192)
def _block(cell: str, size: int, right: bool, role: str) -> tuple[str, ...]:
    """A cell as the padded lines it takes in its column (the same cells recur a lot)."""
    if role == "fixed":
        lines = _lines(cell, size)
    elif role == "code":
        lines = tuple(ellipsize(line, size) for line in cell.split("\n"))
    else:
        lines = wrap(cell, size, role == "address")
    return tuple(_pad(clean(line), size, right) for line in lines)


def _pad(text: str, width: int, right: bool) -> str:
    if text.isascii():
        return text.rjust(width) if right else text.ljust(width)
    space = " " * max(0, width - text_width(text))
    return space + text if right else text + space


def _center(text: str, width: int) -> str:
    """``str.center`` by display width (it counts a wide character as one)."""
    if text.isascii():
        return text.center(width)
    surplus = max(0, width - text_width(text))
    left = surplus // 2 + (surplus & width & 1)  # where str.center puts the odd space
    return " " * left + text + " " * (surplus - left)


def lay_out(
    columns: Sequence[ColumnLike],
    rows: Sequence[Sequence[str]],
    width: int,
    *,
    title: str | None = None,
    caption: str | None = None,
    header: bool = True,
) -> Laid:
    """Lay the table out in ``width`` columns: the one layout of every table wic draws."""
    widths = fit(columns if header else [_headless(c) for c in columns], rows, width)
    layout = [(size, c.justify == "right", role_of(c))
              for c, size in zip(columns, widths, strict=True)]
    blanks = [" " * size for size in widths]

    def lines_of(cells: Sequence[str]) -> tuple[str, ...]:
        blocks = [_block(cell, *how) for cell, how in zip(cells, layout, strict=True)]
        return tuple(GAP.join([block[line] if line < len(block) else blank
                               for block, blank in zip(blocks, blanks, strict=True)]).rstrip()
                     for line in range(max(map(len, blocks))))

    total = sum(widths) + len(GAP) * (len(widths) - 1)
    return Laid(
        title=tuple(map(clean, wrap(title, width))) if title else (),
        header=lines_of([c.header for c in columns]) if header else (),
        rows=[lines_of(cells) for cells in rows],
        caption=tuple(_center(line, total).rstrip()
                      for line in map(clean, wrap(caption, width))) if caption else (),
        widths=tuple(widths),
    )


def _headless(column: ColumnLike) -> Column:
    return Column("", column.justify, column.no_wrap, column.min_width, column.max_width,
                  column.role)


# --------------------------------------------------------------------------- drawing


def plain(laid: Laid) -> str:
    """The table as plain text, for a pipe or a file."""
    out = [*laid.title, *laid.header]
    for lines in laid.rows:
        out += lines
    out += laid.caption
    return "\n".join(out) + "\n"


_ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "reverse": "7",
               "strike": "9"}
_COLOURS = {"black": "30", "red": "31", "green": "32", "yellow": "33", "blue": "34",
            "magenta": "35", "cyan": "36", "white": "37"}
RESET = "\x1b[0m"


@lru_cache(maxsize=64)
def sgr(style: str, colour: bool = True) -> str:
    """The ANSI code that turns a style on ("bold", "dim strike", "red"); "" for none.

    Attributes always apply; colours only with ``colour`` (NO_COLOR turns them off).
    """
    codes = []
    for word in style.split():
        if word in _ATTRIBUTES:
            codes.append(_ATTRIBUTES[word])
        elif word in _COLOURS:
            if colour:
                codes.append(_COLOURS[word])
        else:
            raise ValueError(f"unknown style {word!r} in {style!r}")
    return f"\x1b[{';'.join(codes)}m" if codes else ""


def styled(
    laid: Laid,
    row_styles: Sequence[str] | None = None,
    column_styles: Sequence[str] | None = None,
    *,
    colour: bool = True,
) -> str:
    """The same lines for a terminal: a bold title and header, a rule under the header,
    each row and column in its style (one per row, one per column) and a dim caption."""
    out = _styled_lines(laid.title, sgr("bold", colour))
    out += _styled_lines(laid.header, sgr("bold", colour))
    if laid.header:
        out.append(RULE * laid.width)
    rows = laid.rows
    if column_styles and any(column_styles):
        codes = [sgr(style, colour) for style in column_styles]
        rows = [tuple(_columns_styled(line, laid.widths, codes) for line in lines)
                for lines in rows]
    for lines, style in zip(rows, row_styles or [""] * len(rows), strict=True):
        out += _styled_lines(lines, sgr(style, colour)) if style else lines
    out += _styled_lines(laid.caption, sgr("dim italic", colour))
    return "\n".join(out) + "\n"


def _styled_lines(lines: Sequence[str], code: str) -> list[str]:
    if not code:
        return list(lines)
    # A column's style ends with a reset: the row's style starts again after it.
    return [f"{code}{line.replace(RESET, RESET + code)}{RESET}" if line else line
            for line in lines]


def _columns_styled(line: str, widths: Sequence[int], codes: Sequence[str]) -> str:
    """A line with each column's text wrapped in that column's code."""
    out, rest = [], line
    for index, (size, code) in enumerate(zip(widths, codes, strict=True)):
        cell, rest = cut_columns(rest, size)
        out.append(f"{code}{cell}{RESET}" if code and cell.strip() else cell)
        if index < len(widths) - 1:
            gap, rest = rest[:len(GAP)], rest[len(GAP):]
            out.append(gap)
    return "".join(out)
