"""Sessions -> iCalendar (RFC 5545) bytes, built with the icalendar library.

Calendar apps update an event on re-import when its UID is the same and its
SEQUENCE is not lower, so the UID comes from :func:`wiccli.event.ids.session_uid`
(event id + session id: independent of filters and order) and the clock is
passed in (``SOURCE_DATE_EPOCH`` makes two runs byte-identical).

icalendar is imported inside the functions that need it, so importing this
module costs nothing; the CLI imports it only when a calendar is exported.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from wiccli import __version__
from wiccli.errors import UsageError
from wiccli.event.clock import at_change
from wiccli.event.days import session_days
from wiccli.event.ids import session_uid
from wiccli.event.model import Event, Session, Theme, Venue
from wiccli.event.query import Filters, sort_sessions

if TYPE_CHECKING:
    from icalendar import Component

PRODID = f"-//wic//wic {__version__}//EN"
SPLITS = ("theme", "day", "session")
NO_THEME = "no-theme"  # the split file of sessions without a theme
PROVISIONAL_LINE = "Provisional: the title or time is an estimate, not from a published source."
SEPARATOR = " · "

UidScheme = Callable[[str, str], str]


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """What a calendar file says about itself, and the clock it was made with."""

    name: str
    description: str
    stamp: datetime  # DTSTAMP and LAST-MODIFIED, in UTC
    alarm_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Part:
    """One file of a split export: its file stem, its label (added to the name), sessions."""

    stem: str
    label: str
    sessions: list[Session]


# --------------------------------------------------------------------------- the clock


def export_stamp(event: Event, environ: Mapping[str, str], now: Callable[[], datetime]) -> datetime:
    """``SOURCE_DATE_EPOCH`` when set, else the event's ``updated``, else now (all UTC)."""
    raw = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if raw:
        if not raw.isascii() or not raw.isdigit():
            raise UsageError(f"SOURCE_DATE_EPOCH: {raw!r} is not a whole number of seconds "
                             "since 1970-01-01 (for example 1541557800)")
        try:
            return datetime.fromtimestamp(int(raw), UTC)
        except (OverflowError, OSError, ValueError):
            raise UsageError(f"SOURCE_DATE_EPOCH: {raw} is out of range") from None
    moment = event.updated or now()
    return moment.astimezone(UTC).replace(microsecond=0)


# --------------------------------------------------------------------------- names


def filter_label(event: Event, filters: Filters) -> str:
    """What the filters keep, for a calendar name: ``Universal Security · 8 November 2018``."""
    groups = [
        [t.name for t in event.themes if t.id in filters.themes],
        [v.name for v in event.venues if v.id in filters.venues],
        [day_label(d) for d in sorted(filters.days)],
        sorted(filters.kinds),
    ]
    if len(filters.ids) == 1:
        only = next(iter(filters.ids))
        found = event.session(only)
        groups.append([found.title if found else only])
    elif filters.ids:
        groups.append([f"{len(filters.ids)} selected sessions"])
    return SEPARATOR.join(" + ".join(g) for g in groups if g)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def day_label(day: date) -> str:
    """``8 November 2018``, in English whatever the locale (the bytes must not vary)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def calendar_name(event: Event, filters: Filters, name: str | None, extra: str = "") -> str:
    """``--name``, else the event's short name and the filters; a split part adds its label."""
    base = name or SEPARATOR.join(p for p in (event.label, filter_label(event, filters)) if p)
    return f"{base}{SEPARATOR}{extra}" if extra else base


def calendar_description(event: Event) -> str:
    where = f", {event.location}" if event.location else ""
    when = (event.start.isoformat() if event.start == event.end
            else f"{event.start.isoformat()} to {event.end.isoformat()}")
    return f"{event.name}{where}, {when} ({event.timezone})"


# --------------------------------------------------------------------------- splitting


def split_sessions(
    event: Event, sessions: Sequence[Session], by: str, zone: tzinfo
) -> list[Part]:
    """One part per theme (file order), day or session; a multi-day session is on each day."""
    if by == "theme":
        # None (no theme) is its own group, even beside a theme whose id is "no-theme".
        groups: dict[str | None, list[Session]] = {t.id: [] for t in event.themes}
        for s in sessions:
            groups.setdefault(s.theme, []).append(s)
        names = {t.id: t.name for t in event.themes}
        return [Part(key or NO_THEME, names.get(key or "", "Other sessions"), items)
                for key, items in groups.items() if items]
    if by == "day":
        days: dict[date, list[Session]] = {}
        for s in sessions:
            for day in session_days(event, s, zone):
                days.setdefault(day, []).append(s)
        return [Part(d.isoformat(), day_label(d), days[d]) for d in sorted(days)]
    if by == "session":
        return [Part(s.id, s.title, [s]) for s in sessions]
    raise UsageError(f"--split: {by!r} is not one of {', '.join(SPLITS)}")


