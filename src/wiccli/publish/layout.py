"""The timetable grid of one day as pure data: venue columns, time rows, session blocks.

The terminal grid (``wic grid``), the site and the PDF programme all draw from
:func:`day_grid`, so a session sits in the same column and rows everywhere.
Sessions that overlap in one venue (or that have no venue) go into lanes side by
side inside that venue's column, so blocks in a column never overlap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from wiccli.errors import UsageError
from wiccli.event.days import day_span, session_days
from wiccli.event.model import Day, Event, Session
from wiccli.event.query import sort_sessions

DEFAULT_SLOT = 30
NO_VENUE = ""  # the column id of sessions without a venue
NO_VENUE_NAME = "No venue given"


@dataclass(frozen=True, slots=True)
class Column:
    """One venue: its id (``""`` for sessions without one), name and lanes."""

    venue: str
    name: str
    first_lane: int  # index of its first lane among all lanes of the day
    lanes: int


@dataclass(frozen=True, slots=True)
class Block:
    """A session placed on the grid; ``start``/``end`` are cut to the day's rows."""

    session: Session
    column: int
    lane: int  # overall lane index (a column's lanes are consecutive)
    row: int
    rows: int
    start: datetime  # local time
    end: datetime
    continued: bool  # began before the grid's first row (an expo from the day before)
    continues: bool  # goes on after the grid's last row


@dataclass(frozen=True, slots=True)
class DayGrid:
    day: date
    slot: int  # minutes per row
    first: datetime  # local time of row 0
    rows: int
    columns: tuple[Column, ...]
    blocks: tuple[Block, ...]

    @property
    def lanes(self) -> int:
        return sum(c.lanes for c in self.columns)

    def row_time(self, row: int) -> datetime:
        return self.first + timedelta(minutes=self.slot * row)


def check_slot(text: str) -> int:
    """A slot length that divides an hour (5, 10, 15, 20, 30 or 60 minutes)."""
    try:
        minutes = int(text.strip())
    except ValueError:
        raise UsageError(f"--slot: {text!r} is not a whole number of minutes") from None
    if minutes <= 0 or 60 % minutes:
        raise UsageError(f"--slot: {minutes} does not divide an hour; use 5, 10, 15, 20, 30 "
                         "or 60 (minutes)")
    if minutes < 5:
        raise UsageError(f"--slot: {minutes} minutes is too fine; use 5 or more")
    return minutes


def day_sessions(event: Event, day: date, zone: tzinfo,
                 venues: frozenset[str] = frozenset()) -> list[Session]:
    """The sessions running on a day of the event (event/days.py: a night talk at 01:00
    is its evening's), optionally only in some venues."""
    return sort_sessions(
        s for s in event.sessions
        if day in session_days(event, s, zone) and (not venues or (s.venue or NO_VENUE) in venues)
    )


def day_grid(event: Event, day: date, zone: tzinfo, slot: int = DEFAULT_SLOT,
             venues: frozenset[str] = frozenset()) -> DayGrid:
    """The grid of ``day``: rows from the first start to the last end, one column a venue."""
    sessions = day_sessions(event, day, zone, venues)
    span = day_span(event, day, zone)
    window = _window(sessions, span, zone) or \
        _window(day_sessions(event, day, zone), span, zone) or _hours(sessions, span, zone)
    origin = datetime.combine(day, time(0), zone)
    first = _floor(window[0], origin, slot)
    rows = max(1, _ceil_rows(window[1] - first, slot))
    last = first + timedelta(minutes=slot * rows)
    sessions = [s for s in sessions if s.start < last and s.end > first]
    columns, lanes = _columns(event, sessions, first, last)
    blocks = tuple(
        _block(s, columns, lanes[s.id], first, last, slot, zone)
        for s in sessions
    )
    return DayGrid(day, slot, first, rows, columns, blocks)


