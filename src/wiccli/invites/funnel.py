"""The invitation funnel over time, from the ledger's history: how many people had reached
each stage at the end of each day or week, per group, against the targets.

A guest counts in a stage while their status is one of the stage's statuses, so each stage
holds the next (a guest who accepts, then declines, leaves ``accepted`` again):

- ``listed``: on the guest list (every status);
- ``invited``: anything but ``listed`` (withdrawn included, as ``wic invites status`` counts);
- ``answered``: accepted + declined + attended + no-show (``tentative`` is no answer yet);
- ``accepted``: said yes: accepted + attended + no-show;
- ``attended``: attended.

``declined`` and ``withdrawn`` are given beside them. Counts are people (quantities); a
guest's group is their category or country as it is now. Days are the event's calendar
days, in its time zone at the UTC offset the event starts in; weeks start on Monday.

The database does the counting (:func:`history_counts`): one query sums quantities per
group, status, the status before and day, and each history line adds its people to its
status and takes them from the one before on that day. What comes back is a few rows a
group and day, never a row a guest; the levels are running sums of those here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from wiccli.errors import DataError, UsageError
from wiccli.event.model import Event
from wiccli.invites.backend import Cursor
from wiccli.invites.model import ANSWERED, SAID_YES, STATUSES

VERSION = 1  # of the JSON document: raised when a field changes meaning or goes
STAGES = ("listed", "invited", "answered", "accepted", "attended")
BESIDE = ("declined", "withdrawn")
SERIES = STAGES + BESIDE
MEMBERS: dict[str, frozenset[str]] = {
    "listed": frozenset(STATUSES),
    "invited": frozenset(STATUSES) - {"listed"},
    "answered": ANSWERED,
    "accepted": SAID_YES,
    "attended": frozenset({"attended"}),
    "declined": frozenset({"declined"}),
    "withdrawn": frozenset({"withdrawn"}),
}
GROUPINGS = ("category", "country", "region", "subregion")
MAX_PERIODS = 1000  # points a series holds: 2.7 years of days, 19 years of weeks
_INDEX = {status: n for n, status in enumerate(STATUSES)}
UTC_TEXT = "____-__-__T__:__:__%+00:00"  # (LIKE) how the store writes a time: UTC

# Each history line joined to the line before it (same guest, seq - 1) and to its guest.
# The day is the UTC date and whether the UTC time is past the event's midnight (``?``):
# text operations that SQLite and PostgreSQL share, on the ISO 8601 UTC text the store
# writes. The last column counts lines whose time is not such text (changed outside wic).
_COUNTS = """
SELECT {group}, h.status, p.status, substr(h.at, 1, 10), substr(h.at, 12, 5) >= ?,
       sum(e.quantity), sum(CASE WHEN h.at LIKE ? THEN 0 ELSE 1 END)
