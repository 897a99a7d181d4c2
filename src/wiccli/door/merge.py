"""Scans made away from the ledger, added to it: offline desks' journals, the paper list.

Each scan keeps the id its desk gave it, and a scan whose id the ledger has is skipped: a
journal merged twice adds its scans once. Scans are taken in the order they were made, so
a guest admitted at two offline desks is checked in by the earlier scan (the guest becomes
``attended``) and the later one is a re-entry. Nothing a desk recorded is dropped: a scan of
a guest no longer in the ledger is kept without its guest, and one admitted offline whose
status has changed since the snapshot (declined, say) is kept as made, its status left for
a person to look at (listed in the report).

The paper fallback: the door list printed beforehand is ticked by hand; ``wic checkin
ticked`` turns each ticked id into a scan of desk ``paper`` whose id is the guest's, so a
list imported twice adds each guest once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from wiccli.door import rules
from wiccli.door.desk import decide, guest_of
from wiccli.door.rules import Scan
from wiccli.invites.backend import ConflictError
from wiccli.invites.store import Store, Tx

PAPER = "paper"
RETRIES = 20


@dataclass
class Report:
    read: int = 0
    added: int = 0
    known: int = 0  # already in the ledger (merged before)
    people: int = 0  # checked in by these scans (first admissions)
    notes: list[str] = field(default_factory=list)
    scans: list[Scan] = field(default_factory=list)  # those added (ticked: each judged)


def retrying(store: Store, step: Callable[[Tx], Report]) -> Report:
    """``step`` in one transaction, again when PostgreSQL refuses it for a conflict with a
    desk scanning at the same time (the step is idempotent: every scan has its id)."""
    for attempt in range(RETRIES):
        try:
            with store.transaction() as tx:
                return step(tx)
        except ConflictError:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def merge(tx: Tx, scans: Sequence[Scan]) -> Report:
    """Add the scans the ledger does not have yet, oldest first."""
    report = Report(read=len(scans))
    for scan in sorted(scans, key=lambda s: (s.at, s.id)):
        if tx.db.rows("SELECT 1 FROM scans WHERE id = ?", (scan.id,)):
            report.known += 1
            continue
        _add(tx, scan, report)
    return report


def _add(tx: Tx, scan: Scan, report: Report) -> None:
    guest = None
    if scan.entry_id is not None:
        tx.claim(scan.entry_id)
        guest = guest_of(tx.db, scan.entry_id)
        if guest is None:
            report.notes.append(f"scan {scan.id} at desk {scan.desk} names guest "
                                f"{scan.entry_id}, who is no longer in the ledger: kept "
                                "without the guest")
            scan = replace(scan, entry_id=None)
    tx.db.run(rules.INSERT, rules.row(replace(scan, at=scan.at.astimezone(UTC))))
    report.added += 1
    if guest is None or not (scan.admitted and scan.direction == "in"):
        return
    if guest.status in ("accepted", "no-show"):
        tx.set_status(guest.entry_id, "attended", note=f"checked in at desk {scan.desk}",
                      now=scan.at.astimezone(UTC), force=False)
        report.people += guest.quantity
    elif guest.status != "attended":
        report.notes.append(f"{guest.entry_id} ({guest.name}) was admitted at desk {scan.desk} "
                            f"at {scan.at:%H:%M} but is {guest.status} in the ledger: the status "
                            "is left as it is")


# --------------------------------------------------------------------------- paper


def ticked_ids(lines: Iterable[str]) -> list[str]:
    """The ids of a ticked list: the first field of each line (spaces, tabs or commas
    around it), blank lines and ``#`` comments left out."""
    found = []
    for line in lines:
        text = line.split("#", 1)[0].replace(",", " ").replace(";", " ").split()
        if text:
            found.append(text[0])
    return found


def tick(tx: Tx, ids: Sequence[str], now: datetime) -> Report:
    """Each ticked id as an admission at desk ``paper``, judged by the door's rules."""
    report = Report(read=len(ids))
    for typed in ids:
        entry_id = _exact(tx, typed)
        scan_id = f"{PAPER}-{entry_id}" if entry_id else _unknown_id(typed)
        if tx.db.rows("SELECT 1 FROM scans WHERE id = ?", (scan_id,)):
            report.known += 1
            continue
        blank = Scan(scan_id, now, PAPER, "in", "", rules.shown(typed), None, None, "refused",
                     rules.UNKNOWN_ID)
        if entry_id is None:
            tx.db.run(rules.INSERT, rules.row(blank))
            scan = blank
        else:
            before = guest_of(tx.db, entry_id)
            scan = decide(tx, replace(blank, reason=""), entry_id, replaced=False)
            if before is not None and rules.becomes_attended(before, scan.verdict, "in"):
                report.people += before.quantity
        report.added += 1
        report.scans.append(scan)
    return report


def _exact(tx: Tx, typed: str) -> str | None:
    """The guest whose id this is (any case): never a guess from a start of one, since a
    smudged tick must not admit someone else."""
    if len(typed) > 32:
        return None
    rows = tx.db.rows("SELECT id FROM entries WHERE lower(id) = ? ORDER BY id",
                      (typed.casefold(),))
    return str(rows[0][0]) if len(rows) == 1 else None


def _unknown_id(typed: str) -> str:
    return f"{PAPER}-unknown-{hashlib.sha256(typed.encode('utf-8', 'replace')).hexdigest()[:16]}"
