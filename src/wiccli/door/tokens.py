"""Badge tokens: what a badge's QR code carries, and nothing else.

A token is 128 random bits written in RFC 4648 base32 without padding: 26 characters
of ``A``–``Z`` and ``2``–``7``, which a QR code holds in its compact alphanumeric mode and
a scanner types as keys. It says nothing about the guest (not the id, not the name). A
guest has at most one live token; a reprint replaces it, and the old one is then refused
at the door as reprinted. Tokens live in the ledger's ``badges`` table, prints in
``prints`` (schema 4, :mod:`wiccli.invites.schema`).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from wiccli.invites.backend import Cursor

TOKEN_BYTES = 16
TOKEN_LENGTH = 26  # base32 of 16 bytes, unpadded
# 128 bits fill 25.6 characters: the last one carries 3 bits and two zero bits, so only
# a letter whose value is a multiple of 4 can end a token (a typo there is caught too).
_TOKEN = re.compile(r"[A-Z2-7]{25}[AEIMQUY4]")


def new_token(random: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A fresh token (``random`` is injected so tests can give their own bytes)."""
    return base64.b32encode(random(TOKEN_BYTES)).decode("ascii").rstrip("=")


def normal(text: str) -> str | None:
    """The token typed or scanned as ``text`` (any case, spaces around), or None when it
    cannot be one."""
    token = text.strip().upper()
    return token if _TOKEN.fullmatch(token) else None


@dataclass(frozen=True)
class Badge:
    token: str
    entry_id: str
    issued: datetime
    replaced: datetime | None = None

    @property
    def live(self) -> bool:
        return self.replaced is None


_SELECT = "SELECT token, entry_id, issued, replaced FROM badges"


def _badge(row: Sequence[object]) -> Badge:
    token, entry_id, issued, replaced = row
    return Badge(str(token), str(entry_id), datetime.fromisoformat(str(issued)),
                 None if replaced is None else datetime.fromisoformat(str(replaced)))


def lookup(db: Cursor, token: str) -> Badge | None:
    """The badge with this token (live or replaced), if any."""
    rows = db.rows(f"{_SELECT} WHERE token = ?", (token,))
    return _badge(rows[0]) if rows else None


def live(db: Cursor, entry_id: str) -> Badge | None:
    """The guest's live badge, if one was issued."""
    rows = db.rows(f"{_SELECT} WHERE entry_id = ? AND replaced IS NULL", (entry_id,))
    return _badge(rows[0]) if rows else None


def issue(db: Cursor, entry_ids: Sequence[str], now: datetime, *, reprint: bool = False,
          make: Callable[[], str] = new_token) -> list[Badge]:
    """The live badge of each guest, in the order given: kept when there is one, unless
    ``reprint``, which replaces it with a new token (the old one is refused from now on)."""
    badges = []
    for entry_id in entry_ids:
        current = live(db, entry_id)
        if current is not None and not reprint:
            badges.append(current)
            continue
        if current is not None:
            db.run("UPDATE badges SET replaced = ? WHERE token = ?",
                   (now.isoformat(), current.token))
        badge = Badge(make(), entry_id, now)
        db.run("INSERT INTO badges (token, entry_id, issued) VALUES (?, ?, ?)",
               (badge.token, entry_id, now.isoformat()))
        badges.append(badge)
    return badges


def record_prints(db: Cursor, tokens: Sequence[str], now: datetime, layout: str) -> None:
    """Record that the badges with these tokens were printed (in ``layout``)."""
    db.many("INSERT INTO prints (token, at, layout) VALUES (?, ?, ?)",
            [(t, now.isoformat(), layout) for t in tokens])
