"""What is on now and what starts next, per venue: a pure function of (event, instant).

The instant is passed in (``--at`` or the clock), never read here, so signage
scripts and tests get the same answer for the same moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from wiccli.errors import UsageError
from wiccli.event.days import day_of
from wiccli.event.model import Event, Session
from wiccli.event.query import sort_sessions
from wiccli.limits import calendar_range, in_calendar
from wiccli.output.table import clean
from wiccli.publish.layout import NO_VENUE, NO_VENUE_NAME

BEFORE, DURING, AFTER = "before", "during", "after"


@dataclass(frozen=True, slots=True)
class VenueNow:
    venue: str  # "" for sessions without a venue
    name: str
    now: tuple[Session, ...]
    next: tuple[Session, ...]  # the sessions that start next here (all at the same time)


@dataclass(frozen=True, slots=True)
class NowNext:
    at: datetime
    state: str  # before, during or after the event's sessions
    first_start: datetime | None
    last_end: datetime | None
    venues: tuple[VenueNow, ...]


def parse_at(text: str, zone: tzinfo) -> datetime:
    """``2018-11-08T10:00`` (in ``zone``), ``2018-11-08 10:00`` or with an offset."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at: {text!r} is not a date and time; use YYYY-MM-DDTHH:MM "
                         "(in the event's time zone) or add an offset such as +08:00") from None
    if len(value) <= 10:  # a bare date parses as midnight: almost surely not what was meant
        raise UsageError(f"--at: {text!r} has no time of day; use YYYY-MM-DDTHH:MM")
    if not in_calendar(moment.date()):  # near year 1 or 9999 zone arithmetic overflows
        raise UsageError(f"--at: {moment.date()} is outside the dates wic supports "
                         f"({calendar_range()})")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def now_and_next(event: Event, at: datetime) -> NowNext:
    """Per venue (in the event's order, no venue last): what runs at ``at``, what is next."""
    sessions = sort_sessions(s for s in event.sessions if not s.cancelled)
    first = min((s.start for s in sessions), default=None)
    last = max((s.end for s in sessions), default=None)
    if first is None or last is None or at >= last:
        state = AFTER if last is not None else BEFORE
    else:
        state = BEFORE if at < first else DURING
    venues = []
    names = {v.id: v.name for v in event.venues} | {NO_VENUE: NO_VENUE_NAME}
    for venue in [v.id for v in event.venues] + [NO_VENUE]:
        here = [s for s in sessions if (s.venue or NO_VENUE) == venue]
        running = tuple(s for s in here if s.start <= at < s.end)
        upcoming = [s for s in here if s.start > at]
        soonest = min((s.start for s in upcoming), default=None)
        following = tuple(s for s in upcoming if s.start == soonest)
        if running or following:
            venues.append(VenueNow(venue, names[venue], running, following))
    return NowNext(at, state, first, last, tuple(venues))


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end``, rounded up (a session ending in 30 s: 1)."""
    return -(-int((end - start).total_seconds()) // 60)


def now_record(event: Event, result: NowNext, zone: tzinfo) -> dict[str, Any]:
    """The JSON shape of ``wic now -f json`` (locked by tests: signage scripts read it)."""
    def item(s: Session, key: str, minutes: int) -> dict[str, Any]:
        theme = event.theme(s.theme)
        return {"id": s.id, "title": s.title, "kind": s.kind,
                "theme": s.theme, "theme_name": theme.name if theme else None,
                "start": s.start.astimezone(zone).isoformat(),
                "end": s.end.astimezone(zone).isoformat(),
                "status": s.status, "provisional": s.provisional, key: minutes}

    at = result.at
    return {
        "event": event.id,
        "at": at.astimezone(zone).isoformat(),
        "state": result.state,
        "starts": result.first_start.astimezone(zone).isoformat() if result.first_start else None,
        "ends": result.last_end.astimezone(zone).isoformat() if result.last_end else None,
        "venues": [
            {"venue": v.venue or None, "venue_name": v.name,
             "now": [item(s, "minutes_left", minutes_between(at, s.end)) for s in v.now],
             "next": [item(s, "minutes_until", minutes_between(at, s.start)) for s in v.next]}
            for v in result.venues
        ],
    }


def duration_text(minutes: int) -> str:
    """``45 min``, ``3 h 20 min``, ``2 d 4 h``."""
    if minutes < 60:
        return f"{minutes} min"
    hours, mins = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def long_time(moment: datetime) -> str:
    """``Thursday 8 November 2018 10:00``: English whatever the locale."""
    return f"{moment:%A} {moment.day} {moment:%B %Y %H:%M}"


def _clock(event: Event, moment: datetime, at: datetime, zone: tzinfo) -> str:
    """``14:00`` on the event's day of ``at`` (00:30 after a congress evening is that
    evening's), else ``Fri 17:00``."""
    local = moment.astimezone(zone)
    same_day = day_of(event, moment, zone) == day_of(event, at, zone)
    return f"{local:%H:%M}" if same_day else f"{local:%a} {local.day} {local:%b %H:%M}"


def _title(s: Session) -> str:
    mark = " *" if s.provisional else ""
    return f"{clean(s.title)}{mark}" + (" (tentative)" if s.status == "tentative" else "")


def now_lines(event: Event, result: NowNext, zone: tzinfo) -> list[list[tuple[str, str]]]:
    """``wic now`` for people: a heading, then per venue what runs and what is next."""
    at = result.at
    lines: list[list[tuple[str, str]]] = [
        [(f"{event.label} · {long_time(at.astimezone(zone))} ({zone})", "bold")]]
    if result.state == AFTER and result.last_end is not None:
        lines.append([(f"{event.label} is over: it ended "
                       f"{long_time(result.last_end.astimezone(zone))}.", "")])
        return lines
    if result.state == BEFORE and result.first_start is not None:
        wait = duration_text(minutes_between(at, result.first_start))
        lines.append([(f"{event.label} starts "
                       f"{long_time(result.first_start.astimezone(zone))}, in {wait}.",
                       "")])
    for venue in result.venues:
        lines.append([])
        lines.append([(clean(venue.name), "bold")])
        for s in venue.now:
            left = duration_text(minutes_between(at, s.end))
            lines.append([("  now   ", "green"), (_title(s), ""),
                          (f"  until {_clock(event, s.end, at, zone)}, {left} left", "dim")])
        for s in venue.next:
            until = duration_text(minutes_between(at, s.start))
            lines.append([("  next  ", "cyan"), (_title(s), ""),
                          (f"  at {_clock(event, s.start, at, zone)}, in {until}", "dim")])
    if any(s.provisional for v in result.venues for s in (*v.now, *v.next)):
        lines.append([])
        lines.append([("* provisional: title or time not published or not final", "dim")])
    return lines
