"""``wic invites import``: guests from CSV: all rows or none; known guests updated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wiccli.cli.commands.invites._common import ForceOpt, random_bytes, utc_now, where
from wiccli.cli.registry import command
from wiccli.errors import DataError, at_most


@command()
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="A guest list: the first "
                                         "row names the columns.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count; write nothing.")
                       ] = False,
    force: ForceOpt = False,
) -> None:
    """Import guests from CSV: all rows or none; known guests are updated, not repeated."""
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core
    from wiccli.invites.importcsv import plan, read_rows
    from wiccli.output.render import work_progress

    state, event, path = where()
    rows = read_rows(file)
    now = utc_now(state)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, Any]:
        with work_progress(state.env, len(rows), "checking rows") as progress:
            result = plan(ledger, event, rows, source=str(file), now=now,
                          random_bytes=random_bytes, force=force, progress=progress)
        if result.problems:
            shown = at_most(result.problems, lambda n: f"… and {n} more bad rows")
            raise DataError(f"{file}: {len(result.problems)} bad row(s); nothing was imported",
                            details=shown)
        return (ledger if dry_run else result.ledger), result

    result = (change(store.read(path, event.id).ledger)[1] if dry_run
              else store.update(path, event.id, change))
    verb = ("would create", "would update") if dry_run else ("created", "updated")
    state.env.message(f"{verb[0]} {result.created}, {verb[1]} {result.updated}, unchanged "
                      f"{result.unchanged} ({len(rows)} rows{', dry run' if dry_run else ''})")

