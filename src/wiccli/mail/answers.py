"""``wic invites replies``: read a mailbox, plan what its answers change, apply the plan.

:func:`prepare` checks SOURCE and every option before anything is read or changed (the
folder to move to, the password, the CA file). :func:`process` then reads the messages
one at a time (:mod:`wiccli.mail.reader` keeps each within its limits) and applies the
plan in one transaction of the ledger, through the same status rules as
``wic invites set``: every change a history row with the answer's time and Message-ID,
every reply and bounce recorded in the messages table (so a second run over the same
mailbox changes nothing).

Each message stands alone: one that cannot be recorded (its Message-ID is that of a
message wic sent, or a rule of the ledger refuses it) is reported with its Message-ID as
``needs-a-person``, and the plan is made again without it, so the rest is applied as if it
had not been there. ``--dry-run`` runs the very same steps against the ledger and rolls
them back. Only after the transaction is committed are messages marked or moved on the
IMAP server (those applied now and those applied on an earlier run), so a failure never
files away an answer that was not recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from wiccli.errors import UsageError, WicError
from wiccli.invites import model as core
from wiccli.mail import inbox
from wiccli.mail.itip import Reading, clean
from wiccli.mail.replies import APPLIED, Delegate, Outcome, Plan, StatusChange, plan
from wiccli.text import plural

if TYPE_CHECKING:
    import ssl

    from wiccli.invites.store import Store, Tx
    from wiccli.mail.imap import Address, Mailbox


@dataclass(frozen=True, slots=True)
class Options:
    dry_run: bool = False
    add_delegates: bool = False
    mark_seen: bool = False
    move_to: str = ""
    authserv_id: str = ""  # the mail server whose Authentication-Results are trusted
    ca: Path | None = None  # --ca: the CA to trust for IMAP (else $WIC_CA, $SSL_CERT_FILE)


@dataclass(frozen=True, slots=True)
class Login:
    """An IMAP mailbox to open: where, who, and the TLS context (its CA file read)."""

    address: Address
    user: str
    password: str
    context: ssl.SSLContext


@dataclass(frozen=True, slots=True)
class Request:
    """SOURCE and the options, checked."""

    source: inbox.Source
    options: Options
    login: Login | None = None


@dataclass(frozen=True, slots=True)
class Result:
    source: str
    plan: Plan
    notes: tuple[str, ...]  # what applying could not do (a delegate that could not be added)
    filed: tuple[str, ...] = ()  # what was done in the mailbox: moved, marked read


def prepare(source_text: str, options: Options, *, environ: Mapping[str, str], cwd: Path,
            home: Path) -> Request:
    """SOURCE located and every option checked: what is refused is refused here, before
    the ledger is opened or a message read."""
    source = inbox.locate(source_text, cwd)
    if (options.mark_seen or options.move_to) and source.kind != "imap":
        raise UsageError("--mark-seen and --move-to work on an IMAP mailbox only")
    if source.kind != "imap":
        return Request(source, options)
    from wiccli.mail import imap, tls

    address = imap.parse_url(source.url)
    imap.check_folder(options.move_to, address)
    user, password = imap.credentials(address, environ, home)
    context = tls.context(tls.ca_file(options.ca, environ, "SSL_CERT_FILE"))
    return Request(source, options, Login(address, user, password, context))


def process(store: Store, request: Request, *, event_id: str, now: datetime,
            stdin: BinaryIO | None, random_bytes: Callable[[int], bytes]) -> Result:
    """Read the messages of ``request``, and apply what their answers say to the ledger."""
    options = request.options
    with store.transaction(write=False) as tx:  # what was read before is not parsed again
        known = {m.message_id for m in tx.messages() if m.direction == "in"}
    with _opened(request, stdin, known) as (readings, box):
        with _transaction(store, options.dry_run) as (tx, write):
            entries = tx.entries(history=False)
            recorded = tx.messages()
            step = _Step(tx, event_id, now, options, random_bytes)
            result, notes = step.settle(readings, entries, recorded, write=write)
        filed = _file_applied(box, result, recorded, options) if box is not None else ()
    if not entries and readings:
        notes += (f"the ledger {store.where} has no guests, so no answer can match "
                  "(another --ledger or --event?)",)
    return Result(request.source.label, result, notes, filed)


@contextmanager
def _opened(request: Request, stdin: BinaryIO | None,
            known: set[str]) -> Iterator[tuple[list[Reading], Mailbox | None]]:
    """Every message of the source read, one at a time, and the IMAP mailbox kept open
    for filing."""
    login = request.login
    if login is None:
        yield _read_all(inbox.read_messages(request.source, stdin), known), None
        return
    from wiccli.mail import imap

    with imap.Mailbox(login.address, login.user, login.password, login.context) as box:
        yield _read_all(box.messages(), known), box


def _read_all(raws: Iterator[inbox.Raw], known: set[str]) -> list[Reading]:
    from wiccli.mail import reader

    readings = []
    for raw in raws:
        reading = reader.read(raw, known)
        del raw  # not held while the next one is read: one message in memory at a time
        if reading.kind == "problem" and reading.message_id not in known:
            # a message that could not be read is named by its Message-ID too (the
            # mailbox's number or UID changes when messages are moved or deleted)
            reading = replace(reading, detail=clean(
                f"{reading.detail} (Message-ID {reading.message_id})", 600))
        readings.append(reading)
    return readings


class _Rehearsed(Exception):
    """Raised at the end of a dry run's transaction, so that everything it did is undone."""


