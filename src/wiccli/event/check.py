"""Parsed TOML -> validated, frozen :class:`Event`, or every problem with its key path.

The rules of the event format live here, built from the value checks of
:mod:`wiccli.event.fields`; :mod:`wiccli.event.load` finds and reads the file,
``wic validate`` adds line numbers, ``wic schema`` mirrors the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, timedelta
from typing import Any

from wiccli.errors import EventFileError, Problem
from wiccli.event.checklevels import read_checks
from wiccli.event.fields import (
    MAX_FRAB_ID,
    SLUG_RE,
    URL_RE,
    UUID_RE,
    FieldChecker,
    load_zone,
)
from wiccli.event.guestfields import check_fields
from wiccli.event.model import (
    SUB_FORUM,
    Category,
    Checks,
    Day,
    Event,
    Invitations,
    Organizer,
    Session,
    Theme,
    Venue,
)
from wiccli.event.profiles import Profile, check_profiles
from wiccli.limits import MAX_EVENT_DAYS

# The patterns and the zone lookup are imported from here by the schema, frab and CLI code.
__all__ = ["COLOUR_RE", "MAX_FRAB_ID", "MAX_ZONE", "SLUG_RE", "URL_RE", "UUID_RE", "ZONE_RE",
           "Checked", "EventChecker", "build_event", "check", "check_event", "load_zone"]

MAX_DAY = timedelta(days=2)  # one listed day, from its start to its end
COLOUR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")  # CSS hex: #c0392b or #c33
ZONE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # a zone is a short name, as an id
MAX_ZONE = 24  # a zone's name has to fit on a badge beside others
AUTHSERV_RE = re.compile(r"^[A-Za-z0-9._-]+$")  # RFC 8601 authserv-id, as mail servers write it


def build_event(data: Mapping[str, Any], *, source: str, bundled: bool = False) -> Event:
    """Validate parsed TOML into an :class:`Event`, or raise with every problem."""
    checker = EventChecker()
    event = checker.event(data, source, bundled)
    if checker.problems or event is None:
        raise EventFileError(source, checker.problems)
    return event


def check_event(data: Mapping[str, Any], *, source: str) -> tuple[Event | None, list[Problem]]:
    """Like :func:`build_event` but returns the problems instead of raising."""
    checked = check(data, source=source)
    return checked.event, checked.problems


@dataclass(frozen=True, slots=True)
class Checked:
    event: Event | None  # None when there are problems
    problems: list[Problem]
    # Not errors: local times at a clock change (a fold or a gap) and the instant used.
    notes: list[Problem]


def check(data: Mapping[str, Any], *, source: str) -> Checked:
    """The event, every problem, and the notes about local times at a clock change."""
    checker = EventChecker()
    event = checker.event(data, source, False)
    return Checked(None if checker.problems else event, checker.problems, checker.notes)


class EventChecker(FieldChecker):
    """The event format's rules, key by key."""

    # ---- the event

    def event(self, data: Mapping[str, Any], source: str, bundled: bool) -> Event | None:
        top = self.table(
            data,
            "",
            {
                "event": (True, lambda v, p: v),
                "themes": (False, lambda v, p: v),
                "venues": (False, lambda v, p: v),
                "sessions": (False, lambda v, p: v),
                "invitations": (False, lambda v, p: v),
                "checks": (False, lambda v, p: v),
                "exports": (False, lambda v, p: v),
                "days": (False, lambda v, p: v),
            },
        )
        if top is None:
            return None
        head = self.event_table(top.get("event"))
        listed = [(i, self.day_entry(item, f"days[{i}]"))
                  for i, item in enumerate(self.array(top.get("days"), "days"))]
        days = [d for _, d in listed if d is not None]
        themes = self.items(top.get("themes"), "themes", self.theme)
        venues = self.items(top.get("venues"), "venues", self.venue)
        sessions = self.items(top.get("sessions"), "sessions", self.session)
        invitations = self.invitations(top.get("invitations"))
        checks = read_checks(self, top.get("checks"), {v.id for _, v in venues})
        exports = self.exports(top.get("exports"), invitations)
        self.check_references([t for _, t in themes], [v for _, v in venues], sessions)
        self.check_source_ids(sessions)
        if head is None:
            return None
        if days:
            self.check_days(head, [(i, d) for i, d in listed if d is not None])
        if self.tz is not None and not any(
                p.path.startswith(("days", "event.day_starts")) for p in self.problems):
            self.check_dates(Event(**head, day_list=tuple(days)), sessions)
        if self.problems:
            return None
        return Event(
            **head,
            day_list=tuple(days),
            themes=tuple(t for _, t in themes),
            venues=tuple(v for _, v in venues),
            sessions=tuple(s for _, s in sessions),
            invitations=invitations or Invitations(),
            checks=checks or Checks(),
            source=source,
            bundled=bundled,
            exports=exports,
        )

    def event_table(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        # The time zone first: local times elsewhere depend on it.
        if isinstance(value, dict) and "timezone" in value:
            self.timezone(value["timezone"], "event.timezone")
            self.problems = [p for p in self.problems if p.path != "event.timezone"]
        head = self.table(
            value,
            "event",
            {
                "id": (True, self.slug),
                "name": (True, self.name),
                "short_name": (False, self.string),
                "tagline": (False, self.string),
                "timezone": (True, self.timezone),
                "start": (True, self.day),
                "end": (True, self.day),
                "location": (False, self.string),
                "organizers": (False, self.strings),
                "url": (False, self.url),
                "updated": (False, self.moment),
                "day_starts": (False, self.clock_time),
                "language": (False, self.language),
            },
        )
        if head is None:
            return None
        if "start" in head and "end" in head and head["end"] < head["start"]:
            self.fail("event.end", f"{head['end']} is before the start, {head['start']}")
            return None
        if "start" in head and "end" in head and \
                (head["end"] - head["start"]).days >= MAX_EVENT_DAYS:
            self.fail("event.end", f"the event lasts {(head['end'] - head['start']).days + 1:,} "
                                   f"days; wic supports events of at most {MAX_EVENT_DAYS}")
            return None
        if not {"id", "name", "timezone", "start", "end"} <= head.keys():
            return None
        return head

    def theme(self, value: Any, path: str) -> Theme | None:
        fields = self.item(
            value,
            path,
            {"id": (True, self.slug), "name": (True, self.text),
             "description": (False, self.string)},
        )
        if fields is None:
            return None
        return Theme(**fields)

    def venue(self, value: Any, path: str) -> Venue | None:
        fields = self.item(
            value,
            path,
            {
                "id": (True, self.slug),
                "name": (True, self.text),
                "address": (False, self.string),
                "lat": (False, self.coordinate(90)),
                "lon": (False, self.coordinate(180)),
                "capacity": (False, self.count),
            },
        )
        if fields is None:
            return None
        if ("lat" in fields) != ("lon" in fields):
            self.fail(path, "give both lat and lon, or neither")
        return Venue(**fields)

    def session(self, value: Any, path: str) -> Session | None:
        fields = self.item(
            value,
            path,
            {
                "id": (True, self.slug),
                "title": (True, self.text),
                "kind": (True, self.slug),
                "theme": (False, self.string),
                "venue": (False, self.string),
                "start": (True, self.moment),
                "end": (True, self.moment),
                "status": (False, self.status),
                "provisional": (False, self.boolean),
                "description": (False, self.string),
                "hosts": (False, self.strings),
                "speakers": (False, self.strings),
                "url": (False, self.url),
                "sequence": (False, self.sequence),
                "guid": (False, self.guid),
                "frab_id": (False, self.frab_id),
                "expected": (False, self.count),
                "language": (False, self.language),
            },
        )
        if fields is None:
            return None
        if fields["end"] <= fields["start"]:
            # Instants (fixed offsets): 02:30-03:30 on a spring-forward night is empty.
            why = [n.message for n in self.notes if n.path in (f"{path}.start", f"{path}.end")]
            self.fail(f"{path}.end", f"{fields['end'].isoformat()} is not after the start, "
                      f"{fields['start'].isoformat()}" + "".join(f" ({w})" for w in why))
        return Session(**fields)

    def day_entry(self, value: Any, path: str) -> Day | None:
        fields = self.item(value, path, {"date": (True, self.day), "start": (True, self.moment),
                                         "end": (True, self.moment)})
        if fields is None:
            return None
        day = Day(fields["date"], fields["start"], fields["end"])
        if day.end <= day.start:
            self.fail(f"{path}.end", f"{day.end.isoformat()} is not after the day's start, "
                      f"{day.start.isoformat()}")
        elif day.end - day.start > MAX_DAY:
            self.fail(f"{path}.end", f"the day lasts more than {MAX_DAY.days * 24} hours")
        if day.start.astimezone(self.tz or UTC).date() != day.date:
            self.fail(f"{path}.start", f"{day.start.isoformat()} is not on {day.date}")
        return day

    def check_days(self, head: dict[str, Any], days: list[tuple[int, Day]]) -> None:
        """Listed days: in order, apart, inside the event's dates, not with day_starts."""
        if "day_starts" in head:
            self.fail("event.day_starts", "give day_starts or [[days]], not both")
        before: Day | None = None
        for index, day in days:
            path = f"days[{index}]"
            if {"start", "end"} <= head.keys() and not head["start"] <= day.date <= head["end"]:
                self.fail(f"{path}.date", f"{day.date} is outside the event "
                          f"({head['start']} to {head['end']})")
            if before is not None and day.date <= before.date:
                self.fail(f"{path}.date", f"{day.date} is not after the day before it, "
                          f"{before.date}: list the days in order, each once")
            elif before is not None and day.start < before.end:
                self.fail(f"{path}.start", f"{day.start.isoformat()} is before the day "
                          f"before it ends ({before.end.isoformat()})")
            before = day

    def invitations(self, value: Any) -> Invitations | None:
        if value is None:
            return None
        fields = self.table(
            value,
            "invitations",
            {
                "target": (False, self.count),
                "ledger": (False, self.text),
                "categories": (False, lambda v, p: v),
                "organizer": (False, self.organizer),
                "reply_to": (False, self.email),
                "templates": (False, self.text),
                "authserv_id": (False, self.authserv_id),
                "fields": (False, lambda v, p: check_fields(self, v, p)),
            },
        )
        if fields is None:
            return None
        categories = self.items(fields.pop("categories", None), "invitations.categories",
                                self.category)
        return Invitations(**fields, categories=tuple(c for _, c in categories))

    def exports(self, value: Any, invitations: Invitations | None) -> tuple[Profile, ...]:
        if value is None:
            return ()
        known = invitations or Invitations()
        return check_profiles(self, value, known.fields, [c.id for c in known.categories])

    def authserv_id(self, value: Any, path: str) -> str | None:
        """A mail server's name as RFC 8601 writes it: one token, no spaces or ';'."""
        result = self.text(value, path)
        if result is not None and not AUTHSERV_RE.match(result):
            self.fail(path, f"{result!r} is not an authserv-id (a host name such as "
                      "mail.example.org, as the server writes it in Authentication-Results)")
            return None
        return result

    def organizer(self, value: Any, path: str) -> Organizer | None:
        fields = self.item(value, path, {"name": (True, self.name), "email": (True, self.email)})
        return None if fields is None else Organizer(**fields)

    def category(self, value: Any, path: str) -> Category | None:
        fields = self.item(
            value,
            path,
            {"id": (True, self.slug), "name": (True, self.text), "target": (False, self.count),
             "colour": (False, self.colour), "zones": (False, self.zones)},
        )
        if fields is None:
            return None
        return Category(**fields)

    def colour(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and not COLOUR_RE.match(result):
            self.fail(path, f"{result!r} is not a colour: use CSS hex such as \"#c0392b\"")
            return None
        return None if result is None else result.lower()

    def zones(self, value: Any, path: str) -> tuple[str, ...] | None:
        names = self.strings(value, path)
        if names is None or len(names) < len(value):  # a value that is no text was named
            return None
        for index, name in enumerate(names):
            if not ZONE_RE.match(name) or len(name) > MAX_ZONE:
                self.fail(f"{path}[{index}]", f"{name!r} is not a zone: use at most {MAX_ZONE} "
                          "lower-case letters, digits, '-' and '_', such as \"press-room\"")
                return None
        if len(set(names)) < len(names):
            self.fail(path, "names a zone twice")
            return None
        return names

    # ---- consistency

    def check_references(
        self, themes: list[Theme], venues: list[Venue], sessions: list[tuple[int, Session]]
    ) -> None:
        theme_ids = {t.id for t in themes}
        venue_ids = {v.id for v in venues}
        for index, session in sessions:
            path = f"sessions[{index}]"
            if session.theme is not None and session.theme not in theme_ids:
                self.fail(f"{path}.theme", f"no theme with id {session.theme!r}"
                          f"{_known(theme_ids)}")
            if session.kind == SUB_FORUM and session.theme is None:
                self.fail(f"{path}.theme", "a sub-forum must name a theme")
            if session.venue is not None and session.venue not in venue_ids:
                self.fail(f"{path}.venue", f"no venue with id {session.venue!r}"
                          f"{_known(venue_ids)}")

    def check_source_ids(self, sessions: list[tuple[int, Session]]) -> None:
        """Conference apps follow a session by its guid and frab id: each names one."""
        for key in ("guid", "frab_id"):
            seen: dict[object, int] = {}
            for index, session in sessions:
                value = getattr(session, key)
                folded = value.lower() if isinstance(value, str) else value
                if value is None:
                    continue
                if folded in seen:
                    self.fail(f"sessions[{index}].{key}", f"duplicate {key} {value!r} "
                              f"(first used at sessions[{seen[folded]}])")
                seen.setdefault(folded, index)

    def check_dates(self, event: Event, sessions: list[tuple[int, Session]]) -> None:
        """Each session starts once the first day has begun and ends by a day after the
        last day ends (a last evening may run late: a party until 02:00 is no other day)."""
        from wiccli.event.days import event_days

        zone = self.tz or UTC
        days = event_days(event, zone)
        opens, closes = days[0].start, days[-1].end + timedelta(days=1)
        for index, session in sessions:
            if session.start < opens or session.end > closes:
                self.fail(f"sessions[{index}].start", f"{session.start.isoformat()} – "
                          f"{session.end.isoformat()} is outside the event ({event.start} "
                          f"to {event.end})")


def _known(ids: set[str]) -> str:
    return f" (known: {', '.join(sorted(ids))})" if ids else " (none are defined)"
