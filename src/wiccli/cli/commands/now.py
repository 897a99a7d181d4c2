"""``wic now``: what runs now and what starts next, per venue."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Any

import typer

from wiccli.cli.listing import Format, FormatOpt, Listing, output
from wiccli.cli.options import TzOpt
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.errors import UsageError
from wiccli.event.model import Event
from wiccli.output.render import TableSpec

AtOpt = Annotated[
    str | None,
    typer.Option("--at", metavar="DATETIME",
                 help="The moment to look at, e.g. 2018-11-08T10:00 (event's zone; default: now)."),
]
WatchOpt = Annotated[
    bool, typer.Option("--watch", help="Refresh in place until interrupted (Ctrl-C).")
]
EveryOpt = Annotated[
    str,  # parsed here: an int option would bring Pydantic into start-up
    typer.Option("--every", metavar="SECONDS", help="With --watch: seconds between refreshes."),
]


@command()
def now(
    at: AtOpt = None,
    tz: TzOpt = None,
    fmt: FormatOpt = Format.table,
    watch: WatchOpt = False,
    every: EveryOpt = "30",
) -> None:
    """What runs now and what starts next, per venue."""
    from wiccli.publish.now import parse_at

    state = current()
    event = state.event()
    zone = state.zone(tz)
    if watch and at is not None:
        raise UsageError("--watch follows the clock; leave out --at")
    if watch and fmt is not Format.table:
        raise UsageError("--watch is for people; scripts run `wic now -f json` when needed")
    moment = parse_at(at, zone) if at is not None else None
    seconds = _seconds(every)
    if watch:
        from wiccli.output.styled import watch as watch_lines

        watch_lines(state.env, lambda: _lines(state, event, zone, None), seconds)
    else:
        from wiccli.output.styled import draw_lines
        from wiccli.publish.now import now_and_next, now_record

        record = now_record(event, now_and_next(event, moment or state.env.now()), zone)
        output(state.env, fmt, Listing(
            _rows(record), ROWS, document=record,
            view=lambda: draw_lines(state.env, _lines(state, event, zone, moment))))


ROWS = TableSpec(columns=[], fields=("venue", "venue_name", "when", "id", "title", "kind",
                                     "start", "end", "minutes"))


def _rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per session running now or starting next; ``minutes`` left or until it starts."""
    return [{"venue": v["venue"], "venue_name": v["venue_name"], "when": when, **item,
             "minutes": item.get("minutes_left", item.get("minutes_until"))}
            for v in record["venues"] for when in ("now", "next") for item in v[when]]


def _lines(state: State, event: Event, zone: tzinfo,
           moment: datetime | None) -> list[list[tuple[str, str]]]:
    from wiccli.publish.now import now_and_next, now_lines

    return now_lines(event, now_and_next(event, moment or state.env.now()), zone)


def _seconds(text: str) -> int:
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= 3600:
        raise UsageError(f"--every: {text!r} is not a number of seconds from 1 to 3600")
    return int(value)
