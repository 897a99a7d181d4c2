"""Who gets what, and handing it over: the plan of a run, then delivery one message at a time.

The plan comes first and is pure: from the selected entries and what was already sent
to each (the newest SEQUENCE a server accepted), it says who gets an invitation, a
resend or a reminder, and who is skipped and why. Every message is rendered before
the first is sent, so a template mistake stops the run with nothing sent.

Delivery records each accepted message at once (one small transaction each, through
``Recorder``), so an interrupted run loses nothing it sent and the next run starts
where it stopped; a refusal for one guest is recorded too and never counts as sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from wiccli.errors import UsageError
from wiccli.invites.model import Invitation
from wiccli.mail.message import Outgoing
from wiccli.mail.smtp import ConnectionLost, Outcome

MODES = ("new", "again", "reminder")
REMINDED = frozenset({"invited", "tentative"})  # who a reminder goes to: still pending


@dataclass(frozen=True, slots=True)
class Job:
    entry: Invitation
    kind: str  # "invitation" or "reminder"
    sequence: int


@dataclass
class Plan:
    jobs: list[Job] = field(default_factory=list)
    no_email: list[Invitation] = field(default_factory=list)
    bad_email: list[tuple[Invitation, str]] = field(default_factory=list)  # and why
    already: list[Invitation] = field(default_factory=list)  # sent before; --again resends
    withdrawn: list[Invitation] = field(default_factory=list)
    not_pending: list[Invitation] = field(default_factory=list)  # a reminder has no point
    never_sent: list[Invitation] = field(default_factory=list)  # a reminder of nothing
    later: int = 0  # left for another run by --limit


def plan(entries: Iterable[Invitation], sent: Mapping[str, int], mode: str,
         limit: int | None = None) -> Plan:
    """Who gets which message. ``sent``: entry id -> the newest SEQUENCE accepted for it."""
    if mode not in MODES:
        raise UsageError(f"unknown sending mode {mode!r}")
    from wiccli.limits import MAX_SEND_LIMIT

    if limit is not None and not 1 <= limit <= MAX_SEND_LIMIT:
        raise UsageError(f"--limit must be 1 or more (at most {MAX_SEND_LIMIT:,}), got {limit}")
    from wiccli.mail.message import ascii_address

    result = Plan()
    for entry in entries:
        last = sent.get(entry.id)
        if entry.status == "withdrawn":
            result.withdrawn.append(entry)
        elif not entry.email:
            result.no_email.append(entry)
        elif (problem := _unusable(entry.email, ascii_address)) is not None:
            result.bad_email.append((entry, problem))
        elif mode == "reminder":
            _remind(result, entry, last)
        elif mode == "again":
            result.jobs.append(Job(entry, "invitation", 0 if last is None else last + 1))
        elif last is not None:
            result.already.append(entry)
        else:
            result.jobs.append(Job(entry, "invitation", 0))
    if limit is not None and len(result.jobs) > limit:
        result.later = len(result.jobs) - limit
        del result.jobs[limit:]
    return result


def _unusable(address: str, check: Callable[[str], str]) -> str | None:
    try:
        check(address)
    except ValueError as exc:
        return str(exc)
    return None


def _remind(result: Plan, entry: Invitation, last: int | None) -> None:
    if entry.status not in REMINDED:
        result.not_pending.append(entry)
    elif last is None:
        result.never_sent.append(entry)
    else:
        result.jobs.append(Job(entry, "reminder", last))


# --------------------------------------------------------------------------- delivery


class Transport(Protocol):
    def send(self, sender: str, recipient: str, data: bytes) -> Outcome: ...


class Recorder(Protocol):
    """Keeps what happened to each message; each call is committed before it returns."""

    def accepted(self, out: Outgoing, at: datetime, detail: str) -> None: ...

    def refused(self, out: Outgoing, at: datetime, detail: str) -> None: ...


@dataclass
class Report:
    sent: list[Outgoing] = field(default_factory=list)
    refused: list[tuple[Outgoing, str]] = field(default_factory=list)
    lost: str | None = None  # why the run stopped early
    unsent: int = 0  # messages not tried because it stopped


@dataclass(frozen=True)
class Pace:
    """``--rate N/min``: at least 60/N seconds from one message to the next."""

    per_minute: float | None = None
    sleep: Callable[[float], None] = lambda seconds: None
    clock: Callable[[], float] = lambda: 0.0

    def interval(self) -> float:
        return 60.0 / self.per_minute if self.per_minute else 0.0


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


def deliver(messages: Sequence[Outgoing], transport: Transport, recorder: Recorder, *,
            now: Callable[[], datetime], pace: Pace = Pace(),
            progress: Callable[[int], None] = lambda done: None) -> Report:
    """Send each message in turn, recording each outcome as it happens."""
    report = Report()
    interval, last = pace.interval(), None
    for index, out in enumerate(messages):
        if interval and last is not None:
            wait = last + interval - pace.clock()
            if wait > 0:
                pace.sleep(wait)
        last = pace.clock()
        try:
            outcome = transport.send(out.sender, out.recipient, out.data)
        except ConnectionLost as exc:
            report.lost, report.unsent = exc.message, len(messages) - index
            break
        if outcome.accepted:
            recorder.accepted(out, now(), outcome.detail)
            report.sent.append(out)
        else:
            recorder.refused(out, now(), outcome.detail)
            report.refused.append((out, outcome.detail))
        progress(index + 1)
    return report


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
    for index, (out, name) in enumerate(zip(messages, eml_names(messages), strict=True)):
        target = inside(root, name)
        write_atomic(target, out.data, str(folder / name), durable=False, private=True)
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
