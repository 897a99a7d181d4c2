"""Sessions and events as plain dicts: the JSON contract, shared by every format.

The keys and their meaning are documented in the README ("JSON output") and
locked by tests; add keys freely, never rename or remove one.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from wiccli.event.model import Event, Session

SESSION_FIELDS = (
    "id", "title", "kind", "theme", "theme_name", "venue", "venue_name", "day",
    "start", "end", "duration_minutes", "status", "provisional", "hosts", "speakers",
    "description", "url", "sequence",
)


def session_record(event: Event, session: Session, zone: tzinfo) -> dict[str, Any]:
    theme = event.theme(session.theme)
    venue = event.venue(session.venue)
    start = session.start.astimezone(zone)
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind,
        "theme": session.theme,
        "theme_name": theme.name if theme else None,
        "venue": session.venue,
        "venue_name": venue.name if venue else None,
        "day": start.date().isoformat(),
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
