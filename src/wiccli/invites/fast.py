"""Changing one entry of a big ledger without loading the others (``wic invites set``).

When the cache knows the ledger file (see :mod:`wiccli.invites.cache`), the
entry is found by id in the cache's header, only its line is decoded, and the
new file is the old text with that one entry's text replaced. The result is
byte for byte what the general path (:func:`wiccli.invites.ledger.update`) writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from wiccli.invites import cache as ledger_cache
from wiccli.invites.ledger import (
    check_event,
    digest_of,
    entry_texts,
    locked,
    read_bytes,
    split_parts,
    write_atomic,
)
from wiccli.invites.model import Invitation, Ledger, find_id

Change = Callable[[Invitation], Invitation]


def update_entry(path: Path, event_id: str, wanted: str,
                 change: Change) -> tuple[Invitation, Invitation] | None:
    """The entry named ``wanted`` before and after ``change``, saved under the lock.

    None when the cache does not know the file: then nothing was done, and the
    caller takes the general path.
    """
    with locked(path):
        raw = read_bytes(path)
        index = ledger_cache.load_index(digest_of(raw)) if raw and raw.strip() else None
        if raw is None or index is None:
            return None
        event, canonical, tally, lines = index
        check_event(path, event, event_id)
        source = raw if canonical else ledger_cache.load_canonical(digest_of(raw))
        parts = split_parts(source) if source else []
        if len(parts) != len(lines) + 1:
            return None
        at = [t.id for t in tally].index(find_id([t.id for t in tally], wanted))
        old = ledger_cache.entry_of(lines[at])
        new = change(old)
        if new is not old:
            _save_one(path, raw, event, parts, (tally, lines), at, new)
        return old, new


def _save_one(path: Path, raw: bytes, event: str, parts: list[str],
              index: tuple[list[ledger_cache.Tally], list[bytes]], at: int,
              new: Invitation) -> None:
    tally, lines = index
    parts[at + 1] = entry_texts(Ledger(event, (new,)), {})[0]
    data = "\n".join(parts).encode("utf-8")
    try:
        write_atomic(path, data, raw)
    except OSError as exc:
        from wiccli.errors import DataError

        raise DataError(f"{path}: cannot write the ledger: {exc.strerror or exc}") from None
    tally[at], lines[at] = ledger_cache.tally(new), ledger_cache.line_of(new)
    ledger_cache.store_lines(digest_of(data), event, True, tally, lines)
