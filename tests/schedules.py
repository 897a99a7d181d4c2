"""Schedules in the shapes real conferences publish, made here (no copied files).

- ``congress()``: like 38C3: four days from 10:00 to 06:00 the next morning, talks at
  00:00–02:40 after each evening, German and English talks (schedule.json).
- ``camp()``: like Chaos Communication Camp 2019: five days, the conference's ``end`` the
  day after the last one (schedule.json).
- ``remote()``: like rC3: online "rooms" (streams), days past midnight (schedule.xml).

Each returns the document and, per day of the source, the titles listed under it.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
NAMESPACE = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def _event(number: int, title: str, start: datetime, minutes: int, room: str,
           language: str) -> dict[str, object]:
    return {
        "guid": str(uuid.uuid5(NAMESPACE, title)), "id": number, "date": start.isoformat(),
        "start": f"{start:%H:%M}", "duration": f"{minutes // 60:02d}:{minutes % 60:02d}",
        "room": room, "slug": f"conf-{number}-talk", "url": f"https://example.org/{number}",
        "title": title, "subtitle": "", "track": "Hardware", "type": "lecture",
        "language": language, "abstract": "", "description": "", "persons": [],
        "links": [],
    }


def _document(acronym: str, start: date, end: date, zone: str,
              days: list[dict[str, object]], rooms: list[str]) -> dict[str, object]:
    return {"schedule": {"version": "1", "conference": {
        "acronym": acronym, "title": acronym.upper(), "start": start.isoformat(),
        "end": end.isoformat(), "daysCount": len(days), "timeslot_duration": "00:10",
        "time_zone_name": zone, "rooms": [{"name": r} for r in rooms], "days": days}}}


def _day(index: int, day: date, start: datetime, end: datetime,
         events: list[dict[str, object]]) -> dict[str, object]:
    rooms: dict[str, list[dict[str, object]]] = {}
    for item in events:
        rooms.setdefault(str(item["room"]), []).append(item)
    return {"index": index, "date": day.isoformat(), "day_start": start.isoformat(),
            "day_end": end.isoformat(), "rooms": rooms}


def congress() -> tuple[str, dict[int, list[str]], dict[str, str]]:
    """38C3-like: days 10:00–06:00, night talks, German ones; titles per day, languages."""
    days, listed, languages, number = [], {}, {}, 100
    rooms = ["Saal 1", "Saal GLITCH", "Saal ZIGZAG"]
    for index in range(1, 5):
        day = date(2024, 12, 26) + timedelta(days=index)
        opens = datetime(day.year, day.month, day.day, 10, 0, tzinfo=CET)
        events = []
        for hour, minutes, room, lang in ((11, 40, 0, "de"), (17, 60, 1, "en"),
                                         (23, 60, 2, "en"), (24, 160, 0, "de")):
            number += 1
            title = f"Tag {index} {'Nacht' if hour == 24 else 'Vortrag'} {number}"
            start = opens.replace(hour=0) + timedelta(hours=hour)
            events.append(_event(number, title, start, minutes, rooms[room], lang))
            languages[title] = lang
        listed[index] = [str(e["title"]) for e in events]
        days.append(_day(index, day, opens, opens + timedelta(hours=20), events))
    document = _document("38c3", date(2024, 12, 27), date(2024, 12, 30), "Europe/Berlin",
                         days, rooms)
    return json.dumps(document, ensure_ascii=False), listed, languages


def camp() -> tuple[str, dict[int, list[str]]]:
    """Camp-like: five days 2019-08-21…25 from 04:00 to 03:59, ``end`` 2019-08-26."""
    days, listed, number = [], {}, 500
    for index in range(1, 6):
        day = date(2019, 8, 20) + timedelta(days=index)
        opens = datetime(day.year, day.month, day.day, 4, 0, tzinfo=CEST)
        events = []
        for hour in (12, 20, 26):  # 26: 02:00 the next morning
            number += 1
            start = opens.replace(hour=0) + timedelta(hours=hour)
            events.append(_event(number, f"Camp talk {number}", start, 45, "Curry Club",
                                 "en"))
        listed[index] = [str(e["title"]) for e in events]
        days.append(_day(index, day, opens, opens + timedelta(hours=23, minutes=59), events))
    document = _document("camp2019", date(2019, 8, 21), date(2019, 8, 26), "Europe/Berlin",
                         days, ["Curry Club"])
    return json.dumps(document), listed


def remote() -> tuple[str, dict[int, list[str]]]:
    """rC3-like schedule.xml: two online rooms, days 11:00–03:00, a talk at 01:00."""
    parts, listed, number = [], {}, 900
    for index in range(1, 3):
        day = date(2020, 12, 26) + timedelta(days=index)
        opens = datetime(day.year, day.month, day.day, 11, 0, tzinfo=CET)
        rooms: dict[str, list[str]] = {}
        titles = []
        for hour, room, lang in ((12, "rC1", "en"), (21, "rC2", "de"), (25, "rC1", "de")):
            number += 1
            start = opens.replace(hour=0) + timedelta(hours=hour)
            title = f"Remote {number} – Über Streams"
            titles.append(title)
            rooms.setdefault(room, []).append(
                f'<event id="{number}" guid="{uuid.uuid5(NAMESPACE, title)}">'
                f"<date>{start.isoformat()}</date><start>{start:%H:%M}</start>"
                f"<duration>00:45</duration><room>{room}</room><title>{escape(title)}</title>"
                "<subtitle/><track>Online</track><type>lecture</type>"
                f"<language>{lang}</language><abstract/><description/></event>")
        listed[index] = titles
        body = "".join(f"<room name={quoteattr(r)}>{''.join(e)}</room>"
                       for r, e in rooms.items())
        parts.append(f'<day index="{index}" date="{day}" start="{opens.isoformat()}" '
                     f'end="{(opens + timedelta(hours=16)).isoformat()}">{body}</day>')
    xml = ('<?xml version="1.0" encoding="UTF-8"?><schedule><version>1</version>'
           "<conference><acronym>rc3</acronym><title>rC3</title><start>2020-12-27</start>"
           "<end>2020-12-28</end><days>2</days><timeslot_duration>00:15</timeslot_duration>"
           "<time_zone_name>Europe/Berlin</time_zone_name></conference>"
           f"{''.join(parts)}</schedule>")
    return xml, listed
