"""Event -> frab / c3voc schedule, as the plain dict of schedule.json.

The XML writer (:mod:`wiccli.frab.xmlwrite`) turns the same dict into
schedule.xml, so both formats always carry the same schedule. Everything is
derived from the event alone: guids and numeric ids are stable across exports,
whatever the filters, and the ``version`` changes whenever the content does.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Any

from wiccli.event.days import event_days, session_day
from wiccli.event.ids import WIC_NAMESPACE, session_guid
from wiccli.event.model import Day, Event, Session
from wiccli.frab.conventions import (
    CANCELLED_PREFIX,
    NOTE_CANCELLED,
    NOTE_PROVISIONAL,
    NOTE_TENTATIVE,
    PLACEHOLDER_ROOM,
    SCHEMA_URL,
    acronym,
    session_slug,
)

# JSON schema patterns the optional values must meet (else they are left out).
_ZONE_RE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")
_JSON_SLUG_RE = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
_TRACK_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]+$")  # XML: both patterns hold


@dataclass(frozen=True, slots=True)
class ExportOptions:
    # The language of sessions without their own (None: the event's, else English).
    language: str | None = None
    keep_cancelled: bool = True
    # The days to list (--day); empty: every day of the event.
    days: frozenset[date] = frozenset()
    generator_version: str = ""


def build_schedule(event: Event, sessions: Sequence[Session], options: ExportOptions,
                   zone: tzinfo) -> dict[str, Any]:
    """The schedule.json document for these sessions of the event."""
    kept = [s for s in sessions if options.keep_cancelled or not s.cancelled]
    numbers = numeric_ids(event)
    rooms = room_names(event)
    # The days asked for, and any day a kept session starts on (an expo that began earlier).
    day_of = {s.id: session_day(event, s, zone) for s in kept}
    starts = set(day_of.values())
    days = [d for d in event_days(event, zone)
            if not options.days or d.date in options.days or d.date in starts]
    conference: dict[str, Any] = {
        "acronym": acronym(event.id),
        "title": event.name,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "daysCount": len(event.days),
        "timeslot_duration": _hhmm(timedelta(minutes=timeslot_minutes(kept, zone))),
    }
    if _ZONE_RE.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    if event.url:
        conference["url"] = event.url
    conference["tracks"] = [_track(t.name, t.id) for t in event.themes]
    conference["rooms"] = [_room(event, name, venue_id) for venue_id, name in rooms.items()]
    entries = {s.id: event_entry(event, s, zone, numbers[s.id], rooms, options) for s in kept}
    conference["days"] = [
        _day(event, day, [s for s in kept if day_of[s.id] == day.date], entries, rooms)
        for day in days
    ]
    schedule = {"version": "", "conference": conference}
    schedule["version"] = schedule_version(event, schedule)
    generator = {"name": "wic", "version": options.generator_version}
    return {"$schema": SCHEMA_URL, "generator": generator, "schedule": schedule}


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- ids


def guid_of(event: Event, session: Session) -> str:
    """The session's own guid (kept from an imported schedule), else one derived from ids."""
    return session.guid or session_guid(event.id, session.id)


def numeric_ids(event: Event) -> dict[str, int]:
    """A positive integer per session: its own frab id, else one from its guid; unique over
    the whole event (a derived number never takes one a session already has)."""
    numbers = {s.id: s.frab_id for s in event.sessions if s.frab_id is not None}
    taken = set(numbers.values())
    for session in sorted(event.sessions, key=lambda s: s.id):
        if session.id in numbers:
            continue
        number = _number_from(guid_of(event, session))
        while number in taken:
            number = number % 2_000_000_000 + 1
        taken.add(number)
        numbers[session.id] = number
    return numbers


def _number_from(guid: str) -> int:
    return int(uuid.UUID(guid).hex[:8], 16) % 2_000_000_000 + 1


def person_guid(event_id: str, name: str) -> str:
    return str(uuid.uuid5(WIC_NAMESPACE, f"person:{name}@{event_id}.wic"))


def _guid(kind: str, event_id: str, item_id: str) -> str:
    return str(uuid.uuid5(WIC_NAMESPACE, f"{kind}:{item_id}@{event_id}.wic"))


# --------------------------------------------------------------------------- parts


