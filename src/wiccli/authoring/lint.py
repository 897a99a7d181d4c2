"""Warnings and a summary over a loaded event: things that load fine but look wrong.

Pure functions over :class:`~wiccli.event.model.Event`. The loader decides what is an
error; this module only points at what a person writing the file should look at
again. Key paths index the file's own arrays (``sessions[4]``): a loaded event
keeps the sessions, themes and venues in file order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import Any

from wiccli.event.check import load_zone
from wiccli.event.days import session_day
from wiccli.event.model import SUB_FORUM, WARNING_CLASSES, Checks, Event, Session
from wiccli.text import span

# A local time in a fold or gap of the clocks (found by the loader, which resolves it).
CLOCK_CHANGE = "clock-change"
VENUE_OVERLAP = "venue-overlap"
PERSON_OVERLAP = "person-overlap"
TRAVEL_TIME = "travel-time"
OVER_CAPACITY = "over-capacity"
THEME_WITHOUT_SUB_FORUM = "theme-without-sub-forum"
SUB_FORUM_WITHOUT_VENUE = "sub-forum-without-venue"
PROVISIONAL = "provisional"

# Warning classes in the order they are reported (the event's [checks] names them too).
CODES = WARNING_CLASSES


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    path: str
    message: str
    subject: str  # the id the warning is about (a session or theme id)


def lint(event: Event) -> list[Finding]:
    """Every warning for ``event``, grouped by class, each class in file order."""
    zone = load_zone(event.timezone)
    assert zone is not None  # a loaded event has a valid time zone
    findings = [
        *_venue_overlaps(event, zone),
        *_person_overlaps(event, zone),
        *_travel_times(event, zone),
        *_over_capacity(event),
        *_unused_themes(event),
        *_forums_without_venue(event),
        *_provisional(event),
    ]
    return sorted(findings, key=lambda f: CODES.index(f.code))


def when(session: Session, zone: tzinfo) -> str:
    """``Thu 8 Nov 09:00–12:00`` in the event's zone (the end names its day if it differs)."""
    return span(session.start, session.end, zone)


def _indexed(event: Event) -> list[tuple[int, Session]]:
    return [(i, s) for i, s in enumerate(event.sessions) if not s.cancelled]


def _clashes(
    items: list[tuple[int, Session]],
) -> Iterator[tuple[int, Session, list[Session]]]:
    """Each session that overlaps earlier-starting ones: (index, session, those it overlaps).

    One result per session, not per pair, so a crowded slot gives n warnings, not n².
    """
    ordered = sorted(items, key=lambda pair: (pair[1].start, pair[0]))
    active: list[Session] = []
    for index, session in ordered:
        active = [other for other in active if other.end > session.start]
        if active:
            yield index, session, list(active)
        active.append(session)


def _others(clashing: list[Session], zone: tzinfo) -> str:
    first = clashing[0]
    more = f" and {len(clashing) - 1} more" if len(clashing) > 1 else ""
    return f"{first.id!r} ({when(first, zone)}){more}"


def _venue_overlaps(event: Event, zone: tzinfo) -> Iterator[Finding]:
    by_venue: dict[str, list[tuple[int, Session]]] = defaultdict(list)
    for index, session in _indexed(event):
        if session.venue is not None:
            by_venue[session.venue].append((index, session))
    for venue, items in by_venue.items():
        for index, session, clashing in _clashes(items):
            yield Finding(
                VENUE_OVERLAP, f"sessions[{index}].venue",
                f"{session.id!r} ({when(session, zone)}) overlaps {_others(clashing, zone)} "
                f"at venue {venue!r}",
                session.id,
            )


def _people(session: Session) -> dict[str, tuple[str, str]]:
    """Normalised name -> (name as written, field), hosts first."""
    found: dict[str, tuple[str, str]] = {}
    for field, names in (("hosts", session.hosts), ("speakers", session.speakers)):
        for name in names:
            found.setdefault(" ".join(name.split()).casefold(), (name.strip(), field))
    return found


def _person_overlaps(event: Event, zone: tzinfo) -> Iterator[Finding]:
    by_person: dict[str, list[tuple[int, Session]]] = defaultdict(list)
    for index, session in _indexed(event):
        for key in _people(session):
            by_person[key].append((index, session))
    for key, items in by_person.items():
        for index, session, clashing in _clashes(items):
            name, field = _people(session)[key]
            yield Finding(
                PERSON_OVERLAP, f"sessions[{index}].{field}",
                f"{name!r} is booked in {session.id!r} ({when(session, zone)}) and "
                f"{_others(clashing, zone)} at once",
                session.id,
            )


