"""The ledger's messages table: every invitation and reminder sent (or attempted), every
reply and bounce read, one row per Message-ID.

A message handed to a server is recorded as ``attempted`` before the server is given
its text, then settled in place (same Message-ID) as accepted or refused. A bounce
keeps the address that bounced: the one its entry was last sent to.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from wiccli.invites import model as core
from wiccli.invites import rows
from wiccli.invites.backend import Cursor
from wiccli.invites.rows import MESSAGE_COLUMNS, RowChecker

_SELECT = f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM messages"


class MessageLog:
    """The message operations of a transaction (:class:`~wiccli.invites.store.Tx`)."""

    db: Cursor
    where: str

    def check(self) -> RowChecker:
        """Checks the rows this transaction reads (see :mod:`wiccli.invites.rows`)."""
        return RowChecker(self.where)

    def record_message(self, message: core.Message) -> core.Message:
        """Record one message; the same Message-ID twice is refused. A bounce without an
        address gets the one its entry was last sent to (else the entry's own)."""
        if message.direction == "in" and message.kind == "bounce" and not message.address \
                and message.entry_id:
            message = replace(message, address=self._last_address(message.entry_id))
        row = self.db.rows(
            f"INSERT INTO messages ({', '.join(MESSAGE_COLUMNS[1:])}) "
            f"VALUES ({', '.join('?' * (len(MESSAGE_COLUMNS) - 1))}) RETURNING id",
            _message_row(message))
        return replace(message, id=int(row[0][0]))

    def settle_message(self, message: core.Message) -> core.Message:
        """Record ``message`` in place of the one with its Message-ID (an attempt becomes
        accepted or refused; a resend is attempted again), or as a new one."""
        row = self.db.rows(
            f"UPDATE messages SET {', '.join(f'{c} = ?' for c in MESSAGE_COLUMNS[1:])} "
            "WHERE message_id = ? RETURNING id",  # pragma: no mutate
            (*_message_row(message), message.message_id))
        if not row:
            return self.record_message(message)
        return replace(message, id=int(row[0][0]))

    def _last_address(self, entry_id: str) -> str:
        rows = self.db.rows(
            "SELECT address FROM messages WHERE entry_id = ? AND direction = "  # pragma: no mutate
            "'out' AND address <> '' ORDER BY at DESC, id DESC LIMIT 1", (entry_id,))
        if not rows:
            rows = self.db.rows(
                "SELECT email FROM entries WHERE id = ?",  # pragma: no mutate
                (entry_id,))
        return str(rows[0][0]) if rows else ""

    def messages(self, entry_id: str | None = None) -> list[core.Message]:
        """The messages of an entry (all, when None), oldest first."""
        where, params = ("WHERE entry_id = ?", (entry_id,)) if entry_id else ("", ())
        check = self.check()
        return [rows.message(check, r) for r in self.db.rows(
            f"{_SELECT} {where} ORDER BY at, id", params)]

    def message(self, message_id: str) -> core.Message | None:
        """The message with this Message-ID, if recorded."""
        found = self.db.rows(f"{_SELECT} WHERE message_id = ?", (message_id,))
        return rows.message(self.check(), found[0]) if found else None


def _message_row(m: core.Message) -> tuple[Any, ...]:
    return (m.entry_id, m.direction, m.kind, m.message_id, m.uid, m.sequence,
            None if m.dtstamp is None else m.dtstamp.isoformat(), m.at.isoformat(), m.outcome,
            m.detail, m.address)
