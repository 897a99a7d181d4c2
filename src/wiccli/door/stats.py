"""Who came, who is inside, where and when: the numbers of ``wic checkin stats``.

Every count is of people (an entry's quantity), as ``wic invites status`` counts:

- checked in: guests whose status is ``attended`` (the first admission makes it so), per
  category against those who said yes (accepted, attended, no-show) and the category's
  target; the same numbers as the ``attended`` column of ``wic invites status``;
- inside now: guests whose latest admitted scan through the door is an entry (a guest who
  came in twice and never left is inside once); per session the same, for its desks;
- per desk: scans, admitted, refused, and the people each desk checked in first;
- per hour (the event's time zone): people checked in, and scans made.

Computed in the database (grouped sums, windows over the admitted scans), so a big ledger
is never loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from wiccli.event.model import Event
from wiccli.invites.backend import Cursor

SAID_YES = ("accepted", "attended", "no-show")

# The latest admitted scan of each guest, per session ('' is the door).
_LATEST = ("SELECT entry_id, session, direction, row_number() OVER (PARTITION BY entry_id, "
           "session ORDER BY at DESC, id DESC) AS n FROM scans WHERE verdict = 'admitted' "
           "AND entry_id IS NOT NULL")
# The first admission in of each guest, per session.
_FIRST = ("SELECT entry_id, session, desk, at, row_number() OVER (PARTITION BY entry_id, "
          "session ORDER BY at, id) AS n FROM scans WHERE verdict = 'admitted' "
          "AND direction = 'in' AND entry_id IS NOT NULL")


def gather(db: Cursor, event: Event, zone: tzinfo, now: datetime) -> dict[str, Any]:
    """The numbers, as plain data (the JSON document of ``-f json``): four queries, each
    a grouped sum the database makes from an index or the admitted scans."""
    categories = _categories(db, event)
    inside = {str(s): int(n) for s, n in db.rows(
        f"SELECT l.session, sum(e.quantity) FROM ({_LATEST}) l JOIN entries e ON e.id = "
        "l.entry_id WHERE l.n = 1 AND l.direction = 'in' GROUP BY l.session")}
    scans = db.rows("SELECT desk, direction, verdict, substr(at, 1, 13), count(*) FROM scans "
                    "GROUP BY desk, direction, verdict, substr(at, 1, 13)")
    firsts = db.rows(
        f"SELECT f.session, f.desk, substr(f.at, 1, 13), e.status, sum(e.quantity) FROM "
        f"({_FIRST}) f JOIN entries e ON e.id = f.entry_id WHERE f.n = 1 "
        "GROUP BY f.session, f.desk, substr(f.at, 1, 13), e.status")
    totals = {k: sum(c[k] for c in categories) for k in ("checked_in", "said_yes")}
    return {
        "event": event.id,
        "at": now.isoformat(),
        "totals": {**totals, "inside": inside.get("", 0), "target": event.invitations.target,
                   "scans": sum(int(r[-1]) for r in scans)},
        "categories": categories,
        "desks": _desks(scans, firsts),
        "hours": _hours(scans, firsts, zone),
        "sessions": _sessions(firsts, event, inside),
    }


Rows = list[tuple[Any, ...]]


def _categories(db: Cursor, event: Event) -> list[dict[str, Any]]:
    found: dict[str, dict[str, int]] = {}
    # Grouped as the entries_tally index is ordered: read from it alone, no sort.
    for category, _, status, people in db.rows(
            "SELECT category, country, status, sum(quantity) FROM entries "
            "GROUP BY category, country, status"):
        counts = found.setdefault(str(category), {"checked_in": 0, "said_yes": 0})
        if status in SAID_YES:
            counts["said_yes"] += int(people)
        if status == "attended":
            counts["checked_in"] += int(people)
    known = {c.id: c for c in event.invitations.categories}
    order = list(known) + sorted(k for k in found if k not in known)
    rows = []
    for key in order:
        counts = found.get(key, {"checked_in": 0, "said_yes": 0})
        category = known.get(key)
        rows.append({"group": key, "name": category.name if category else key, **counts,
                     "target": category.target if category else None,
                     "share": _ratio(counts["checked_in"], counts["said_yes"])})
    return rows


def _desks(scans: Rows, firsts: Rows) -> list[dict[str, Any]]:
    desks: dict[str, dict[str, int]] = {}
    for desk, direction, verdict, _, count in scans:
        row = desks.setdefault(str(desk), dict.fromkeys(
            ("scans", "admitted", "refused", "exits", "checked_in"), 0))
        row["scans"] += int(count)
        row["admitted" if verdict == "admitted" else "refused"] += int(count)
        if direction == "out" and verdict == "admitted":
            row["exits"] += int(count)
    for session, desk, _, _, people in firsts:
        if session == "" and str(desk) in desks:
            desks[str(desk)]["checked_in"] += int(people)
    return [{"desk": d, **desks[d]} for d in sorted(desks)]


def _hours(scans: Rows, firsts: Rows, zone: tzinfo) -> list[dict[str, Any]]:
    """Per hour in the event's zone (the database groups by the UTC hour of the ISO text)."""
    hours: dict[str, dict[str, Any]] = {}

    def slot(utc_hour: str) -> dict[str, Any]:
        start = datetime.fromisoformat(f"{utc_hour}:00:00+00:00").astimezone(zone)
        key = start.isoformat()
        return hours.setdefault(key, {"hour": key, "checked_in": 0, "scans": 0})

    for *_, hour, count in scans:
        slot(str(hour))["scans"] += int(count)
    for session, _, hour, status, people in firsts:
        if session == "" and status == "attended":
            slot(str(hour))["checked_in"] += int(people)
    return [hours[k] for k in sorted(hours)]


def _sessions(firsts: Rows, event: Event, inside: dict[str, int]) -> list[dict[str, Any]]:
    came: dict[str, int] = {}
    for session, *_, people in firsts:
        if session != "":
            came[str(session)] = came.get(str(session), 0) + int(people)
    rows = []
    for session_id in sorted(came, key=_session_order(event)):
        session = event.session(session_id)
        venue = event.venue(session.venue) if session else None
        capacity = venue.capacity if venue else None
        rows.append({"session": session_id, "title": session.title if session else "",
                     "venue": venue.name if venue else "", "checked_in": came[session_id],
                     "inside": inside.get(session_id, 0), "capacity": capacity,
                     "share": _ratio(inside.get(session_id, 0), capacity)})
    return rows


def _session_order(event: Event) -> Callable[[str], tuple[str, str]]:
    def key(session_id: str) -> tuple[str, str]:
        session = event.session(session_id)
        return (session.start.isoformat() if session else "~", session_id)

    return key


def _ratio(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None
