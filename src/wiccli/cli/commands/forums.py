"""``wic forums``: sub-forums grouped by theme, in time order."""

from __future__ import annotations

from wiccli.cli.agenda_view import PROVISIONAL_NOTE, row_style, session_rows, session_table
from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.options import DayOpt, ThemesOpt, VenuesOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.event.query import build_filters, select
from wiccli.event.records import session_record
from wiccli.output.formats import Format
from wiccli.output.render import Column, TableSpec, draw_table


@command()
def forums(
    theme: ThemesOpt = None,
    day: DayOpt = None,
    venue: VenuesOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Sub-forums grouped by theme, in time order."""
    from wiccli.event.query import group_by_theme, sub_forums

    state = current()
    event = state.event()
    zone = state.zone()
    filters = build_filters(event, today=state.today(), days=[] if day is None else [day],
                            themes=theme or [], venues=venue or [])
    groups = group_by_theme(event, sub_forums(select(event, filters, zone)))
    records = [session_record(event, s, zone) for _, items in groups for s in items]

    def by_theme() -> None:
        if not records:
            state.env.message("no sub-forums match")
            return
        for theme_id, items in groups:
            found = event.theme(theme_id)
            rows = [r for r in session_rows(records, theme=False) if r["theme"] == theme_id]
            draw_table(state.env, rows, TableSpec(
                columns=[Column("Day", "day", no_wrap=True),
                         Column("Time", "when", no_wrap=True),
                         Column("Sub-forum", "label", min_width=30),
                         Column("Venue", "venue_name", max_width=20)],
                title=f"{found.name if found else theme_id} ({len(items)})",
                row_style=row_style,
                caption=PROVISIONAL_NOTE if any(r["provisional"] for r in rows) else None,
            ))

    output(state.env, fmt, Listing(records, session_table(None, records), view=by_theme))

