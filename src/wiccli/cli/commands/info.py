"""``wic info``: what the loaded event is: dates, time zone, venues, themes, counts, the file."""

from __future__ import annotations

from wiccli.cli.agenda_view import info_rows
from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.event.records import event_record
from wiccli.output.formats import Format
from wiccli.output.render import TableSpec, draw_fields


@command()
def info(fmt: FormatOpt = Format.table) -> None:
    """What the loaded event is: dates, time zone, venues, themes, counts, the file."""
    state = current()
    event = state.event()
    record = event_record(event, state.event_path()[0])
    rows = info_rows(record)
    output(state.env, fmt, Listing(
        [{"field": k, "value": v} for k, v in rows],
        TableSpec(columns=[], fields=("field", "value")), document=record,
        view=lambda: draw_fields(state.env, rows, title=event.name)))

