"""The schedule.json dict (:func:`wiccli.frab.export.build_schedule`) as schedule.xml.

Element names, order and types follow the c3voc ``schedule.xml.xsd``; values
the XSD types more strictly than the JSON schema (URLs, slugs) are left out
when they do not fit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from wiccli.frab.conventions import PLACEHOLDER_ROOM

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_HTTP_RE = re.compile(r"^https?://")
_XML_SLUG_RE = re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$")
_XML_TRACK_SLUG_RE = re.compile(r"^[a-z][a-z0-9-]+$")
# Characters XML 1.0 cannot carry at all (control characters, lone surrogates).
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_DURATION = "99:59"
VENUE_PI = "wic"  # <?wic venue="convention-center"?> inside a <room>
VENUE_PI_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")  # the XSD allows two digits of hours


def to_xml(document: dict[str, Any]) -> str:
    from xml.etree.ElementTree import Element, SubElement, indent, tostring

    schedule = document["schedule"]
    conference = schedule["conference"]
    root = Element("schedule")
    generator = document.get("generator") or {}
    SubElement(root, "generator", {k: str(v) for k, v in generator.items() if v})
    _text(root, "version", schedule["version"])
    _conference(SubElement(root, "conference"), conference)
    rooms = {room["name"]: room for room in conference.get("rooms", [])}
    for day in conference["days"]:
        _day(SubElement(root, "day"), day, rooms)
    indent(root, space="  ")
    body = tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _text(parent: Element, tag: str, value: Any, attrs: dict[str, str] | None = None) -> Element:
    from xml.etree.ElementTree import SubElement

    clean = {k: _NOT_XML_RE.sub("", v) for k, v in (attrs or {}).items()}
    child = SubElement(parent, tag, clean)
    child.text = "" if value is None else _NOT_XML_RE.sub("", str(value))
    return child


def too_long(entry: dict[str, Any]) -> bool:
    """A session of 100 hours or more: schedule.xml cannot say how long it is."""
    return len(entry["duration"].split(":")[0]) > 2


def _conference(node: Element, conference: dict[str, Any]) -> None:
    _text(node, "acronym", conference["acronym"])
    _text(node, "title", conference["title"])
    _text(node, "start", conference["start"])
    _text(node, "end", conference["end"])
    _text(node, "days", conference["daysCount"])
    _text(node, "timeslot_duration", conference["timeslot_duration"])
    if _HTTP_RE.match(conference.get("url") or ""):
        _text(node, "url", conference["url"])
    if conference.get("time_zone_name"):
        _text(node, "time_zone_name", conference["time_zone_name"])
    for track in conference.get("tracks", []):
        attrs = {"name": track["name"]}
        if _XML_TRACK_SLUG_RE.match(track.get("slug", "")):
            attrs["slug"] = track["slug"]
        _text(node, "track", "", attrs)


def _day(node: Element, day: dict[str, Any], rooms: dict[str, dict[str, Any]]) -> None:
    from xml.etree.ElementTree import SubElement

    node.attrib.update({"index": str(day["index"]), "date": day["date"],
                        "start": day["day_start"], "end": day["day_end"]})
    for name, events in day["rooms"].items():
        room = SubElement(node, "room", {"name": name})
        _room_id(room, rooms.get(name, {}))
        for entry in events:
            _event(room, entry)


def _room_id(room: Element, known: dict[str, Any]) -> None:
    """The room's guid, and its venue id as ``<?wic venue="ID"?>``: the XSD gives a room
    no slug (schedule.json has one), and a processing instruction is what XML has for
    one program's data (readers and the XSD pass over it), so `wic import` keeps the id."""
    from xml.etree.ElementTree import ProcessingInstruction

    if known.get("guid"):
        room.set("guid", known["guid"])
    if known.get("slug") and VENUE_PI_SLUG_RE.match(known["slug"]) and \
            known.get("name") != PLACEHOLDER_ROOM:
        room.append(ProcessingInstruction(VENUE_PI, f'venue="{known["slug"]}"'))


def _event(room: Element, entry: dict[str, Any]) -> None:
    from xml.etree.ElementTree import SubElement

    node = SubElement(room, "event", {"id": str(entry["id"]), "guid": entry["guid"]})
    for tag in ("date", "start", "room"):
        _text(node, tag, entry[tag])
    _text(node, "duration", MAX_DURATION if too_long(entry) else entry["duration"])
    if _XML_SLUG_RE.match(entry["slug"]):
        _text(node, "slug", entry["slug"])
    if _HTTP_RE.match(entry["url"]):
        _text(node, "url", entry["url"])
    for tag in ("title", "subtitle", "track", "type", "language", "abstract", "description"):
        _text(node, tag, entry[tag])
    if entry["do_not_record"]:
        recording = SubElement(node, "recording")
        _text(recording, "license", "")
        _text(recording, "optout", "true")
    persons = SubElement(node, "persons")
    for person in entry["persons"]:
        _text(persons, "person", person["public_name"],
              {"id": str(person["id"]), "guid": person["guid"]})
    links = SubElement(node, "links")
    for link in entry["links"]:
        _text(links, "link", link.get("title", ""), {"href": link["url"]})