def split_filters(filters: Filters, by: str) -> Filters:
    """The filters minus the split's own dimension, so a name does not say it twice."""
    cleared = {"theme": "themes", "day": "days", "session": "ids"}[by]
    return replace(filters, **{cleared: frozenset()})


# --------------------------------------------------------------------------- the calendar


def calendar_bytes(
    event: Event,
    sessions: Sequence[Session],
    spec: CalendarSpec,
    zone: tzinfo,
    uid: UidScheme = session_uid,
) -> bytes:
    """The calendar as RFC 5545 bytes: CRLF, folded at 75 octets, text escaped."""
    from icalendar import Calendar

    cal = Calendar()
    for key, value in _calendar_properties(event, spec):
        cal.add(key, value)
    builder = _EventBuilder(event, spec, zone, uid)
    sessions = sort_sessions(sessions)  # time order, then id: the same bytes every run
    events = [builder.build(s) for s in sessions]
    timezone = _vtimezone(events, event, sessions, zone)
    if timezone is not None:
        cal.add_component(timezone)
    cal.subcomponents.extend(events)
    data: bytes = cal.to_ical()
    return data


def calendar_files(
    event: Event,
    parts: Sequence[tuple[str, CalendarSpec, Sequence[Session]]],
    zone: tzinfo,
) -> dict[str, bytes]:
    """Many calendars over the same sessions (a site's programme, themes, sessions).

    Each file is byte for byte what :func:`calendar_bytes` gives for its part, but a
    VEVENT is built and folded once however many files hold it: a thousand one-session
    files plus the whole programme cost about one programme. Parts must share the
    stamp and alarm (the VEVENT bytes depend on them).
    """
    from icalendar import Calendar

    built: dict[str, tuple[Component, bytes]] = {}  # session id -> VEVENT, folded
    zones: dict[int, bytes] = {}
    shells: dict[tuple[str, str], bytes] = {}  # the calendar's own lines, by name
    files: dict[str, bytes] = {}
    builder: _EventBuilder | None = None
    end = b"END:VCALENDAR\r\n"
    for name, spec, sessions in parts:
        if builder is None:
            builder = _EventBuilder(event, spec, zone, session_uid)
        elif (spec.stamp, spec.alarm_minutes) != (builder.spec.stamp, builder.spec.alarm_minutes):
            raise ValueError("calendar_files: every part must share the stamp and alarm")
        ordered = sort_sessions(sessions)
        for s in ordered:
            if s.id not in built:
                component = builder.build(s)
                built[s.id] = (component, component.to_ical())
        pieces = [built[s.id][1] for s in ordered]
        timezone = _vtimezone([built[s.id][0] for s in ordered], event, ordered, zone)
        if timezone is not None:  # the same object for the same span (vtimezone caches)
            if id(timezone) not in zones:
                zones[id(timezone)] = timezone.to_ical()
            pieces.insert(0, zones[id(timezone)])
        if (spec.name, spec.description) not in shells:
            cal = Calendar()
            for key, value in _calendar_properties(event, spec):
                cal.add(key, value)
            shells[spec.name, spec.description] = cal.to_ical()[: -len(end)]
        files[name] = shells[spec.name, spec.description] + b"".join(pieces) + end
    return files


def _calendar_properties(event: Event, spec: CalendarSpec) -> list[tuple[str, Any]]:
    from icalendar import vText

    # NAME and the X-WR-* names are not known to icalendar as TEXT: escape them explicitly.
    name, description = _text(spec.name), _text(spec.description)
    return [
        ("prodid", PRODID),
        ("version", "2.0"),
        ("calscale", "GREGORIAN"),
        ("method", "PUBLISH"),
        ("name", name),
        ("x-wr-calname", name),
        ("description", description),
        ("x-wr-caldesc", description),
        ("x-wr-timezone", vText(event.timezone)),
    ]


def _vtimezone(
    events: Sequence[Component], event: Event, sessions: Sequence[Session], zone: tzinfo
) -> Component | None:
    """The one VTIMEZONE the events use (none when every time is in UTC), whole years."""
    tzids = {str(e[key].params["TZID"]) for e in events for key in ("DTSTART", "DTEND")
             if "TZID" in e[key].params}
    if not tzids:
        return None
    first = min([event.start, *(s.start.astimezone(zone).date() for s in sessions)])
    last = max([event.end, *(s.end.astimezone(zone).date() for s in sessions)])
    return _timezone_component(zone, tzids.pop(), first.year, last.year)


