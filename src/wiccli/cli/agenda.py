"""Reading the agenda: info, themes, forums, agenda, show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import typer

from wiccli.cli.options import DayOpt, FormatOpt, KindsOpt, ThemesOpt, TzOpt, VenuesOpt
from wiccli.cli.state import State, get_state
from wiccli.errors import NotFoundError
from wiccli.event.query import build_filters, count_by_kind, forums_per_theme, select
from wiccli.event.records import SESSION_FIELDS, session_record
from wiccli.output.render import Column, Format, TableSpec, draw_fields, emit, write_json

PROVISIONAL_NOTE = "* provisional: title or time not published or not final"


def _when(record: Mapping[str, Any]) -> str:
    """``09:00–12:00``; a session that ends on a later day names its days."""
    start, end = record["start"], record["end"]  # ISO 8601: the clock is [11:16]
    if start[:10] != end[:10] and end[11:16] != "00:00":
        first, last = datetime.fromisoformat(start), datetime.fromisoformat(end)
        return f"{start[11:16]}–{end[11:16]}\n{first:%a}–{last:%a}"
    return f"{start[11:16]}–{end[11:16]}"


def _title(record: Mapping[str, Any]) -> str:
    title = str(record["title"])
    if record["status"] == "cancelled":
        title = f"CANCELLED: {title}"
    elif record["status"] == "tentative":
        title = f"{title} (tentative)"
    return f"{title} *" if record["provisional"] else title


def _row_style(record: Mapping[str, Any]) -> str:
    return "dim strike" if record["status"] == "cancelled" else ""


def _session_rows(records: list[dict[str, Any]], theme: bool = True) -> list[dict[str, Any]]:
    """Records with the derived cells a table shows; the theme goes under the title."""
    rows = []
    for r in records:
        label = _title(r)
        if theme and r["theme_name"]:
            label = f"{label}\n· {r['theme_name']}"
        rows.append({**r, "when": _when(r), "label": label})
    return rows


def session_table(title: str | None, records: list[dict[str, Any]]) -> TableSpec:
    provisional = any(r["provisional"] for r in records)
    return TableSpec(
        columns=[
            Column("Time", "when", no_wrap=True),
            Column("Session · theme", "label", min_width=30),
            Column("Kind", "kind", no_wrap=True),
            Column("Venue", "venue_name", min_width=12, max_width=22),
        ],
        title=title,
        row_style=_row_style,
        empty="no sessions match",
        caption=PROVISIONAL_NOTE if provisional else None,
        fields=SESSION_FIELDS,
    )


def day_title(day: date, index: int) -> str:
    return f"{day.strftime('%A')} {day.day} {day.strftime('%B %Y')} · day {index}"


def agenda(
    ctx: typer.Context,
    day: DayOpt = None,
    theme: ThemesOpt = None,
    venue: VenuesOpt = None,
    kind: KindsOpt = None,
    tz: TzOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every session of one day (or all days), in time order."""
    state = get_state(ctx)
    event = state.event()
    zone = state.zone(tz)
    filters = build_filters(event, today=state.today(), days=[day] if day else [],
                            themes=theme or [], venues=venue or [], kinds=kind or [])
    records = [session_record(event, s, zone) for s in select(event, filters, zone)]
    if fmt is not Format.table:
        emit(state.env, fmt, records, session_table(None, records))
        return
    if not records:
        state.env.message(f"no sessions match in {event.label}")
        return
    # One table per day; with --day, a session that spans days shows under that day.
    shown_days = sorted(filters.days) or [date.fromisoformat(d) for d in
                                          dict.fromkeys(r["day"] for r in records)]
    for current in shown_days:
        todays = [r for r in records if filters.days or r["day"] == current.isoformat()]
        number = event.days.index(current) + 1 if current in event.days else 0
        emit(state.env, fmt, _session_rows(todays),
             session_table(day_title(current, number), todays))


