"""Who gets what: the plan of a run, pure, from the selected entries and the ledger's messages.

From what was already sent to each guest (the newest SEQUENCE a server accepted, the
last reminder, a message attempted but never confirmed, an address that bounced), the
plan says who gets an invitation, a resend or a reminder, and who is skipped and why.
Every message is rendered before the first is sent, so a template mistake stops the
run with nothing sent. Delivery itself is :mod:`wiccli.mail.delivery`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from wiccli.errors import UsageError, WicError
from wiccli.invites.model import Invitation, Message, address_key
from wiccli.mail.message import Outgoing

MODES = ("new", "again", "reminder")
REMINDED = frozenset({"invited", "tentative"})  # who a reminder goes to: still pending
KINDS = ("invitation", "reminder")
ACCEPTED, ATTEMPTED = "accepted", "attempted"  # outcomes of a message handed to a server
EVERY_DAYS = 7  # --every: a reminder at most once a week unless told otherwise


class Claimed(WicError):
    """Another run got to this guest after this run's plan was made: it is not sent here."""


@dataclass(frozen=True, slots=True)
class Job:
    entry: Invitation
    kind: str  # "invitation" or "reminder"
    sequence: int
    again_of: Message | None = None  # an unconfirmed message sent again (same Message-ID)


@dataclass
class Past:
    """What the ledger says was sent to one guest."""

    sequence: int | None = None  # the newest SEQUENCE a server accepted
    reminded: datetime | None = None  # the last reminder a server accepted
    unconfirmed: list[Message] = field(default_factory=list)  # attempted, never answered
    bounced: set[str] = field(default_factory=set)  # addresses (compared as keys)


def past(messages: Iterable[Message]) -> dict[str, Past]:
    """Entry id -> what was sent to it, from the ledger's messages."""
    found: dict[str, Past] = {}
    for m in messages:
        if not m.entry_id:
            continue
        p = found.setdefault(m.entry_id, Past())
        if m.direction == "in" and m.kind == "bounce" and m.address:
            p.bounced.add(address_key(m.address))
        elif m.direction != "out" or m.kind not in KINDS:
            continue
        elif m.outcome == ATTEMPTED:
            p.unconfirmed.append(m)
        elif m.outcome == ACCEPTED:
            p.sequence = max(p.sequence if p.sequence is not None else -1, m.sequence or 0)
            if m.kind == "reminder" and (p.reminded is None or m.at > p.reminded):
                p.reminded = m.at
    return found


@dataclass(frozen=True, slots=True)
class Rules:
    """How a run chooses: the mode, and what ``--again``, ``--every``, ``--limit``,
    ``--resend-unconfirmed`` allow."""

    mode: str = "new"
    now: datetime | None = None  # for --every
    every: int = EVERY_DAYS  # days between two reminders to one guest
    remind_again: bool = False  # --reminder --again: whatever --every says
    resend_unconfirmed: bool = False
    limit: int | None = None


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    no_email: list[Invitation] = field(default_factory=list)
    bad_email: list[tuple[Invitation, str]] = field(default_factory=list)  # and why
    bounced: list[Invitation] = field(default_factory=list)  # their address bounced
    unconfirmed: list[tuple[Invitation, Message]] = field(default_factory=list)
    already: list[Invitation] = field(default_factory=list)  # sent before; --again resends
    withdrawn: list[Invitation] = field(default_factory=list)
    not_pending: list[Invitation] = field(default_factory=list)  # a reminder has no point
    never_sent: list[Invitation] = field(default_factory=list)  # a reminder of nothing
    recent: list[Invitation] = field(default_factory=list)  # reminded within --every days
    later: int = 0  # left for another run by --limit


def plan(entries: Iterable[Invitation], sent: dict[str, Past], rules: Rules = Rules()) -> Plan:
    """Who gets which message, and who is skipped and why."""
    _check(rules)
    from wiccli.mail.message import ascii_address

    result = Plan()
    for entry in entries:
        before = sent.get(entry.id, Past())
        if entry.status == "withdrawn":
            result.withdrawn.append(entry)
        elif not entry.email:
            result.no_email.append(entry)
        elif (problem := _unusable(entry.email, ascii_address)) is not None:
            result.bad_email.append((entry, problem))
        elif address_key(entry.email) in before.bounced:
            result.bounced.append(entry)
        elif before.unconfirmed:
            _unconfirmed(result, entry, before.unconfirmed, rules)
        else:
            _choose(result, entry, before, rules)
    if rules.limit is not None and len(result.jobs) > rules.limit:
        result.later = len(result.jobs) - rules.limit
        del result.jobs[rules.limit:]
    return result


