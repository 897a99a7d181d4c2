"""The peer for ``wic export-ics``: the same calendar with tomllib and icalendar alone.

    python benchmarks/icalendar_only.py EVENT.toml > calendar.ics

No validation, no options, no wic: read the TOML, build one VEVENT per session with
the properties wic writes (UID, DTSTAMP, DTSTART/DTEND with TZID, SEQUENCE, STATUS,
SUMMARY, LOCATION, GEO, CATEGORIES, DESCRIPTION, URL, LAST-MODIFIED), one VTIMEZONE,
and serialise. It is the least work any tool doing this job with these libraries
must do, so the ratio of wic's time to this script's is wic's own overhead.
"""

from __future__ import annotations

import sys
import tomllib
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone


def aware(value: Any, zone: tzinfo) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def description(session: dict[str, Any], theme: dict[str, Any] | None) -> str:
    lines = [f"Theme: {theme['name']}"] if theme else []
    if session.get("hosts"):
        lines.append(f"Hosts: {'; '.join(session['hosts'])}")
    if session.get("speakers"):
        lines.append(f"Speakers: {'; '.join(session['speakers'])}")
    blocks = ["\n".join(lines)] if lines else []
    if session.get("description", "").strip():
        blocks.append(session["description"].strip())
    return "\n\n".join(blocks)


def vevent(head: dict[str, Any], s: dict[str, Any], themes: dict[str, Any],
           venues: dict[str, Any], zone: ZoneInfo, stamp: datetime) -> Event:
    theme, venue = themes.get(s.get("theme", "")), venues.get(s.get("venue", ""))
    ev = Event()
    ev.add("uid", f"{s['id']}@{head['id']}.wic")
    ev.add("dtstamp", stamp)
    ev.add("dtstart", aware(s["start"], zone))
    ev.add("dtend", aware(s["end"], zone))
    ev.add("sequence", s.get("sequence", 0))
    ev.add("status", s.get("status", "confirmed").upper())
    ev.add("summary", s["title"])
    if venue:
        ev.add("location", f"{venue['name']}, {venue['address']}" if venue.get("address")
               else venue["name"])
        if "lat" in venue:
            ev.add("geo", (venue["lat"], venue["lon"]))
    ev.add("categories", [theme["name"], s["kind"]] if theme else [s["kind"]])
    ev.add("description", description(s, theme))
    if s.get("url") or head.get("url"):
        ev.add("url", s.get("url") or head["url"])
    ev.add("last-modified", stamp)
    return ev


def calendar(data: dict[str, Any]) -> bytes:
    head = data["event"]
    zone = ZoneInfo(head["timezone"])
    stamp = aware(head.get("updated", datetime(2018, 1, 1, tzinfo=UTC)), UTC)
    themes = {t["id"]: t for t in data.get("themes", [])}
    venues = {v["id"]: v for v in data.get("venues", [])}
    cal = Calendar()
    for key, value in [("prodid", "-//icalendar-only//bench//EN"), ("version", "2.0"),
                       ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
                       ("x-wr-calname", head["name"]), ("x-wr-timezone", head["timezone"])]:
        cal.add(key, value)
    first, last = head["start"], head["end"]
    if isinstance(first, str):
        first, last = date.fromisoformat(first), date.fromisoformat(last)
    cal.add_component(Timezone.from_tzinfo(zone, head["timezone"],
                                           first_date=date(first.year, 1, 1),
                                           last_date=date(last.year + 1, 1, 1)))
    for session in data.get("sessions", []):
        cal.add_component(vevent(head, session, themes, venues, zone, stamp))
    data_bytes: bytes = cal.to_ical()
    return data_bytes


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: icalendar_only.py EVENT.toml > calendar.ics", file=sys.stderr)
        return 2
    with open(argv[0], "rb") as handle:
        data = tomllib.load(handle)
    sys.stdout.buffer.write(calendar(data))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