FROM history h
LEFT JOIN history p ON p.entry_id = h.entry_id AND p.seq = h.seq - 1
JOIN entries e ON e.id = h.entry_id
GROUP BY 1, 2, 3, 4, 5
"""


@dataclass(frozen=True)
class Window:
    """What a report covers: grouped ``by``, a point ``every`` day or week, between two
    days (the first and last recorded change when not given)."""

    by: str = "category"
    every: str = "day"
    since: date | None = None
    until: date | None = None


# --------------------------------------------------------------------------- the database


def history_counts(db: Cursor, by: str, zone: tzinfo, start: date, where: str
                   ) -> dict[tuple[str, date], list[int]]:
    """(group, local day) -> the change of each status's people that day (in
    :data:`STATUSES` order), summed in the database. Region groupings are counted by
    country and folded here."""
    column = "e.category" if by == "category" else "e.country"
    offset = _offset_minutes(zone, start)
    split = _split(offset)
    rows = db.rows(_COUNTS.format(group=column), (split, UTC_TEXT))
    fold = _folder(by)
    changes: dict[tuple[str, date], list[int]] = {}
    for group, status, before, day, late, people, odd in rows:
        _check(status, before, people, odd, where)
        key = (fold(group), _local_day(day, bool(late), offset, where))
        counts = changes.setdefault(key, [0] * len(STATUSES))
        counts[_INDEX[status]] += people
        if before is not None:
            counts[_INDEX[before]] -= people
    return changes


def _check(status: Any, before: Any, people: Any, odd: Any, where: str) -> None:
    """A row of the count as wic writes its lines; anything else was changed behind it."""
    if odd or status not in _INDEX or (before is not None and before not in _INDEX) \
            or not isinstance(people, int) or isinstance(people, bool):
        raise DataError(f"{where}: a history line has a time, status or quantity no wic "
                        "writes; the ledger was changed outside wic (`wic invites export` "
                        "names the entry)")


def _offset_minutes(zone: tzinfo, start: date) -> int:
    moment = datetime(start.year, start.month, start.day, 12, tzinfo=zone)
    offset = moment.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _split(offset: int) -> str:
    """The UTC time of day (HH:MM) from which a UTC date is another local date."""
    if offset == 0:
        return "24:00"  # never reached: the UTC date is the local one
    minutes = 24 * 60 - offset if offset > 0 else -offset
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _local_day(text: Any, late: bool, offset: int, where: str) -> date:
    try:
        day = date.fromisoformat(text) if isinstance(text, str) and text.isascii() else None
    except ValueError:
        day = None
    if day is None:
        raise DataError(f"{where}: a history line has a time that is not a date-time; the "
                        "ledger was changed outside wic")
    if offset > 0 and late:
        return day + timedelta(days=1)
    if offset < 0 and not late:
        return day - timedelta(days=1)
    return day


def _folder(by: str) -> Callable[[str], str]:
    if by in ("region", "subregion"):
        from wiccli.invites import regions

        find = regions.region if by == "region" else regions.subregion
        return lambda country: find(country).code
    return lambda group: group


# --------------------------------------------------------------------------- the series


def periods(first: date, last: date, every: str) -> list[date]:
    """The first day of each day or week (Monday) from ``first`` to ``last``."""
    begin = first if every == "day" else first - timedelta(days=first.weekday())
    step = 1 if every == "day" else 7
    count = (last - begin).days // step + 1
    if count > MAX_PERIODS:
        raise UsageError(f"the report would have {count:,} points (from {first} to {last}, "
                         f"one a {every}); at most {MAX_PERIODS:,}: narrow it with "
                         "--since and --until, or use --every week")
    return [begin + timedelta(days=step * n) for n in range(max(count, 0))]


def span(changes: Mapping[tuple[str, date], Sequence[int]], window: Window,
         today: date) -> tuple[date, date]:
    """The first and last day shown: as asked, else those of the recorded changes."""
    days = sorted({day for _, day in changes})
    first = window.since or (days[0] if days else today)
    last = window.until or (days[-1] if days else today)
    if last < first:
        if window.since and window.until:
            raise UsageError(f"--until {last} is before --since {first}")
        if window.since:
            last = first
        else:
            first = last
    return first, last


def levels(changes: Mapping[tuple[str, date], Sequence[int]], starts: Sequence[date],
           every: str, last: date) -> dict[str, list[list[int]]]:
    """group -> for each period, the people in each status at its end (a week that runs
    past ``last`` ends with it)."""
    step = timedelta(days=1 if every == "day" else 7)
    ends = [min(s + step, last + timedelta(days=1)) for s in starts]  # the day after each
    by_group: dict[str, list[tuple[date, Sequence[int]]]] = {}
    for (group, day), counts in changes.items():
        by_group.setdefault(group, []).append((day, counts))
    result = {}
    for group, days in by_group.items():
        days.sort(key=lambda item: item[0])
        running, shown, n = [0] * len(STATUSES), [], 0
        for end in ends:
            while n < len(days) and days[n][0] < end:
                running = [a + b for a, b in zip(running, days[n][1], strict=True)]
                n += 1
            shown.append(running)
        result[group] = shown
    return result


def series(points: Sequence[Sequence[int]]) -> dict[str, list[int]]:
    """Each stage's (and declined's, withdrawn's) people at each point."""
    wanted = {name: [_INDEX[s] for s in MEMBERS[name]] for name in SERIES}
    return {name: [sum(point[i] for i in index) for point in points]
            for name, index in wanted.items()}


