"""One guest's invitation as an e-mail: subject and bodies from the templates, the calendar
request beside them, headers a mail program and a spam filter expect.

The message is ``multipart/alternative``: the plain text, the HTML (when there is an
HTML template), and ``text/calendar; method=REQUEST`` last, the part iMIP clients
(RFC 6047) turn into Accept / Maybe / Decline. Non-ASCII bodies are encoded for 7-bit
transport, so no server has to support 8BITMIME. Built with the standard library's
``email`` package; nothing here talks to a server or writes a file.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from typing import Any

from wiccli.event.model import Organizer
from wiccli.invites.model import Invitation, Message
from wiccli.mail.context import Shared, guest_context
from wiccli.mail.imip import UID_BYTES, Request, RequestBuilder, new_invitation_uid
from wiccli.mail.templating import TemplateSet

_SPACES = re.compile(r"\s+")
_CACHED = 20_000  # header values kept parsed and folded; a run repeats most of them


class _RunPolicy(EmailPolicy):
    """The SMTP policy (CRLF, 7-bit bodies) remembering the headers it parsed and folded.

    Parsing and folding headers is most of the cost of a message (1,500 messages took
    seconds), and a run repeats almost all of them: every part's Content-Type, the
    sender, the subject. Header objects are immutable, so one parsed value can stand in
    every message that has it, and the same value folds the same way.
    """

    _parsed: dict[tuple[str, str], Any] = {}
    _folded: dict[tuple[str, type, str], bytes] = {}
    _counts: dict[str, int | None] = {}

    def header_max_count(self, name: str) -> int | None:
        # The registry makes a new header class on each lookup: once per name is enough.
        key = name.lower()
        if key not in self._counts:
            self._counts[key] = super().header_max_count(name)
        return self._counts[key]

    def header_store_parse(self, name: str, value: Any) -> tuple[str, Any]:
        if type(value) is not str:
            return super().header_store_parse(name, value)
        key = (name.lower(), value)
        found = self._parsed.get(key)
        if found is None:
            found = super().header_store_parse(name, value)
            _remember(self._parsed, key, found)
        return found

    def fold_binary(self, name: str, value: Any) -> bytes:
        key = (name.lower(), type(value), str(value))
        found = self._folded.get(key)
        if found is None:
            found = super().fold_binary(name, value)
            _remember(self._folded, key, found)
        return found


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHED:
        cache.clear()
    cache[key] = value


POLICY = _RunPolicy(linesep="\r\n", cte_type="7bit")


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message ready to go, and what the ledger records of it once a server accepts it."""

    entry_id: str
    kind: str  # "invitation" or "reminder"
    sender: str
    recipient: str
    message_id: str
    uid: str
    sequence: int
    stamp: datetime
    data: bytes  # the whole message, CRLF line ends


def ascii_address(text: str) -> str:
    """``text`` as an address every server takes: the domain in IDNA (``xn--…``).
    Raises ValueError when there is no such form (a non-ASCII name before the @ needs
    SMTPUTF8, which wic does not count on, or the address does not parse)."""
    from email.headerregistry import Address

    local, at, domain = text.strip().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an e-mail address")
    if not local.isascii():
        raise ValueError("the part before the @ is not ASCII")
    try:
        domain = domain.encode("idna").decode("ascii")
        address = Address(addr_spec=f"{local}@{domain}")
    except (UnicodeError, ValueError, IndexError) as exc:
        raise ValueError(f"not an e-mail address ({exc})") from None
    return address.addr_spec


def one_line(text: str) -> str:
    """Header text on one line: no CR or LF can smuggle in another header."""
    return _SPACES.sub(" ", text).strip()


def new_message_id(entry_id: str, kind: str, domain: str,
                   token: Callable[[], str] = lambda: secrets.token_hex(8)) -> str:
    """``<random.kind.entry@domain>``: unique, and still says whose it is when read back."""
    return f"<{token()}.{kind}.{entry_id}@{domain}>"


def sender_domain(organizer: Organizer) -> str:
    return organizer.email.rpartition("@")[2] or "localhost"


