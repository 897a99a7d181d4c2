"""schedule.xml (pentabarf, frab, pretalx, OSEM) -> :class:`RawSchedule`, parsed safely.

defusedxml refuses entity declarations (billion laughs, external entities)
before anything is expanded or fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from wiccli.errors import DataError
from wiccli.frab.raw import (
    RawDay,
    RawEvent,
    RawSchedule,
    parse_clock,
    parse_date,
    parse_duration,
    parse_moment,
    parse_number,
    start_from_day,
)
from wiccli.limits import MAX_DEPTH

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_VENUE_RE = re.compile(r'^venue="([a-z0-9][a-z0-9_-]{0,99})"$')
# What the c3voc XSD defines, plus what older pentabarf files carry.
SCHEDULE_TAGS = frozenset({"generator", "url", "version", "conference", "day"})
CONFERENCE_TAGS = frozenset({
    "title", "acronym", "start", "end", "days", "timeslot_duration", "base_url", "logo",
    "url", "time_zone_name", "color", "track", "subtitle", "venue", "city", "release",
    "day_change",
})
EVENT_TAGS = frozenset({
    "room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug",
    "track", "logo", "persons", "language", "description", "recording", "links",
    "attachments", "video_download_url", "url", "feedback_url", "origin_url", "tag",
})


def read_xml(data: bytes, label: str) -> RawSchedule:
    root = parse(data, label)
    if _tag(root) != "schedule":
        raise DataError(f"{label}: not a frab schedule: the root element is <{_tag(root)}>, "
                        "not <schedule>")
    raw = RawSchedule()
    _count_unknown(raw, root, SCHEDULE_TAGS, "")
    conference = _first(root, "conference")
    day_change = None
    if conference is not None:
        day_change = raw.day_change = _conference(raw, conference)
    for day in _children(root, "day"):
        _day(raw, day, day_change)
    return raw


def parse(data: bytes, label: str) -> Element:
    from xml.etree.ElementTree import ParseError, TreeBuilder

    import defusedxml.ElementTree as SafeTree
    from defusedxml.common import (
        DefusedXmlException,
        EntitiesForbidden,
        ExternalReferenceForbidden,
    )

    # Processing instructions kept: wic's own <?wic venue="ID"?> names a room's venue.
    parser = SafeTree.XMLParser(target=TreeBuilder(insert_pis=True), forbid_dtd=False,
                                forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root: Element = parser.close()
    except EntitiesForbidden as exc:
        if exc.sysid or exc.pubid:
            raise DataError(f"{label}: refused: the XML declares an external entity "
                            f"({exc.name!r} -> {exc.sysid or exc.pubid}); wic never "
                            "reads files or URLs an XML document names") from None
        raise DataError(f"{label}: refused: the XML declares an entity ({exc.name!r}); "
                        "entities can expand to gigabytes (a 'billion laughs' attack), "
                        "so wic never expands them") from None
    except ExternalReferenceForbidden:
        raise DataError(f"{label}: refused: the XML refers to an external resource, "
                        "which wic never fetches") from None
    except DefusedXmlException as exc:
        raise DataError(f"{label}: refused: unsafe XML ({type(exc).__name__})") from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":", 1)[0]
        raise DataError(f"{label}:{line}:{column}: not well-formed XML: {reason}") from None
    _check_depth(root, label)
    return root


def _check_depth(root: Element, label: str) -> None:
    """Refuse elements nested deeper than :data:`MAX_DEPTH`: serialising an abstract's
    markup (and walking it) recurses once per level. The walk itself does not recurse."""
    level = [root]
    for _ in range(MAX_DEPTH):
        level = [child for node in level for child in node]
        if not level:
            return
    raise DataError(f"{label}: elements are nested more than {MAX_DEPTH} levels deep")


def _tag(node: Element) -> str:
    """The tag without a namespace."""
    tag = node.tag if isinstance(node.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _children(node: Element, tag: str) -> Iterator[Element]:
    return (child for child in node if _tag(child) == tag)


def _first(node: Element, tag: str) -> Element | None:
    return next(_children(node, tag), None)


def _text(node: Element, tag: str) -> str:
    """A child's text; markup inside it (XHTML abstracts) is kept as HTML."""
    from xml.etree.ElementTree import tostring

    child = _first(node, tag)
    if child is None:
        return ""
    if len(child) == 0:
        return (child.text or "").strip()
    inner = (child.text or "") + "".join(tostring(c, encoding="unicode") for c in child
                                         if isinstance(c.tag, str))
    return inner.strip()