def forums(
    ctx: typer.Context,
    theme: ThemesOpt = None,
    day: DayOpt = None,
    venue: VenuesOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Sub-forums grouped by theme, in time order."""
    from wiccli.event.query import group_by_theme, sub_forums

    state = get_state(ctx)
    event = state.event()
    zone = state.zone()
    filters = build_filters(event, today=state.today(), days=[day] if day else [],
                            themes=theme or [], venues=venue or [])
    groups = group_by_theme(event, sub_forums(select(event, filters, zone)))
    records = [session_record(event, s, zone) for _, items in groups for s in items]
    if fmt is not Format.table:
        emit(state.env, fmt, records, session_table(None, records))
        return
    if not records:
        state.env.message("no sub-forums match")
        return
    for theme_id, items in groups:
        found = event.theme(theme_id)
        rows = [r for r in _session_rows(records, theme=False) if r["theme"] == theme_id]
        spec = TableSpec(
            columns=[Column("Day", "day", no_wrap=True), Column("Time", "when", no_wrap=True),
                     Column("Sub-forum", "label", min_width=30),
                     Column("Venue", "venue_name", max_width=20)],
            title=f"{found.name if found else theme_id} ({len(items)})",
            row_style=_row_style,
            caption=PROVISIONAL_NOTE if any(r["provisional"] for r in rows) else None,
        )
        emit(state.env, fmt, rows, spec)


def themes(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """The themes, with their number of sub-forums."""
    state = get_state(ctx)
    event = state.event()
    counts = forums_per_theme(event)
    records = [{"id": t.id, "name": t.name, "sub_forums": counts[t.id],
                "description": t.description} for t in event.themes]
    spec = TableSpec(
        columns=[Column("Id", "id", no_wrap=True), Column("Theme", "name"),
                 Column("Sub-forums", "sub_forums", justify="right")],
        title=f"Themes of {event.label}",
        empty="this event has no themes",
    )
    emit(state.env, fmt, records, spec)


def show(
    ctx: typer.Context,
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    tz: TzOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One session in full."""
    state = get_state(ctx)
    event = state.event()
    session = event.session(session_id)
    if session is None:
        raise NotFoundError(f"no session with id {session_id!r} in {event.label}; "
                            "`wic agenda -f tsv | cut -f1` lists the ids")
    record = session_record(event, session, state.zone(tz))
    if fmt is Format.json:
        write_json(state.env, record)
    elif fmt is not Format.table:
        emit(state.env, fmt, [record], TableSpec(columns=[], fields=SESSION_FIELDS))
    else:
        draw_fields(state.env, _show_rows(state, record), title=record["title"])


def _show_rows(state: State, record: dict[str, Any]) -> list[tuple[str, str]]:
    start = datetime.fromisoformat(record["start"])
    rows = [
        ("id", record["id"]),
        ("when", f"{start:%a %d %b %Y} {_when(record)} (UTC{start.isoformat()[-6:]})"),
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


def info(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """What the loaded event is: dates, time zone, venues, themes, counts, the file."""
    state = get_state(ctx)
    event = state.event()
    record = event_record(event, state)
    if fmt is Format.json:
        write_json(state.env, record)
        return
    rows = _info_rows(record)
    if fmt is Format.table:
        draw_fields(state.env, rows, title=event.name)
    else:
        emit(state.env, fmt, [{"field": k, "value": v} for k, v in rows],
             TableSpec(columns=[], fields=("field", "value")))


def event_record(event: Any, state: State) -> dict[str, Any]:
    path, _ = state.event_path()
    return {
        "id": event.id, "name": event.name, "short_name": event.short_name,
        "tagline": event.tagline, "timezone": event.timezone,
        "start": event.start.isoformat(), "end": event.end.isoformat(),
        "days": [d.isoformat() for d in event.days], "location": event.location,
        "organizers": list(event.organizers), "url": event.url,
        "updated": event.updated.isoformat() if event.updated else None,
        "venues": [{"id": v.id, "name": v.name, "address": v.address} for v in event.venues],
        "themes": [{"id": t.id, "name": t.name} for t in event.themes],
        "sessions": len(event.sessions), "sessions_by_kind": count_by_kind(event),
        "invitation_target": event.invitations.target,
        "invitation_categories": [
            {"id": c.id, "name": c.name, "target": c.target}
            for c in event.invitations.categories
        ],
        "source": "bundled" if event.bundled else str(path),
        "file": str(path),
    }


def _info_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    days = r["days"]
    kinds = ", ".join(f"{n} {k}" for k, n in r["sessions_by_kind"].items())
    rows = [
        ("id", r["id"]),
        ("dates", f"{r['start']} to {r['end']} ({len(days)} day{'s' if len(days) != 1 else ''})"),
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


def register(app: typer.Typer) -> None:
    app.command()(info)
    app.command()(themes)
    app.command()(forums)
    app.command()(agenda)
    app.command()(show)
