"""A sending run put together: the sender, the templates, every message rendered up front.

Everything a run needs from the event is checked here before any message is made,
and every message is made before any is sent: a missing sender or a template mistake
stops the run with nothing sent and nothing recorded. Template mistakes are collected
over all guests (a placeholder may fail for some guests only) and reported together.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from wiccli.errors import DataError
from wiccli.event.model import Event, Organizer
from wiccli.invites.model import Invitation
from wiccli.mail.message import Composer, Outgoing
from wiccli.mail.sending import Job

MAX_ERRORS = 20


def organizer(event: Event) -> Organizer:
    found = event.invitations.organizer
    if found is None:
        where = "the bundled event" if event.bundled else event.source
        raise DataError(f"{where} names no sender: add [invitations.organizer] with name and "
                        "email to the event file")
    return found


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
    zone = load_zone(event.timezone)
    if zone is None:  # the loader checked it; a zone database that lost it is the only way
        raise DataError(f"unknown time zone {event.timezone!r}")
    categories = {c.id: c.name for c in event.invitations.categories}

    def names(entry: Invitation) -> tuple[str, str]:
        return categories.get(entry.category, entry.category), countries.name(entry.country)

    return Composer(TemplateSet(templates_folder(event)),
                    shared_context(event, sender, zone, today, event.invitations.reply_to),
                    RequestBuilder(event, sender, zone, event.timezone), organizer=sender,
                    reply_to=event.invitations.reply_to, event_id=event.id, names=names,
                    token=token)


def render_all(make: Composer, jobs: Sequence[Job], now: datetime,
               progress: Callable[[int], None] = lambda done: None) -> list[Outgoing]:
    """Every job's message, or one error listing each distinct template mistake."""
    from wiccli.mail.templating import TemplateError

    messages, problems = [], dict[str, None]()
    for index, job in enumerate(jobs):
        try:
            messages.append(make.compose(job.entry, kind=job.kind, sequence=job.sequence,
                                         now=now))
        except TemplateError as exc:
            problems.setdefault(exc.message)
            if len(problems) >= MAX_ERRORS:
                break
        progress(index + 1)
    if problems:
        found = list(problems)
        raise DataError(found[0], details=[*found[1:], "nothing was sent"])
    return messages