def room_names(event: Event) -> dict[str, str]:
    """Venue id -> room name (made unique), then the placeholder room under the key ''."""
    names: dict[str, str] = {}
    seen: set[str] = set()
    for venue in event.venues:
        name = venue.name if venue.name not in seen else f"{venue.name} ({venue.id})"
        seen.add(name)
        names[venue.id] = name
    names[""] = PLACEHOLDER_ROOM
    return names


def _room(event: Event, name: str, venue_id: str) -> dict[str, Any]:
    room: dict[str, Any] = {"name": name, "guid": _guid("room", event.id, venue_id or "tba")}
    slug = venue_id or "tba"
    if _JSON_SLUG_RE.match(slug):
        room["slug"] = slug
    return room


def _track(name: str, theme_id: str) -> dict[str, Any]:
    track: dict[str, Any] = {"name": name}
    if _TRACK_SLUG_RE.match(theme_id) and _JSON_SLUG_RE.match(theme_id):
        track["slug"] = theme_id
    return track


def _day(event: Event, day: Day, sessions: list[Session],
         entries: dict[str, dict[str, Any]], rooms: dict[str, str]) -> dict[str, Any]:
    """A day of the event (event/days.py: a night talk is its evening's), from its start to
    its end; a session belongs to the day it starts on."""
    by_room: dict[str, list[dict[str, Any]]] = {}
    for venue_id, name in rooms.items():
        items = [entries[s.id] for s in sessions if (s.venue or "") == venue_id]
        if items:
            by_room[name] = items
    return {
        "index": event.days.index(day.date) + 1,
        "date": day.date.isoformat(),
        "day_start": day.start.isoformat(),
        "day_end": day.end.isoformat(),
        "rooms": by_room,
    }


def event_entry(event: Event, session: Session, zone: tzinfo, number: int,
                rooms: dict[str, str], options: ExportOptions) -> dict[str, Any]:
    start = session.start.astimezone(zone)
    theme = event.theme(session.theme)
    title = f"{CANCELLED_PREFIX}{session.title}" if session.cancelled else session.title
    slug = session_slug(event.id, session.id).rstrip("-_")
    entry: dict[str, Any] = {
        "guid": guid_of(event, session),
        "id": number,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "end": session.end.astimezone(zone).isoformat(),
        "duration": _hhmm(session.duration),
        "room": rooms[session.venue or ""],
        "slug": slug,
        # Required by the JSON schema: the session's page, else the event's.
        "url": session.url or event.url or f"urn:uuid:{guid_of(event, session)}",
        "title": title,
        "subtitle": "",
        "track": theme.name if theme else None,
        "type": session.kind,
        "language": session.language or options.language or event.lang,
        "abstract": session.description,
        "description": "\n\n".join(status_notes(session)),
        "do_not_record": session.cancelled,
        "persons": [_person(event.id, name) for name in people(session)],
        "links": [{"url": session.url, "title": title, "type": "web"}] if session.url else [],
    }
    return entry


def status_notes(session: Session) -> list[str]:
    notes = []
    if session.cancelled:
        notes.append(NOTE_CANCELLED)
    elif session.status == "tentative":
        notes.append(NOTE_TENTATIVE)
    if session.provisional:
        notes.append(NOTE_PROVISIONAL)
    return notes


def people(session: Session) -> list[str]:
    """Hosts, then speakers, each once: frab has one list of persons."""
    return list(dict.fromkeys([*session.hosts, *session.speakers]))


def _person(event_id: str, name: str) -> dict[str, Any]:
    guid = person_guid(event_id, name)
    # The frab shape (id + public_name): every reader knows it.
    return {"id": _number_from(guid), "guid": guid, "public_name": name}


# --------------------------------------------------------------------------- numbers


def _hhmm(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def timeslot_minutes(sessions: Iterable[Session], zone: tzinfo) -> int:
    """The grid the sessions sit on: the gcd of their local minutes, at least 5, at most 60."""
    step = 60
    for session in sessions:
        for moment in (session.start, session.end):
            step = math.gcd(step, moment.astimezone(zone).minute)
    return max(5, step)


def schedule_version(event: Event, schedule: dict[str, Any]) -> str:
    """The event's ``updated`` time and a hash of the content: apps compare versions."""
    digest = hashlib.sha256(
        json.dumps(schedule, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:10]
    if event.updated is None:
        return digest
    return f"{event.updated.isoformat()} {digest}"
