"""``wic grid``: the timetable of a day as a grid, venues across and time down."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.options import DayOpt, TzOpt, VenuesOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current

# A string, parsed by check_slot: an int option would bring Pydantic into start-up.
SlotOpt = Annotated[
    str,
    typer.Option("--slot", metavar="MINUTES",
                 help="Minutes per row: 5, 10, 15, 20, 30 or 60."),
]


@command()
def grid(
    day: DayOpt = None,
    venue: VenuesOpt = None,
    slot: SlotOpt = "30",
    tz: TzOpt = None,
) -> None:
    """The timetable of a day as a grid: venues across, time down."""
    from wiccli.event.query import match, resolve_day, venue_choices
    from wiccli.output.render import width
    from wiccli.output.styled import draw_lines, styled
    from wiccli.publish.layout import check_slot, day_grid
    from wiccli.publish.textgrid import Line, Look, day_heading, draw_day

    state = current()
    event = state.event()
    zone = state.zone(tz)
    minutes = check_slot(slot)
    venues = frozenset(match(v, venue_choices(event), "venue") for v in venue or [])
    days = event.days if day is None else [resolve_day(day, event, state.today())]
    look = Look(color=styled(state.env) and "NO_COLOR" not in state.env.environ,
                width=width(state.env))
    lines: list[Line] = []
    for i, shown in enumerate(days):
        if i:
            lines.append([])
        layout = day_grid(event, shown, zone, minutes, venues)
        if not layout.blocks:
            lines.append([(f"{day_heading(event, shown)}: no sessions", "")])
            continue
        lines.extend(draw_day(event, layout, day_heading(event, shown), look))
    draw_lines(state.env, lines)
