"""What the site's and the booklet's templates show: plain data, no HTML.

Every page, the index's day grids and the links between pages are worked out here,
once; the templates only lay them out (and Jinja2 escapes every text they print).
Links are relative, so the site works from the file system and from any static host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo

from wiccli.event.days import session_day
from wiccli.event.model import Event, Session
from wiccli.event.query import sort_sessions
from wiccli.ics import day_label
from wiccli.output.files import unique_file_names
from wiccli.publish.layout import Block, Column, DayGrid, day_grid

PALETTE_SIZE = 12  # style.css has .t0 … .t11


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a grid row: a block that starts here, or an empty lane."""

    block: Block | None
    venue: str


@dataclass(frozen=True, slots=True)
class GridRow:
    time: datetime
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class DayPage:
    day: date
    number: int
    anchor: str
    label: str  # "Thursday 8 November 2018"
    grid: DayGrid
    rows: tuple[GridRow, ...]
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class Site:
    """Everything the templates need, with each page's file name."""

    event: Event
    zone: tzinfo
    days: tuple[DayPage, ...]
    session_file: dict[str, str]  # session id -> "x.html" inside session/
    theme_file: dict[str, str]
    venue_file: dict[str, str]
    theme_class: dict[str, str]  # theme id -> "t0" …
    by_theme: dict[str, list[Session]] = field(default_factory=dict)
    by_venue: dict[str, list[Session]] = field(default_factory=dict)


def build(event: Event, zone: tzinfo, slot: int = 30) -> Site:
    """The site's pages of ``event``, with times in ``zone``."""
    themes = [t.id for t in event.themes]
    venues = [v.id for v in event.venues]
    site = Site(
        event=event,
        zone=zone,
        days=tuple(_day_page(event, d, i, zone, slot) for i, d in enumerate(event.days, 1)),
        session_file=dict(zip([s.id for s in event.sessions],
                              unique_file_names([s.id for s in event.sessions], ".html"),
                              strict=True)),
        theme_file=dict(zip(themes, unique_file_names(themes, ".html"), strict=True)),
        venue_file=dict(zip(venues, unique_file_names(venues, ".html"), strict=True)),
        theme_class={t: f"t{i % PALETTE_SIZE}" for i, t in enumerate(themes)},
    )
    for s in sort_sessions(event.sessions):
        if s.theme:
            site.by_theme.setdefault(s.theme, []).append(s)
        if s.venue:
            site.by_venue.setdefault(s.venue, []).append(s)
    return site


def _day_page(event: Event, day: date, number: int, zone: tzinfo, slot: int) -> DayPage:
    grid = day_grid(event, day, zone, slot)
    label = f"{day:%A} {day_label(day)}"
    sessions = tuple(b.session for b in sorted(grid.blocks,
                                               key=lambda b: (b.start, b.end, b.session.id)))
    return DayPage(day, number, f"day-{number}", label, grid, grid_rows(grid), sessions)


def grid_rows(grid: DayGrid) -> tuple[GridRow, ...]:
    """Each row's cells, for an HTML table: a block's cell carries its rowspan, and the
    cells it covers below are left out (as HTML's rowspan expects)."""
    venue_of_lane = [c.venue for c in grid.columns for _ in range(c.lanes)]
    starts = {(b.row, b.lane): b for b in grid.blocks}
    covered = {(r, b.lane) for b in grid.blocks for r in range(b.row + 1, b.row + b.rows)}
    rows = []
    for row in range(grid.rows):
        cells = tuple(
            Cell(starts.get((row, lane)), venue_of_lane[lane])
            for lane in range(grid.lanes) if (row, lane) not in covered
        )
        rows.append(GridRow(grid.row_time(row), cells))
    return tuple(rows)


def sessions_by_day(site: Site, sessions: Sequence[Session]) -> list[tuple[str, list[Session]]]:
    """Sessions grouped under the label of the day they start on (a night talk: its evening's)."""
    groups: dict[date, list[Session]] = {}
    for s in sessions:
        groups.setdefault(session_day(site.event, s, site.zone), []).append(s)
    return [(f"{d:%A} {day_label(d)}", items) for d, items in sorted(groups.items())]


def venue_parts(page: DayPage, max_lanes: int) -> list[DayPage]:
    """The day's grid cut into parts of whole venues, each at most ``max_lanes`` lanes wide
    (a venue wider than that gets a part of its own): a printed page stays readable."""
    groups: list[list[Column]] = []
    for column in page.grid.columns:
        if groups and sum(c.lanes for c in groups[-1]) + column.lanes <= max_lanes:
            groups[-1].append(column)
        else:
            groups.append([column])
    if len(groups) <= 1:
        return [page]
    parts, done = [], 0
    for number, group in enumerate(groups, 1):
        grid = _only(page.grid, group)
        which = (f"venue {done + 1}" if len(group) == 1
                 else f"venues {done + 1}–{done + len(group)}")
        label = f"{page.label} · {which} of {len(page.grid.columns)}"
        parts.append(replace(page, anchor=f"{page.anchor}-{number}", label=label, grid=grid,
                             rows=grid_rows(grid)))
        done += len(group)
    return parts


def _only(grid: DayGrid, columns: Sequence[Column]) -> DayGrid:
    """``grid`` with only these columns, lanes numbered from 0 again."""
    lane_of: dict[int, int] = {}
    kept = []
    for index, column in enumerate(columns):
        first = len(lane_of)
        for lane in range(column.lanes):
            lane_of[column.first_lane + lane] = first + lane
        kept.append((index, replace(column, first_lane=first)))
    column_of = {lane: i for i, c in kept for lane in range(c.first_lane, c.first_lane + c.lanes)}
    blocks = tuple(replace(b, lane=lane_of[b.lane], column=column_of[lane_of[b.lane]])
                   for b in grid.blocks if b.lane in lane_of)
    return replace(grid, columns=tuple(c for _, c in kept), blocks=blocks)