@contextmanager
def _transaction(store: Store, dry_run: bool) -> Iterator[tuple[Tx, bool]]:
    """The run's transaction and whether to write in it. A dry run writes too, and is
    rolled back; without a ledger to write to (none yet, or a read-only file) it plans."""
    if not dry_run or not store.writable:
        with store.transaction(write=not dry_run) as tx:
            yield tx, not dry_run
        return
    try:
        with store.transaction(write=True) as tx:
            yield tx, True
            raise _Rehearsed
    except _Rehearsed:
        pass


class _NotApplied(Exception):
    def __init__(self, message_id: str, why: str) -> None:
        super().__init__(why)
        self.message_id = message_id
        self.why = why


@dataclass(frozen=True, slots=True)
class _Step:
    """Planning and applying, message by message, in one transaction."""

    tx: Tx
    event_id: str
    now: datetime
    options: Options
    random_bytes: Callable[[int], bytes]

    def settle(self, readings: list[Reading], entries: Sequence[core.Invitation],
               recorded: Sequence[core.Message], *, write: bool
               ) -> tuple[Plan, tuple[str, ...]]:
        """The plan, applied when ``write``. A message that cannot be recorded is made a
        problem and the plan made again without it: later answers must not be planned
        on a change that was undone."""
        readings = _unrecordable(readings, recorded)
        while True:
            result = plan(readings, entries, recorded, event_id=self.event_id, now=self.now,
                          add_delegates=self.options.add_delegates,
                          authserv_id=self.options.authserv_id)
            if not write:
                return result, ()
            try:
                with self.tx.savepoint():
                    return result, self._apply_each(result)
            except _NotApplied as exc:
                why = f"not applied: {exc.why} (Message-ID {exc.message_id})"
                readings = [_problem(r, why) if r.message_id == exc.message_id else r
                            for r in readings]

    def _apply_each(self, result: Plan) -> tuple[str, ...]:
        from wiccli.invites.backend import ConflictError
        from wiccli.invites.store import broken_rule

        notes: list[str] = []
        for message_id, part in _by_message(result):
            try:
                notes += apply(self.tx, part, now=self.now, random_bytes=self.random_bytes)
            except ConflictError:  # another wic changed the ledger: the whole run stops
                raise
            except WicError as exc:
                raise _NotApplied(message_id, exc.message) from None
            except Exception as exc:
                why = broken_rule(exc)
                if why is None:
                    raise
                raise _NotApplied(message_id, why) from None
        return tuple(notes)


def _unrecordable(readings: list[Reading], recorded: Sequence[core.Message]) -> list[Reading]:
    """Messages whose Message-ID is that of a message wic sent: recording them would
    break the ledger's one-message-one-Message-ID rule, so a person reads them."""
    sent = {m.message_id: m for m in recorded if m.direction == "out"}
    if not sent:
        return readings
    found = []
    for reading in readings:
        out = sent.get(reading.message_id)
        if out is not None:
            to = f" to {out.entry_id}" if out.entry_id else ""
            reading = _problem(reading, f"not applied: its Message-ID {reading.message_id} is "
                                        f"that of the {out.kind} wic sent{to}")
        found.append(reading)
    return found


def _problem(reading: Reading, detail: str) -> Reading:
    return replace(reading, kind="problem", answers=(), failures=(), detail=clean(detail, 300))


def _by_message(result: Plan) -> list[tuple[str, Plan]]:
    """The plan cut into one plan per message that writes anything, in the order of the
    status changes (the order of the answers), then the messages that only record."""
    changes: dict[str, list[StatusChange]] = {}
    for change in result.changes:
        changes.setdefault(change.message_id, []).append(change)
    delegates: dict[str, list[Delegate]] = {}
    for delegate in result.delegates:
        delegates.setdefault(delegate.message_id, []).append(delegate)
    outcomes: dict[str, list[Outcome]] = {}
    for outcome in result.outcomes:
        outcomes.setdefault(outcome.message_id, []).append(outcome)
    order = dict.fromkeys([*changes, *(o.message_id for o in result.outcomes if o.record)])
    return [(m, Plan(tuple(outcomes.get(m, ())), tuple(changes.get(m, ())),
                     tuple(delegates.get(m, ())))) for m in order]


def _file_applied(box: Mailbox, result: Plan, recorded: Sequence[core.Message],
                  options: Options) -> tuple[str, ...]:
    """Mark and move the messages applied now, and those applied on an earlier run (still
    in the mailbox: filed by hand, or read without --move-to); say what was done."""
    before = {m.message_id for m in recorded if m.direction == "in" and m.outcome == APPLIED}
    now = [o.key for o in result.outcomes if o.outcome == APPLIED]
    earlier = [o.key for o in result.outcomes
               if o.outcome != APPLIED and o.message_id in before]
    keys = list(dict.fromkeys(now + earlier))
    if not keys or not (options.mark_seen or options.move_to):
        return ()
    said = plural(len(keys), "message")
    if earlier:
        said += f" ({len(dict.fromkeys(earlier)):,} applied on an earlier run)"
    if options.dry_run:
        return (f"dry run: would {_filing(options)}: {said}",)
    if options.mark_seen:
        box.mark_seen(keys)
    if options.move_to:
        box.move(keys, options.move_to)
    return (f"{_filing(options, done=True)}: {said}",)


def _filing(options: Options, done: bool = False) -> str:
    words = []
    if options.mark_seen:
        words.append("marked read" if done else "mark read")
    if options.move_to:
        words.append(f"moved to {options.move_to}" if done else f"move to {options.move_to}")
    return " and ".join(words)


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
