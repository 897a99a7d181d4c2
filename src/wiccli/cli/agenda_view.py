"""How the agenda commands show sessions and the event: table specs and field rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from wiccli.cli.state import State
from wiccli.event.records import SESSION_FIELDS
from wiccli.output.render import Column, TableSpec
from wiccli.text import plural

PROVISIONAL_NOTE = "* provisional: title or time not published or not final"


def when(record: Mapping[str, Any]) -> str:
    """``09:00–12:00``; a session that ends on a later day names its days, and one after
    midnight of its day (a night talk at 01:00, listed under its evening) its weekday."""
    start, end = record["start"], record["end"]  # ISO 8601: the clock is [11:16]
    first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
    if start[:10] != end[:10] and end[11:16] != "00:00":
        return f"{start[11:16]}–{end[11:16]}\n{first:%a}–{last:%a}"
    if start[:10] != record.get("day", start[:10]):
        return f"{start[11:16]}–{end[11:16]}\n{first:%a}"
    return f"{start[11:16]}–{end[11:16]}"


def _title(record: Mapping[str, Any]) -> str:
    title = str(record["title"])
    if record["status"] == "cancelled":
        title = f"CANCELLED: {title}"
    elif record["status"] == "tentative":
        title = f"{title} (tentative)"
    return f"{title} *" if record["provisional"] else title


def row_style(record: Mapping[str, Any]) -> str:
    return "dim strike" if record["status"] == "cancelled" else ""


def session_rows(records: list[dict[str, Any]], theme: bool = True) -> list[dict[str, Any]]:
    """Records with the derived cells a table shows; the theme goes under the title."""
    rows = []
    for r in records:
        label = _title(r)
        if theme and r["theme_name"]:
            label = f"{label}\n· {r['theme_name']}"
        rows.append({**r, "when": when(r), "label": label})
    return rows


def session_table(title: str | None, records: list[dict[str, Any]]) -> TableSpec:
    provisional = any(r["provisional"] for r in records)
    return TableSpec(
        columns=[
            Column("Time", "when", no_wrap=True),
            Column("Session · theme", "label", min_width=30),
            Column("Kind", "kind", role="code"),
            Column("Venue", "venue_name", min_width=12, max_width=22),
        ],
        title=title,
        row_style=row_style,
        empty="no sessions match",
        caption=PROVISIONAL_NOTE if provisional else None,
        fields=SESSION_FIELDS,
    )


def day_title(day: date, index: int) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')} · day {index}"


def show_rows(state: State, record: dict[str, Any]) -> list[tuple[str, str]]:
    start = datetime.fromisoformat(record["start"])
    rows = [
        ("id", record["id"]),
        ("when", f"{start:%a %d %b %Y} {when(record)} (UTC{start.isoformat()[-6:]})"),
        ("kind", record["kind"]),
        ("status", record["status"]),
        ("theme", record["theme_name"] or "—"),
        ("venue", record["venue_name"] or "—"),
    ]
    if record["hosts"]:
        rows.append(("hosts", "; ".join(record["hosts"])))
    if record["speakers"]:
        rows.append(("speakers", "; ".join(record["speakers"])))
    if record["url"]:
        rows.append(("url", record["url"]))
    if record["description"]:
        rows.append(("about", record["description"].strip()))
    if record["provisional"]:
        rows.append(("provisional", "yes: the title or time is not from a published source"))
    return rows


def info_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    days = r["days"]
    kinds = ", ".join(f"{n} {k}" for k, n in r["sessions_by_kind"].items())
    rows = [
        ("id", r["id"]),
        ("dates", f"{r['start']} to {r['end']} ({plural(len(days), 'day')})"),
        ("time zone", r["timezone"]),
        ("location", r["location"] or "—"),
        ("venues", "; ".join(v["name"] for v in r["venues"]) or "—"),
        ("themes", "; ".join(t["name"] for t in r["themes"]) or "—"),
        ("sessions", f"{r['sessions']} ({kinds})" if kinds else "0"),
    ]
    if r["tagline"]:
        rows.insert(1, ("tagline", r["tagline"]))
    if r["organizers"]:
        rows.append(("organizers", "; ".join(r["organizers"])))
    if r["invitation_target"] is not None:
        rows.append(("invitations", f"target {r['invitation_target']:,}"))
    if r["url"]:
        rows.append(("url", r["url"]))
    label = f"{r['file']} (bundled)" if r["source"] == "bundled" else r["file"]
    rows.append(("file", label))
    return rows
