"""The day grid as lines of styled text for a terminal: pure layout, no Rich.

Each line is a list of ``(text, style)`` pieces; the style is a Rich style name that
the output layer applies on a colour terminal and drops elsewhere. Without colour
a block's first line starts with its theme's key (``1``, ``2``…) so the legend still
tells themes apart, and a cancelled session is marked ``✗``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from wiccli.event.model import Event
from wiccli.output.table import clean, text_width, wrap
from wiccli.publish.layout import Block, Column, DayGrid

Piece = tuple[str, str]
Line = list[Piece]

GUTTER = 6  # "09:30 "
MIN_LANE = 10  # narrower than this, columns go onto further pages
MAX_LANE = 28
PALETTE = ("cyan", "magenta", "yellow", "green", "blue", "red", "bright_cyan",
           "bright_magenta", "bright_yellow", "bright_green", "bright_blue", "bright_red")
KEYS = "123456789abcdefghijklmnopqrstuvwxyz"
CANCELLED, PROVISIONAL = "✗ ", " *"


@dataclass(frozen=True, slots=True)
class Look:
    color: bool
    width: int


def day_heading(event: Event, day: date) -> str:
    """``Thursday 8 November 2018 · day 2`` (English whatever the locale)."""
    number = event.days.index(day) + 1 if day in event.days else 0
    return f"{day:%A} {day.day} {day:%B %Y} · day {number}"


def theme_keys(event: Event) -> dict[str, tuple[str, str]]:
    """Each theme's (key, colour), in the file's order."""
    return {t.id: (KEYS[i % len(KEYS)], PALETTE[i % len(PALETTE)])
            for i, t in enumerate(event.themes)}


def pages(columns: Sequence[Column], width: int) -> list[list[Column]]:
    """Columns split so each page fits ``width`` with lanes at least MIN_LANE wide."""
    room = width - GUTTER
    result: list[list[Column]] = []
    used = 0
    for column in columns:
        need = column.lanes * (MIN_LANE + 1)
        if result and used + need <= room:
            result[-1].append(column)
            used += need
        else:
            result.append([column])
            used = need
    return result


def draw_day(event: Event, grid: DayGrid, title: str, look: Look) -> list[Line]:
    """Every page of the day's grid, then the legend."""
    lines: list[Line] = []
    split = pages(grid.columns, look.width)
    for number, page in enumerate(split, 1):
        heading = title if len(split) == 1 else f"{title} · venues page {number} of {len(split)}"
        lines.append([(heading, "bold")])
        lines.extend(_page(event, grid, page, look))
        lines.append([])
    lines.extend(legend(event, grid, look))
    return lines


