"""Parsed copies of ledgers in the user's cache folder, so big ledgers read fast.

Parsing TOML is slow in Python (about 1.3 s for 10,000 entries); JSON is not.
Each copy is named by a hash of the ledger's bytes, so any change to the file,
by wic or by hand, simply misses the cache. A copy is one JSON line of header
(with the four columns ``status`` counts, so it reads nothing else) and then
one JSON line per entry, so saving reuses the line of every unchanged entry.

Beside a copy of a file that wic did not write itself: the same ledger as wic
writes it, so saving such a file again does not encode every entry anew.

Files are written with owner-only permissions (they hold names and e-mails);
only the most recently used few are kept, and any may be deleted at any time.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from wiccli.invites.model import Change, Invitation, Ledger

VERSION = 2
KEEP = 12  # cached ledgers kept; older ones are removed when a new one is stored
READ_ERRORS = (OSError, ValueError, KeyError, TypeError, IndexError)


class Tally(NamedTuple):
    """What counting (and finding an entry by id) needs of an entry."""

    id: str
    category: str
    country: str
    status: str
    quantity: int


# An entry and its cached line, by id: handed back to store() so unchanged entries
# are not encoded again.
Lines = dict[str, tuple[Invitation, bytes]]


def _folder() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("wic")) / "ledgers"


def load(digest: str) -> tuple[Ledger, bool, Lines] | None:
    """The ledger whose file has this digest, whether wic wrote that file itself, and
    each entry's cached line."""
    path = _folder() / f"{digest}.json"
    try:
        header_line, *lines = path.read_bytes().split(b"\n")
        header = json.loads(header_line)
        if header.get("version") != VERSION or len(lines) != len(header["tally"]):
            return None
        rows = json.loads(b"[" + b",".join(lines) + b"]") if lines else []
        found: Lines = {}
        for row, line in zip(rows, lines, strict=True):
            found[row[0]] = (_entry(row), line)
        os.utime(path)  # recently used: kept when older copies are pruned
    except READ_ERRORS:
        return None
    ledger = Ledger(str(header["event"]), tuple(entry for entry, _ in found.values()))
    return ledger, bool(header["canonical"]), found


def load_tally(digest: str) -> tuple[str, list[Tally]] | None:
    """The event id and the counted columns of the ledger whose file has this digest."""
    path = _folder() / f"{digest}.json"
    try:
        with path.open("rb") as handle:
            header = json.loads(handle.readline())
        if header.get("version") != VERSION:
            return None
        tally = [Tally(*row) for row in header["tally"]]
        event = str(header["event"])
    except READ_ERRORS:
        return None
    return event, tally


def load_index(digest: str) -> tuple[str, bool, list[Tally], list[bytes]] | None:
    """Event id, whether wic wrote the file, the tally and the undecoded line of each
    entry: enough to change one entry without decoding the others."""
    path = _folder() / f"{digest}.json"
    try:
        header_line, *lines = path.read_bytes().split(b"\n")
        header = json.loads(header_line)
        tally = [Tally(*row) for row in header["tally"]]
        if header.get("version") != VERSION or len(lines) != len(tally):
            return None
        os.utime(path)
        return str(header["event"]), bool(header["canonical"]), tally, lines
    except READ_ERRORS:
        return None


def store(digest: str, ledger: Ledger, *, canonical: bool, lines: Lines | None = None) -> None:
    """Best effort: a cache that cannot be written only makes the next read slower."""
    known = lines or {}
    entries = ledger.invitations
    store_lines(digest, ledger.event, canonical, [tally(e) for e in entries],
                [_line(e, known.get(e.id)) for e in entries])


def store_lines(digest: str, event: str, canonical: bool, tallies: list[Tally],
                lines: list[bytes]) -> None:
    header = {"version": VERSION, "canonical": canonical, "event": event,
              "tally": [list(t) for t in tallies]}
    _write(f"{digest}.json", b"\n".join([_encode(header), *lines]))
    _prune()


def tally(e: Invitation) -> Tally:
    return Tally(e.id, e.category, e.country, e.status, e.quantity)


def entry_of(line: bytes) -> Invitation:
    return _entry(json.loads(line))


def line_of(entry: Invitation) -> bytes:
    return _line(entry, None)


def load_canonical(digest: str) -> bytes | None:
    """The ledger, as wic would write it, of a file (with this digest) wic did not write."""
    try:
        return (_folder() / f"{digest}.toml").read_bytes()
    except OSError:
        return None


def store_canonical(digest: str, text: bytes) -> None:
    _write(f"{digest}.toml", text)


def _encode(data: Any) -> bytes:
    # One json.dumps call: it encodes in C (json.dump to a file takes a slow path).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write(name: str, data: bytes) -> None:
    import tempfile

    try:
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _prune() -> None:
    """Keep the most recently used ledgers (and their TOML forms); remove the rest."""
    try:
        found = sorted(_folder().glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in found[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".toml").unlink(missing_ok=True)
    except OSError:  # another wic pruned the same file first
        pass


def _line(e: Invitation, known: tuple[Invitation, bytes] | None) -> bytes:
    if known is not None and known[0] is e:
        return known[1]
    return _encode([e.id, e.name, e.category, e.country, e.status, e.created.isoformat(),
                    e.updated.isoformat(), e.organization, e.email, e.quantity, e.note,
                    [[c.at.isoformat(), c.status, c.note] for c in e.history]])


def _entry(r: list[Any]) -> Invitation:
    when = datetime.fromisoformat
    history = tuple([Change(when(at), status, note) for at, status, note in r[11]])
    return Invitation(r[0], r[1], r[2], r[3], r[4], when(r[5]), when(r[6]), r[7], r[8], r[9],
                      r[10], history)
