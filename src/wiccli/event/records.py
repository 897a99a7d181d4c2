"""Sessions and events as plain dicts: the JSON contract, shared by every format.

The keys and their meaning are documented in the README ("JSON output") and
locked by tests; add keys freely, never rename or remove one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import tzinfo
from pathlib import Path
from typing import Any

from wiccli.event.days import session_day
from wiccli.event.model import Event, Session, Theme, Venue
from wiccli.event.query import count_by_kind

SESSION_FIELDS = (
    "id", "title", "kind", "theme", "theme_name", "venue", "venue_name", "day",
    "start", "end", "duration_minutes", "status", "provisional", "hosts", "speakers",
    "description", "url", "sequence",
)


def session_record(event: Event, session: Session, zone: tzinfo) -> dict[str, Any]:
    return _record(event, session, event.theme(session.theme), event.venue(session.venue),
                   zone)


def session_records(event: Event, sessions: Iterable[Session], zone: tzinfo
                    ) -> list[dict[str, Any]]:
    """:func:`session_record` of each, themes and venues looked up in dicts made once."""
    themes = {t.id: t for t in reversed(event.themes)}  # the first of an id, as event.theme
    venues = {v.id: v for v in reversed(event.venues)}
    return [_record(event, s, themes.get(s.theme or ""), venues.get(s.venue or ""), zone)
            for s in sessions]


def _record(event: Event, session: Session, theme: Theme | None, venue: Venue | None,
            zone: tzinfo) -> dict[str, Any]:
    start = session.start.astimezone(zone)
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind,
        "theme": session.theme,
        "theme_name": theme.name if theme else None,
        "venue": session.venue,
        "venue_name": venue.name if venue else None,
        "day": session_day(event, session, zone).isoformat(),
        "start": start.isoformat(),
        "end": session.end.astimezone(zone).isoformat(),
        "duration_minutes": int(session.duration.total_seconds() // 60),
        "status": session.status,
        "provisional": session.provisional,
        "hosts": list(session.hosts),
        "speakers": list(session.speakers),
        "description": session.description,
        "url": session.url,
        "sequence": session.sequence,
    }


def event_record(event: Event, path: Path) -> dict[str, Any]:
    """What ``wic info -f json`` prints: the event without its sessions, and its file."""
    return {
        "id": event.id, "name": event.name, "short_name": event.short_name,
        "tagline": event.tagline, "timezone": event.timezone,
        "start": event.start.isoformat(), "end": event.end.isoformat(),
        "days": [d.isoformat() for d in event.days], "location": event.location,
        "organizers": list(event.organizers), "url": event.url,
        "updated": event.updated.isoformat() if event.updated else None,
        "venues": [{"id": v.id, "name": v.name, "address": v.address} for v in event.venues],
        "themes": [{"id": t.id, "name": t.name} for t in event.themes],
        "sessions": len(event.sessions), "sessions_by_kind": count_by_kind(event),
        "invitation_target": event.invitations.target,
        "invitation_categories": [
            {"id": c.id, "name": c.name, "target": c.target}
            for c in event.invitations.categories
        ],
        "source": "bundled" if event.bundled else str(path),
        "file": str(path),
    }