def _travel_times(event: Event, zone: tzinfo) -> Iterator[Finding]:
    """A person's session in one venue that starts too soon after one in another: less
    time between them than it takes to get there (overlaps are person-overlap's)."""
    checks = event.checks
    if not checks.travel_minutes and not checks.travel:
        return
    by_person: dict[str, list[tuple[int, Session]]] = defaultdict(list)
    for index, session in _indexed(event):
        if session.venue is not None:
            for key in _people(session):
                by_person[key].append((index, session))
    for key, items in by_person.items():
        for index, after, before, need in _too_soon(items, checks):
            name, field = _people(after)[key]
            yield Finding(
                TRAVEL_TIME, f"sessions[{index}].{field}",
                f"{name!r} has {_minutes(after.start - before.end)} min from {before.id!r} "
                f"({when(before, zone)}) at {before.venue!r} to {after.id!r} "
                f"({when(after, zone)}) at {after.venue!r}; getting there takes {need} min",
                after.id,
            )


def _too_soon(items: list[tuple[int, Session]],
              checks: Checks) -> Iterator[tuple[int, Session, Session, int]]:
    """(index, session, the one before it, minutes needed) for each session too soon after
    one in another venue: the latest such one, once per session."""
    longest = timedelta(minutes=max([checks.travel_minutes, *(t.minutes for t in checks.travel)]))
    recent: list[Session] = []
    for index, session in sorted(items, key=lambda pair: (pair[1].start, pair[0])):
        recent = [s for s in recent if s.end + longest > session.start]
        late = [(other, need) for other in recent
                if (need := _short_by(other, session, checks))]
        if late:
            before, need = max(late, key=lambda pair: pair[0].end)
            yield index, session, before, need
        recent.append(session)


def _short_by(before: Session, after: Session, checks: Checks) -> int:
    """The minutes it takes from ``before``'s venue to ``after``'s when that is more
    than the time between them; else 0 (the same venue, an overlap, time enough)."""
    if before.venue == after.venue or before.end > after.start:
        return 0
    need = checks.travel_time(str(before.venue), str(after.venue))
    return need if after.start - before.end < timedelta(minutes=need) else 0


def _minutes(gap: timedelta) -> int:
    return int(gap.total_seconds() // 60)


def _over_capacity(event: Event) -> Iterator[Finding]:
    capacity = {v.id: v.capacity for v in event.venues}
    for index, session in _indexed(event):
        room = capacity.get(session.venue or "")
        if session.expected is not None and room is not None and session.expected > room:
            yield Finding(
                OVER_CAPACITY, f"sessions[{index}].expected",
                f"{session.id!r} expects {session.expected:,} people; venue "
                f"{session.venue!r} holds {room:,}",
                session.id,
            )


def _unused_themes(event: Event) -> Iterator[Finding]:
    used = {s.theme for s in event.sessions if s.kind == SUB_FORUM}
    for index, theme in enumerate(event.themes):
        if theme.id not in used:
            yield Finding(THEME_WITHOUT_SUB_FORUM, f"themes[{index}]",
                          f"theme {theme.id!r} has no sub-forum", theme.id)


def _forums_without_venue(event: Event) -> Iterator[Finding]:
    for index, session in enumerate(event.sessions):
        if session.kind == SUB_FORUM and session.venue is None:
            yield Finding(SUB_FORUM_WITHOUT_VENUE, f"sessions[{index}]",
                          f"sub-forum {session.id!r} has no venue", session.id)


def _provisional(event: Event) -> Iterator[Finding]:
    for index, session in enumerate(event.sessions):
        if session.provisional:
            yield Finding(PROVISIONAL, f"sessions[{index}].provisional",
                          f"{session.id!r} has a provisional time (provisional = true)",
                          session.id)


# --------------------------------------------------------------------------- summary


def summary(event: Event) -> dict[str, Any]:
    """Counts a person checks at a glance: sessions per day, sub-forums per theme."""
    zone = load_zone(event.timezone)
    assert zone is not None
    per_day: dict[str, list[Session]] = {d.isoformat(): [] for d in event.days}
    for session in event.sessions:
        per_day.setdefault(session_day(event, session, zone).isoformat(), []).append(session)
    return {
        "event": event.id,
        "name": event.name,
        "timezone": event.timezone,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "sessions": len(event.sessions),
        "cancelled": _count(s.cancelled for s in event.sessions),
        "provisional": _count(s.provisional for s in event.sessions),
        "days": [
            {"number": n, "day": day, "sessions": len(items),
             "sub_forums": _count(s.kind == SUB_FORUM for s in items),
             "cancelled": _count(s.cancelled for s in items)}
            for n, (day, items) in enumerate(per_day.items(), 1)
        ],
        "themes": [
            {"id": t.id, "name": t.name,
             "sub_forums": _count(s.kind == SUB_FORUM and s.theme == t.id
                                  for s in event.sessions)}
            for t in event.themes
        ],
        "venues": [
            {"id": v.id, "name": v.name,
             "sessions": _count(s.venue == v.id for s in event.sessions)}
            for v in event.venues
        ],
    }


def _count(flags: Iterable[bool]) -> int:
    return sum(1 for flag in flags if flag)
