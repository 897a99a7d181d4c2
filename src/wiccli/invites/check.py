"""Ledger text -> checked :class:`~wiccli.invites.model.Ledger`.

Every problem is collected and reported at once with its key path
(``invitations[3].country``); TOML syntax errors name the line and column.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from wiccli.errors import Checker, DataError, ProblemsError
from wiccli.event.load import parse_toml
from wiccli.headers import address, text_problem
from wiccli.headers import shown as shown_value
from wiccli.invites import countries
from wiccli.invites.model import ID_RE, STATUSES, Change, Invitation, Ledger
from wiccli.limits import MAX_NAME, MAX_QUANTITY

SCHEMA = 1  # the TOML ledger format's version; a later format migrates older files on read
TOP_KEYS = ("schema", "event", "invitations")
ENTRY_KEYS = ("id", "name", "organization", "category", "country", "email", "quantity",
              "status", "note", "created", "updated", "history")
HISTORY_KEYS = frozenset({"at", "status", "note", "message_id"})
REQUIRED = frozenset({"id", "name", "category", "country", "status", "created", "updated",
                      "history"})


def parse(raw: bytes, source: str) -> Ledger:
    """Decode, parse and check a ledger file's bytes, or raise naming every problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{source}:{line}: the ledger is not UTF-8 text") from None
    data = parse_toml(text, source)  # with line and column, and what to write for a time
    version = data.get("schema")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DataError(f"{source}: schema: expected the ledger's schema version "
                        f"(an integer, {SCHEMA} for this wic), got {version!r}")
    if version > SCHEMA:
        raise DataError(f"{source}: schema {version} was written by a newer wic; "
                        f"this one reads schema {SCHEMA}")
    checker = LedgerChecker()
    ledger = checker.ledger(data)
    if checker.problems or ledger is None:
        raise ProblemsError(source, checker.problems)
    return ledger



class LedgerChecker(Checker):
    """The ledger's rules, key by key."""

    def ledger(self, data: dict[str, Any]) -> Ledger | None:
        for key in data:
            if key not in TOP_KEYS:
                self.fail(key, f"unknown key (known keys: {', '.join(TOP_KEYS)})")
        event = data.get("event")
        if not isinstance(event, str) or not event:
            self.fail("event", "expected the event id (a string)")
        entries = data.get("invitations", [])
        if not isinstance(entries, list):
            self.fail("invitations", "expected an array of tables ([[invitations]])")
            return None
        found = [(i, self.entry(item, f"invitations[{i}]")) for i, item in enumerate(entries)]
        kept = [(i, e) for i, e in found if e is not None]
        self.unique(kept)
        if self.problems or not isinstance(event, str):
            return None
        return Ledger(event).with_entries(e for _, e in kept)

    def unique(self, entries: list[tuple[int, Invitation]]) -> None:
        """Ids, e-mail addresses (any case) and name with organisation: each once."""
        keys: list[tuple[str, Any, Any]] = [
            ("id", lambda e: e.id, lambda e: repr(e.id)),
            ("email", lambda e: e.email.casefold() or None, lambda e: repr(e.email)),
            ("name", lambda e: e.name_key, lambda e: f"{e.name!r} of {e.organization!r}"),
        ]
        for key, value, shown in keys:
            seen: dict[Any, int] = {}
            for index, entry in entries:
                found = value(entry)
                if found is not None and found in seen:
                    self.fail(f"invitations[{index}].{key}", f"duplicate {key} {shown(entry)} "
                              f"(first used at invitations[{seen[found]}])")
                seen.setdefault(found, index)

    def entry(self, item: Any, path: str) -> Invitation | None:
        if not isinstance(item, dict):
            self.fail(path, "expected a table")
            return None
        before = len(self.problems)
        for key in item:
            if key not in ENTRY_KEYS:
                self.fail(f"{path}.{key}", f"unknown key (known keys: {', '.join(ENTRY_KEYS)})")
        for key in sorted(REQUIRED - set(item)):
            self.fail(f"{path}.{key}", "missing required key")
        values = {key: self.CHECKS[key](self, item[key], f"{path}.{key}")
                  for key in ENTRY_KEYS if key in item}
        if len(self.problems) > before:
            return None
        values["history"] = tuple(values["history"])
        return Invitation(**values)

    # ---- values; each returns the value, or records a problem

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, f"expected a string, got {type(value).__name__}")
            return ""
        return value

    def required_text(self, value: Any, path: str) -> str:
        result = self.text(value, path)
        if isinstance(value, str) and not value.strip():
            self.fail(path, "must not be empty")
        return result

    def ident(self, value: Any, path: str) -> str:
        result = self.text(value, path)
        if isinstance(value, str) and not ID_RE.match(value):
            self.fail(path, f"{value!r} is not a valid id (letters, digits, '-', '_')")
        return result

    def country(self, value: Any, path: str) -> str:
        result = self.text(value, path)
        if isinstance(value, str) and not countries.is_code(value):
            self.fail(path, f"{value!r} is not an ISO 3166-1 alpha-2 code (such as DE)")
        return result

    def name(self, value: Any, path: str) -> str:
        """A name or organisation: it reaches mail headers (wiccli.headers)."""
        result = self.text(value, path)
        problem = text_problem(result, MAX_NAME)
        if problem is not None:
            self.fail(path, problem)
        return result

    def required_name(self, value: Any, path: str) -> str:
        result = self.required_text(value, path)
        return self.name(result, path) if result.strip() else result

    def email(self, value: Any, path: str) -> str:
        """An address alone; ``<a@b.org>`` loses its brackets."""
        result = self.text(value, path)
        if not result:
            return result
        plain, problem = address(result)
        if problem is not None:
            self.fail(path, f"{shown_value(result)} {problem}")
        return plain

    def status(self, value: Any, path: str) -> str:
        result = self.text(value, path)
        if isinstance(value, str) and value not in STATUSES:
            self.fail(path, f"unknown status {value!r} (choose from {', '.join(STATUSES)})")
        return result

    def quantity(self, value: Any, path: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_QUANTITY:
            return value
        self.fail(path, f"expected a whole number from 1 to {MAX_QUANTITY:,}, got {value!r}")
        return 1

    def moment(self, value: Any, path: str) -> datetime:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(UTC)
        self.fail(path, "expected a date-time with a UTC offset, such as 2018-11-07T10:30:00Z")
        return datetime.now(UTC)

    def history(self, value: Any, path: str) -> list[Change]:
        if not isinstance(value, list) or not value:
            self.fail(path, "expected a non-empty array of {at, status, note} tables")
            return []
        changes = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if not isinstance(item, dict) or set(item) - HISTORY_KEYS:
                self.fail(where, "expected a table with the keys at, status, note "
                          "(and message_id)")
                continue
            message_id = item.get("message_id")
            changes.append(Change(self.moment(item.get("at"), f"{where}.at"),
                                  self.status(item.get("status"), f"{where}.status"),
                                  self.text(item.get("note", ""), f"{where}.note"),
                                  None if message_id is None
                                  else self.required_text(message_id, f"{where}.message_id")))
        return changes

    CHECKS: dict[str, Callable[[LedgerChecker, Any, str], Any]] = {
        "id": ident, "name": required_name, "organization": name, "category": ident,
        "country": country, "email": email, "quantity": quantity, "status": status,
        "note": text, "created": moment, "updated": moment, "history": history,
    }
