"""``wic invites replies``: read a mailbox, plan what its answers change, apply the plan.

The whole plan is applied in one transaction of the ledger, through the same status
rules as ``wic invites set``: every change a history row with the answer's time and
Message-ID, every reply and bounce recorded in the messages table (so a second run
over the same mailbox changes nothing). Only after the transaction is committed are
the applied messages marked or moved on the IMAP server, so a failure never files away
an answer that was not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from wiccli.errors import UsageError, WicError
from wiccli.invites import model as core
from wiccli.mail import inbox
from wiccli.mail.itip import Reading, read_message
from wiccli.mail.replies import APPLIED, Delegate, Plan, plan

if TYPE_CHECKING:
    from wiccli.invites.store import Store, Tx
    from wiccli.mail.imap import Mailbox


@dataclass(frozen=True, slots=True)
class Options:
    dry_run: bool = False
    add_delegates: bool = False
    mark_seen: bool = False
    move_to: str = ""
    authserv_id: str = ""  # the mail server whose Authentication-Results are trusted


@dataclass(frozen=True, slots=True)
class Result:
    source: str
    plan: Plan
    notes: tuple[str, ...]  # what applying could not do (a delegate that could not be added)


def process(store: Store, source_text: str, *, event_id: str, now: datetime,
            options: Options, stdin: BinaryIO | None, environ: Mapping[str, str],
            cwd: Path, home: Path, random_bytes: Callable[[int], bytes]) -> Result:
    """Read ``source_text``, and apply what its answers say to the ledger in ``store``."""
    source = inbox.locate(source_text, cwd)
    if (options.mark_seen or options.move_to) and source.kind != "imap":
        raise UsageError("--mark-seen and --move-to work on an IMAP mailbox only")
    with store.transaction(write=False) as tx:  # what was read before is not parsed again
        known = {m.message_id for m in tx.messages() if m.direction == "in"}
    with _opened(source, stdin, environ, home, known) as (readings, box):
        with store.transaction(write=not options.dry_run) as tx:
            entries = tx.entries(history=False)
            result = plan(readings, entries, tx.messages(), event_id=event_id, now=now,
                          add_delegates=options.add_delegates,
                          authserv_id=options.authserv_id)
            notes: tuple[str, ...] = ()
            if not options.dry_run:
                notes = apply(tx, result, now=now, random_bytes=random_bytes)
        if box is not None and not options.dry_run:
            _file_applied(box, result, options)
    if not entries and readings:
        notes += (f"the ledger {store.where} has no guests, so no answer can match "
                  "(another --ledger or --event?)",)
    return Result(source.label, result, notes)


@contextmanager
def _opened(source: inbox.Source, stdin: BinaryIO | None, environ: Mapping[str, str],
            home: Path, known: set[str]) -> Iterator[tuple[list[Reading], Mailbox | None]]:
    """Every message of ``source`` read, and the IMAP mailbox kept open for filing."""
    if source.kind != "imap":
        messages = inbox.read_messages(source, stdin)
        yield [read_message(key, raw, known) for key, raw in messages], None
        return
    from wiccli.mail import imap

    address = imap.parse_url(source.url)
    user, password = imap.credentials(address, environ, home)
    with imap.Mailbox(address, user, password, imap.tls_context(environ)) as box:
        yield [read_message(key, raw, known) for key, raw in box.messages()], box


def _file_applied(box: Mailbox, result: Plan, options: Options) -> None:
    keys = list(dict.fromkeys(o.key for o in result.outcomes if o.outcome == APPLIED))
    if options.mark_seen:
        box.mark_seen(keys)
    if options.move_to:
        box.move(keys, options.move_to)


# --------------------------------------------------------------------------- applying


def apply(tx: Tx, result: Plan, *, now: datetime,
          random_bytes: Callable[[int], bytes]) -> tuple[str, ...]:
    """Write ``result`` in ``tx``: status changes, delegates, and the messages read."""
    for change in result.changes:
        tx.set_status(change.entry_id, change.status, note=change.note, now=change.at,
                      force=False, message_id=change.message_id)
    notes = [note for d in result.delegates if (note := _add_delegate(tx, d, random_bytes))]
    recorded: set[str] = set()
    for outcome in result.outcomes:
        if outcome.record is None or outcome.message_id in recorded:
            continue
        recorded.add(outcome.message_id)
        record = outcome.record
        tx.record_message(core.Message(
            record.entry_id, "in", record.kind, outcome.message_id, outcome.at or now,
            uid=record.uid, sequence=record.sequence, dtstamp=record.dtstamp,
            outcome=outcome.outcome, detail=outcome.detail[:1000]))
    return tuple(notes)


def _add_delegate(tx: Tx, delegate: Delegate, random_bytes: Callable[[int], bytes]) -> str:
    """Add the delegate as a guest of the same category and country, not yet invited;
    a guest already in the ledger under that name is left as it is, and said."""
    source = tx.get(delegate.from_entry)
    status = "listed" if "listed" in core.STATUSES else "invited"
    try:
        # The name (CN) and address come from someone else's calendar: the same rules
        # as `wic invites add`, or they would reach the headers of the next invitation.
        fields = {"name": core.check_name("name", delegate.name.strip()),
                  "category": source.category, "country": source.country,
                  "email": core.check_email(delegate.email), "status": status,
                  "note": f"delegate of {source.name} ({source.id})"}
        tx.add(fields, now=delegate.at, random_bytes=random_bytes)
    except WicError as exc:
        return f"delegate {delegate.email} not added: {exc.message}"
    return ""
