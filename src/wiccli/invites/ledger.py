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
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from wiccli.errors import DataError
from wiccli.event.model import Event
from wiccli.invites import cache as ledger_cache
from wiccli.invites.model import Invitation, Ledger

SCHEMA = 1  # the ledger format's version; a later format migrates older files on read
LOCK_TIMEOUT = 60.0
BLOCK_START = "[[invitations]]\n"
T = TypeVar("T")


@dataclass
class Loaded:
    """A ledger as read, with what a save needs: the old bytes and their digest."""

    path: Path
    ledger: Ledger
    raw: bytes | None = None
    digest: str = ""
    canonical: bool = False  # written by wic, so each entry's text can be reused as is
    lines: ledger_cache.Lines | None = None  # the cached form of each entry, reused on save


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
    raw = read_bytes(path)
    if raw is None or not raw.strip():
        return Loaded(path, Ledger(event_id), raw)
    digest = digest_of(raw)
    cached = ledger_cache.load(digest)
    if cached is not None:
        ledger, canonical, lines = cached
    else:
        from wiccli.invites.check import parse

        ledger, canonical, lines = parse(raw, str(path)), False, None
        ledger_cache.store(digest, ledger, canonical=False)
    check_event(path, ledger.event, event_id)
    return Loaded(path, ledger, raw, digest, canonical, lines)


def read_tally(path: Path, event_id: str) -> list[ledger_cache.Tally]:
    """What counting needs of each entry: from the cache's header when the file is
    unchanged since wic last read it, so a big ledger counts without being loaded."""
    raw = read_bytes(path)
    if raw is None or not raw.strip():
        return []
    cached = ledger_cache.load_tally(digest_of(raw))
    if cached is None:
        return [ledger_cache.tally(e) for e in read(path, event_id).ledger.invitations]
    event, tally = cached
    check_event(path, event, event_id)
    return tally


def check_event(path: Path, found: str, event_id: str) -> None:
    if found != event_id:
        raise DataError(f"{path}: this ledger is for event {found!r}, not {event_id!r} "
                        "(the event in use); pass --ledger or --event to pick the right pair")


def digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    """The ledger's bytes, or None when there is no ledger yet (it reads as empty)."""
    from wiccli.event.load import read_bytes as read_file

    if not path.exists() and not path.is_symlink():
        return None
    return read_file(path, "ledger file")


def _known_texts(loaded: Loaded) -> dict[str, tuple[Invitation, str]]:
    """The text of each entry as read, when it is the text wic would write for it."""
    if loaded.raw is None or not loaded.digest:
        return {}
    source = loaded.raw if loaded.canonical else ledger_cache.load_canonical(loaded.digest)
    return split_texts(source, loaded.ledger) if source else {}


def split_parts(raw: bytes) -> list[str]:
    """The header and then the text of each entry of a ledger in the form wic writes.

    Strings are written on one line with escapes, so a line ``[[invitations]]``
    can only start an entry.
    """
    head, *parts = raw.decode("utf-8").split("\n" + BLOCK_START)
    return [head, *(BLOCK_START + part for part in parts)]


def split_texts(raw: bytes, ledger: Ledger) -> dict[str, tuple[Invitation, str]]:
    """The text of each entry (by id) of a ledger in the form wic writes."""
    texts = split_parts(raw)[1:]
    if len(texts) != len(ledger.invitations):
        return {}
    return {e.id: (e, text) for e, text in zip(ledger.invitations, texts, strict=True)}


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


def entry_texts(ledger: Ledger, known: Mapping[str, tuple[Invitation, str]]) -> list[str]:
    """The TOML text of each entry; one found unchanged in ``known`` keeps its text."""
    import tomli_w

    texts = []
    for entry in ledger.invitations:
        old = known.get(entry.id)
        if old is not None and old[0] is entry:
            texts.append(old[1])
        else:
            texts.append(tomli_w.dumps({"invitations": [entry_table(entry)]}))
    return texts


def dumps(ledger: Ledger, known: Mapping[str, tuple[Invitation, str]] | None = None) -> str:
    """The ledger's TOML text: exactly ``tomli_w.dumps`` of the whole document (a test
    checks it), built entry by entry so that untouched entries cost nothing."""
    import tomli_w

    header = tomli_w.dumps({"schema": SCHEMA, "event": ledger.event})
    return "\n".join([header, *entry_texts(ledger, known or {})])


def save(loaded: Loaded, ledger: Ledger) -> None:
    """Write ``ledger`` over the file of ``loaded`` (atomic, fsynced, old one kept as .bak)."""
    import tomli_w

    path = loaded.path
    known = _known_texts(loaded)
    texts = entry_texts(ledger, known)
    header = tomli_w.dumps({"schema": SCHEMA, "event": ledger.event})
    data = "\n".join([header, *texts]).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, loaded.raw)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the ledger: {exc.strerror or exc}") from None
    ledger_cache.store(digest_of(data), ledger, canonical=True, lines=loaded.lines)
    if not loaded.canonical and loaded.digest:
        _remember_texts(loaded, ledger, texts, known)


def _remember_texts(loaded: Loaded, ledger: Ledger, texts: list[str],
                    known: Mapping[str, tuple[Invitation, str]]) -> None:
    """For a file wic did not write: keep the same ledger as wic writes it, so saving
    that file again (a copy restored, a change undone) does not encode every entry."""
    if known or not loaded.digest:
        return
    import tomli_w

    now = {e.id: (e, text) for e, text in zip(ledger.invitations, texts, strict=True)}
    header = tomli_w.dumps({"schema": SCHEMA, "event": loaded.ledger.event})
    old = entry_texts(loaded.ledger, now)
    ledger_cache.store_canonical(loaded.digest, "\n".join([header, *old]).encode("utf-8"))


def write_atomic(path: Path, data: bytes, old: bytes | None) -> None:
    from wiccli.output.files import file_mode, temp_beside

    mode = file_mode(path)
    tmp = temp_beside(path, data, mode)
    try:
        if old is not None and path.exists():
            _backup(path, old, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


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
        from wiccli.output.files import temp_beside

        link.unlink(missing_ok=True)
        os.replace(temp_beside(path, old, mode), bak)


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


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold ``<ledger>.lock`` (waiting for another wic to finish) around a change."""
    from filelock import FileLock, Timeout

    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path), timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise DataError(f"{path}: still locked by another wic after {LOCK_TIMEOUT:.0f} s "
                        f"(lock file {lock_path})") from None
    except PermissionError as exc:
        raise DataError(f"{exc.filename or path}: permission denied") from None


def update(path: Path, event_id: str, change: Callable[[Ledger], tuple[Ledger, T]]) -> T:
    """Read, change and save the ledger under its lock, so concurrent runs all land.

    ``change`` returns the new ledger (the same object when nothing changed: then
    nothing is written) and a result passed back to the caller.
    """
    with locked(path):
        loaded = read(path, event_id)
        ledger, result = change(loaded.ledger)
        if ledger is not loaded.ledger:
            save(loaded, ledger)
        return result
