"""A sending run put together: the sender, the templates, every message rendered up front.

Everything a run needs from the event is checked here before any message is made,
and every message is made before any is sent: a missing sender or a template mistake
stops the run with nothing sent and nothing recorded. Template mistakes are collected
over all guests (a placeholder may fail for some guests only) and reported together.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.errors import DataError
from wiccli.event.model import Event, Organizer
from wiccli.invites.model import Invitation, Message
from wiccli.mail.message import Composer, Outgoing
from wiccli.mail.sending import Job

if TYPE_CHECKING:
    from wiccli.invites.store import Store

MAX_ERRORS = 20
KINDS = ("invitation", "reminder")
ACCEPTED = "accepted"  # the outcome of a message a server took (others: "refused")


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
               progress: Callable[[int], None] = lambda done: None) -> list[Outgoing]:
    """Every job's message, or one error listing each distinct template mistake and each
    guest whose message would not have the headers meant (a name from an old ledger)."""
    from wiccli.mail.message import UnsafeMessage
    from wiccli.mail.templating import TemplateError

    messages, problems, unsafe = [], dict[str, None](), False
    for index, job in enumerate(jobs):
        try:
            messages.append(make.compose(job.entry, kind=job.kind, sequence=job.sequence,
                                         now=now))
        except (TemplateError, UnsafeMessage) as exc:
            problems.setdefault(exc.message)
            unsafe = unsafe or isinstance(exc, UnsafeMessage)
            if len(problems) >= MAX_ERRORS:
                break
        progress(index + 1)
    if problems:
        found = list(problems)
        hint = ["correct a guest's entry by importing a CSV row with its id "
                "(`wic invites import`), or withdraw it"] if unsafe else []
        raise DataError(found[0], details=[*found[1:], *hint, "nothing was sent"])
    return messages


# --------------------------------------------------------------------------- the ledger


def last_sequences(messages: Iterable[Message]) -> dict[str, int]:
    """Entry id -> the newest SEQUENCE a server accepted for it (invitation or reminder)."""
    sent: dict[str, int] = {}
    for m in messages:
        if m.direction == "out" and m.kind in KINDS and m.outcome == ACCEPTED and m.entry_id:
            sequence = m.sequence or 0
            sent[m.entry_id] = max(sent.get(m.entry_id, sequence), sequence)
    return sent


class StoreRecorder:
    """Records each outcome in the ledger in a transaction of its own, committed before
    the next message goes: a guest who was listed becomes invited with the message that
    did it; a refusal is kept with the server's words and changes no status."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def accepted(self, out: Outgoing, at: datetime, detail: str) -> None:
        with self.store.transaction() as tx:
            tx.record_message(_message(out, at, out.kind, ACCEPTED, detail))
            if tx.get(out.entry_id).status == "listed":
                tx.set_status(out.entry_id, "invited", note=f"{out.kind} sent", now=at,
                              force=False, message_id=out.message_id)

    def refused(self, out: Outgoing, at: datetime, detail: str) -> None:
        with self.store.transaction() as tx:
            tx.record_message(_message(out, at, "refused", "refused", detail))


def _message(out: Outgoing, at: datetime, kind: str, outcome: str, detail: str) -> Message:
    return Message(entry_id=out.entry_id, direction="out", kind=kind,
                   message_id=out.message_id, at=at, uid=out.uid, sequence=out.sequence,
                   dtstamp=out.stamp, outcome=outcome, detail=detail)