def _timezone_component(zone: tzinfo, tzid: str, first_year: int, last_year: int) -> Component:
    """Built from the zone's own transitions (see wiccli.vtimezone for why not icalendar's)."""
    from wiccli.vtimezone import vtimezone

    return vtimezone(zone, tzid, first_year, last_year)


class _EventBuilder:
    """Builds VEVENTs; themes and venues are looked up in dicts built once."""

    def __init__(self, event: Event, spec: CalendarSpec, zone: tzinfo, uid: UidScheme) -> None:
        self.event = event
        self.spec = spec
        self.zone = zone
        self.uid = uid
        self.themes: dict[str, Theme] = {t.id: t for t in event.themes}
        self.venues: dict[str, Venue] = {v.id: v for v in event.venues}
        self.alarm = (timedelta(minutes=-spec.alarm_minutes)
                      if spec.alarm_minutes is not None else None)

    def build(self, session: Session) -> Component:
        from icalendar import Event as VEvent

        theme = self.themes.get(session.theme or "")
        venue = self.venues.get(session.venue or "")
        vevent = VEvent()
        language = session.language or self.event.language
        for key, value in self._properties(session, theme, venue):
            if language and key in ("summary", "description"):
                # RFC 5545 3.2.10: the language of the text (an imported German talk).
                vevent.add(key, value, parameters={"LANGUAGE": language})
            else:
                vevent.add(key, value)
        if self.alarm is not None and not session.cancelled:
            vevent.add_component(self._alarm(session))
        return vevent

    def _properties(
        self, s: Session, theme: Theme | None, venue: Venue | None
    ) -> list[tuple[str, Any]]:
        stamp = self.spec.stamp
        props: list[tuple[str, Any]] = [
            ("uid", self.uid(self.event.id, s.id)),
            ("dtstamp", stamp),
            ("dtstart", self._moment(s.start)),
            ("dtend", self._moment(s.end)),
            ("sequence", s.sequence),
            ("status", s.status.upper()),
            ("summary", _text(s.title)),
        ]
        location = _location(venue) or self.event.location
        if location:
            props.append(("location", _text(location)))
        if venue is not None and venue.lat is not None and venue.lon is not None:
            props.append(("geo", (venue.lat, venue.lon)))
        props.append(("categories", _category_list(_categories(s, theme))))
        description = _description(s, theme)
        if description:
            props.append(("description", _text(description)))
        url = s.url or self.event.url
        if url:
            props.append(("url", url))
        props.append(("last-modified", stamp))
        return props

    def _moment(self, moment: datetime) -> datetime:
        """Local time with the zone's TZID, but UTC where the wall time occurs twice: readers
        disagree on which of the two a local time means (RFC 5545 says the first)."""
        if at_change(moment, self.zone):
            return moment.astimezone(UTC)
        return moment.astimezone(self.zone)

    def _alarm(self, session: Session) -> Component:
        from icalendar import Alarm

        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _text(session.title))
        alarm.add("trigger", self.alarm)
        return alarm


def _text(value: str) -> Any:
    """A TEXT value escaped by RFC 5545 alone; line breaks as ``\\n`` (TEXT has no CR)."""
    return _exact_text()(value.replace("\r\n", "\n").replace("\r", "\n"))


@functools.cache
def _exact_text() -> type:
    """icalendar's TEXT escaping also turns a literal backslash-N into a line break (a
    Windows path such as ``C:\\New`` would lose its backslash): escape exactly instead."""
    from icalendar import vText

    class ExactText(vText):
        def to_ical(self) -> bytes:
            text = (str(self).replace("\\", "\\\\").replace(";", "\\;")
                    .replace(",", "\\,").replace("\n", "\\n"))
            return text.encode(getattr(self, "encoding", "utf-8"))

    return ExactText


def _category_list(values: list[str]) -> Any:
    from icalendar import vCategory

    categories = vCategory(values)
    categories.cats = [_text(v) for v in values]  # vCategory would re-wrap them as vText
    return categories


def _location(venue: Venue | None) -> str:
    if venue is None:
        return ""
    return f"{venue.name}, {venue.address}" if venue.address else venue.name


def _categories(session: Session, theme: Theme | None) -> list[str]:
    return [theme.name, session.kind] if theme else [session.kind]


def _description(session: Session, theme: Theme | None) -> str:
    lines = []
    if theme is not None:
        lines.append(f"Theme: {theme.name}")
    if session.hosts:
        lines.append(f"Hosts: {'; '.join(session.hosts)}")
    if session.speakers:
        lines.append(f"Speakers: {'; '.join(session.speakers)}")
    blocks = ["\n".join(lines)] if lines else []
    if session.description.strip():
        blocks.append(session.description.strip())
    if session.provisional:
        blocks.append(PROVISIONAL_LINE)
    return "\n\n".join(blocks)