def _check(rules: Rules) -> None:
    from wiccli.limits import MAX_REMIND_EVERY, MAX_SEND_LIMIT

    if rules.mode not in MODES:
        raise UsageError(f"unknown sending mode {rules.mode!r}")
    limit = rules.limit
    if limit is not None and not 1 <= limit <= MAX_SEND_LIMIT:
        raise UsageError(f"--limit must be 1 or more (at most {MAX_SEND_LIMIT:,}), got {limit}")
    if not 1 <= rules.every <= MAX_REMIND_EVERY:
        raise UsageError(f"--every must be 1 to {MAX_REMIND_EVERY:,} days, got {rules.every}")


def _unusable(address: str, check: Callable[[str], str]) -> str | None:
    try:
        check(address)
    except ValueError as exc:
        return str(exc)
    return None


def _unconfirmed(result: Plan, entry: Invitation, messages: list[Message],
                 rules: Rules) -> None:
    """Never sent again unasked: the server may have it. Asked, with its Message-ID."""
    for m in messages:
        if rules.resend_unconfirmed:
            result.jobs.append(Job(entry, m.kind, m.sequence or 0, again_of=m))
        else:
            result.unconfirmed.append((entry, m))


def _choose(result: Plan, entry: Invitation, before: Past, rules: Rules) -> None:
    last = before.sequence
    if rules.mode == "reminder":
        _remind(result, entry, before, rules)
    elif rules.mode == "again":
        result.jobs.append(Job(entry, "invitation", 0 if last is None else last + 1))
    elif last is not None:
        result.already.append(entry)
    else:
        result.jobs.append(Job(entry, "invitation", 0))


def _remind(result: Plan, entry: Invitation, before: Past, rules: Rules) -> None:
    recent = (before.reminded is not None and rules.now is not None and not rules.remind_again
              and rules.now - before.reminded < timedelta(days=rules.every))
    if entry.status not in REMINDED:
        result.not_pending.append(entry)
    elif before.sequence is None:
        result.never_sent.append(entry)
    elif recent:
        result.recent.append(entry)
    else:
        result.jobs.append(Job(entry, "reminder", before.sequence))


def parse_rate(text: str | None) -> float | None:
    """``30/min``, ``30`` (per minute), ``2/s`` -> messages per minute."""
    if text is None:
        return None
    number, _, unit = text.strip().lower().partition("/")
    scale = {"": 1.0, "min": 1.0, "m": 1.0, "minute": 1.0, "s": 60.0, "sec": 60.0,
             "second": 60.0, "h": 1 / 60, "hour": 1 / 60}.get(unit.strip())
    try:
        value = float(number)
    except ValueError:
        value = -1.0
    from wiccli.limits import MAX_RATE

    if scale is None or not 0 < value * scale <= MAX_RATE:
        raise UsageError(f"--rate: {text!r} is not a rate from 1/h to {MAX_RATE:,.0f}/min; "
                         "write N/min (for example 30/min)")
    return value * scale



# --------------------------------------------------------------------------- dry run


def eml_names(messages: Sequence[Outgoing]) -> list[str]:
    """``<entry id>.eml`` (``<entry id>-reminder.eml``), safe and distinct on any disk."""
    from wiccli.output.files import unique_file_names

    stems = [out.entry_id if out.kind == "invitation" else f"{out.entry_id}-{out.kind}"
             for out in messages]
    return unique_file_names(stems, ".eml")


def write_eml(messages: Sequence[Outgoing], folder: Path,
              progress: Callable[[int], None] = lambda done: None) -> list[Path]:
    """Each message as an .eml file directly inside ``folder`` (created when missing).

    Each file appears whole or not at all; none is flushed to disk on its own (a dry
    run is written again by a rerun, and 1,500 flushes would take seconds)."""
    from wiccli.output.files import inside, prepare_folder, write_atomic

    root = prepare_folder(folder)
    written = []
    names = eml_names(messages)  # one for each message, in their order
    for index, out in enumerate(messages):
        target = inside(root, names[index])
        write_atomic(target, out.data, str(folder / names[index]), durable=False,
                     private=True)
        written.append(target)
        progress(index + 1)
    return written


def write_maildir(messages: Sequence[Outgoing], folder: Path,
                  progress: Callable[[int], None] = lambda done: None) -> int:
    """Each message delivered into the Maildir ``folder`` (new/), as a mail program reads."""
    import mailbox

    from wiccli.errors import DataError

    try:
        box = mailbox.Maildir(folder, create=True)
        for index, out in enumerate(messages):
            box.add(out.data)
            progress(index + 1)
    except OSError as exc:
        raise DataError(f"{folder}: cannot write the Maildir: {exc.strerror or exc}") from None
    return len(messages)
