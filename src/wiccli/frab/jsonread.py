"""schedule.json (frab, pretalx, wic) -> :class:`RawSchedule`.

The document's shape is checked down to the list of days; below that, an
event that is not an object or has unreadable times is skipped and counted.
"""

from __future__ import annotations

import json
from typing import Any

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
from wiccli.limits import MAX_DEPTH, long_number, nesting_depth

# The keys the c3voc JSON schema defines for an event, plus common extras.
EVENT_KEYS = frozenset({
    "guid", "code", "id", "logo", "date", "start", "end", "duration", "room", "slug", "url",
    "title", "subtitle", "track", "type", "language", "abstract", "description",
    "recording_license", "do_not_record", "do_not_stream", "persons", "links",
    "feedback_url", "origin_url", "attachments", "answers",
})


def read_json(data: bytes, label: str) -> RawSchedule:
    document = _load(data, label)
    if not isinstance(document, dict) or "schedule" not in document:
        raise DataError(f'{label}: not a frab schedule: expected a JSON object with a '
                        f'"schedule" object, got {_shape(document)}'
                        f'{" without one" if isinstance(document, dict) else ""}')
    schedule = document["schedule"]
    if not isinstance(schedule, dict):
        raise DataError(f'{label}: not a frab schedule: "schedule" is {_shape(schedule)}, '
                        'not an object')
    conference = schedule.get("conference")
    if not isinstance(conference, dict):
        raise DataError(f'{label}: not a frab schedule: "schedule.conference" is '
                        f'{_shape(conference)}, not an object')
    days = conference.get("days", [])
    if not isinstance(days, list):
        raise DataError(f'{label}: not a frab schedule: "schedule.conference.days" is '
                        f'{_shape(days)}, not an array')
    raw = RawSchedule()
    _conference(raw, conference)
    for index, day in enumerate(days):
        if not isinstance(day, dict) or not isinstance(day.get("rooms", {}), dict):
            raise DataError(f"{label}: not a frab schedule: day {index + 1} is "
                            f"{_shape(day)}, not an object with rooms")
        _day(raw, day)
    return raw


def _load(data: bytes, label: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{label}: is not UTF-8 text (bad byte at offset {exc.start})") from None
    deep = nesting_depth(text, "json")
    if deep is not None:
        raise DataError(f"{label}:{deep[0]}:{deep[1]}: arrays and objects are nested more "
                        f"than {MAX_DEPTH} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{label}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except RecursionError:  # the scan above missed a level (it should not)
        raise DataError(f"{label}: arrays and objects are nested more than {MAX_DEPTH} "
                        "levels deep") from None
    except ValueError:  # Python refuses to convert an integer of over 4,300 digits
        where = long_number(text)
        at = f"{label}:{where[0]}:{where[1]}" if where else label
        raise DataError(f"{at}: a number with thousands of digits, more than any "
                        "schedule needs") from None


def _shape(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _str(value: Any) -> str:
    """Any scalar as trimmed text; objects, arrays and null as ''."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _conference(raw: RawSchedule, conference: dict[str, Any]) -> None:
    raw.title = _str(conference.get("title"))
    raw.acronym = _str(conference.get("acronym"))
    raw.start = parse_date(_str(conference.get("start")))
    raw.end = parse_date(_str(conference.get("end")))
    raw.time_zone_name = _str(conference.get("time_zone_name"))
    raw.url = _str(conference.get("url"))
    raw.timeslot = parse_duration(_str(conference.get("timeslot_duration")))
    for track in _list(conference.get("tracks")):
        if isinstance(track, dict) and _str(track.get("name")):
            raw.tracks.append((_str(track.get("name")), _str(track.get("slug"))))
    for room in _list(conference.get("rooms")):
        if isinstance(room, dict) and _str(room.get("name")):
            raw.rooms.append((_str(room.get("name")), _str(room.get("slug"))))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _day(raw: RawSchedule, day: dict[str, Any]) -> None:
    date = parse_date(_str(day.get("date")))
    day_start = parse_moment(_str(day.get("day_start")))
    raw.days.append(RawDay(date, day_start, parse_moment(_str(day.get("day_end")))))
    for room, events in day.get("rooms", {}).items():
        if str(room).strip() and str(room).strip() not in (r[0] for r in raw.rooms):
            raw.rooms.append((str(room).strip(), ""))
        for item in _list(events):
            if not isinstance(item, dict):
                raw.skipped["not a JSON object"] += 1
                continue
            raw.events.append(_event(raw, item, str(room), date, day_start))


def _event(raw: RawSchedule, item: dict[str, Any], room: str, day: Any,
           day_start: Any) -> RawEvent:
    for key in item:
        if key not in EVENT_KEYS:
            raw.unknown[f'event "{key}"'] += 1
    number = _str(item.get("id")) or _str(item.get("guid")) or str(len(raw.events) + 1)
    event = RawEvent(where=f"event {number}", day=day)
    event.title = _str(item.get("title"))
    event.guid = _str(item.get("guid"))
    event.number = parse_number(item.get("id"))
    event.start = parse_moment(_str(item.get("date")))
    if event.start is None or "T" not in _str(item.get("date")):
        event.start = start_from_day(parse_date(_str(item.get("date"))) or day,
                                     parse_clock(_str(item.get("start"))), day_start, None)
    event.duration = parse_duration(_str(item.get("duration")))
    event.end = parse_moment(_str(item.get("end")))
    event.room = _str(item.get("room")) or room.strip()
    event.track = _str(item.get("track"))
    event.type = _str(item.get("type"))
    event.language = _str(item.get("language"))
    event.slug = _str(item.get("slug"))
    event.subtitle = _str(item.get("subtitle"))
    event.abstract = _str(item.get("abstract"))
    event.description = _str(item.get("description"))
    event.url = _str(item.get("url"))
    event.persons = [_person(p) for p in _list(item.get("persons"))]
    event.links = [_str(link.get("url")) for link in _list(item.get("links"))
                   if isinstance(link, dict)]
    return event


def _person(person: Any) -> str:
    if isinstance(person, dict):
        for key in ("public_name", "name", "full_public_name"):
            if _str(person.get(key)):
                return _str(person.get(key))
        return ""
    return _str(person)
