"""``wic invites send`` as one call: a request in, a report out.

:func:`send` checks the server (unless a dry run), composes nothing before the plan
is made, renders every message before the first goes (a template mistake sends
nothing), then writes them (dry run) or delivers them one at a time, each recorded
at most once (:mod:`wiccli.mail.delivery`). A dry run never imports the SMTP code.
The command only parses options into a :class:`Request` and shows the :class:`Report`;
what it wants to show while the run goes (a progress bar, the skipped guests as soon
as they are known) it passes in as :class:`Hooks`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.event.model import Event
from wiccli.invites.model import Selection
from wiccli.mail.sending import Plan, Rules

if TYPE_CHECKING:
    from wiccli.invites.store import Store
    from wiccli.mail.delivery import Report as Delivery
    from wiccli.mail.message import Composer, Outgoing, UnsafeMessage
    from wiccli.mail.outbox import StoreRecorder
    from wiccli.mail.smtp import Server

Progress = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True, slots=True)
class DryRun:
    folder: Path  # resolved
    shown: Path  # as the user gave it
    maildir: bool = False  # a Maildir, else one .eml file per message


@dataclass(frozen=True, slots=True)
class Request:
    selection: Selection
    ids: tuple[str, ...] = ()
    rules: Rules = Rules()
    dry_run: DryRun | None = None
    smtp: str | None = None  # the URL (else $WIC_SMTP_URL)
    smtp_ca: Path | None = None
    timeout: float = 60.0
    per_minute: float | None = None


@contextmanager
def _silent(total: int, description: str) -> Iterator[Callable[[int], None]]:
    yield lambda done: None


@dataclass(frozen=True)
class Hooks:
    progress: Progress = _silent  # (total, "sending") -> a callback taking the number done
    planned: Callable[[Plan], None] = lambda plan: None  # told before anything is sent


@dataclass
class Report:
    plan: Plan
    delivery: Delivery | None = None  # None for a dry run
    written: int = 0  # messages a dry run wrote
    unsafe: list[UnsafeMessage] = field(default_factory=list)  # not sent: headers not as meant


def run(request: Request, *, ledger: Callable[[], AbstractContextManager[Store]],
        event: Event, now: Callable[[], datetime], today: date, environ: Mapping[str, str],
        home: Path, hooks: Hooks = Hooks()) -> Report:
    """Plan, render and send (or write) the messages ``request`` asks for. The server and
    the sender are checked before ``ledger()`` opens the ledger (a mistake creates none)."""
    from wiccli.mail.outbox import composer

    server = None if request.dry_run else _server(request, environ, home)
    make = composer(event, today)
    with ledger() as store:
        return _run(request, store, server, make, now, hooks)


def _run(request: Request, store: Store, server: Server | None, make: Composer,
         now: Callable[[], datetime], hooks: Hooks) -> Report:
    from wiccli.mail.outbox import StoreRecorder, render_all
    from wiccli.mail.sending import past, plan

    started = now()
    with store.transaction(write=False) as tx:
        entries = tx.pick(request.selection, request.ids)
        recorded = tx.messages()
        the_plan = plan(entries, past(recorded), _at(request.rules, started))
        make.keep_uids(recorded)
    hooks.planned(the_plan)
    with hooks.progress(len(the_plan.jobs), "preparing") as progress:
        messages, unsafe = render_all(make, the_plan.jobs, started, progress)
    report = Report(the_plan, unsafe=unsafe)
    if server is None:
        assert request.dry_run is not None
        report.written = _write(request.dry_run, messages, hooks)
    else:
        known = frozenset(m.message_id for m in recorded)
        report.delivery = _deliver(StoreRecorder(store, known), server, messages, request,
                                   now, hooks)
    return report


def _at(rules: Rules, started: datetime) -> Rules:
    from dataclasses import replace

    return rules if rules.now is not None else replace(rules, now=started)


def _server(request: Request, environ: Mapping[str, str], home: Path) -> Server:
    from wiccli.mail.smtp import server_from

    return server_from(request.smtp, request.smtp_ca, request.timeout, environ, home)


def _write(dry: DryRun, messages: list[Outgoing], hooks: Hooks) -> int:
    from wiccli.mail.sending import write_eml, write_maildir

    with hooks.progress(len(messages), "writing") as progress:
        if dry.maildir:
            write_maildir(messages, dry.folder, progress)
        else:
            write_eml(messages, dry.folder, progress)
    return len(messages)


def _deliver(recorder: StoreRecorder, server: Server, messages: list[Outgoing],
             request: Request, now: Callable[[], datetime], hooks: Hooks) -> Delivery:
    import time

    from wiccli.mail.delivery import Pace, Report, deliver

    if not messages:
        return Report()
    pace = Pace(request.per_minute, time.sleep, time.monotonic)
    with server.connect() as conn, hooks.progress(len(messages), "sending") as progress:
        return deliver(messages, conn, recorder, now=now, pace=pace, progress=progress)
