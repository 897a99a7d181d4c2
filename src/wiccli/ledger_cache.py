"""A parsed copy of each ledger in the user's cache folder, so big ledgers read fast.

Parsing TOML is slow in Python (about 1.3 s for 10,000 entries), JSON is not.
The copy is keyed by a hash of the ledger's bytes, so any change to the file,
by wic or by hand, simply misses the cache. It is written with owner-only
permissions (it holds names and e-mails) and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from wiccli.invites import Change, Invitation, Ledger

VERSION = 1


def _cache_file(ledger_path: Path) -> Path:
    from platformdirs import user_cache_dir

    key = hashlib.sha256(str(ledger_path.resolve()).encode("utf-8")).hexdigest()[:32]
    return Path(user_cache_dir("wic")) / "ledgers" / f"{key}.json"


def load(ledger_path: Path, digest: str) -> tuple[Ledger, bool] | None:
    """The cached ledger and whether wic wrote the file itself, if the bytes still match."""
    try:
        data = json.loads(_cache_file(ledger_path).read_bytes())
        if data.get("version") != VERSION or data.get("digest") != digest:
            return None
        return _ledger(data), bool(data["canonical"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def store(ledger_path: Path, digest: str, ledger: Ledger, *, canonical: bool) -> None:
    """Best effort: a cache that cannot be written only makes the next read slower."""
    data = {"version": VERSION, "digest": digest, "canonical": canonical,
            "event": ledger.event, "rows": [_row(e) for e in ledger.invitations]}
    import tempfile

    try:
        target = _cache_file(ledger_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _row(e: Invitation) -> list[Any]:
    return [e.id, e.name, e.category, e.country, e.status, e.created.isoformat(),
            e.updated.isoformat(), e.organization, e.email, e.quantity, e.note,
            [[c.at.isoformat(), c.status, c.note] for c in e.history]]


def _ledger(data: dict[str, Any]) -> Ledger:
    when = datetime.fromisoformat
    entries = tuple(
        Invitation(r[0], r[1], r[2], r[3], r[4], when(r[5]), when(r[6]), r[7], r[8], r[9],
                   r[10], tuple(Change(when(at), status, note) for at, status, note in r[11]))
        for r in data["rows"]
    )
    return Ledger(str(data["event"]), entries)
