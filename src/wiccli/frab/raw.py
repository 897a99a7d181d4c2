"""A schedule as read from XML or JSON, before it becomes a wic event.

Both readers fill these plain records with what the file says, as strings and
parsed times; :mod:`wiccli.frab.importer` decides ids, zones and kinds. Values
that cannot be read are left empty (``None``) and counted, never fatal.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from wiccli.limits import in_calendar

_DURATION_RE = re.compile(r"^\s*(\d{1,3}):(\d{2})(?::(\d{2}))?\s*$")
_CLOCK_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


@dataclass
class RawEvent:
    title: str = ""
    start: datetime | None = None  # aware, or naive when the file has no offsets
    duration: timedelta | None = None
    end: datetime | None = None
    day: date | None = None  # the <day> it was listed under
    room: str = ""
    track: str = ""
    type: str = ""
    slug: str = ""
    subtitle: str = ""
    abstract: str = ""
    description: str = ""
    persons: list[str] = field(default_factory=list)
    url: str = ""
    links: list[str] = field(default_factory=list)
    where: str = ""  # how messages name it: "event 25"
    guid: str = ""  # as the file gives it
    number: int | None = None  # the numeric id, when the file gives a positive integer
    language: str = ""  # as the file gives it ("de", "en", "de-en"…)


@dataclass
class RawDay:
    """A ``<day>`` / ``days[]`` entry: its date and the instants it begins and ends."""

    date: date | None = None
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class RawSchedule:
    title: str = ""
    acronym: str = ""
    start: date | None = None
    end: date | None = None
    time_zone_name: str = ""
    url: str = ""
    timeslot: timedelta | None = None
    tracks: list[tuple[str, str]] = field(default_factory=list)  # (name, slug)
    rooms: list[tuple[str, str]] = field(default_factory=list)  # (name, slug)
    events: list[RawEvent] = field(default_factory=list)
    days: list[RawDay] = field(default_factory=list)  # in the file's order
    day_change: time | None = None  # pentabarf: when one day turns into the next
    # Element or key names the format does not define: name -> count.
    unknown: Counter[str] = field(default_factory=Counter)
    # Events left out, by reason.
    skipped: Counter[str] = field(default_factory=Counter)


def parse_duration(text: str | None) -> timedelta | None:
    """``HH:MM`` or ``HH:MM:SS``; None when unreadable."""
    if not text or not isinstance(text, str):
        return None
    match = _DURATION_RE.match(text)
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return timedelta(hours=int(hours), minutes=int(minutes), seconds=int(seconds or 0))


def parse_number(value: object) -> int | None:
    """A positive integer id (``42`` or ``"42"``); None for anything else."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def parse_clock(text: str | None) -> time | None:
    if not text:
        return None
    match = _CLOCK_RE.match(text)
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes, int(match[3] or 0))


def parse_moment(text: str | None) -> datetime | None:
    """An ISO 8601 date-time (``Z`` allowed); None when unreadable or outside the
    calendar wic supports (the ends of it overflow in time-zone arithmetic)."""
    if not text or not isinstance(text, str):
        return None
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if in_calendar(moment.date()) else None


def parse_date(text: str | None) -> date | None:
    """A date, or the date part of a date-time."""
    if not text or not isinstance(text, str):
        return None
    try:
        day = date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None
    return day if in_calendar(day) else None


def start_from_day(day: date | None, clock: time | None, day_start: datetime | None,
                   day_change: time | None) -> datetime | None:
    """An event's start from its day and ``HH:MM`` (files without a ``<date>``).

    A time before the day's start (or before the conference's day change, in
    pentabarf files) is after midnight, on the next calendar date.
    """
    if day is None or clock is None:
        return None
    moment = datetime.combine(day, clock)
    if day_start is not None:
        moment = moment.replace(tzinfo=day_start.tzinfo)
        if moment < day_start:
            moment += timedelta(days=1)
    elif day_change is not None and clock < day_change:
        moment += timedelta(days=1)
    return moment
