"""A desk with no network: a snapshot of the ledger taken beforehand, a journal of its scans.

``wic checkin snapshot`` writes every guest's id, name, category, seats, status and live
token, the tokens replaced by reprints and who was admitted into which session: the desk
judges each scan from it by the rules of :mod:`wiccli.door.rules`, as an online desk would
have at the time of the snapshot, plus what the desk itself admitted since. Each scan goes
to the journal as one JSON line, written and flushed to disk (``fsync``) before its verdict is
shown; the first line names the event. A desk restarted on its journal reads it back first,
so a guest it admitted stays admitted. :mod:`wiccli.door.merge` adds journals to the ledger.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from wiccli.door import rules
from wiccli.door.rules import Desk, Guest, Scan
from wiccli.errors import DataError
from wiccli.invites.backend import Cursor
from wiccli.invites.model import STATUSES

SNAPSHOT = "wic-checkin-snapshot"
JOURNAL = "wic-checkin-journal"
VERSION = 1
MAX_MATCHES = 9


@dataclass
class Snapshot:
    event: str
    taken: datetime
    guests: dict[str, Guest] = field(default_factory=dict)
    live: dict[str, str] = field(default_factory=dict)  # token -> entry id
    replaced: dict[str, str] = field(default_factory=dict)
    sessions: set[tuple[str, str]] = field(default_factory=set)  # (entry id, session)


def take(db: Cursor, event_id: str, now: datetime) -> dict[str, Any]:
    """The snapshot of the ledger, as the JSON document it is written as."""
    guests = db.rows("SELECT e.id, e.name, e.category, e.quantity, e.status, b.token "
                     "FROM entries e LEFT JOIN badges b ON b.entry_id = e.id AND "
                     "b.replaced IS NULL ORDER BY e.id")
    replaced = db.rows("SELECT token, entry_id FROM badges WHERE replaced IS NOT NULL "
                       "ORDER BY token")
    inside = db.rows("SELECT DISTINCT session, entry_id FROM scans WHERE verdict = 'admitted' "
                     "AND direction = 'in' AND session <> '' AND entry_id IS NOT NULL "
                     "ORDER BY session, entry_id")
    sessions: dict[str, list[str]] = {}
    for session, entry_id in inside:
        sessions.setdefault(str(session), []).append(str(entry_id))
    return {"format": SNAPSHOT, "version": VERSION, "event": event_id,
            "taken": now.isoformat(), "guests": [list(r) for r in guests],
            "replaced": [list(r) for r in replaced], "sessions": sessions}


def dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def read_snapshot(data: bytes, label: str, event_id: str) -> Snapshot:
    """A snapshot file's content, checked: of this event, every row of the right shape."""
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != SNAPSHOT:
            raise ValueError("not a check-in snapshot (`wic checkin snapshot -o FILE` makes one)")
        if doc.get("version") != VERSION:
            raise ValueError(f"a snapshot of version {doc.get('version')!r}; this wic reads "
                             f"version {VERSION}")
        _same_event(doc.get("event"), event_id, "snapshot")
        snap = Snapshot(str(doc["event"]), _time(doc["taken"]))
        for entry_id, name, category, quantity, status, token in doc["guests"]:
            if status not in STATUSES:
                raise ValueError(f"a malformed status {str(status)[:40]!r}")
            snap.guests[_text(entry_id)] = Guest(_text(entry_id), _text(name), _text(category),
                                                 _count(quantity), status)
            if token is not None:
                snap.live[_text(token)] = entry_id
        snap.replaced = {_text(t): _text(e) for t, e in doc["replaced"]}
        snap.sessions = {(_text(e), _text(s)) for s, ids in doc["sessions"].items() for e in ids}
    except DataError as exc:
        raise DataError(f"{label}: {exc.message}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise DataError(f"{label}: {_why(exc)}") from None
    return snap


def _same_event(found: object, event_id: str, what: str) -> None:
    if found != event_id:
        raise DataError(f"a {what} of event {found!r}, not of {event_id!r} (the event in use); "
                        "nothing was read")


def _why(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError | json.JSONDecodeError):
        return f"not a JSON file ({exc})"
    return str(exc) if isinstance(exc, ValueError) else f"a malformed snapshot ({exc!r})"


def _text(value: object, most: int = 1000) -> str:
    """A string a file of the door holds: printable (it reaches terminals and tables)."""
    if not isinstance(value, str) or not value or len(value) > most or not value.isprintable():
        raise ValueError(f"a malformed value {str(value)[:40]!r}")
    return value


def _count(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10**6:
        raise ValueError(f"a malformed number {str(value)[:40]!r}")
    return value


def _time(value: object) -> datetime:
    at = datetime.fromisoformat(_text(value))
    if at.tzinfo is None:
        raise ValueError(f"a time without its zone: {value!r}")
    return at


# --------------------------------------------------------------------------- the journal


def header(event_id: str, desk: str, taken: datetime) -> dict[str, Any]:
    return {"format": JOURNAL, "version": VERSION, "event": event_id, "desk": desk,
            "snapshot": taken.isoformat()}


def journal_line(scan: Scan, event_id: str) -> dict[str, Any]:
    """A scan as its journal line: the ``scans`` row, and the event it was made at."""
    return {"event": event_id, **{k: v for k, v in rules.record(scan).items()
                                  if k not in ("name", "category", "seats", "entry")}}


def parse_journal(data: bytes, label: str, event_id: str) -> Iterator[Scan]:
    """The scans of a journal file, checked line by line (one clear error names the line).
    A last line cut short (the desk stopped while writing it) is left out: its verdict was
    never shown."""
    lines = data.split(b"\n")
    if lines and lines[-1]:
        lines[-1] = b""  # no line break: never completed
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line.decode("utf-8"))
            if not isinstance(doc, dict):
                raise ValueError("not a JSON object")
            if number == 1:
                _journal_header(doc, event_id)
                continue
            _same_event(doc.get("event", event_id), event_id, "scan")
            yield _scan(doc)
        except DataError as exc:
            raise DataError(f"{label}:{number}: {exc.message}") from None
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise DataError(f"{label}:{number}: {_why(exc)}; nothing was merged") from None


def _journal_header(doc: dict[str, Any], event_id: str) -> None:
    if doc.get("format") != JOURNAL:
        raise ValueError("not a check-in journal (`wic checkin --journal FILE` writes one)")
    if doc.get("version") != VERSION:
        raise ValueError(f"a journal of version {doc.get('version')!r}")
    _same_event(doc.get("event"), event_id, "journal")


def _scan(doc: dict[str, Any]) -> Scan:
    direction, verdict = doc["direction"], doc["verdict"]
    if direction not in ("in", "out") or verdict not in ("admitted", "refused"):
        raise ValueError(f"a malformed scan (direction {direction!r}, verdict {verdict!r})")
    session, typed, reason = (doc[k] for k in ("session", "input", "reason"))
    if not all(isinstance(v, str) for v in (session, typed, reason)):
        raise ValueError("a malformed scan")
    token, entry_id = doc["token"], doc["entry_id"]
    return Scan(_text(doc["id"], 100), _time(doc["at"]), _text(doc["desk"], 40), direction,
                session and _text(session, 100), rules.shown(typed),
                None if token is None else _text(token, 64),
                None if entry_id is None else _text(entry_id, 32), verdict,
                reason and _text(reason, 200))


class JournalFile:
    """The journal, open to append: one line a scan, on disk before its verdict is shown."""

    def __init__(self, path: Path, label: str, first: dict[str, Any]) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            self.fd = os.open(path, flags, 0o600)
        except OSError as exc:
            raise DataError(f"{label}: cannot write the journal: {exc.strerror or exc}") from None
        if os.fstat(self.fd).st_size == 0:
            self.write(first)
        self.label = label

    def write(self, doc: dict[str, Any]) -> None:
        data = (json.dumps(doc, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        try:
            os.write(self.fd, data)
            os.fsync(self.fd)
        except OSError as exc:
            raise DataError(f"cannot write the journal: {exc.strerror or exc}; the last scan "
                            "is not recorded") from None

    def close(self) -> None:
        os.close(self.fd)


# --------------------------------------------------------------------------- the desk


@dataclass
class OfflineDesk:
    """A desk that judges from a snapshot and its own journal, with no ledger."""

    snapshot: Snapshot
    journal: JournalFile
    desk: Desk
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    firsts: dict[tuple[str, str], tuple[datetime, str]] = field(default_factory=dict)

    def replay(self, scans: Iterator[Scan]) -> int:
        """Take in the scans of the journal written before (a restarted desk)."""
        count = 0
        for scan in scans:
            self._remember(scan)
            count += 1
        return count

    def scan(self, text: str, *, typed: bool = False) -> Scan:
        reading = rules.as_scanned(rules.read(text), typed=typed)
        if reading.kind == "refused":
            return self._keep(self._blank(reading.shown, None, reading.value))
        token = reading.value
        entry_id = self.snapshot.live.get(token) or self.snapshot.replaced.get(token)
        if entry_id is None or entry_id not in self.snapshot.guests:
            return self._keep(self._blank(token, token, rules.UNKNOWN))
        return self._decide(self._blank(token, token, ""), entry_id,
                            replaced=token not in self.snapshot.live)

    def names(self, text: str) -> list[Guest]:
        needle = " ".join(text.casefold().split())
        found = sorted((g for g in self.snapshot.guests.values()
                        if needle in " ".join(g.name.casefold().split())),
                       key=lambda g: (g.name, g.entry_id))
        return found[:MAX_MATCHES + 1]

    def admit(self, entry_id: str, typed: str) -> Scan:
        token = next((t for t, e in self.snapshot.live.items() if e == entry_id), None)
        return self._decide(self._blank(rules.shown(typed), token, ""), entry_id, replaced=False)

    def _blank(self, typed: str, token: str | None, reason: str) -> Scan:
        return Scan(self.new_id(), self.clock(), self.desk.name, self.desk.direction,
                    self.desk.session, typed, token, None, "refused", reason)

    def _decide(self, blank: Scan, entry_id: str, *, replaced: bool) -> Scan:
        guest = self.snapshot.guests[entry_id]
        first = self.firsts.get((entry_id, blank.session))
        came_in = first is not None or (entry_id, blank.session) in self.snapshot.sessions or (
            guest.status == "attended" and not blank.session)
        verdict, reason, entry = rules.judge(guest, self.desk, replaced=replaced,
                                             came_in=came_in)
        return self._keep(replace(blank, entry_id=entry_id, verdict=verdict, reason=reason,
                                  guest=guest, entry=entry,
                                  first_at=first[0] if first else None,
                                  first_desk=first[1] if first else ""))

    def _keep(self, scan: Scan) -> Scan:
        self.journal.write(journal_line(scan, self.snapshot.event))
        self._remember(scan)
        return scan

    def _remember(self, scan: Scan) -> None:
        if scan.entry_id is None or scan.entry_id not in self.snapshot.guests:
            return
        guest = self.snapshot.guests[scan.entry_id]
        if rules.becomes_attended(guest, scan.verdict, scan.direction):
            self.snapshot.guests[scan.entry_id] = replace(guest, status="attended")
        if scan.admitted and scan.direction == "in":
            self.firsts.setdefault((scan.entry_id, scan.session), (scan.at, scan.desk))
