"""What the ``wic checkin`` commands share: the desk's options, and opening the desk."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.cli.listing import Format
from wiccli.cli.state import State, current
from wiccli.errors import DataError, UsageError
from wiccli.event.model import Event

if TYPE_CHECKING:
    from wiccli.door.desk import OnlineDesk
    from wiccli.door.journal import OfflineDesk
    from wiccli.door.rules import Desk
    from wiccli.invites.store import Store

MAX_DESK = 40


@dataclass(frozen=True)
class DeskOptions:
    desk: str | None = None
    direction: str = "in"
    session: str | None = None
    journal: str | None = None
    snapshot: str | None = None
    fmt: Format = Format.table


_OPTIONS: ContextVar[DeskOptions] = ContextVar("wic_checkin_options")


def set_options(options: DeskOptions) -> None:
    _OPTIONS.set(options)


def options() -> DeskOptions:
    try:
        return _OPTIONS.get()
    except LookupError:
        return DeskOptions()


def now(state: State) -> datetime:
    return state.env.now().astimezone(UTC)


def scan_id() -> str:
    import secrets

    return secrets.token_hex(16)


def desk_name(given: str | None) -> str:
    """``--desk``, checked (it is kept with every scan and shown in stats), or the host name."""
    if given is None:
        import platform

        given = platform.node().split(".")[0] or "desk"
    name = " ".join(given.split())
    if not name or len(name) > MAX_DESK or not name.isprintable():
        raise UsageError(f"--desk: a name of 1 to {MAX_DESK} printable characters, got "
                         f"{given[:MAX_DESK]!r}")
    return name


def session_id(event: Event, given: str | None) -> str:
    if given is None:
        return ""
    if event.session(given) is None:
        raise UsageError(f"--session: no session {given[:60]!r} in {event.label}; "
                         "`wic agenda` lists them with their ids")
    return given


@contextmanager
def open_desk(opts: DeskOptions) -> Iterator[tuple[State, Event, OnlineDesk | OfflineDesk]]:
    """The desk the options describe: on the ledger, or offline on a snapshot and journal."""
    from wiccli.door.rules import Desk

    state = current()
    event = state.event()
    desk = Desk(desk_name(opts.desk), opts.direction, session_id(event, opts.session))
    if opts.journal is not None or opts.snapshot is not None:
        with _offline(state, event, desk, opts) as offline:
            yield state, event, offline
        return
    from wiccli.door.desk import OnlineDesk

    with existing_ledger() as (_, _, store):
        yield state, event, OnlineDesk(store, desk, lambda: now(state), scan_id)


@contextmanager
def existing_ledger() -> Iterator[tuple[State, Event, Store]]:
    """The ledger, opened to write but never created: the door starts no ledger (it would
    know no one)."""
    from wiccli.cli.commands.invites._common import open_ledger

    with open_ledger(write=False) as (state, event, store):
        if store.missing:
            raise DataError(f"{store.where}: no ledger here yet, so no guest to check in; "
                            "pass --ledger, or import the guest list with `wic invites import`")
        yield state, event, store


@contextmanager
def _offline(state: State, event: Event, desk: Desk, opts: DeskOptions
             ) -> Iterator[OfflineDesk]:
    from wiccli.door import journal
    from wiccli.event.load import read_bytes

    if opts.journal is None or opts.snapshot is None:
        raise UsageError("an offline desk needs both --journal FILE (its scans) and "
                         "--snapshot FILE (made beforehand by `wic checkin snapshot`)")
    data = read_bytes(resolve(state, opts.snapshot), "snapshot file", opts.snapshot)
    snap = journal.read_snapshot(data, opts.snapshot, event.id)
    path = resolve(state, opts.journal)
    earlier = b""
    if path.exists():
        earlier = read_bytes(path, "journal file", opts.journal)
    before = list(journal.parse_journal(earlier, opts.journal, event.id))
    log = journal.JournalFile(path, opts.journal, journal.header(event.id, desk.name,
                                                                 snap.taken))
    try:
        offline = journal.OfflineDesk(snap, log, desk, lambda: now(state), scan_id)
        if offline.replay(iter(before)):
            state.env.message(f"{opts.journal}: {len(before):,} earlier scans read back")
        yield offline
    finally:
        log.close()


def resolve(state: State, name: str) -> Path:
    path = Path(name).expanduser()
    return path if path.is_absolute() else state.env.cwd / path
