"""``wic invites import``: guests from CSV (all rows or none; known guests updated), or a
whole ledger from the TOML file ``wic invites export -f toml`` wrote."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wiccli.cli.commands.invites._common import ForceOpt, open_ledger, random_bytes, utc_now
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.errors import DataError, at_most
from wiccli.event.model import Event
from wiccli.text import plural

if TYPE_CHECKING:
    from wiccli.invites.importcsv import Plan, Row
    from wiccli.invites.model import Ledger


@command()
def import_(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A guest list in CSV (the first "
                                         "row names the columns), or a ledger in TOML.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count; write nothing.")
                       ] = False,
    listed: Annotated[bool, typer.Option("--listed", help="New guests are listed (not sent "
                                         "anything yet) instead of invited.")] = False,
    force: ForceOpt = False,
) -> None:
    """Import guests from CSV, or a ledger from TOML: all or nothing; known guests are
    updated, not repeated."""
    state = current()
    event = state.event()
    if file.suffix.lower() == ".toml":
        _import_toml(state, event, file, dry_run=dry_run, force=force)
    else:
        _import_csv(state, event, file, dry_run=dry_run, force=force, listed=listed)


def _import_csv(state: State, event: Event, file: Path, *, dry_run: bool, force: bool,
                listed: bool) -> None:
    from wiccli.invites.importcsv import read_rows
    from wiccli.invites.store import apply

    rows = read_rows(file, [f.name for f in event.invitations.fields])
    options = {"force": force, "new_status": "listed" if listed else "invited"}
    result = None
    # A guest list with bad rows creates no ledger, and a dry run writes nothing: the
    # plan is made on what is there (nothing, or the ledger as it is) before writing.
    with open_ledger(write=False) as (_, _, store):
        if store.missing or dry_run:
            with store.transaction(write=False) as tx:
                result = _plan(state, event, file, rows, tx.ledger(event.id), options)
    if not dry_run:
        with open_ledger() as (_, _, store), store.transaction() as tx:
            ledger = tx.ledger(event.id)
            if result is None or ledger.invitations:  # planned on another ledger: again
                result = _plan(state, event, file, rows, ledger, options)
            apply(tx, ledger, result.ledger)
    assert result is not None
    verb = ("would create", "would update") if dry_run else ("created", "updated")
    state.env.message(f"{verb[0]} {result.created}, {verb[1]} {result.updated}, unchanged "
                      f"{result.unchanged} ({plural(len(rows), 'row')}"
                      f"{', dry run' if dry_run else ''})")


def _plan(state: State, event: Event, file: Path, rows: list[Row], ledger: Ledger,
          options: dict[str, Any]) -> Plan:
    from wiccli.invites.importcsv import plan
    from wiccli.output.render import work_progress

    with work_progress(state.env, len(rows), "checking rows") as progress:
        result = plan(ledger, event, rows, source=str(file), now=utc_now(state),
                      random_bytes=random_bytes, progress=progress, **options)
    if result.problems:
        shown = at_most(result.problems, lambda n: f"… and {n} more bad rows")
        raise DataError(f"{file}: {len(result.problems)} bad row(s); nothing was imported",
                        details=shown)
    return result


def _import_toml(state: State, event: Event, file: Path, *, dry_run: bool, force: bool) -> None:
    from wiccli.invites import tomlfile
    from wiccli.invites.store import apply

    incoming = tomlfile.read(file, event.id)
    with open_ledger(write=not dry_run) as (_, _, store), \
            store.transaction(write=not dry_run) as tx:
        ledger = tx.ledger(event.id)
        merged, created, replaced, same = tomlfile.merge(ledger, incoming, force=force)
        if not dry_run:
            apply(tx, ledger, merged)
    verb = ("would create", "would replace") if dry_run else ("created", "replaced")
    state.env.message(f"{verb[0]} {created}, {verb[1]} {replaced}, unchanged {same} "
                      f"({plural(len(incoming.invitations), 'entry', 'entries')}"
                      f"{', dry run' if dry_run else ''})")
