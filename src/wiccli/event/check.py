"""Parsed TOML -> validated, frozen :class:`Event`, or every problem with its key path.

The rules of the event format live here; :mod:`wiccli.event.load` finds and reads the
file, ``wic validate`` adds line numbers, ``wic schema`` mirrors the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from wiccli.errors import Checker, EventFileError, Problem
from wiccli.event import clock
from wiccli.event.model import (
    STATUSES,
    SUB_FORUM,
    Category,
    Event,
    Invitations,
    Organizer,
    Session,
    Theme,
    Venue,
)
from wiccli.headers import address, shown, text_problem
from wiccli.limits import (
    MAX_COUNT,
    MAX_EVENT_DAYS,
    MAX_NAME,
    MAX_SEQUENCE,
    calendar_range,
    in_calendar,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
URL_RE = re.compile(r"^https?://\S+$")
AUTHSERV_RE = re.compile(r"^[A-Za-z0-9._-]+$")  # RFC 8601 authserv-id, as mail servers write it
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
MAX_FRAB_ID = 2**53 - 1  # the largest integer every JSON reader keeps exactly


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


# --------------------------------------------------------------------------- validation

# A field spec: key -> (required, converter). A converter returns the value or
# calls ``fail`` (which records a problem) and returns None.
Convert = Callable[[Any, str], Any]


def _type_name(value: Any) -> str:
    names = {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "an array", dict: "a table", datetime: "a date-time", date: "a date",
        time: "a time",
    }
    return names.get(type(value), type(value).__name__)


class EventChecker(Checker):
    """The event format's rules, key by key."""

    def __init__(self) -> None:
        super().__init__()
        # Warnings: local times at a change of the clocks, and the instant wic uses.
        self.notes: list[Problem] = []
        self.tz: tzinfo | None = None
        self.zone_name = "UTC"

    # ---- scalar converters

    def string(self, value: Any, path: str) -> str | None:
        if isinstance(value, str):
            return value
        self.fail(path, f"expected a string, got {_type_name(value)}")
        return None

    def text(self, value: Any, path: str) -> str | None:
        """A non-empty string."""
        result = self.string(value, path)
        if result is not None and not result.strip():
            self.fail(path, "must not be empty")
            return None
        return result

    def slug(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and not SLUG_RE.match(result):
            self.fail(
                path,
                f"{result!r} is not a valid id: use lower-case letters, digits, '-' and '_', "
                "starting with a letter or digit",
            )
            return None
        return result

    def url(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and not URL_RE.match(result):
            self.fail(path, f"{result!r} is not an http(s) URL")
            return None
        return result

    def email(self, value: Any, path: str) -> str | None:
        """One address alone: it goes into a From or Reply-To header as written."""
        result = self.string(value, path)
        if result is None:
            return None
        plain, problem = address(result)
        if problem is None and plain != result:
            problem = f"has angle brackets; write the address alone: {plain!r}"
        if problem is not None:
            self.fail(path, f"{shown(result)} {problem}")
            return None
        return result

    def name(self, value: Any, path: str) -> str | None:
        """A non-empty name that goes into a mail header (From, Subject): one line, no
        encoded word, at most MAX_NAME characters."""
        result = self.text(value, path)
        problem = None if result is None else text_problem(result, MAX_NAME)
        if problem is not None:
            self.fail(path, problem)
            return None
        return result

    def boolean(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.fail(path, f"expected true or false, got {_type_name(value)}")
        return None

    def count(self, value: Any, path: str, most: int = MAX_COUNT) -> int | None:
        """A non-negative integer, at most ``most``."""
        if isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= most:
                return value
            self.fail(path, f"must be from 0 to {most:,}, got {_short(value)}")
            return None
        self.fail(path, f"expected an integer, got {_type_name(value)}")
        return None

    def sequence(self, value: Any, path: str) -> int | None:
        """iCalendar's SEQUENCE: a 32-bit integer."""
        return self.count(value, path, MAX_SEQUENCE)

    def coordinate(self, limit: float) -> Convert:
        def convert(value: Any, path: str) -> float | None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if -limit <= value <= limit:
                    return float(value)
                self.fail(path, f"must be between {-limit:g} and {limit:g}, got {value}")
                return None
            self.fail(path, f"expected a number, got {_type_name(value)}")
            return None

        return convert

    def strings(self, value: Any, path: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.fail(path, f"expected an array of strings, got {_type_name(value)}")
            return None
        items = [self.text(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return tuple(item for item in items if item is not None)

    def timezone(self, value: Any, path: str) -> str | None:
        name = self.string(value, path)
        if name is None:
            return None
        zone = load_zone(name)
        if zone is None:
            self.fail(path, f"unknown time zone {name!r} "
                            "(use an IANA name such as 'Asia/Shanghai')")
            return None
        self.tz, self.zone_name = zone, name
        return name

    def day(self, value: Any, path: str) -> date | None:
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, date) and not isinstance(value, datetime):
            return value if self.in_calendar(value, path) else None
        self.fail(path, f"expected a date (YYYY-MM-DD), got {_type_name(value)} {value!r}")
        return None

    def in_calendar(self, day: date, path: str) -> bool:
        """Dates near year 1 or 9999 overflow in time-zone and calendar arithmetic."""
        if in_calendar(day):
            return True
        self.fail(path, f"{day.isoformat()} is outside the dates wic supports "
                        f"({calendar_range()})")
        return False

    def moment(self, value: Any, path: str) -> datetime | None:
        """A date-time with a fixed offset: a local one is read in the event's time zone
        (clock.py says how at a change of the clocks); a written offset is kept.
        """
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.fail(path, f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM)")
                return None
        if not isinstance(value, datetime):
            self.fail(path, f"expected a date-time (YYYY-MM-DDTHH:MM), got {_type_name(value)}")
            return None
        if not self.in_calendar(value.date(), path):
            return None
        # Without a valid time zone (already reported) UTC stands in, so the
        # session's other keys are still checked.
        zone = self.tz or UTC
        if isinstance(value.tzinfo, timezone):  # an offset written in the file: kept as is
            return value
        if value.tzinfo is not None:
            return clock.fixed(value, zone)
        resolved = clock.resolve(value, zone)
        if resolved.case != clock.NORMAL:
            self.notes.append(Problem(path, clock.note(value, resolved, self.zone_name)))
        return resolved.moment

    def guid(self, value: Any, path: str) -> str | None:
        """A UUID in its usual form (frab guids), kept as written."""
        result = self.string(value, path)
        if result is not None and not UUID_RE.match(result):
            self.fail(path, f"{result!r} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
            return None
        return result

    def frab_id(self, value: Any, path: str) -> int | None:
        number = self.count(value, path, MAX_FRAB_ID)
        if number is not None and not 1 <= number <= MAX_FRAB_ID:
            self.fail(path, f"must be between 1 and {MAX_FRAB_ID}, got {number}")
            return None
        return number

    def status(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and result not in STATUSES:
            self.fail(path, f"unknown status {result!r} (choose from {', '.join(STATUSES)})")
            return None
        return result

    # ---- tables

    def table(
        self, value: Any, path: str, spec: Mapping[str, tuple[bool, Convert]]
    ) -> dict[str, Any] | None:
        """Check a table against a spec; returns converted values of valid keys."""
        if not isinstance(value, dict):
            self.fail(path, f"expected a table, got {_type_name(value)}")
            return None
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in spec:
                known = ", ".join(spec)
                self.fail(f"{prefix}{key}", f"unknown key (known keys: {known})")
        result: dict[str, Any] = {}
        for key, (required, convert) in spec.items():
            if key not in value:
                if required:
                    self.fail(f"{prefix}{key}", "missing required key")
                continue
            converted = convert(value[key], f"{prefix}{key}")
            if converted is not None:
                result[key] = converted
        return result

    def item(
        self, value: Any, path: str, spec: Mapping[str, tuple[bool, Convert]]
    ) -> dict[str, Any] | None:
        """A table's converted values, or None unless every required key is valid."""
        fields = self.table(value, path, spec)
        required = {key for key, (needed, _) in spec.items() if needed}
        return fields if fields is not None and required <= fields.keys() else None

    def array(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"expected an array of tables ([[{path}]]), got {_type_name(value)}")
            return []
        return value

    def unique(self, items: list[tuple[int, Any]], path: str) -> None:
        seen: dict[str, int] = {}
        for index, item in items:
            if item.id in seen:
                self.fail(
                    f"{path}[{index}].id",
                    f"duplicate id {item.id!r} (first used at {path}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = index

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
            },
        )
        if top is None:
            return None
        head = self.event_table(top.get("event"))
        themes = self.items(top.get("themes"), "themes", self.theme)
        venues = self.items(top.get("venues"), "venues", self.venue)
        sessions = self.items(top.get("sessions"), "sessions", self.session)
        invitations = self.invitations(top.get("invitations"))
        self.check_references([t for _, t in themes], [v for _, v in venues], sessions)
        self.check_source_ids(sessions)
        if head is None:
            return None
        if self.tz is not None:
            self.check_dates(head, sessions)
        if self.problems:
            return None
        return Event(
            **head,
            themes=tuple(t for _, t in themes),
            venues=tuple(v for _, v in venues),
            sessions=tuple(s for _, s in sessions),
            invitations=invitations or Invitations(),
            source=source,
            bundled=bundled,
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

    def items(
        self, value: Any, path: str, build: Callable[[Any, str], Any]
    ) -> list[tuple[int, Any]]:
        """The valid items of an array of tables, each with its index in the file."""
        built = []
        for index, item in enumerate(self.array(value, path)):
            result = build(item, f"{path}[{index}]")
            if result is not None:
                built.append((index, result))
        self.unique(built, path)
        return built

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
            },
        )
        if fields is None:
            return None
        categories = self.items(fields.pop("categories", None), "invitations.categories",
                                self.category)
        return Invitations(**fields, categories=tuple(c for _, c in categories))

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
            {"id": (True, self.slug), "name": (True, self.text), "target": (False, self.count)},
        )
        if fields is None:
            return None
        return Category(**fields)

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

    def check_dates(self, head: dict[str, Any], sessions: list[tuple[int, Session]]) -> None:
        first, last, zone = head["start"], head["end"], self.tz
        for index, session in sessions:
            path = f"sessions[{index}]"
            start = session.start.astimezone(zone).date()
            end = (session.end.astimezone(zone) - timedelta(microseconds=1)).date()
            # The last evening may run past midnight (a party until 02:00): not another day.
            if start < first or end > last + timedelta(days=1):
                self.fail(f"{path}.start", f"{session.start.isoformat()} – "
                          f"{session.end.isoformat()} is outside the event ({first} to {last})")


def _short(number: int) -> str:
    """A number as typed, or its size when it is too long to show."""
    return str(number) if abs(number) < 10**30 else f"a number of {len(str(abs(number)))} digits"


def _known(ids: set[str]) -> str:
    return f" (known: {', '.join(sorted(ids))})" if ids else " (none are defined)"


def load_zone(name: str) -> tzinfo | None:
    """An IANA time zone by name, or None when there is no such zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
