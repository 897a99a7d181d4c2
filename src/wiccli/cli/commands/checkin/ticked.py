"""``wic checkin ticked``: the ids ticked on the printed door list, as admissions."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.registry import command


@command()
def ticked(
    source: Annotated[str, typer.Argument(metavar="FILE|-", show_default=False,
                                          help="The ticked ids, one a line (- : standard "
                                               "input).")],
) -> None:
    """Record the guests ticked on the printed door list as admitted at desk "paper".

    Each id is judged by the desk's rules; importing a list twice adds each guest once.
    Exit status 1 when any id was refused.
    """
    from wiccli.cli.checkin_view import ScanOutput
    from wiccli.cli.commands.checkin._common import existing_ledger, now, options, resolve
    from wiccli.door import merge as core
    from wiccli.errors import DataError
    from wiccli.event.load import read_bytes, read_stream
    from wiccli.text import plural

    with existing_ledger() as (state, event, store):
        if source == "-":
            text = read_stream(state.env.stdin, "ticked list")
        else:
            raw = read_bytes(resolve(state, source), "ticked list", source)
            text = raw.decode("utf-8-sig", "replace")
        ids = core.ticked_ids(text.splitlines())
        report = core.retrying(store, lambda tx: core.tick(tx, ids, now(state)))
    shown = ScanOutput(state.env, options().fmt, event)
    for scan in report.scans:
        shown.add(scan)
    shown.finish()
    state.env.message(f"{plural(report.read, 'ticked id')}: {report.added:,} recorded, "
                      f"{report.known:,} recorded before; "
                      f"{plural(report.people, 'person', 'people')} checked in")
    if shown.refused:
        raise DataError(f"{shown.refused:,} of {plural(report.added, 'ticked id')} refused")
