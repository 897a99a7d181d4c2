"""``wic themes``: the themes, with their number of sub-forums."""

from __future__ import annotations

from wiccli.cli.listing import FormatOpt, Listing, output
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.event.query import forums_per_theme
from wiccli.output.formats import Format
from wiccli.output.render import Column, TableSpec


@command()
def themes(fmt: FormatOpt = Format.table) -> None:
    """The themes, with their number of sub-forums."""
    state = current()
    event = state.event()
    counts = forums_per_theme(event)
    records = [{"id": t.id, "name": t.name, "sub_forums": counts[t.id],
                "description": t.description} for t in event.themes]
    spec = TableSpec(
        columns=[Column("Id", "id", role="code"), Column("Theme", "name"),
                 Column("Sub-forums", "sub_forums", justify="right")],
        title=f"Themes of {event.label}",
        empty="this event has no themes",
    )
    output(state.env, fmt, Listing(records, spec))