def _lane_width(page: Sequence[Column], width: int) -> int:
    lanes = sum(c.lanes for c in page)
    gaps = len(page) - 1 + sum(c.lanes - 1 for c in page)
    return max(3, min(MAX_LANE, (width - GUTTER - gaps) // lanes))


def _page(event: Event, grid: DayGrid, page: Sequence[Column], look: Look) -> list[Line]:
    lane_w = _lane_width(page, look.width)
    keys = theme_keys(event)
    cells = _cells(event, grid, page, lane_w, keys, look)
    spans = [c.lanes * lane_w + c.lanes - 1 for c in page]
    header: Line = [(" " * GUTTER, "")]
    rule: Line = [("─" * GUTTER, "dim")]
    for i, (column, span) in enumerate(zip(page, spans, strict=True)):
        if i:
            header.append(("│", "dim"))
            rule.append(("┼", "dim"))
        header.append((_pad(_fit(clean(column.name), span), span), "bold"))
        rule.append(("─" * span, "dim"))
    lines = [header, rule]
    for row in range(grid.rows):
        moment = grid.row_time(row)
        label = f"{moment:%H:%M} " if grid.slot >= 30 or moment.minute % 30 == 0 else " " * GUTTER
        line: Line = [(label, "dim")]
        for i, column in enumerate(page):
            if i:
                line.append(("│", "dim"))
            for lane in range(column.first_lane, column.first_lane + column.lanes):
                if lane > column.first_lane:
                    line.append((" ", ""))
                line.extend(cells.get((row, lane), [(" " * lane_w, "")]))
        lines.append(line)
    return lines


def _cells(event: Event, grid: DayGrid, page: Sequence[Column], lane_w: int,
           keys: dict[str, tuple[str, str]], look: Look) -> dict[tuple[int, int], Line]:
    """What each (row, lane) covered by a block shows."""
    lanes = {lane for c in page for lane in range(c.first_lane, c.first_lane + c.lanes)}
    cells: dict[tuple[int, int], Line] = {}
    for block in grid.blocks:
        if block.lane not in lanes:
            continue
        for offset, line in enumerate(_block_lines(block, lane_w, keys, look)):
            cells[(block.row + offset, block.lane)] = line
    return cells


def _block_lines(block: Block, width: int, keys: dict[str, tuple[str, str]],
                 look: Look) -> list[Line]:
    s = block.session
    key, colour = keys.get(s.theme or "", ("•", "bright_black"))
    text_w = width - 1
    title = (CANCELLED if s.cancelled else "") + clean(s.title) + (
        PROVISIONAL if s.provisional else "")
    when = _when(block, text_w)
    body = list(wrap(title, text_w)) if text_w > 0 else []
    room = block.rows - (1 if block.rows > 1 else 0)
    if len(body) > room:
        body = body[:room]
        body[-1] = _fit(body[-1] + "…", text_w) if room else ""
    texts = body + [""] * (room - len(body)) + ([when] if block.rows > 1 else [])
    style = "strike dim" if s.cancelled else ""
    lines = []
    for i, text in enumerate(texts):
        marker = "▌" if look.color else (key if i == 0 else "│")
        text_style = style or ("bold" if i < len(body) else "dim")
        lines.append([(marker, colour), (_pad(_fit(text, text_w), text_w), text_style)])
    return lines


def _when(block: Block, width: int) -> str:
    """``09:00–12:00``; in a narrow lane ``→12:00`` (the row already tells the start)."""
    start = "…" if block.continued else f"{block.start:%H:%M}"
    end = "…" if block.continues else f"{block.end:%H:%M}"
    full = f"{start}–{end}"
    return full if len(full) <= width else f"→{end}"


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with ``…`` where it was cut."""
    if text_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = text_width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…" if width > 0 else ""


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def legend(event: Event, grid: DayGrid, look: Look) -> list[Line]:
    """The themes shown on this day with their colour (or key), and the marks used."""
    keys = theme_keys(event)
    used = {b.session.theme for b in grid.blocks}
    pieces: list[Piece] = []
    for theme in event.themes:
        if theme.id in used:
            key, colour = keys[theme.id]
            pieces.extend([("▌" if look.color else key, colour), (f" {clean(theme.name)}   ", "")])
    marks = []
    if any(b.session.provisional for b in grid.blocks):
        marks.append("* provisional")
    if any(b.session.cancelled for b in grid.blocks):
        marks.append("✗ cancelled")
    if any(b.continued or b.continues for b in grid.blocks):
        marks.append("… runs on before or after the rows shown")
    lines = _wrap_pieces(pieces, look.width) if pieces else []
    if marks:
        lines.append([("   ".join(marks), "dim")])
    return lines


def _wrap_pieces(pieces: Sequence[Piece], width: int) -> list[Line]:
    """Legend entries (marker, name) kept together, lines broken between entries."""
    lines: list[Line] = [[]]
    used = 0
    for marker, name in zip(pieces[::2], pieces[1::2], strict=True):
        w = text_width(marker[0]) + text_width(name[0])
        if lines[-1] and used + w > width:
            lines.append([])
            used = 0
        lines[-1].extend([marker, name])
        used += w
    return lines
