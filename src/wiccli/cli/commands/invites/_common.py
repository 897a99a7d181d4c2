"""What the ``wic invites`` commands share: the ledger's place, the clock, options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from wiccli.cli.state import State, current
from wiccli.errors import UsageError
from wiccli.event.model import Event

if TYPE_CHECKING:
    from wiccli.invites.store import Store

EMPTY_HINT = ("add one with `wic invites add NAME --category C --country CC`, "
              "or import a guest list with `wic invites import FILE.csv`")

IdArg = Annotated[str, typer.Argument(metavar="ID", help="The invitation's id (or a unique "
                                      "start of it).")]
NoteOpt = Annotated[str, typer.Option("--note", "-n", metavar="TEXT",
                                      help="Why (kept in the history).")]
FieldOpt = Annotated[list[str] | None, typer.Option(
    "--field", metavar="NAME=VALUE", help="A guest field the event declares "
    "([invitations.fields]); repeatable; an empty VALUE clears it.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Record a change that the status rules "
                                        "would refuse.")]


@contextmanager
def open_ledger(write: bool = True) -> Iterator[tuple[State, Event, Store]]:
    """The state, the event and its ledger, opened for one command (and closed after);
    a read (``write=False``) never creates the ledger."""
    from wiccli.invites.store import open_store

    state = current()
    event = state.event()
    store = open_store(event, state.ledger_option, state.env.environ, state.env.cwd,
                       write=write)
    with store:
        for note in store.notes:
            state.env.message(note)
        yield state, event, store


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
    with open_ledger() as (state, _, store), store.transaction() as tx:
        old, new = tx.set_status(entry_id, new_status, note=note.strip(), now=utc_now(state),
                                 force=force)
    if new is old:
        state.env.message(f"{old.id} is already {old.status}; nothing changed")
    else:
        state.env.message(f"{new.id} ({new.name}): {old.status} -> {new.status}")
