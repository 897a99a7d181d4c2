"""What a template can say: the guest, the event, their sessions, the sender, how to answer.

Plain data built once per run (the event, the session index) and once per guest.
Each top-level value is a :class:`Scope`, so that a misspelt placeholder is
reported with its full name (``guest.titel``), not as "'dict object' has no attribute".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from wiccli.event.guestfields import GuestField, typed
from wiccli.event.model import Event, Organizer, Session
from wiccli.invites.model import Invitation

# Every name a template may use at its top level; anything else is an unknown placeholder.
NAMES = frozenset({"guest", "event", "sessions", "organizer", "rsvp", "reminder", "resend",
                   "sequence", "visa", "today"})
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_SPACES = re.compile(r"\s+")


class Scope(dict[str, Any]):
    """A dict that knows its own name (``guest``) for error messages, and why a name is
    missing from it when that is on purpose (``hint``)."""

    def __init__(self, scope_name: str, values: Mapping[str, Any], hint: str = "") -> None:
        super().__init__(values)
        self.scope_name = scope_name
        self.hint = hint


def day_text(day: date) -> str:
    """``8 November 2018``, in English whatever the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def dates_text(start: date, end: date) -> str:
    """``7–9 November 2018``, ``30 October – 2 November 2018`` or one day."""
    if start == end:
        return day_text(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {MONTHS[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {day_text(end)}"
    return f"{day_text(start)} – {day_text(end)}"


def person_key(name: str) -> str:
    """A name compared without case and extra spaces."""
    return _SPACES.sub(" ", name).strip().casefold()


@dataclass(frozen=True)
class Shared:
    """What every guest's context shares, built once per run."""

    event: Scope
    organizer: Scope
    rsvp: Scope
    roles: Mapping[str, tuple[Scope, ...]]  # person key -> the sessions they host or speak at
    today: str
    fields: tuple[GuestField, ...] = ()  # the event's guest fields: guest.fields.NAME


def shared_context(event: Event, organizer: Organizer, zone: tzinfo, today: date,
                   reply_to: str | None = None) -> Shared:
    answer_to = reply_to or organizer.email
    rsvp = Scope("rsvp", {
        "email": answer_to,
        "text": ("Please let us know whether you can attend: the calendar invitation in this "
                 "message has Accept, Maybe and Decline buttons in most mail programs, or "
                 f"reply to {answer_to}."),
    })
    return Shared(
        event=event_scope(event),
        organizer=Scope("organizer", {"name": organizer.name, "email": organizer.email}),
        rsvp=rsvp, roles=session_roles(event, zone), today=day_text(today),
        fields=event.invitations.fields,
    )


def event_scope(event: Event) -> Scope:
    return Scope("event", {
        "id": event.id, "name": event.name, "short_name": event.label,
        "tagline": event.tagline, "location": event.location, "url": event.url or "",
        "timezone": event.timezone, "start": day_text(event.start), "end": day_text(event.end),
        "dates": dates_text(event.start, event.end), "organizers": list(event.organizers),
    })


def session_roles(event: Event, zone: tzinfo) -> dict[str, tuple[Scope, ...]]:
    """Each person named as host or speaker -> their sessions, in time order."""
    venues = {v.id: v.name for v in event.venues}
    found: dict[str, list[tuple[datetime, str, Scope]]] = {}
    for session in event.sessions:
        for role, people in (("host", session.hosts), ("speaker", session.speakers)):
            for person in people:
                scope = session_scope(session, role, venues, zone)
                found.setdefault(person_key(person), []).append(
                    (session.start, session.id, scope))
    return {key: tuple(s for _, _, s in sorted(items, key=lambda t: (t[0], t[1])))
            for key, items in found.items()}


def session_scope(session: Session, role: str, venues: Mapping[str, str],
                  zone: tzinfo) -> Scope:
    start, end = session.start.astimezone(zone), session.end.astimezone(zone)
    when = f"{day_text(start.date())}, {start:%H:%M}–{end:%H:%M}"
    return Scope("session", {
        "id": session.id, "title": session.title, "role": role, "when": when,
        "day": day_text(start.date()), "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
        "venue": venues.get(session.venue or "", ""), "url": session.url or "",
        "cancelled": session.cancelled, "provisional": session.provisional,
    })


def guest_context(shared: Shared, entry: Invitation, *, category_name: str, country_name: str,
                  reminder: bool = False, sequence: int = 0, visa: bool = False
                  ) -> dict[str, Any]:
    """The whole context of one guest's message or letter."""
    guest = Scope("guest", {
        "id": entry.id, "name": entry.name, "organization": entry.organization,
        "category": entry.category, "category_name": category_name,
        "country": entry.country, "country_name": country_name, "email": entry.email,
        "quantity": entry.quantity, "status": entry.status,
        "fields": field_scope(shared.fields, entry),
    })
    return {
        "guest": guest, "event": shared.event, "organizer": shared.organizer,
        "rsvp": shared.rsvp, "sessions": list(shared.roles.get(person_key(entry.name), ())),
        "reminder": reminder, "resend": sequence > 0, "sequence": sequence, "visa": visa,
        "today": shared.today,
    }



def field_scope(fields: tuple[GuestField, ...], entry: Invitation) -> Scope:
    """``guest.fields``: every field the event declares (private ones too: a visa letter
    needs the passport number), typed; an unset one is "" (false for a boolean)."""
    kept = dict(entry.fields)
    empty = {"boolean": False}
    return Scope("guest.fields", {
        f.name: typed(f, kept[f.name]) if f.name in kept else empty.get(f.type, "")
        for f in fields})


def subject_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context of a subject: a mail header, so without the guest's field values."""
    guest = Scope("guest", {**context["guest"], "fields": Scope(
        "guest.fields", {}, "field values are not used in a subject: it is a mail header")})
    return {**context, "guest": guest}
