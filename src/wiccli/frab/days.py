"""A schedule's own days (``<day start end>``, ``days[].day_start/day_end``), kept by import.

Conference days run past midnight (38C3: 10:00 to 06:00 the next morning), and a
schedule says so day by day; the event file keeps them as ``[[days]]`` (event/days.py),
so the agenda, grid and site list each session under the same day as the source. Days
that the event file could not hold (one without its times, out of order, a session
outside them) are not kept, and the reason is one warning: calendar days stand in.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from wiccli.event.check import MAX_DAY
from wiccli.event.clock import resolve
from wiccli.frab.raw import RawSchedule


def source_days(raw: RawSchedule, zone: tzinfo,
                sessions: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
    """The schedule's days as ``[[days]]`` tables (aware times), or why they cannot be."""
    if all(d.start is None and d.end is None for d in raw.days):
        return []  # pentabarf: dates only (its day_change, if any, is the rule)
    days = []
    for index, day in enumerate(raw.days, 1):
        if day.date is None or day.start is None or day.end is None:
            return f"day {index} has no readable date, start and end"
        days.append({"date": day.date, "start": _aware(day.start, zone),
                     "end": _aware(day.end, zone)})
    problem = _problem(days, zone) or _outside(days, sessions)
    return problem or days


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo else resolve(moment, zone).moment


def _problem(days: list[dict[str, Any]], zone: tzinfo) -> str:
    """What the event file would refuse in these days (event/check.py's rules)."""
    for index, day in enumerate(days):
        start, end = day["start"], day["end"]
        if not start < end <= start + MAX_DAY:
            return f"day {index + 1} ends before it starts or lasts over two days"
        if start.astimezone(zone).date() != day["date"]:
            return f"day {index + 1} starts on another date than its own ({day['date']})"
        if index and (day["date"] <= days[index - 1]["date"]
                      or start < days[index - 1]["end"]):
            return f"day {index + 1} is not after the day before it"
    return ""


def _outside(days: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> str:
    opens, closes = days[0]["start"], days[-1]["end"] + timedelta(days=1)
    early = [s for s in sessions if s["start"] < opens or s["end"] > closes]
    if early:
        return (f"{len(early)} of its events are outside its days "
                f"({early[0]['start'].isoformat()}, …)")
    return ""


def other_days(days: list[dict[str, Any]], sessions: list[dict[str, Any]],
               listed: list[date | None]) -> int:
    """How many sessions start outside the hours of the <day> they are listed under (each
    then belongs to the day its start falls in, as everywhere in wic)."""
    starts = [d["start"] for d in days]
    count = 0
    for item, day in zip(sessions, listed, strict=True):
        index = max(0, bisect_right(starts, item["start"]) - 1)
        count += day is not None and days[index]["date"] != day
    return count


def as_rule(raw: RawSchedule, days: list[dict[str, Any]], zone: tzinfo) -> time | None:
    """The ``day_starts`` that gives exactly these days (each from one time of day to the
    same time the next, day after day, over the conference's dates), or None."""
    if not days:
        return None
    first = days[0]["start"].astimezone(zone)
    clock: time = first.time()
    dates = [d["date"] for d in days]
    if (raw.start or dates[0]) != dates[0] or (raw.end or dates[-1]) != dates[-1]:
        return None
    for index, day in enumerate(days):
        expected = dates[0] + timedelta(days=index)
        if day["date"] != expected or \
                day["start"] != datetime.combine(expected, clock, zone) or \
                day["end"] != datetime.combine(expected + timedelta(days=1), clock, zone):
            return None
    return clock


def fitting_rule(clock: time | None, head: dict[str, Any], sessions: list[dict[str, Any]],
                 zone: tzinfo) -> time | None:
    """A pentabarf ``day_change`` as ``day_starts``, when every session starts on or after
    the first day's start under it (else the calendar days, as before)."""
    if clock is None or clock == time(0):
        return None
    opens = datetime.combine(head["start"], clock, zone)
    return clock if all(s["start"] >= opens for s in sessions) else None
