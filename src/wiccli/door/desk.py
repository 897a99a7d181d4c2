"""A check-in desk on the ledger: each scan judged and recorded in one transaction.

The badge is found by its token (the primary key of ``badges``), the guest by id, earlier
admissions through the ``scans_entry`` index: a verdict reads a few rows whatever the size
of the ledger. The transaction first claims the guest's row, so two desks that scan one
guest at the same moment go one after the other (SQLite: the write lock; PostgreSQL: the
row lock, and the later one, refused for a conflict, is judged again): the first admission
wins and the other one is a re-entry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from wiccli.door import rules, tokens
from wiccli.door.rules import Desk, Guest, Reading, Scan
from wiccli.errors import NotFoundError
from wiccli.invites.backend import ConflictError, Cursor
from wiccli.invites.store import Store, Tx

RETRIES = 20  # a conflict on PostgreSQL: judge the scan again, this many times
MAX_MATCHES = 9  # names listed to pick from (one key each)
GUEST = "SELECT id, name, category, quantity, status FROM entries"


def guest_of(db: Cursor, entry_id: str) -> Guest | None:
    rows = db.rows(f"{GUEST} WHERE id = ?", (entry_id,))
    return _guest(rows[0]) if rows else None


def _guest(row: Sequence[object]) -> Guest:
    entry_id, name, category, quantity, status = row
    return Guest(str(entry_id), str(name), str(category), int(str(quantity)), str(status))


def first_admission(db: Cursor, entry_id: str, session: str) -> tuple[str, str] | None:
    """(time, desk) of the guest's first admission in (through the door or into a session)."""
    rows = db.rows("SELECT at, desk FROM scans WHERE entry_id = ? AND session = ? AND "
                   "direction = 'in' AND verdict = 'admitted' ORDER BY at, id LIMIT 1",
                   (entry_id, session))
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def matches(db: Cursor, text: str, limit: int = MAX_MATCHES) -> list[Guest]:
    """Guests whose name (or organisation) holds ``text``, any case, sorted by name."""
    needle = " ".join(text.casefold().split())
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.rows(f"{GUEST} WHERE name_key LIKE ? ESCAPE '\\' ORDER BY name, id LIMIT ?",
                   (pattern, limit + 1))
    return [_guest(r) for r in rows]


@dataclass
class OnlineDesk:
    """A desk that judges every scan on the ledger itself."""

    store: Store
    desk: Desk
    clock: Callable[[], datetime]
    new_id: Callable[[], str]

    def scan(self, text: str, *, typed: bool = False) -> Scan:
        """Judge and record the line read (a token; a name is refused: pick by :meth:`admit`)."""
        reading = rules.as_scanned(rules.read(text), typed=typed)
        return self._retry(lambda tx, now: self._judge(tx, reading, now))

    def names(self, text: str) -> list[Guest]:
        with self.store.transaction(write=False) as tx:
            return matches(tx.db, text)

    def admit(self, entry_id: str, typed: str) -> Scan:
        """Judge the guest picked by name (the badge is not needed)."""
        return self._retry(lambda tx, now: self._by_id(tx, entry_id, rules.shown(typed), now))

    def _retry(self, step: Callable[[Tx, datetime], Scan]) -> Scan:
        for attempt in range(RETRIES):
            try:
                with self.store.transaction() as tx:
                    return step(tx, self.clock())
            except ConflictError:
                if attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _judge(self, tx: Tx, reading: Reading, now: datetime) -> Scan:
        if reading.kind == "refused":
            return self._refused(tx, now, reading.shown, None, None, reading.value)
        badge = tokens.lookup(tx.db, reading.value)
        if badge is None:
            return self._refused(tx, now, reading.shown, reading.value, None, rules.UNKNOWN)
        return decide(tx, self._blank(now, reading.shown, badge.token), badge.entry_id,
                      replaced=not badge.live)

    def _by_id(self, tx: Tx, entry_id: str, typed: str, now: datetime) -> Scan:
        badge = tokens.live(tx.db, entry_id)
        return decide(tx, self._blank(now, typed, badge.token if badge else None), entry_id,
                      replaced=False)

    def _blank(self, now: datetime, typed: str, token: str | None) -> Scan:
        return Scan(self.new_id(), now, self.desk.name, self.desk.direction, self.desk.session,
                    typed, token, None, "refused")

    def _refused(self, tx: Tx, now: datetime, typed: str, token: str | None,
                 entry_id: str | None, reason: str) -> Scan:
        scan = replace(self._blank(now, typed, token), entry_id=entry_id, reason=reason)
        tx.db.run(rules.INSERT, rules.row(scan))
        return scan


def decide(tx: Tx, blank: Scan, entry_id: str, *, replaced: bool) -> Scan:
    """Judge the guest ``entry_id`` for the scan ``blank`` (its desk, time, input and token),
    record it and, on a first admission, move the guest to ``attended``."""
    tx.claim(entry_id)  # one desk at a time for this guest, from here to the commit
    guest = guest_of(tx.db, entry_id)
    if guest is None:
        raise NotFoundError(f"no invitation with id {entry_id!r}")
    desk = Desk(blank.desk, blank.direction, blank.session)
    first = first_admission(tx.db, entry_id, blank.session)
    came_in = first is not None or (guest.status == "attended" and not blank.session)
    verdict, reason, entry = rules.judge(guest, desk, replaced=replaced, came_in=came_in)
    scan = replace(blank, entry_id=entry_id, verdict=verdict, reason=reason, guest=guest,
                   entry=entry, first_at=datetime.fromisoformat(first[0]) if first else None,
                   first_desk=first[1] if first else "")
    tx.db.run(rules.INSERT, rules.row(scan))
    if rules.becomes_attended(guest, verdict, blank.direction):
        tx.set_status(entry_id, "attended", note=f"checked in at desk {blank.desk}",
                      now=blank.at, force=False)
    return scan