def _total(found: Mapping[str, list[list[int]]], count: int) -> list[list[int]]:
    total = [[0] * len(STATUSES) for _ in range(count)]
    for points in found.values():
        for at, point in enumerate(points):
            total[at] = [a + b for a, b in zip(total[at], point, strict=True)]
    return total


# --------------------------------------------------------------------------- the report


def report(changes: Mapping[tuple[str, date], Sequence[int]], event: Event, window: Window,
           today: date, names: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The report as plain data (the JSON document, version :data:`VERSION`)."""
    first, last = span(changes, window, today)
    starts = periods(first, last, window.every)
    found = levels(changes, starts, window.every, last)
    targets = {c.id: c.target for c in event.invitations.categories}
    groups = []
    for group in _order(event, window.by, found):
        groups.append({"group": group, "name": _name(event, window.by, group, names),
                       "target": targets.get(group) if window.by == "category" else None,
                       "series": series(found.get(group, [[0] * len(STATUSES)] * len(starts)))})
    total = {"group": "total", "name": "Total", "target": event.invitations.target,
             "series": series(_total(found, len(starts)))}
    return {"version": VERSION, "event": event.id, "name": event.label,
            "event_start": event.start.isoformat(),
            "by": window.by, "every": window.every,
            "since": first.isoformat(), "until": last.isoformat(), "stages": list(STAGES),
            "periods": [s.isoformat() for s in starts],
            "days_to_event": [(s - event.start).days for s in starts],
            "total": total, "groups": groups, "compare": None}


def compared(changes: Mapping[tuple[str, date], Sequence[int]], event: Event, every: str,
             today: date) -> dict[str, Any]:
    """Another edition's total curve, with its days before its own event's start."""
    first, last = span(changes, Window(every=every), today)
    starts = periods(first, last, every)
    found = levels(changes, starts, every, last)
    return {"event": event.id, "name": event.label, "event_start": event.start.isoformat(),
            "since": first.isoformat(), "until": last.isoformat(),
            "periods": [s.isoformat() for s in starts],
            "days_to_event": [(s - event.start).days for s in starts],
            "total": {"group": "total", "name": "Total", "target": event.invitations.target,
                      "series": series(_total(found, len(starts)))}}


def _order(event: Event, by: str, found: Mapping[str, list[list[int]]]) -> list[str]:
    if by == "category":
        known = [c.id for c in event.invitations.categories]
        return known + sorted(k for k in found if k not in known)
    # Countries and regions: the most people on the list now first, then by code.
    return sorted(found, key=lambda k: (-sum(found[k][-1]) if found[k] else 0, k))


def _name(event: Event, by: str, group: str, names: Callable[[str], str] | None) -> str:
    if by == "category":
        return next((c.name for c in event.invitations.categories if c.id == group), group)
    return names(group) if names else group


def records(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One flat row a group (the total last) and period: the numbers of every chart."""
    rows = []
    for group in [*document["groups"], document["total"]]:
        rows += _rows(document["event"], group, document["periods"],
                      document["days_to_event"])
    other = document.get("compare")
    if other:
        rows += _rows(other["event"], other["total"], other["periods"],
                      other["days_to_event"])
    return rows


RECORD_FIELDS = ("event", "group", "name", "period", "days_to_event", *SERIES, "target")


def _rows(event_id: str, group: Mapping[str, Any], starts: Sequence[str],
          days: Sequence[int]) -> list[dict[str, Any]]:
    values = group["series"]
    return [{"event": event_id, "group": group["group"], "name": group["name"],
             "period": start, "days_to_event": days[n],
             **{name: values[name][n] for name in SERIES}, "target": group["target"]}
            for n, start in enumerate(starts)]
