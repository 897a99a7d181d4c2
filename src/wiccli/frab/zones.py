"""The time zone of an imported schedule: named, given, or derived from the offsets."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta, tzinfo

from wiccli.errors import UsageError
from wiccli.event.check import load_zone
from wiccli.event.values import zone_option
from wiccli.frab.raw import RawSchedule


def choose_zone(raw: RawSchedule, wanted: str | None) -> tuple[str, tzinfo, list[str]]:
    """``(name, zone, warnings)``: ``--timezone``, else ``time_zone_name``, else the offsets."""
    notes: list[str] = []
    if wanted is not None:
        return wanted, zone_option("--timezone", wanted), notes
    name = raw.time_zone_name
    if name:
        zone = load_zone(name)
        if zone is not None:
            return name, zone, _mismatch(raw, name, zone)
        notes.append(f"the schedule names an unknown time zone {name!r}")
    derived, zone, more = from_offsets(raw)
    return derived, zone, notes + more


def from_offsets(raw: RawSchedule) -> tuple[str, tzinfo, list[str]]:
    """A fixed-offset zone (``Etc/GMT-8`` is UTC+8) from the most common event offset."""
    offsets = Counter(e.start.utcoffset() for e in raw.events
                      if e.start is not None and e.start.tzinfo is not None)
    if not offsets:
        return "UTC", _zone("UTC"), [
            "the schedule gives no time zone and no UTC offsets: times are taken as UTC "
            "(give --timezone to choose the zone)"]
    offset = offsets.most_common(1)[0][0] or timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest == 0 and -12 <= hours <= 14:
        name = "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    else:
        name = "UTC"
    notes = [f"the schedule names no time zone: using {name}, a fixed offset of "
             f"{_offset(offset)} taken from its times (give --timezone to choose the zone)"]
    if len(offsets) > 1:
        notes.append(f"the schedule's times carry {len(offsets)} different UTC offsets: "
                     "each time is kept exactly")
    return name, _zone(name), notes


def _mismatch(raw: RawSchedule, name: str, zone: tzinfo) -> list[str]:
    """A warning when the times' own offsets disagree with the named zone."""
    differ = [e for e in raw.events if e.start is not None and e.start.tzinfo is not None
              and e.start.utcoffset() != e.start.astimezone(zone).utcoffset()]
    if not differ:
        return []
    offset = differ[0].start.utcoffset() if differ[0].start else None
    return [f"{len(differ)} event times carry a UTC offset ({_offset(offset)}) other than "
            f"{name}'s: the instants are kept and shown in {name} "
            "(give --timezone to choose the zone)"]


def _offset(offset: timedelta | None) -> str:
    seconds = int((offset or timedelta(0)).total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _zone(name: str) -> tzinfo:
    zone = load_zone(name)
    if zone is None:  # tzdata is a dependency; UTC always exists
        raise UsageError(f"time zone {name!r} is missing from this system")
    return zone
