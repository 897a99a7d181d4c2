"""Rows of the ledger database -> checked model objects, or one error naming the row.

The schema's constraints keep out what wic would never write, but a database can be
changed behind wic's back: an SQLite file edited with ``PRAGMA ignore_check_constraints``,
a hand-made UPDATE, a table of an old tool. Every row read is checked against the same
rules as a TOML ledger (:class:`~wiccli.invites.check.LedgerChecker`): a status wic
knows, a country code, a quantity in range, timestamps that parse, a message's kind and
direction (names and addresses: text, see ``_ENTRY_CHECKS``). The first bad one is ONE
error that names the ledger, the entry and the field. Nothing is shown or exported from
a ledger with a bad row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from wiccli.errors import DataError
from wiccli.invites import model as core
from wiccli.invites.check import LedgerChecker
from wiccli.invites.summary import Counted
from wiccli.limits import MAX_QUANTITY, MAX_SEQUENCE

ENTRY_COLUMNS = ("id", "name", "category", "country", "status", "created", "updated",
                 "organization", "email", "quantity", "note")
MESSAGE_COLUMNS = ("id", "entry_id", "direction", "kind", "message_id", "uid", "sequence",
                   "dtstamp", "at", "outcome", "detail", "address")
# The check of each column. Names, organisations and addresses are only required to be
# text here: an older wic wrote some that today's input rules refuse, and the mail steps
# check those before anything is sent (a guest with one is listed, not sent to).
_ENTRY_CHECKS = {"id": "ident", "name": "required_text", "category": "ident",
                 "country": "country", "status": "status", "created": "stamp",
                 "updated": "stamp", "organization": "text", "email": "text",
                 "quantity": "quantity", "note": "text"}


class RowChecker(LedgerChecker):
    """The ledger's rules applied to database rows (text timestamps, loose SQLite types)."""

    def __init__(self, where: str) -> None:
        super().__init__()
        self.where = where

    def stamp(self, value: Any, path: str) -> datetime:
        """An ISO 8601 timestamp with a UTC offset, as the store writes it."""
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail(path, f"{value!r} is not a date-time with a UTC offset")
            return datetime.now(UTC)
        return parsed

    def one_of(self, value: Any, path: str, allowed: Sequence[str]) -> str:
        if not isinstance(value, str) or value not in allowed:
            self.fail(path, f"{value!r} is not one of {', '.join(allowed)}")
            return ""
        return value

    def sequence(self, value: Any, path: str) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)
                             and 0 <= value <= MAX_SEQUENCE):
            return value
        self.fail(path, f"expected a whole number from 0 to {MAX_SEQUENCE}, got {value!r}")
        return None

    def refuse(self, what: str) -> None:
        """Raise the first problem found in ``what`` (``entry 'ab12cd'``), if any."""
        if self.problems:
            first = self.problems[0]
            raise DataError(f"{self.where}: {what}: {first.path}: {first.message}; the "
                            "ledger was changed outside wic (fix or remove that row)")


def entry(checker: RowChecker, row: Sequence[Any], history: list[core.Change],
          fields: tuple[tuple[str, str], ...] = ()) -> core.Invitation:
    values = dict(zip(ENTRY_COLUMNS, row, strict=True))
    checked: dict[str, Any] = {key: getattr(checker, _ENTRY_CHECKS[key])(value, key)
                               for key, value in values.items()}
    checker.refuse(f"entry {values['id']!r}")
    return core.Invitation(**checked, history=tuple(history), fields=fields)


def change(checker: RowChecker, entry_id: Any, row: Sequence[Any]) -> core.Change:
    at, status, note, message_id, field, value = row
    checked = core.Change(checker.stamp(at, "history.at"),
                          checker.status(status, "history.status"),
                          checker.text(note, "history.note"),
                          None if message_id is None
                          else checker.required_text(message_id, "history.message_id"),
                          None if field is None else checker.required_text(field,
                                                                           "history.field"),
                          None if value is None else checker.text(value, "history.value"))
    checker.refuse(f"entry {entry_id!r}")
    return checked


def field_values(checker: RowChecker, entry_id: Any, rows: Sequence[Sequence[Any]]
                 ) -> tuple[tuple[str, str], ...]:
    """An entry's rows of the fields table, as :attr:`Invitation.fields`."""
    found = tuple((checker.required_text(name, "fields.name"),
                   checker.required_name(value, f"fields.{name}")) for name, value in rows)
    checker.refuse(f"entry {entry_id!r}")
    return found


def message(checker: RowChecker, row: Sequence[Any]) -> core.Message:
    values = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    c = checker
    entry_id = values["entry_id"]
    checked = core.Message(
        None if entry_id is None else c.ident(entry_id, "entry_id"),
        c.one_of(values["direction"], "direction", core.DIRECTIONS),
        c.one_of(values["kind"], "kind", core.MESSAGE_KINDS),
        c.required_text(values["message_id"], "message_id"),
        c.stamp(values["at"], "at"), c.text(values["uid"], "uid"),
        c.sequence(values["sequence"], "sequence"),
        None if values["dtstamp"] is None else c.stamp(values["dtstamp"], "dtstamp"),
        c.text(values["outcome"], "outcome"), c.text(values["detail"], "detail"),
        values["id"], c.text(values["address"], "address"))
    checker.refuse(f"message {values['id']!r} (of entry {entry_id!r})")
    return checked


def counted(checker: RowChecker, row: Sequence[Any]) -> Counted | None:
    """A row of the tally, or None when one of its entries breaks a rule (the caller then
    reads the entries one by one to name it)."""
    category, country, status, quantity, entries = row
    checker.ident(category, "category")
    checker.country(country, "country")
    checker.status(status, "status")
    if not isinstance(quantity, int) or isinstance(quantity, bool) or \
            not entries <= quantity <= entries * MAX_QUANTITY:
        checker.fail("quantity", f"the quantities sum to {quantity!r}")
    if checker.problems:
        return None
    return Counted(category, country, status, quantity, entries)
