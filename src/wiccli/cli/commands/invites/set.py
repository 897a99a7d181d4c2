"""``wic invites set``: set an invitation's status or guest fields (each change is kept in
its history)."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import (
    FieldOpt,
    ForceOpt,
    IdArg,
    NoteOpt,
    open_ledger,
    set_status,
    utc_now,
)
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError
from wiccli.invites.model import STATUSES


@command()
def set_(entry_id: IdArg,
         new_status: Annotated[str | None, typer.Argument(
             metavar="STATUS", help=f"One of: {', '.join(STATUSES)}.")] = None,
         note: NoteOpt = "", force: ForceOpt = False, field: FieldOpt = None) -> None:
    """Set an invitation's status or guest fields (each change is kept in its history)."""
    from wiccli.invites.model import resolve_status

    if not field:
        if new_status is None:
            raise UsageError("give a STATUS, or --field NAME=VALUE, or both")
        set_status(entry_id, resolve_status(new_status), note, force)
        return
    _set_fields(entry_id, None if new_status is None else resolve_status(new_status),
                field, note.strip(), force)


def _set_fields(entry_id: str, status: str | None, items: list[str], note: str,
                force: bool) -> None:
    """The fields (and the status, when given) changed in one transaction."""
    from wiccli.invites import fieldvalues
    from wiccli.invites.model import change_status

    state = current()
    event = state.event()
    values = fieldvalues.check_assignments(event, items)  # before the ledger is opened
    with open_ledger() as (_, _, store):
        now = utc_now(state)
        with store.transaction() as tx:
            old = tx.find(entry_id)
            new = old if status is None else change_status(old, status, note=note, now=now,
                                                            force=force)
            new = fieldvalues.set_fields(new, values, now=now, note=note,
                                         private=fieldvalues.private_names(event))
            if new is not old:
                tx.put(old, new)
    changed = [c.field for c in new.history[len(old.history):] if c.field]
    if status is not None and new.status != old.status:
        state.env.message(f"{new.id} ({new.name}): {old.status} -> {new.status}")
    if changed:
        state.env.message(f"{new.id} ({new.name}): set {', '.join(changed)}")
    if new is old:
        state.env.message(f"{old.id}: nothing changed")
