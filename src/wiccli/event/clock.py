"""Local times at a clock change: which instant a wall time means, and the zone's changes.

Python compares and subtracts two datetimes that share a ``tzinfo`` by their wall
times, ignoring the offset and ``fold``: across a change of the clocks that gives
durations an hour off and orders the two 02:30s of a fall-back night as one. So a
session's times are kept with a *fixed* offset (:func:`fixed`): the local wall time
and date stay readable, and every comparison and difference is between instants.

A local time written without an offset is resolved as RFC 5545 (3.3.5) says: a time
that occurs twice (a fold) is the first occurrence; a time that never occurs (a gap)
is read with the offset in use before the gap, so 02:30 on a spring-forward night in
Europe/Berlin is 03:30 CEST. :func:`resolve` says which case a wall time is in.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple

NORMAL, FOLD, GAP = "normal", "fold", "gap"


@functools.lru_cache(maxsize=64)
def _fixed_zone(offset: timedelta) -> timezone:
    return UTC if not offset else timezone(offset)


def fixed(moment: datetime, zone: tzinfo) -> datetime:
    """``moment`` as wall time in ``zone``, carrying that instant's offset as a fixed zone."""
    # Through UTC: astimezone() to a datetime's own tzinfo would keep a wall time in a gap.
    local = moment.astimezone(UTC).astimezone(zone)
    return local.replace(tzinfo=_fixed_zone(local.utcoffset() or timedelta(0)), fold=0)


class Resolved(NamedTuple):  # a tuple: built for every local time of every event file
    """A wall time read in a zone: the instant used, and whether it was at a change."""

    moment: datetime  # aware, fixed offset
    case: str  # NORMAL, FOLD or GAP
    other: datetime | None = None  # in a fold: the second occurrence, not used


@functools.lru_cache(maxsize=4096)  # sessions share their times: a hit costs a tenth
def resolve(wall: datetime, zone: tzinfo) -> Resolved:
    """The instant a naive wall time means in ``zone`` (RFC 5545 for folds and gaps)."""
    first = wall.replace(tzinfo=zone, fold=0)
    offset = first.utcoffset()
    if offset == wall.replace(tzinfo=zone, fold=1).utcoffset():
        # The common case, kept cheap: a 10,000-session file resolves 20,000 of these.
        return Resolved(wall.replace(tzinfo=_fixed_zone(offset or timedelta(0)), fold=0), NORMAL)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return Resolved(fixed(first, zone), FOLD, fixed(second, zone))
    return Resolved(fixed(first, zone), GAP)


def at_change(moment: datetime, zone: tzinfo) -> bool:
    """True when the wall time of ``moment`` in ``zone`` occurs twice (or never)."""
    local = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return resolve(local, zone).case != NORMAL


def elapsed(start: datetime, end: datetime) -> timedelta:
    """The real time between two aware instants, whatever their zones."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def offset_text(offset: timedelta | None) -> str:
    """``+01:00``, ``+10:30``, ``-05:00``."""
    seconds = int((offset or timedelta(0)).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def note(wall: datetime, resolved: Resolved, zone_name: str) -> str:
    """What a person reads about a wall time in a fold or a gap: the instant wic uses."""
    used = resolved.moment
    when = wall.isoformat(timespec="minutes")
    utc = f"{used.astimezone(UTC):%H:%M} UTC"
    if resolved.case == FOLD and resolved.other is not None:
        return (f"{when} occurs twice in {zone_name} (the clocks go back): wic uses the first, "
                f"{used.isoformat()} ({utc}); write {resolved.other.isoformat()} for the second")
    return (f"{when} does not exist in {zone_name} (the clocks go forward): wic reads it with "
            f"the offset before the change, as {used.isoformat()} ({utc}); write an offset "
            "to mean another instant")