def _window(sessions: Sequence[Session], span: Day,
            zone: tzinfo) -> tuple[datetime, datetime] | None:
    """From the earliest start to the latest end of the sessions shorter than a day, cut
    to the day's span; None when there are none.

    Sessions longer than a day (a three-day expo) do not stretch the grid to the day's
    end: the day's other sessions set it (those of every venue when the venues shown have
    none), and the long ones are cut to fit.
    """
    short = [s for s in sessions if s.end - s.start < timedelta(days=1)]
    if not short:
        return None
    start = max(min(s.start for s in short), span.start).astimezone(zone)
    end = min(max(s.end for s in short), span.end).astimezone(zone)
    return (start, end) if end > start else None


def _hours(sessions: Sequence[Session], span: Day, zone: tzinfo) -> tuple[datetime, datetime]:
    """A day of long sessions only: their daily hours (an expo 09:00 to 17:00 shows
    09:00 to 17:00), else the day's span; 09:00 to 10:00 for an empty day."""
    if not sessions:
        nine = datetime.combine(span.date, time(9), zone)
        return nine, nine + timedelta(hours=1)
    start = min(s.start.astimezone(zone).time() for s in sessions)
    end = max(s.end.astimezone(zone).time() for s in sessions)
    opens = datetime.combine(span.date, start, zone)
    closes = datetime.combine(span.date, end, zone)
    if span.start <= opens < closes <= span.end:
        return opens, closes
    return span.start.astimezone(zone), span.end.astimezone(zone)


def _floor(moment: datetime, midnight: datetime, slot: int) -> datetime:
    minutes = int((moment - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=minutes - minutes % slot)


def _ceil_rows(span: timedelta, slot: int) -> int:
    seconds = int(span.total_seconds())
    return -(-seconds // (slot * 60))


def _columns(event: Event, sessions: Sequence[Session], first: datetime,
             last: datetime) -> tuple[tuple[Column, ...], dict[str, int]]:
    """Venue columns in the event's order (no venue last), and each session's lane."""
    order = [v.id for v in event.venues] + [NO_VENUE]
    names = {v.id: v.name for v in event.venues} | {NO_VENUE: NO_VENUE_NAME}
    by_venue: dict[str, list[Session]] = {}
    for s in sessions:
        by_venue.setdefault(s.venue or NO_VENUE, []).append(s)
    columns, lane_of, next_lane = [], {}, 0
    for venue in order:
        if venue not in by_venue:
            continue
        lanes = _lanes(by_venue[venue], first, last)
        for session_id, lane in lanes.items():
            lane_of[session_id] = next_lane + lane
        count = max(lanes.values()) + 1
        columns.append(Column(venue, names[venue], next_lane, count))
        next_lane += count
    return tuple(columns), lane_of


def _lanes(sessions: Iterable[Session], first: datetime, last: datetime) -> dict[str, int]:
    """Each session in the first lane that is free when it starts (greedy interval colouring:
    as few lanes as the most sessions running at once)."""
    ends: list[datetime] = []
    lane_of: dict[str, int] = {}
    for s in sorted(sessions, key=lambda s: (max(s.start, first), s.end, s.id)):
        start, end = max(s.start, first), min(s.end, last)
        lane = next((i for i, e in enumerate(ends) if e <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        lane_of[s.id] = lane
    return lane_of


def _block(s: Session, columns: Sequence[Column], lane: int, first: datetime,
           last: datetime, slot: int, zone: tzinfo) -> Block:
    column = next(i for i, c in enumerate(columns) if c.first_lane <= lane < c.first_lane + c.lanes)
    # Both in the grid's zone: the difference is in wall-clock time, as the rows are labelled.
    start, end = max(s.start, first).astimezone(zone), min(s.end, last).astimezone(zone)
    row = int((start - first).total_seconds() // (slot * 60))
    end_row = max(row + 1, _ceil_rows(end - first, slot))
    return Block(s, column, lane, row, end_row - row, start, end, s.start < first,
                 s.end > last)
