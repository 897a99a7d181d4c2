"""``wic agenda``: every session of one day (or all days), in time order."""

from __future__ import annotations

from datetime import date

from wiccli.cli.agenda_view import day_title, session_rows, session_table
from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.options import DayOpt, KindsOpt, ThemesOpt, TzOpt, VenuesOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.event.query import build_filters, select
from wiccli.event.records import session_record
from wiccli.output.formats import Format
from wiccli.output.render import draw_table


@command()
def agenda(
    day: DayOpt = None,
    theme: ThemesOpt = None,
    venue: VenuesOpt = None,
    kind: KindsOpt = None,
    tz: TzOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every session of one day (or all days), in time order."""
    state = current()
    event = state.event()
    zone = state.zone(tz)
    filters = build_filters(event, today=state.today(), days=[] if day is None else [day],
                            themes=theme or [], venues=venue or [], kinds=kind or [])
    records = [session_record(event, s, zone) for s in select(event, filters, zone)]

    def by_day() -> None:
        if not records:
            state.env.message(f"no sessions match in {event.label}")
            return
        # One table per day; with --day, a session that spans days shows under that day.
        shown_days = sorted(filters.days) or [date.fromisoformat(d) for d in
                                              dict.fromkeys(r["day"] for r in records)]
        for shown in shown_days:
            todays = [r for r in records if filters.days or r["day"] == shown.isoformat()]
            number = event.days.index(shown) + 1 if shown in event.days else 0
            draw_table(state.env, session_rows(todays),
                       session_table(day_title(shown, number), todays))

    output(state.env, fmt, Listing(records, session_table(None, records), view=by_day))