def build_message(*, organizer: Organizer, reply_to: str | None, to_name: str, to_email: str,
                  subject: str, text: str, html: str | None, calendar: bytes,
                  message_id: str, date: datetime) -> EmailMessage:
    from email.headerregistry import Address
    from email.utils import format_datetime

    msg = EmailMessage(policy=POLICY)
    # As text, so that the sender, the same in every message, is parsed once a run.
    msg["From"] = str(Address(one_line(organizer.name), addr_spec=organizer.email))
    msg["To"] = Address(one_line(to_name), addr_spec=ascii_address(to_email))
    if reply_to:
        msg["Reply-To"] = reply_to
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    msg.add_alternative(calendar.decode("utf-8"), subtype="calendar",
                        params={"method": "REQUEST"})
    return msg


class Composer:
    """Renders each guest's message; templates, shared context and calendar parts are
    read and built once for the whole run."""

    def __init__(self, templates: TemplateSet, shared: Shared, builder: RequestBuilder, *,
                 organizer: Organizer, reply_to: str | None, event_id: str,
                 names: Callable[[Invitation], tuple[str, str]],
                 token: Callable[[], str] = lambda: secrets.token_hex(8),
                 uid_token: Callable[[], str] = lambda: secrets.token_hex(UID_BYTES)
                 ) -> None:
        self.templates = templates
        self.shared = shared
        self.builder = builder
        self.organizer = organizer
        self.reply_to = reply_to
        self.event_id = event_id
        self.names = names  # entry -> (category name, country name)
        self.token = token
        self.domain = sender_domain(organizer)
        self.uid_token = uid_token
        self.uids: dict[str, str] = {}  # entry id -> the UID its calendar item has

    def keep_uids(self, messages: Iterable[Message]) -> None:
        """Give each guest the UID of the first message sent to them, so that a resend
        or a reminder updates the item already in their calendar."""
        for m in sorted(messages, key=lambda m: m.at):
            if m.direction == "out" and m.uid and m.entry_id:
                self.uids.setdefault(m.entry_id, m.uid)

    def uid(self, entry: Invitation) -> str:
        """The guest's UID: the one they have, else a new one (kept for this run)."""
        if entry.id not in self.uids:
            self.uids[entry.id] = new_invitation_uid(entry.id, self.event_id, self.uid_token)
        return self.uids[entry.id]

    def compose(self, entry: Invitation, *, kind: str, sequence: int,
                now: datetime) -> Outgoing:
        """The message for ``entry``; raises TemplateError for a template mistake."""
        parts = self.templates.message(kind, entry.category)
        context = self.context(entry, kind=kind, sequence=sequence)
        subject = self.templates.render(parts.subject, context)
        text = self.templates.render(parts.text, context)
        html = None if parts.html is None else self.templates.render(parts.html, context)
        uid = self.uid(entry)
        calendar = self.builder.build(Request(
            uid=uid, sequence=sequence, stamp=now, attendee_name=entry.name,
            attendee_email=entry.email, description=self.description(subject)))
        message_id = new_message_id(entry.id, kind, self.domain, self.token)
        msg = build_message(organizer=self.organizer, reply_to=self.reply_to,
                            to_name=entry.name, to_email=entry.email, subject=subject,
                            text=text, html=html, calendar=calendar, message_id=message_id,
                            date=now)
        return Outgoing(entry_id=entry.id, kind=kind, sender=self.organizer.email,
                        recipient=ascii_address(entry.email), message_id=message_id, uid=uid,
                        sequence=sequence, stamp=now, data=msg.as_bytes())

    def description(self, subject: str) -> str:
        """The calendar item's notes: the subject and where to read more (the message
        itself is the letter; a calendar app shows these lines beside the buttons)."""
        url = self.builder.event.url
        return f"{one_line(subject)}\n{url}" if url else one_line(subject)

    def context(self, entry: Invitation, *, kind: str, sequence: int,
                visa: bool = False) -> dict[str, Any]:
        category, country = self.names(entry)
        return guest_context(self.shared, entry, category_name=category, country_name=country,
                             reminder=kind == "reminder", sequence=sequence, visa=visa)
