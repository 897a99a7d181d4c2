"""A frab / c3voc schedule -> the data of a wic event file (checked by the loader).

Real schedules are large and untidy; nothing in one is fatal below the
document's shape. What is skipped or changed is counted, and the counts come
back as warnings. The result always passes :func:`wiccli.event.check.check_event`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from wiccli.errors import DataError
from wiccli.event.check import MAX_FRAB_ID, SLUG_RE, UUID_RE
from wiccli.event.clock import NORMAL, elapsed, fixed, resolve
from wiccli.event.langtag import tag_problem
from wiccli.event.model import SUB_FORUM
from wiccli.frab.conventions import (
    CANCELLED_TITLE_RE,
    NOTE_CANCELLED,
    NOTE_PROVISIONAL,
    NOTE_TENTATIVE,
    PLACEHOLDER_ROOM,
    STATUS_NOTES,
    event_id,
    session_id_from_slug,
)
from wiccli.frab.days import as_rule, fitting_rule, other_days, source_days
from wiccli.frab.raw import RawEvent, RawSchedule
from wiccli.frab.text import UniqueIds, html_to_text, looks_like_html, tidy, trim
from wiccli.frab.zones import choose_zone
from wiccli.text import plural, slugify

Progress = Callable[[int, int], None]
_URL_RE = re.compile(r"^https?://\S+$")
DEFAULT_LENGTH = timedelta(minutes=5)
# A session this far outside the conference's own dates is a typo, not a session.
FAR_OUTSIDE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class ImportOptions:
    format: str = "auto"  # auto, frab-xml or frab-json
    timezone: str | None = None
    tracks_as_forums: bool = False


@dataclass
class ImportResult:
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def read_schedule(data: bytes, label: str, wanted: str = "auto") -> RawSchedule:
    """Parse a schedule: XML or JSON, by ``wanted`` or by its first character."""
    if detect_format(data, wanted, label) == "xml":
        from wiccli.frab.xmlread import read_xml

        return read_xml(data, label)
    from wiccli.frab.jsonread import read_json

    return read_json(data, label)


def detect_format(data: bytes, wanted: str, label: str) -> str:
    if wanted in ("frab-xml", "frab-json"):
        return wanted.removeprefix("frab-")
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head == b"<":
        return "xml"
    if head in (b"{", b"["):
        return "json"
    raise DataError(f"{label}: not a frab schedule: expected schedule.xml (XML) or "
                    "schedule.json (JSON)")


def convert(raw: RawSchedule, label: str, options: ImportOptions,
            progress: Progress | None = None) -> ImportResult:
    converter = _Converter(raw, options, label)
    data = converter.run(progress or (lambda done, total: None))
    _check(data, label)
    return ImportResult(data, converter.warnings())


def _check(data: dict[str, Any], label: str) -> None:
    """A safety net: never hand on an event the loader would refuse."""
    from wiccli.event.check import check_event

    _, problems = check_event(data, source=label)
    if problems:
        lines = [p.render(label) for p in problems[:10]]
        raise DataError(f"{label}: the imported event is not valid: {lines[0]}",
                        details=lines[1:])


class _Converter:
    def __init__(self, raw: RawSchedule, options: ImportOptions, label: str) -> None:
        self.raw = raw
        self.label = label
        self.options = options
        self.changed: Counter[str] = Counter()
        self.skipped: Counter[str] = Counter(raw.skipped)
        self.zone_notes: list[str] = []
        self.ids = UniqueIds()
        self.theme_ids: dict[str, str] = {}
        self.venue_ids: dict[str, str] = {}
        self.guids: set[str] = set()
        self.day_note = ""  # why the schedule's own days could not be kept
        self.numbers: set[int] = set()

    # ---- the whole event

    def run(self, progress: Progress) -> dict[str, Any]:
        zone_name, zone, self.zone_notes = choose_zone(self.raw, self.options.timezone)
        themes = self.themes()
        venues = self.venues()
        sessions: list[dict[str, Any]] = []
        total = len(self.raw.events)
        for index, event in enumerate(self.raw.events, 1):
            built = self.session(event, zone)
            if built is not None:
                sessions.append(built)
            if index % 100 == 0 or index == total:
                progress(index, total)
        days = source_days(self.raw, zone, sessions)
        if isinstance(days, str):
            self.day_note, days = days, []
        self.count_other_days(days, sessions, zone)
        head = self.head(zone_name, zone, sessions, days)
        rule = as_rule(self.raw, days, zone) if days else \
            fitting_rule(self.raw.day_change, head, sessions, zone)
        if rule is not None:  # the same days, said shortly: day_starts = "06:00"
            days, self.changed["after_midnight"] = [], 0
            if rule != time(0):
                head["day_starts"] = rule.isoformat("minutes" if not rule.second else "seconds")
        for item in [*sessions, *days]:
            item["start"] = _local(item["start"], zone)
            item["end"] = _local(item["end"], zone)
        data: dict[str, Any] = {"event": head}
        if days:
            data["days"] = days
        if themes:
            data["themes"] = themes
        if venues:
            data["venues"] = venues
        if sessions:
            data["sessions"] = sessions
        return data

    def count_other_days(self, days: list[dict[str, Any]], sessions: list[dict[str, Any]],
                         zone: tzinfo) -> None:
        listed = [item.pop("_day") for item in sessions]
        if days:  # after midnight is no other day then: only a start outside its <day> is
            self.changed["after_midnight"] = 0
            self.changed["other_day"] = other_days(days, sessions, listed)

    def head(self, zone_name: str, zone: tzinfo, sessions: list[dict[str, Any]],
             listed: list[dict[str, Any]]) -> dict[str, Any]:
        raw = self.raw
        head: dict[str, Any] = {"id": event_id(raw.acronym) or slugify(raw.title) or "imported",
                                "name": raw.title or raw.acronym or "Imported schedule",
                                "timezone": zone_name}
        # The schedule's own days; a session past midnight of the last day is not another
        # day (the event file allows it), one outside them widens the event.
        days = [s["start"].astimezone(zone).date() for s in sessions]
        if listed:  # the schedule's days, kept: they hold every session
            days = [d["date"] for d in listed]
        if raw.start and raw.end and raw.start <= raw.end:
            days += [raw.start, raw.end]
        if not days:
            raise DataError(f"{self.label}: not a usable schedule: it has no events and no "
                            "conference dates")
        ends = [] if listed else [(s["end"].astimezone(zone) - timedelta(microseconds=1)).date()
                                  - timedelta(days=1) for s in sessions]
        head["start"], head["end"] = min(days), max(days + ends)
        if _URL_RE.match(raw.url):
            head["url"] = raw.url
        return head

    # ---- themes and venues

    def themes(self) -> list[dict[str, Any]]:
        names = [(name, slug) for name, slug in self.raw.tracks]
        names += [(e.track, "") for e in self.raw.events if e.track]
        return self._catalogue(names, self.theme_ids, "track")

    def venues(self) -> list[dict[str, Any]]:
        names = [(n, s) for n, s in self.raw.rooms if n != PLACEHOLDER_ROOM]
        names += [(e.room, "") for e in self.raw.events if e.room and e.room != PLACEHOLDER_ROOM]
        return self._catalogue(names, self.venue_ids, "room")

    @staticmethod
    def _catalogue(names: list[tuple[str, str]], ids: dict[str, str],
                   fallback: str) -> list[dict[str, Any]]:
        """One entry per distinct name; its id from the slug, else the name."""
        unique = UniqueIds()
        items = []
        for name, slug in names:
            if name in ids:
                continue
            wanted = slug if SLUG_RE.match(slug) else slugify(name)
            ids[name] = unique.claim(wanted or f"{fallback}-{len(ids) + 1}")
            items.append({"id": ids[name], "name": name})
        return items

    # ---- one session

    def session(self, event: RawEvent, zone: tzinfo) -> dict[str, Any] | None:
        start = self.start(event, zone)
        if start is None:
            return None
        title, status = self.title(event.title)
        description, notes = self.description(event)
        status = "cancelled" if NOTE_CANCELLED in notes else status
        if status != "cancelled" and NOTE_TENTATIVE in notes:
            status = "tentative"
        theme = self.theme_ids.get(event.track)
        session: dict[str, Any] = {
            "_day": event.day,  # the <day> it is listed under; taken out by run()
            "id": self.ids.claim(self.session_id(event, title)),
            "title": title,
            "kind": self.kind(event.type, theme),
            "start": start,
            "end": (start.astimezone(UTC) + self.length(event, start, zone)).astimezone(zone),
        }
        session.update(self.source_ids(event))
        if theme:
            session["theme"] = theme
        if event.room in self.venue_ids:
            session["venue"] = self.venue_ids[event.room]
        if status != "confirmed":
            session["status"] = status
        if NOTE_PROVISIONAL in notes:
            session["provisional"] = True
        if description:
            session["description"] = description
        names = (" ".join(tidy(p).split()) for p in event.persons)
        speakers = list(dict.fromkeys(name for name in names if name))
        if speakers:
            session["speakers"] = speakers
        url = self.url(event)
        if url:
            session["url"] = url
        if event.language:
            if tag_problem(event.language) is None:
                session["language"] = event.language
            else:
                self.changed["language"] += 1
        return session

    def start(self, event: RawEvent, zone: tzinfo) -> datetime | None:
        if event.start is None:
            self.skipped["no readable start date and time"] += 1
            return None
        start = event.start
        if start.tzinfo is None:
            resolved = resolve(start, zone)
            start = resolved.moment
            self.changed["clock_change"] += resolved.case != NORMAL
        raw = self.raw
        if raw.start and raw.end and not (
            raw.start - FAR_OUTSIDE <= start.astimezone(zone).date() <= raw.end + FAR_OUTSIDE
        ):
            self.skipped["dated more than a year outside the conference"] += 1
            return None
        if event.day is not None and start.astimezone(zone).date() != event.day:
            self.changed["after_midnight"] += 1
        return start

    def length(self, event: RawEvent, start: datetime, zone: tzinfo) -> timedelta:
        length = event.duration
        if (not length or length <= timedelta(0)) and event.end is not None:
            end = event.end if event.end.tzinfo else resolve(event.end, zone).moment
            length = elapsed(start, end)
        if length is None or length <= timedelta(0):
            self.changed["no_duration"] += 1
            return self.raw.timeslot or DEFAULT_LENGTH
        return length

    def source_ids(self, event: RawEvent) -> dict[str, Any]:
        """The source's guid and numeric id, each kept once (a repeat is dropped)."""
        found: dict[str, Any] = {}
        guid = event.guid.lower()
        if UUID_RE.match(event.guid) and guid not in self.guids:
            self.guids.add(guid)
            found["guid"] = event.guid
        elif event.guid:
            self.changed["guid"] += 1
        if event.number is not None and event.number <= MAX_FRAB_ID:
            if event.number not in self.numbers:
                self.numbers.add(event.number)
                found["frab_id"] = event.number
            else:
                self.changed["guid"] += 1
        return found

    def title(self, text: str) -> tuple[str, str]:
        title = trim(text)
        status = "confirmed"
        match = CANCELLED_TITLE_RE.match(title)
        if match:
            title, status = title[match.end():], "cancelled"
        if looks_like_html(title):
            title = " ".join(html_to_text(title).split())
        if not title:
            self.changed["untitled"] += 1
            title = "Untitled"
        return title, status

    def description(self, event: RawEvent) -> tuple[str, set[str]]:
        """Subtitle, abstract and description as paragraphs; wic's status notes apart."""
        paragraphs: list[str] = []
        notes: set[str] = set()
        html = False
        for part in (event.subtitle, event.abstract, event.description):
            if looks_like_html(part):
                part, html = html_to_text(part), True
            for paragraph in re.split(r"\n\s*\n", tidy(part)):
                if paragraph in STATUS_NOTES:
                    notes.add(paragraph)
                elif paragraph and paragraph not in paragraphs:
                    paragraphs.append(paragraph)
        if html:
            self.changed["html"] += 1
        return "\n\n".join(paragraphs), notes

    def session_id(self, event: RawEvent, title: str) -> str:
        wanted = slugify(session_id_from_slug(event.slug, self.raw.acronym)) if event.slug else ""
        return wanted or slugify(title) or f"event-{len(self.ids.taken) + 1}"

    def kind(self, type_name: str, theme: str | None) -> str:
        if theme and self.options.tracks_as_forums:
            return SUB_FORUM
        kind = slugify(type_name) or "session"
        return "session" if kind == SUB_FORUM and not theme else kind

    def url(self, event: RawEvent) -> str:
        """The session's own page: its url unless that is the conference's, else a link."""
        candidates = [event.url] if event.url != self.raw.url else []
        candidates += event.links
        return next((u for u in candidates if _URL_RE.match(u)), "")

    # ---- the report

    def warnings(self) -> list[str]:
        lines = list(self.zone_notes)
        unknown = self.raw.unknown
        if unknown:
            listed = ", ".join(f"{name} ×{n}" for name, n in unknown.most_common(8))
            more = " …" if len(unknown) > 8 else ""
            lines.append(f"ignored {plural(sum(unknown.values()), 'element')} the schedule format "
                         f"does not define: {listed}{more}")
        if self.skipped:
            reasons = ", ".join(f"{why} ({n})" for why, n in self.skipped.most_common())
            lines.append(f"skipped {plural(sum(self.skipped.values()), 'event')}: {reasons}")
        lines += self._changes()
        return lines

    def _changes(self) -> list[str]:
        changed, lines = self.changed, []
        if self.day_note:
            lines.append(f"kept calendar days (midnight to midnight): {self.day_note}")
        if changed["other_day"]:
            lines.append(f"{plural(changed['other_day'], 'event')} start outside the hours of "
                         "the <day> they are listed under: each is on the day its start "
                         "falls in")
        if changed["language"]:
            lines.append(f"{plural(changed['language'], 'event')} had a language that is not "
                         "a BCP 47 tag (such as 'de' or 'pt-BR'): left out")
        if self.ids.renamed:
            lines.append(f"renamed {plural(self.ids.renamed, 'session')} whose id was taken "
                         "already (duplicate slugs or titles get -2, -3…)")
        if changed["after_midnight"]:
            count = changed["after_midnight"]
            verb = "starts" if count == 1 else "start"
            lines.append(f"{plural(count, 'event')} {verb} on another "
                         "date than its <day> (after midnight): kept at its own date and time")
        if changed["no_duration"]:
            length = self.raw.timeslot or DEFAULT_LENGTH
            lines.append(f"{plural(changed['no_duration'], 'event')} had no usable duration: "
                         f"each lasts {int(length.total_seconds() // 60)} minutes")
        if changed["clock_change"]:
            lines.append(f"{plural(changed['clock_change'], 'event')} without a UTC offset "
                         "start in a fold or gap of the clocks: a time that happens twice is "
                         "taken as the first, a missing one with the offset before the change")
        if changed["guid"]:
            lines.append(f"{plural(changed['guid'], 'event')} had a guid that is not a UUID or "
                         "a guid or id used before: new ones are derived on export")
        if changed["html"]:
            lines.append(f"turned HTML into plain text in {plural(changed['html'], 'event')}")
        if changed["untitled"]:
            lines.append(f"{plural(changed['untitled'], 'event')} had no title: named 'Untitled'")
        return lines


def _local(moment: datetime, zone: tzinfo) -> datetime:
    """Local wall time in the event's zone (as the file is written), with its UTC offset
    where the wall time alone is ambiguous (02:30 on a fall-back night happens twice), so
    the event file keeps every instant and reads without a clock-change warning."""
    local = fixed(moment, zone)
    naive = local.replace(tzinfo=None)
    return naive if resolve(naive, zone).case == NORMAL else local


def to_toml(data: dict[str, Any], label: str) -> str:
    """The event file: ``[event]`` first, then ``[[themes]]``, ``[[venues]]``, ``[[sessions]]``.

    Each table is a flat mapping written on its own under its header (tomli-w
    alone would inline short tables), in the order people read an event file.
    """
    import tomli_w

    def table(header: str, mapping: dict[str, Any]) -> str:
        return f"{header}\n{tomli_w.dumps(mapping, multiline_strings=True)}"

    parts = [f"# Imported by `wic import` from {label} (a frab / c3voc schedule).\n"
             "# Check it with `wic -e FILE info`; edit it freely.\n",
             table("[event]", data["event"])]
    for key in ("days", "themes", "venues", "sessions"):
        parts += [table(f"[[{key}]]", item) for item in data.get(key, [])]
    return "\n".join(parts)
