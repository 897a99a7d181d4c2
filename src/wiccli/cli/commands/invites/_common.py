"""What the ``wic invites`` commands share: the ledger's place, the clock, options."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.state import State, current
from wiccli.errors import UsageError
from wiccli.event.model import Event

EMPTY_HINT = ("add one with `wic invites add NAME --category C --country CC`, "
              "or import a guest list with `wic invites import FILE.csv`")

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The invitation's id (or a unique "
                                      "start of it).")]
NoteOpt = Annotated[str, typer.Option("--note", "-n", help="Why (kept in the history).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Record a change that the status rules "
                                        "would refuse.")]


def where() -> tuple[State, Event, Path]:
    from wiccli.invites import ledger as store

    state = current()
    event = state.event()
    path = store.locate(event, state.ledger_option, state.env.environ, state.env.cwd)
    return state, event, path


def random_bytes(count: int) -> bytes:
    import secrets

    return secrets.token_bytes(count)


def utc_now(state: State) -> datetime:
    return state.env.now().astimezone(UTC).replace(microsecond=0)


def country_code(text: str, what: str) -> str:
    from wiccli.invites import countries

    try:
        return countries.normalise(text)
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None


def set_status(entry_id: str, new_status: str, note: str, force: bool) -> None:
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core
    from wiccli.invites.fast import update_entry

    state, event, path = where()
    now = utc_now(state)

    def change_entry(entry: core.Invitation) -> core.Invitation:
        return core.change_status(entry, new_status, note=note.strip(), now=now, force=force)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, tuple[core.Invitation, ...]]:
        entry = core.find(ledger, entry_id)
        changed = change_entry(entry)
        return (ledger if changed is entry else core.put(ledger, changed)), (entry, changed)

    # One entry of a ledger the cache knows is changed without loading the others.
    done = update_entry(path, event.id, entry_id, change_entry)
    old, new = done if done is not None else store.update(path, event.id, change)
    if new is old:
        state.env.message(f"{old.id} is already {old.status}; nothing changed")
    else:
        state.env.message(f"{new.id} ({new.name}): {old.status} -> {new.status}")

