"""Changes between two event versions, written for people: table cells, JSON, Markdown.

Pure: :class:`wiccli.authoring.diff.Difference` objects in, strings and dicts out. Times are
shown in the new event's time zone.
"""

from __future__ import annotations

import re
from datetime import datetime, time, tzinfo
from typing import Any

from wiccli.authoring import diff
from wiccli.authoring.diff import Bump, Difference
from wiccli.event.model import Event, Session
from wiccli.event.records import session_record
from wiccli.text import span

_HEADINGS = {
    diff.ADDED: "New sessions",
    diff.CANCELLED: "Cancelled",
    diff.RESTORED: "Back on the programme",
    diff.MOVED: "New times",
    diff.VENUE: "New venues",
    diff.RENAMED: "New titles",
    diff.STATUS: "Status changes",
    diff.REMOVED: "Removed from the programme",
    diff.CHANGED: "Other updates",
}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def _session_span(session: Session, zone: tzinfo) -> str:
    return span(session.start, session.end, zone)


def _venue_name(event: Event, venue_id: str | None) -> str:
    venue = event.venue(venue_id)
    return venue.name if venue else (venue_id or "no venue")


def _people(old: Any, new: Any) -> str:
    gone = [f"−{n}" for n in old if n not in new]
    came = [f"+{n}" for n in new if n not in old]
    return "; ".join(came + gone)


def _value(value: Any) -> str:
    if isinstance(value, tuple):
        return "; ".join(map(str, value)) or "—"
    return "—" if value in (None, "") else str(value)


def describe(change: Difference, old: Event, new: Event, zone: tzinfo) -> str:
    """One line on what changed, for a table cell or a list item."""
    kind, a, b = change.kind, change.old, change.new
    if change.scope != "session":
        if kind in (diff.ADDED, diff.REMOVED):
            return f"{change.scope} {kind}: {a or b}"
        return f"{change.scope} {change.field}: {_value(a)} → {_value(b)}"
    if kind == diff.ADDED:
        return f"{_session_span(b, zone)} · {_venue_name(new, b.venue)}"
    if kind == diff.REMOVED:
        return f"was {_session_span(a, zone)} · {_venue_name(old, a.venue)}"
    if kind == diff.MOVED:
        return f"{span(a[0], a[1], zone)} → {span(b[0], b[1], zone)}"
    if kind == diff.VENUE:
        return f"{_venue_name(old, a)} → {_venue_name(new, b)}"
    if kind == diff.RENAMED:
        return f"“{a}” → “{b}”"
    if kind in (diff.CANCELLED, diff.RESTORED, diff.STATUS):
        return f"status {a} → {b}"
    if change.field in ("hosts", "speakers"):
        return f"{change.field}: {_people(a, b)}"
    if change.field == "description":
        return "description changed"
    return f"{change.field}: {_value(a)} → {_value(b)}"


def title_of(change: Difference, old: Event, new: Event) -> str:
    if change.scope != "session":
        return ""
    session = new.session(change.id) or old.session(change.id)
    return session.title if session else ""


def change_record(change: Difference, old: Event, new: Event, zone: tzinfo) -> dict[str, Any]:
    """One change as JSON (see the README, "wic diff")."""
    return {
        "scope": change.scope,
        "id": change.id,
        "title": title_of(change, old, new),
        "change": change.kind,
        "field": change.field,
        "old": _json(change.old, old, zone),
        "new": _json(change.new, new, zone),
        "summary": describe(change, old, new, zone),
    }


def _json(value: Any, event: Event, zone: tzinfo) -> Any:
    if isinstance(value, Session):
        return session_record(event, value, zone)
    if isinstance(value, tuple) and value and isinstance(value[0], datetime):
        return {"start": value[0].astimezone(zone).isoformat(),
                "end": value[1].astimezone(zone).isoformat()}
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def bump_record(bump: Bump) -> dict[str, Any]:
    return {"id": bump.id, "old": bump.old, "new": bump.new, "required": bump.to,
            "needed": bump.needed}


# --------------------------------------------------------------------------- Markdown


def md(text: str) -> str:
    """Text with Markdown's special characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _item(change: Difference, old: Event, new: Event, zone: tzinfo) -> str:
    title = md(title_of(change, old, new))
    kind, a, b = change.kind, change.old, change.new
    if kind == diff.ADDED:
        return f"- **{title}** — {md(describe(change, old, new, zone))}"
    if kind == diff.REMOVED:
        return f"- ~~{title}~~ (was {md(_session_span(a, zone))})"
    if kind == diff.CANCELLED:
        session = new.session(change.id)
        when = f" ({md(_session_span(session, zone))})" if session else ""
        return f"- ~~{title}~~{when} is cancelled"
    if kind == diff.RESTORED:
        session = new.session(change.id)
        when = f": {md(_session_span(session, zone))}" if session else ""
        return f"- **{title}** takes place after all{when}"
    if kind == diff.MOVED:
        now, was = span(b[0], b[1], zone), span(a[0], a[1], zone)
        return f"- **{title}**: now {md(now)} (was {md(was)})"
    if kind == diff.VENUE:
        return (f"- **{title}**: now at {md(_venue_name(new, b))} "
                f"(was {md(_venue_name(old, a))})")
    if kind == diff.RENAMED:
        return f"- **{md(b)}** (was “{md(a)}”)"
    return f"- **{title}**: {md(describe(change, old, new, zone))}"


def markdown(changes: list[Difference], old: Event, new: Event, zone: tzinfo) -> str:
    """An announcement of the session changes, ready to paste into an email."""
    lines = [f"## Programme changes: {md(new.label)}", ""]
    sessions = [c for c in changes if c.scope == "session"]
    if not sessions:
        lines += ["No session has changed.", ""]
    for kind in diff.KINDS:
        items = [c for c in sessions if c.kind == kind]
        if items:
            lines += [f"### {_HEADINGS[kind]}", ""]
            lines += [_item(c, old, new, zone) for c in items]
            lines.append("")
    offset = datetime.combine(new.start, time(12), zone).strftime("%z")
    lines.append(f"Times are in {md(new.timezone)} (UTC{offset[:3]}:{offset[3:]}).")
    return "\n".join(lines) + "\n"
