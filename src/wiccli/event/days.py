"""The event's days: when each one begins and ends, and which day a moment belongs to.

A conference day is not a calendar day: the talks at 00:30 after the first evening are
part of day 1, as conference apps and frab / pretalx schedules list them. The event file
says it in one of two ways (docs/event-format.md, "Days past midnight"):

- ``[event] day_starts = "06:00"``: every day runs from that time to the same time the
  next day (the default, ``00:00``, is the calendar day);
- ``[[days]]``: each day with its own start and end, exactly as a schedule lists them
  (``wic import`` keeps them). A moment between two days (06:00 to 10:00 when days run
  10:00 to 06:00) belongs to the day before.

Every day view asks here (the agenda, grid, site, programme, frab export), so a session
is under the same day everywhere. Pure functions: the zone is passed in, and with the rule
a day is read in it (``--tz``), as listed days are fixed instants.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta, tzinfo

from wiccli.event.model import Day, Event, Session

_TICK = timedelta(microseconds=1)


def event_days(event: Event, zone: tzinfo) -> list[Day]:
    """Every day of the event with the instants it begins and ends."""
    if event.day_list:
        return list(event.day_list)
    return [rule_day(event, day, zone) for day in event.days]


def rule_day(event: Event, day: date, zone: tzinfo) -> Day:
    """A date's span under ``day_starts``: its start to the same time the next day."""
    return Day(day, datetime.combine(day, event.day_starts, zone),
               datetime.combine(day + timedelta(days=1), event.day_starts, zone))


def day_span(event: Event, day: date, zone: tzinfo) -> Day:
    """The span of one day of the event (any date: the rule's span for one outside it)."""
    found = next((d for d in event.day_list if d.date == day), None)
    return found or rule_day(event, day, zone)


def day_of(event: Event, moment: datetime, zone: tzinfo) -> date:
    """The day ``moment`` belongs to: the listed day that began last before it, or under
    the rule the date of its wall time less ``day_starts`` (00:30 is the day before when
    days start at 06:00)."""
    if event.day_list:
        starts = [d.start for d in event.day_list]
        index = bisect_right(starts, moment) - 1
        if index >= 0:
            return event.day_list[index].date
        return moment.astimezone(zone).date()  # before the first day: not one of its days
    wall = moment.astimezone(zone).replace(tzinfo=None)
    shift = timedelta(hours=event.day_starts.hour, minutes=event.day_starts.minute,
                      seconds=event.day_starts.second)
    return (wall - shift).date()


def session_day(event: Event, session: Session, zone: tzinfo) -> date:
    """The day a session is listed under: the day it starts on."""
    return day_of(event, session.start, zone)


def session_days(event: Event, session: Session, zone: tzinfo) -> list[date]:
    """Every day a session runs on (an expo over three days is on all three)."""
    first = day_of(event, session.start, zone)
    last = max(first, day_of(event, session.end - _TICK, zone))
    if event.day_list:
        dates = event.days
        if first in dates and last in dates:
            return dates[dates.index(first):dates.index(last) + 1]
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]
