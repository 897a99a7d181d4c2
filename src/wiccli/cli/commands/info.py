"""``wic info``: what the loaded event is: dates, time zone, venues, themes, counts, the file."""

from __future__ import annotations

from wiccli.cli.agenda_view import event_record, info_rows
from wiccli.cli.options import FormatOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.output.render import Format, TableSpec, draw_fields, emit, write_json


@command()
def info(fmt: FormatOpt = Format.table) -> None:
    """What the loaded event is: dates, time zone, venues, themes, counts, the file."""
    state = current()
    event = state.event()
    record = event_record(event, state)
    if fmt is Format.json:
        write_json(state.env, record)
        return
    rows = info_rows(record)
    if fmt is Format.table:
        draw_fields(state.env, rows, title=event.name)
    else:
        emit(state.env, fmt, [{"field": k, "value": v} for k, v in rows],
             TableSpec(columns=[], fields=("field", "value")))

