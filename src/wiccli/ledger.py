"""The invitation ledger file: where it is, reading and checking it, saving it safely.

The ledger is a TOML file written by wic (with tomli-w), apart from the
hand-written event file. Saving never loses data: a lock around every
read-modify-write, the new text written beside the old file, flushed and
fsynced, then moved over it; the previous version kept as ``<ledger>.bak``.
A ledger that does not parse or check out is reported and left untouched.

Entries are sorted by id and their keys written in a fixed order, so the text
of an unchanged entry never changes and ``git diff`` shows only real edits.
That also lets a save reuse the text of every entry it did not touch.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from wiccli import ledger_cache
from wiccli.errors import DataError
from wiccli.invites import Invitation, Ledger
from wiccli.model import Event

SCHEMA = 2  # older schemas are migrated on read (see wiccli.ledger_check.migrate_1)
LOCK_TIMEOUT = 60.0
BLOCK_START = "[[invitations]]\n"
T = TypeVar("T")


@dataclass
class Loaded:
    """A ledger as read, with what a save needs: the old bytes, the reusable entry texts."""

    path: Path
    ledger: Ledger
    raw: bytes | None = None
    blocks: dict[str, tuple[Invitation, str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- locating


def locate(event: Event, option: str | None, environ: Mapping[str, str], cwd: Path) -> Path:
    """``--ledger``, else $WIC_LEDGER, else ``[invitations] ledger`` of the event file,
    else ``<event-id>.invites.toml`` beside the event file (the user data folder for
    the bundled event)."""
    name = f"{event.id}.invites.toml"
    if option:
        path = Path(option)
    elif environ.get("WIC_LEDGER"):
        path = Path(environ["WIC_LEDGER"])
    elif event.bundled or not event.source or event.source.startswith("<"):
        from platformdirs import user_data_dir

        path = Path(user_data_dir("wic")) / name
    elif event.invitations.ledger:
        path = Path(event.source).parent / event.invitations.ledger
    else:
        path = Path(event.source).parent / name
    path = path.expanduser()
    return path if path.is_absolute() else cwd / path


# --------------------------------------------------------------------------- reading


def read(path: Path, event_id: str) -> Loaded:
    """The ledger at ``path`` (empty when there is none); refused if it is another event's."""
    raw = _read_bytes(path)
    if raw is None or not raw.strip():
        return Loaded(path, Ledger(event_id), raw)
    digest = hashlib.blake2b(raw, digest_size=20).hexdigest()
    cached = ledger_cache.load(path, digest)
    if cached is not None:
        ledger, canonical = cached
    else:
        from wiccli.ledger_check import parse

        ledger, canonical = parse(raw, str(path)), False
        ledger_cache.store(path, digest, ledger, canonical=False)
    if ledger.event != event_id:
        raise DataError(f"{path}: this ledger is for event {ledger.event!r}, not {event_id!r} "
                        "(the event in use); pass --ledger or --event to pick the right pair")
    blocks = _split_blocks(raw, ledger) if canonical else {}
    return Loaded(path, ledger, raw, blocks)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not a ledger file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _split_blocks(raw: bytes, ledger: Ledger) -> dict[str, tuple[Invitation, str]]:
    """The text of each entry of a file wic wrote itself (so it is in canonical form).

    Strings are written on one line with escapes, so a line ``[[invitations]]``
    can only start an entry.
    """
    parts = raw.decode("utf-8").split("\n" + BLOCK_START)[1:]
    if len(parts) != len(ledger.invitations):
        return {}
    pairs = zip(ledger.invitations, parts, strict=True)
    return {entry.id: (entry, BLOCK_START + text) for entry, text in pairs}


# --------------------------------------------------------------------------- writing


def entry_table(entry: Invitation) -> dict[str, Any]:
    """An entry as TOML data: keys in a fixed order, empty optional keys left out."""
    table: dict[str, Any] = {"id": entry.id, "name": entry.name}
    if entry.organization:
        table["organization"] = entry.organization
    table.update(category=entry.category, country=entry.country)
    if entry.email:
        table["email"] = entry.email
    table.update(quantity=entry.quantity, status=entry.status)
    if entry.note:
        table["note"] = entry.note
    table.update(created=entry.created, updated=entry.updated, history=[
        {"at": c.at, "status": c.status, **({"note": c.note} if c.note else {})}
        for c in entry.history
    ])
    return table


def dumps(ledger: Ledger, blocks: Mapping[str, tuple[Invitation, str]] | None = None) -> str:
    """The ledger's TOML text; an entry found unchanged in ``blocks`` keeps its old text.

    The result is exactly ``tomli_w.dumps`` of the whole document (a test checks it).
    """
    import tomli_w

    known = blocks or {}
    parts = [tomli_w.dumps({"schema": SCHEMA, "event": ledger.event})]
    for entry in ledger.invitations:
        old = known.get(entry.id)
        if old is not None and old[0] is entry:
            parts.append(old[1])
        else:
            parts.append(tomli_w.dumps({"invitations": [entry_table(entry)]}))
    return "\n".join(parts)


def save(loaded: Loaded, ledger: Ledger) -> None:
    """Write ``ledger`` over the file of ``loaded`` (atomic, fsynced, old one kept as .bak)."""
    path = loaded.path
    data = dumps(ledger, loaded.blocks).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(path, data, loaded.raw)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the ledger: {exc.strerror or exc}") from None
    digest = hashlib.blake2b(data, digest_size=20).hexdigest()
    ledger_cache.store(path, digest, ledger, canonical=True)


def _write_atomic(path: Path, data: bytes, old: bytes | None) -> None:
    mode = _mode_for(path)
    tmp = _write_temp(path, data, mode)
    try:
        if old is not None and path.exists():
            _backup(path, old, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _write_temp(path: Path, data: bytes, mode: int) -> str:
    """A flushed, fsynced temporary file beside ``path`` holding ``data``."""
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _backup(path: Path, old: bytes, mode: int) -> None:
    """Keep the current file as ``<ledger>.bak``: a hard link when the file system
    has them (no copy), else a written copy; either way moved into place atomically."""
    bak = path.with_name(path.name + ".bak")
    link = path.with_name(f".{path.name}.bak.{os.getpid()}")
    try:
        link.unlink(missing_ok=True)
        os.link(path, link)
        os.replace(link, bak)
    except OSError:
        link.unlink(missing_ok=True)
        os.replace(_write_temp(path, old, mode), bak)


def _mode_for(path: Path) -> int:
    """The permissions of the file being replaced, or the usual ones for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder; the data is synced already
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- updating


def update(path: Path, event_id: str, change: Callable[[Ledger], tuple[Ledger, T]]) -> T:
    """Read, change and save the ledger under its lock, so concurrent runs all land.

    ``change`` returns the new ledger (the same object when nothing changed: then
    nothing is written) and a result passed back to the caller.
    """
    from filelock import FileLock, Timeout

    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT)
        with lock:
            loaded = read(path, event_id)
            ledger, result = change(loaded.ledger)
            if ledger is not loaded.ledger:
                save(loaded, ledger)
            return result
    except Timeout:
        raise DataError(f"{path}: still locked by another wic after {LOCK_TIMEOUT:.0f} s "
                        f"(lock file {lock_path})") from None
    except PermissionError as exc:
        raise DataError(f"{exc.filename or path}: permission denied") from None
