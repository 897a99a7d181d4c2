"""How much wic's iCalendar export costs beyond icalendar itself.

    python benchmarks/generate.py event --sessions 10000 -o big.toml
    python benchmarks/ics_export.py big.toml [--runs 5]

Times ``wiccli.ics.calendar_bytes`` (model -> bytes) against a script that uses
only icalendar to build and serialise the same VEVENTs from values prepared in
advance (the least any exporter has to pay), and prints both and their ratio.
Loading the TOML file is not counted in either.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from wiccli import ics
from wiccli.event.check import load_zone
from wiccli.event.load import load_event
from wiccli.event.model import Event
from wiccli.event.query import Filters, select


def prepared(event: Event, zone: Any, stamp: datetime) -> list[dict[str, Any]]:
    """The values of every VEVENT, computed outside the timed part of the baseline.

    The same text as wic writes (its description and location helpers), so both
    sides serialise the same bytes.
    """
    themes = {t.id: t for t in event.themes}
    venues = {v.id: v for v in event.venues}
    rows = []
    for s in select(event, Filters(), zone):
        theme, venue = themes.get(s.theme or ""), venues.get(s.venue or "")
        row: dict[str, Any] = {
            "uid": f"{s.id}@{event.id}.wic", "dtstamp": stamp,
            "dtstart": s.start.astimezone(zone), "dtend": s.end.astimezone(zone),
            "sequence": s.sequence, "status": s.status.upper(), "summary": s.title,
            "location": ics._location(venue) or event.location,
            "categories": [theme.name, s.kind] if theme else [s.kind],
            "description": ics._description(s, theme), "url": s.url or event.url,
            "last-modified": stamp,
        }
        if venue and venue.lat is not None:
            row["geo"] = (venue.lat, venue.lon)
        rows.append(row)
    return rows


def icalendar_only(rows: list[dict[str, Any]], tzid: str, year: int) -> bytes:
    from icalendar import Calendar, Timezone
    from icalendar import Event as VEvent

    cal = Calendar()
    for key, value in (("prodid", "-//bench//EN"), ("version", "2.0")):
        cal.add(key, value)
    cal.add_component(Timezone.from_tzid(tzid, first_date=date(year, 1, 1),
                                         last_date=date(year + 1, 1, 1)))
    for row in rows:
        vevent = VEvent()
        for key, value in row.items():
            vevent.add(key, value)
        cal.add_component(vevent)
    data: bytes = cal.to_ical()
    return data


def timed(work: Callable[[], bytes]) -> tuple[float, int]:
    began = time.perf_counter()
    size = len(work())
    return time.perf_counter() - began, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("event", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    event = load_event(args.event)
    zone = load_zone(event.timezone)
    assert zone is not None
    stamp = datetime(2018, 11, 1, tzinfo=UTC)
    sessions = select(event, Filters(), zone)
    spec = ics.CalendarSpec(name=event.label, description=ics.calendar_description(event),
                            stamp=stamp)
    rows = prepared(event, zone, stamp)
    import icalendar  # noqa: F401  (import cost counted in neither)

    base_times, wic_times = [], []
    for _ in range(args.runs):  # alternate, so a busy machine slows both alike
        elapsed, base_size = timed(lambda: icalendar_only(rows, event.timezone,
                                                          event.start.year))
        base_times.append(elapsed)
        elapsed, wic_size = timed(lambda: ics.calendar_bytes(event, sessions, spec, zone))
        wic_times.append(elapsed)
    base, wic = statistics.median(base_times), statistics.median(wic_times)
    print(f"{len(sessions)} sessions, median of {args.runs} runs")
    print(f"icalendar only: {base:7.3f} s  ({base_size / 1e6:.1f} MB)")
    print(f"wic export-ics: {wic:7.3f} s  ({wic_size / 1e6:.1f} MB)")
    print(f"ratio:          {wic / base:7.2f}x (target <= 1.30x)")


if __name__ == "__main__":
    main()
