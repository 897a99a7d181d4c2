"""``wic checkin merge``: add offline desks' journals to the ledger."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.registry import command


@command()
def merge(
    files: Annotated[list[str], typer.Argument(metavar="FILE...", show_default=False,
                                               help="Journals written by `wic checkin "
                                                    "--journal FILE`.")],
) -> None:
    """Add the scans of offline desks' journals to the ledger (merging twice adds nothing)."""
    from wiccli.cli.commands.checkin._common import existing_ledger, resolve
    from wiccli.door import journal
    from wiccli.door import merge as core
    from wiccli.event.load import read_bytes
    from wiccli.text import plural

    with existing_ledger() as (state, event, store):
        scans = [scan for name in files for scan in journal.parse_journal(
            read_bytes(resolve(state, name), "journal file", name),
            name, event.id)]
        report = core.retrying(store, lambda tx: core.merge(tx, scans))
    for note in report.notes:
        state.env.warn(note)
    state.env.message(f"merged {plural(report.read, 'scan')} from "
                      f"{plural(len(files), 'journal')}: {report.added:,} added, "
                      f"{report.known:,} already in the ledger; "
                      f"{plural(report.people, 'person', 'people')} checked in")