def _count_unknown(raw: RawSchedule, node: Element, known: frozenset[str], where: str) -> None:
    for child in node:
        tag = _tag(child)
        if tag and tag not in known:
            raw.unknown[f"{where}<{tag}>"] += 1


def _conference(raw: RawSchedule, node: Element) -> time | None:
    _count_unknown(raw, node, CONFERENCE_TAGS, "")
    raw.title = _text(node, "title")
    raw.acronym = _text(node, "acronym")
    raw.start = parse_date(_text(node, "start"))
    raw.end = parse_date(_text(node, "end"))
    raw.time_zone_name = _text(node, "time_zone_name")
    raw.url = _text(node, "url")
    raw.timeslot = parse_duration(_text(node, "timeslot_duration"))
    for track in _children(node, "track"):
        name = (track.get("name") or track.text or "").strip()
        if name:
            raw.tracks.append((name, (track.get("slug") or "").strip()))
    return parse_clock(_text(node, "day_change"))


def _day(raw: RawSchedule, node: Element, day_change: time | None) -> None:
    day = parse_date(node.get("date"))
    day_start = parse_moment(node.get("start"))
    if day is None and day_start is not None:
        day = day_start.date()
    raw.days.append(RawDay(day, day_start, parse_moment(node.get("end"))))
    for room in _children(node, "room"):
        name = (room.get("name") or "").strip()
        if name and name not in (r[0] for r in raw.rooms):
            raw.rooms.append((name, _venue_id(room)))
        for event in _children(room, "event"):
            raw.events.append(_event(raw, event, name, day, day_start, day_change))


def _venue_id(room: Element) -> str:
    """The venue id wic wrote into a room (``<?wic venue="ID"?>``), else ''."""
    from xml.etree.ElementTree import ProcessingInstruction

    for child in room:
        text = child.text or ""
        if child.tag is ProcessingInstruction and text.startswith("wic "):  # type: ignore[comparison-overlap]
            match = _VENUE_RE.match(text[4:].strip())
            if match:
                return match[1]
    return ""


def _event(raw: RawSchedule, node: Element, room: str, day: date | None,
           day_start: datetime | None, day_change: time | None) -> RawEvent:
    _count_unknown(raw, node, EVENT_TAGS, "event ")
    number = node.get("id") or node.get("guid") or str(len(raw.events) + 1)
    event = RawEvent(where=f"event {number}", day=day)
    event.title = _text(node, "title")
    event.guid = (node.get("guid") or "").strip()
    event.number = parse_number(node.get("id"))
    event.start = _start(node, day, day_start, day_change)
    event.duration = parse_duration(_text(node, "duration"))
    event.room = _text(node, "room") or room
    event.track = _text(node, "track")
    event.type = _text(node, "type")
    event.language = _text(node, "language")
    event.slug = _text(node, "slug")
    event.subtitle = _text(node, "subtitle")
    event.abstract = _text(node, "abstract")
    event.description = _text(node, "description")
    event.url = _text(node, "url")
    persons = _first(node, "persons")
    if persons is not None:
        event.persons = [(p.text or "").strip() for p in _children(persons, "person")]
    links = _first(node, "links")
    if links is not None:
        event.links = [(link.get("href") or "").strip() for link in _children(links, "link")]
    return event


def _start(node: Element, day: date | None, day_start: datetime | None,
           day_change: time | None) -> datetime | None:
    """``<date>`` when it is a date-time (authoritative); else the day plus ``<start>``."""
    text = _text(node, "date")
    if "T" in text or " " in text.strip():
        moment = parse_moment(text)
        if moment is not None:
            return moment
    own_day = parse_date(text) or day
    return start_from_day(own_day, parse_clock(_text(node, "start")), day_start, day_change)
