"""``wic show``: one session in full."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.agenda_view import show_rows
from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.options import TzOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import NotFoundError
from wiccli.event.records import SESSION_FIELDS, session_record
from wiccli.output.formats import Format
from wiccli.output.render import TableSpec, draw_fields


@command()
def show(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session's id.")],
    tz: TzOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One session in full."""
    state = current()
    event = state.event()
    session = event.session(session_id)
    if session is None:
        raise NotFoundError(f"no session with id {session_id!r} in {event.label}; "
                            "`wic agenda -f tsv | cut -f1` lists the ids")
    record = session_record(event, session, state.zone(tz))
    output(state.env, fmt, Listing(
        [record], TableSpec(columns=[], fields=SESSION_FIELDS), document=record,
        view=lambda: draw_fields(state.env, show_rows(state, record), title=record["title"])))

