"""A VTIMEZONE for an IANA zone, built from the zone's own transitions (zoneinfo).

``icalendar.Timezone.from_tzinfo`` (7.x) writes each observance's DTSTART as the first
wall time *after* a change, where RFC 5545 (3.6.5) wants the wall time on the clock
*before* it (the one TZOFFSETFROM names): a spring-forward change comes out an hour late
(``DTSTART:20240331T030000`` with ``TZOFFSETFROM:+0100`` for Europe/Berlin, which says
02:00 UTC; the clocks change at 01:00 UTC). Its RDATE lists also made ical.js misplace
times in the next year. So wic builds the component itself, with icalendar's classes:
one STANDARD or DAYLIGHT block per change, each with a single DTSTART and no RDATE or
RRULE, which every reader tried (icalendar, ical.js, …) reads the same way.

The component covers whole years, 1 January of the first to 1 January after the last;
its first block holds the offset in force on that first day.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import Component

# Zones change a few times a year, weeks apart: a day's step finds every change, each then
# narrowed to the second (2 ms for two years; a six-hour step took 8 ms).
_STEP = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of a zone's offset (or name): the instant, and what holds before and after."""

    at: datetime  # UTC
    before: timedelta
    after: timedelta
    name: str  # the zone's abbreviation after the change (CEST)
    daylight: bool  # daylight-saving time after the change

    @property
    def onset(self) -> datetime:
        """The wall time of the change on the clock before it (an observance's DTSTART)."""
        return (self.at + self.before).replace(tzinfo=None)


def state_at(zone: tzinfo, moment: datetime) -> tuple[timedelta, str, bool]:
    """(offset, abbreviation, daylight) of ``zone`` at an instant."""
    local = moment.astimezone(zone)
    return local.utcoffset() or timedelta(0), local.tzname() or "", bool(local.dst())


def transitions(zone: tzinfo, start: datetime, end: datetime) -> list[Transition]:
    """Every change of ``zone`` in ``(start, end]`` (aware instants), to the second."""
    found = []
    moment, last = start.astimezone(UTC), end.astimezone(UTC)
    state = state_at(zone, moment)
    while moment < last:
        step = min(_STEP, last - moment)
        if state_at(zone, moment + step) == state:
            moment += step
            continue
        moment = _first_change(zone, moment, moment + step, state)
        after = state_at(zone, moment)
        found.append(Transition(moment, state[0], *after))
        state = after
    return found


def _first_change(zone: tzinfo, low: datetime, high: datetime,
                  state: tuple[timedelta, str, bool]) -> datetime:
    """The first whole second in ``(low, high]`` whose state is not ``state``."""
    low, high = low.replace(microsecond=0), high.replace(microsecond=0)
    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if state_at(zone, middle) == state:
            low = middle
        else:
            high = middle
    return high


@functools.lru_cache(maxsize=16)
def vtimezone(zone: tzinfo, tzid: str, first_year: int, last_year: int) -> Component:
    """The VTIMEZONE for ``first_year`` to ``last_year`` (cached: split exports share it)."""
    from icalendar import Timezone

    start = datetime.combine(date(first_year, 1, 1), time(0), zone).astimezone(UTC)
    end = datetime.combine(date(last_year + 1, 1, 1), time(0), zone).astimezone(UTC)
    offset, name, daylight = state_at(zone, start)
    component = Timezone()
    component.add("tzid", tzid)
    component.add_component(_observance(
        Transition(start, offset, offset, name, daylight)))
    for change in transitions(zone, start, end):
        component.add_component(_observance(change))
    return component


def _observance(change: Transition) -> Component:
    from icalendar import TimezoneDaylight, TimezoneStandard

    block = TimezoneDaylight() if change.daylight else TimezoneStandard()
    block.add("dtstart", change.onset)
    block.add("tzoffsetfrom", change.before)
    block.add("tzoffsetto", change.after)
    block.add("tzname", change.name)
    return block
