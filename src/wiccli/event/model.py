"""The event model: frozen dataclasses, no I/O.

Times are timezone-aware ``datetime`` objects; dates are ``date``. Everything
here is built by :mod:`wiccli.event.load` after validation, so code that receives an
``Event`` can trust it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from wiccli.event.clock import elapsed
from wiccli.event.guestfields import GuestField
from wiccli.event.profiles import Profile

STATUSES = ("confirmed", "tentative", "cancelled")
SUB_FORUM = "sub-forum"
# The classes of warning `wic validate` gives, in the order it reports them; the event's
# [checks] table sets each to warn (the default), to fail validation, or to stay quiet.
WARNING_CLASSES = ("clock-change", "venue-overlap", "person-overlap", "travel-time",
                   "over-capacity", "theme-without-sub-forum", "sub-forum-without-venue",
                   "provisional")
LEVELS = ("warn", "error", "off")


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    # How many people the venue holds (seats or standing), where the organisers know it.
    capacity: int | None = None


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    kind: str
    start: datetime
    end: datetime
    theme: str | None = None
    venue: str | None = None
    status: str = "confirmed"
    provisional: bool = False
    description: str = ""
    hosts: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    url: str | None = None
    sequence: int = 0
    # What a frab / pretalx schedule calls the session (kept by import, written by export).
    guid: str | None = None
    frab_id: int | None = None
    # How many people are expected (compared with the venue's capacity by `wic validate`).
    expected: int | None = None
    # The language the session is held in (a BCP 47 tag such as "de"), when known.
    language: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def duration(self) -> timedelta:
        """Elapsed time: an hour more or less than the clock says across a DST change."""
        return elapsed(self.start, self.end)


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the event: its date and the instants it begins and ends (a conference
    day may run past midnight: 10:00 to 06:00 the next morning)."""

    date: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    target: int | None = None
    # The colour of the category's band on a badge (CSS hex, "#c0392b"), and the access
    # zones its badges show (short names such as "plenary").
    colour: str | None = None
    zones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Organizer:
    """Who invitations come from: the From of every e-mail, the ORGANIZER of its request."""

    name: str
    email: str


@dataclass(frozen=True)
class Invitations:
    target: int | None = None
    ledger: str | None = None
    categories: tuple[Category, ...] = ()
    organizer: Organizer | None = None
    reply_to: str | None = None
    # The folder of the user's message and letter templates, relative to the event file.
    templates: str | None = None
    # The authserv-id of the organiser's own mail server (RFC 8601): when set, only answers
    # it vouches for in Authentication-Results are applied by `wic invites replies`.
    authserv_id: str | None = None
    # The guest fields the event declares ([invitations.fields]), in the file's order.
    fields: tuple[GuestField, ...] = ()


@dataclass(frozen=True)
class TravelTime:
    """How many minutes it takes to get from one venue to the other, either way."""

    venues: tuple[str, str]
    minutes: int


@dataclass(frozen=True)
class Checks:
    """The event's [checks]: how seriously `wic validate` takes each class of warning,
    and the time people need to get from one venue to another."""

    levels: tuple[tuple[str, str], ...] = ()  # (warning class, level) as written
    travel_minutes: int = 0  # between any two venues; 0: no travel-time check
    travel: tuple[TravelTime, ...] = ()  # for a pair of venues, instead

    def level(self, code: str) -> str:
        return dict(self.levels).get(code, "warn")

    def travel_time(self, one: str, other: str) -> int:
        """Minutes from venue ``one`` to ``other``: the pair's own, else the default."""
        pair = {one, other}
        return next((t.minutes for t in self.travel if set(t.venues) == pair),
                    self.travel_minutes)


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    timezone: str
    start: date
    end: date
    short_name: str = ""
    tagline: str = ""
    location: str = ""
    organizers: tuple[str, ...] = ()
    url: str | None = None
    updated: datetime | None = None
    themes: tuple[Theme, ...] = ()
    venues: tuple[Venue, ...] = ()
    sessions: tuple[Session, ...] = ()
    invitations: Invitations = field(default_factory=Invitations)
    checks: Checks = field(default_factory=Checks)
    # When each day begins (``[event] day_starts``): a day runs until that time the next day.
    day_starts: time = time(0)
    # Each day's own start and end (``[[days]]``, as schedules list them); () for the rule.
    day_list: tuple[Day, ...] = ()
    # The language of the event's own texts (BCP 47), when the file gives it.
    language: str | None = None
    # Where the event was read from (a path, "<bundled>" or "<stdin>"); not part of the data.
    source: str = ""
    bundled: bool = False
    exports: tuple[Profile, ...] = ()  # the named export profiles ([exports.NAME])

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def lang(self) -> str:
        """The event's language: its own, or English."""
        return self.language or "en"

    @property
    def days(self) -> list[date]:
        if self.day_list:
            return [d.date for d in self.day_list]
        n = (self.end - self.start).days + 1
        return [self.start + timedelta(days=i) for i in range(n)]

    def theme(self, theme_id: str | None) -> Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def venue(self, venue_id: str | None) -> Venue | None:
        return next((v for v in self.venues if v.id == venue_id), None)

    def session(self, session_id: str) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    @property
    def kinds(self) -> list[str]:
        """The session kinds in use, in order of first appearance."""
        return list(dict.fromkeys(s.kind for s in self.sessions))
