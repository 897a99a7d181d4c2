"""Another edition's ledger beside this one (``wic invites report --compare``).

The other ledger says which event it is for (its ``ledger`` table); that event's start
aligns its curve with this one's by days before the event. The event file is the one
given, else one beside the ledger named after the event (``<event-id>.toml``) or
``wic.toml``, else the bundled event when the ids match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from wiccli.errors import DataError
from wiccli.event.model import Event
from wiccli.invites import postgres, sqlite
from wiccli.invites.store import Store, is_url, open_store


def open_other(location: str, event_file: str | None, this: Event,
               environ: Mapping[str, str], cwd: Path) -> tuple[Event, Store]:
    """The other ledger's event and the ledger, opened to read."""
    if not location.strip():
        raise DataError("--compare: give a ledger file or a postgresql:// URL")
    url = is_url(location)
    path = None if url else _absolute(Path(location).expanduser(), cwd)
    shown = postgres.shown(location) if url else location
    found = postgres.event_of(location) if path is None else sqlite.event_of(path)
    if found is None:
        raise DataError(f"{shown}: no ledger there (--compare names another event's ledger)")
    candidates = [] if path is None else [path.parent / f"{found}.toml",
                                          path.parent / "wic.toml"]
    event = _event(found, shown, event_file, candidates, this, cwd)
    return event, open_store(event, str(path or location), environ, cwd, write=False)


def _absolute(path: Path, cwd: Path) -> Path:
    return path if path.is_absolute() else cwd / path


def _event(event_id: str, ledger: str, event_file: str | None,
           candidates: Sequence[Path], this: Event, cwd: Path) -> Event:
    from wiccli.event.load import bundled_path, load_event

    if event_file is not None:
        event = load_event(_absolute(Path(event_file), cwd))
        if event.id != event_id:
            raise DataError(f"{event_file}: is event {event.id!r}, but {ledger} is the ledger "
                            f"of {event_id!r}")
        return event
    if this.id == event_id:
        return this
    for path in candidates:
        if path.is_file():
            event = load_event(path)
            if event.id == event_id:
                return event
    bundled = load_event(bundled_path(), bundled=True)
    if bundled.id == event_id:
        return bundled
    raise DataError(f"{ledger}: is the ledger of event {event_id!r}, whose file was not found "
                    "beside it; give it with --compare-event FILE (its start aligns the "
                    "two curves)")
