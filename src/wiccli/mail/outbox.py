"""A sending run put together: the sender, the templates, every message rendered up front.

Everything a run needs from the event is checked here before any message is made,
and every message is made before any is sent: a missing sender or a template mistake
stops the run with nothing sent and nothing recorded. Template mistakes are collected
over all guests (a placeholder may fail for some guests only) and reported together.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.errors import DataError
from wiccli.event.model import Event, Organizer
from wiccli.invites.model import Invitation, Message
from wiccli.mail.message import Composer, Outgoing, UnsafeMessage
from wiccli.mail.sending import ACCEPTED, ATTEMPTED, KINDS, Claimed, Job

if TYPE_CHECKING:
    from wiccli.invites.store import Store, Tx

MAX_ERRORS = 20
SETTLE_TRIES = 5  # recording a server's answer, when concurrent changes conflict


def organizer(event: Event) -> Organizer:
    """The sender, with an address every server takes (the domain in IDNA)."""
    from wiccli.mail.message import ascii_address

    found = event.invitations.organizer
    where = "the bundled event" if event.bundled else event.source
    if found is None:
        raise DataError(f"{where} names no sender: add [invitations.organizer] with name and "
                        "email to the event file")
    try:
        return Organizer(found.name, ascii_address(found.email))
    except ValueError as exc:
        raise DataError(f"{where}: invitations.organizer.email: {found.email!r} cannot be "
                        f"sent from: {exc}") from None


def _reply_to(event: Event) -> str | None:
    from wiccli.mail.message import ascii_address

    given = event.invitations.reply_to
    try:
        return ascii_address(given) if given else None
    except ValueError as exc:
        raise DataError(f"{event.source}: invitations.reply_to: {given!r} cannot be "
                        f"answered to: {exc}") from None


def templates_folder(event: Event) -> Path | None:
    """The event's own templates folder (relative to the event file), if it names one."""
    if not event.invitations.templates:
        return None
    base = Path(event.source).parent if event.source and not event.source.startswith("<") \
        else Path.cwd()
    return base / event.invitations.templates


def composer(event: Event, today: date,
             token: Callable[[], str] = lambda: secrets.token_hex(8)) -> Composer:
    """The composer of this event's messages: sender, templates, zone, names, all checked."""
    from wiccli.event.check import load_zone
    from wiccli.invites import countries
    from wiccli.mail.context import shared_context
    from wiccli.mail.imip import RequestBuilder
    from wiccli.mail.templating import TemplateSet

    sender = organizer(event)
    reply_to = _reply_to(event)
    zone = load_zone(event.timezone)
    if zone is None:  # the loader checked it; a zone database that lost it is the only way
        raise DataError(f"unknown time zone {event.timezone!r}")
    categories = {c.id: c.name for c in event.invitations.categories}

    def names(entry: Invitation) -> tuple[str, str]:
        return categories.get(entry.category, entry.category), countries.name(entry.country)

    return Composer(TemplateSet(templates_folder(event)),
                    shared_context(event, sender, zone, today, reply_to),
                    RequestBuilder(event, sender, zone, event.timezone), organizer=sender,
                    reply_to=reply_to, event_id=event.id, names=names,
                    token=token)


def render_all(make: Composer, jobs: Sequence[Job], now: datetime,
               progress: Callable[[int], None] = lambda done: None
               ) -> tuple[list[Outgoing], list[UnsafeMessage]]:
    """Every job's message, and each guest whose message would not have the headers meant
    (a name from an old ledger, a subject that renders into header syntax): those are not
    sent, the rest are. A template mistake is everyone's: one error listing each distinct
    mistake, and nothing is sent."""
    from wiccli.mail.templating import TemplateError

    messages: list[Outgoing] = []
    unsafe: list[UnsafeMessage] = []
    problems = dict[str, None]()
    for index, job in enumerate(jobs):
        try:
            again = job.again_of
            messages.append(make.compose(
                job.entry, kind=job.kind, sequence=job.sequence,
                now=(again.dtstamp or again.at) if again else now,
                message_id=again.message_id if again else None))
        except UnsafeMessage as exc:
            unsafe.append(exc)
        except TemplateError as exc:
            problems.setdefault(exc.message)
            if len(problems) >= MAX_ERRORS:
                break
        progress(index + 1)
    if problems:
        found = list(problems)
        raise DataError(found[0], details=[*found[1:], "nothing was sent"])
    return messages, unsafe


# --------------------------------------------------------------------------- the ledger


class StoreRecorder:
    """Records each step of a message in the ledger, in a transaction of its own committed
    before it returns: ``attempted`` before the server is handed the message, then
    accepted (a guest who was listed becomes invited with the message that did it) or
    refused (kept with the server's words; no status changes)."""

    def __init__(self, store: Store, known: Collection[str] = ()) -> None:
        self.store = store
        self.known = known  # the Message-IDs in the ledger when the run made its plan

    def attempted(self, out: Outgoing, at: datetime) -> None:
        """Record the attempt, unless another wic sending at the same time got to this
        guest since the plan was made (then :class:`Claimed`: this run leaves the guest)."""
        from wiccli.invites.backend import ConflictError

        try:
            with self.store.transaction() as tx:
                theirs = [m for m in tx.messages(out.entry_id) if m.direction == "out"
                          and m.kind in KINDS and m.outcome in (ATTEMPTED, ACCEPTED)
                          and m.message_id != out.message_id and m.message_id not in self.known]
                if theirs:
                    raise Claimed(f"{out.entry_id}: {theirs[-1].message_id} was sent by another "
                                  "wic at the same time")
                tx.claim(out.entry_id)
                tx.settle_message(_message(out, at, out.kind, ATTEMPTED, ""))
        except ConflictError as exc:  # PostgreSQL: the other one claimed it first
            raise Claimed(f"{out.entry_id}: {exc.message}") from None

    def accepted(self, out: Outgoing, at: datetime, detail: str) -> None:
        def write(tx: Tx) -> None:
            tx.settle_message(_message(out, at, out.kind, ACCEPTED, detail))
            if tx.get(out.entry_id).status == "listed":
                tx.set_status(out.entry_id, "invited", note=f"{out.kind} sent", now=at,
                              force=False, message_id=out.message_id)

        self._settle(write)

    def refused(self, out: Outgoing, at: datetime, detail: str) -> None:
        self._settle(lambda tx: tx.settle_message(_message(out, at, "refused", "refused",
                                                           detail)))

    def _settle(self, write: Callable[[Tx], object]) -> None:
        """The server has answered: its answer must land, even when another organiser
        changed the same guest at that moment (PostgreSQL: try again, a few times)."""
        from wiccli.invites.backend import ConflictError

        for attempt in range(SETTLE_TRIES):
            try:
                with self.store.transaction() as tx:
                    write(tx)
                return
            except ConflictError:
                if attempt == SETTLE_TRIES - 1:
                    raise


def _message(out: Outgoing, at: datetime, kind: str, outcome: str, detail: str) -> Message:
    return Message(entry_id=out.entry_id, direction="out", kind=kind,
                   message_id=out.message_id, at=at, uid=out.uid, sequence=out.sequence,
                   dtstamp=out.stamp, outcome=outcome, detail=detail, address=out.recipient)
