"""Handing messages over, one at a time, each recorded at most once.

For each message: MAIL and RCPT (a refused recipient is recorded as refused); then the
message is recorded as ``attempted`` (Message-ID, guest, kind, SEQUENCE, address),
committed, before DATA; after the server's answer it is recorded as accepted or
refused. A Ctrl-C or SIGTERM in between waits for that answer and its record
(:mod:`wiccli.mail.deferral`), so a graceful stop never leaves a message in doubt; a
hard kill (or a connection lost during DATA) leaves at most the one message
``attempted``, which the next run lists as unconfirmed and never sends again unasked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from wiccli.mail.deferral import Deferred
from wiccli.mail.message import Outgoing
from wiccli.mail.sending import Claimed

if TYPE_CHECKING:
    from wiccli.mail.smtp import Outcome


class Transport(Protocol):
    def send(self, sender: str, recipient: str, data: bytes,
             handing_over: Callable[[], None] = ...) -> Outcome: ...

    def abandon(self) -> None: ...  # the message begun (MAIL, RCPT) is not sent after all


class Recorder(Protocol):
    """Keeps what happened to each message; each call is committed before it returns."""

    def attempted(self, out: Outgoing, at: datetime) -> None: ...

    def accepted(self, out: Outgoing, at: datetime, detail: str) -> None: ...

    def refused(self, out: Outgoing, at: datetime, detail: str) -> None: ...


@dataclass
class Report:
    sent: list[Outgoing] = field(default_factory=list)
    refused: list[tuple[Outgoing, str]] = field(default_factory=list)
    unconfirmed: list[Outgoing] = field(default_factory=list)  # handed over, never answered
    claimed: list[Outgoing] = field(default_factory=list)  # another run sent to them meanwhile
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

    def wait(self, last: float | None) -> float:
        """Sleep until the next message may go; the time it goes."""
        interval = self.interval()
        if interval and last is not None:
            wait = last + interval - self.clock()
            if wait > 0:
                self.sleep(wait)
        return self.clock()


def deliver(messages: Sequence[Outgoing], transport: Transport, recorder: Recorder, *,
            now: Callable[[], datetime], pace: Pace = Pace(),
            progress: Callable[[int], None] = lambda done: None) -> Report:
    """Send each message in turn, recording each outcome as it happens."""
    from wiccli.mail.smtp import ConnectionLost

    report, last = Report(), None
    for index, out in enumerate(messages):
        last = pace.wait(last)
        try:
            one(out, transport, recorder, now, report)
        except ConnectionLost as exc:
            report.lost, report.unsent = exc.message, len(messages) - index
            break
        progress(index + 1)
    return report


def one(out: Outgoing, transport: Transport, recorder: Recorder,
        now: Callable[[], datetime], report: Report) -> None:
    """One message: attempted, handed over, answered, recorded; a stop waits in between."""
    from wiccli.mail.smtp import ConnectionLost

    window, handed = Deferred(), False

    def handing_over() -> None:
        nonlocal handed
        window.__enter__()
        recorder.attempted(out, now())
        handed = True

    try:
        try:
            outcome = transport.send(out.sender, out.recipient, out.data, handing_over)
        except Claimed:
            transport.abandon()
            report.claimed.append(out)
            return
        except BaseException:
            if handed:  # the server may have it: the ledger says attempted, the run says so
                report.unconfirmed.append(out)
            raise
        if outcome.accepted:
            recorder.accepted(out, now(), outcome.detail)
            report.sent.append(out)
            return
        recorder.refused(out, now(), outcome.detail)
        if outcome.closed:
            raise ConnectionLost(f"the server closed the connection: {outcome.detail}")
        report.refused.append((out, outcome.detail))
    finally:
        window.__exit__(None, None, None)
