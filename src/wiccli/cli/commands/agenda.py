"""``wic agenda``: every session of one day (or all days), in time order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from wiccli.cli.agenda_view import day_title, session_rows, session_table
from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.options import DayOpt, KindsOpt, ThemesOpt, TzOpt, VenuesOpt
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.event.model import Event
from wiccli.event.query import build_filters, resolve_day, select
from wiccli.event.records import session_records
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
    # One day (of any zone): a big event's cache reads only the days that can overlap it.
    # --kind matches the kinds of every day, so it needs every session.
    event = state.event_around(day_window(state, day, tz)) if day and not kind else \
        state.event()
    zone = state.zone(tz)
    filters = build_filters(event, today=state.today(), days=[] if day is None else [day],
                            themes=theme or [], venues=venue or [], kinds=kind or [])
    records = session_records(event, select(event, filters, zone), zone)

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



def day_window(state: State, day: str, tz: str | None) -> Callable[[Event], tuple[datetime,
                                                                              datetime]]:
    """The window of ``--day`` (in ``--tz``), as :meth:`State.event_around` asks for it:
    the same day, zone and errors as ``build_filters`` and ``State.zone`` give."""
    def window(head: Event) -> tuple[datetime, datetime]:
        from wiccli.event.cache import day_window as bounds
        from wiccli.event.values import zone_option

        home = zone_option("event.timezone", head.timezone)
        zone = home if tz is None else zone_option("--tz", tz)
        today = state.env.now().astimezone(home).date()
        return bounds(head, resolve_day(day, head, today), zone)

    return window
