"""The text of one table cell: its width on a terminal, wrapped, folded or cut, cleaned.

Pure string functions, cached (the same cells recur a lot: kinds, venues, times), used by
the table layout (``table.py``) and the text grid.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ELLIPSIS = "…"
# The widest an address counts for when columns give way: beyond it, it is cut.
READABLE_ADDRESS = 24


class _Widths(dict[str, int]):
    """Each character's width, worked out once: lookups of known ones stay in C."""

    def __missing__(self, ch: str) -> int:
        width = 0 if unicodedata.combining(ch) else (
            2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
        self[ch] = width
        return width


_WIDTHS = _Widths()

# Control characters would move the cursor or recolour the terminal (an ESC in a
# title starts an escape sequence): each becomes a visible mark, a tab a space. Both
# take one column, as the character they replace was counted, so lines are cleaned
# after they are laid out, once per distinct cell.
_CONTROLS = {code: "\N{REPLACEMENT CHARACTER}"
             for code in [*range(0x20), *range(0x7F, 0xA0)] if code != 0x0A}
_CONTROLS[0x09] = " "


def clean(text: str) -> str:
    """Text safe to show: every control character but the line break replaced."""
    return text if text.isprintable() else text.translate(_CONTROLS)


@lru_cache(maxsize=8192)  # cells repeat a lot: kinds, venues, themes, times
def text_width(text: str) -> int:
    """Columns a string takes on a terminal: wide East Asian characters take two."""
    if text.isascii():
        return len(text)
    return sum(map(_WIDTHS.__getitem__, text))


@lru_cache(maxsize=8192)
def wrap(text: str, width: int, cut: bool = False) -> tuple[str, ...]:
    """Greedy word wrap to ``width`` columns; a word longer than that is folded, or with
    ``cut`` cut short with an ellipsis. An address (``@``, ``://``) is never folded: a
    piece of one on the next line reads as another address."""
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
            if (cut or _is_address(word)) and size > width:
                word = ellipsize(word, width)
                size = measure(word)
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
        used += _WIDTHS[ch]
        if used > width:
            return word[: max(index, 1)], word[max(index, 1):]
    return word, ""


def ellipsize(text: str, width: int) -> str:
    """``text`` in ``width`` columns: whole if it fits, else its start and ``…``."""
    if text_width(text) <= width:
        return text
    head, _ = cut_columns(text, max(width - 1, 0))
    return head + ELLIPSIS if width > 0 else ""


def longest_word(text: str) -> int:
    """The widest word of ``text``, in columns."""
    return max(map(len if text.isascii() else text_width, text.split()), default=0)


def longest_kept(text: str, cut: bool) -> int:
    """The widest word of ``text`` that is kept whole: an address (every word, with
    ``cut``) counts only up to the readable length it may be cut to."""
    if not cut and "@" not in text and "://" not in text:
        return longest_word(text)
    measure = len if text.isascii() else text_width
    return max((min(measure(word), READABLE_ADDRESS) if cut or _is_address(word)
                else measure(word) for word in text.split()), default=0)


def _is_address(word: str) -> bool:
    return "@" in word or "://" in word


def cut_columns(text: str, size: int) -> tuple[str, str]:
    """The first ``size`` display columns of ``text``, and the rest."""
    if text.isascii():
        return text[:size], text[size:]
    used = 0
    for index, ch in enumerate(text):
        used += _WIDTHS[ch]
        if used > size:
            return text[:index], text[index:]
    return text, ""
