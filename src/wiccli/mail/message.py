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

from wiccli.errors import DataError
from wiccli.event.model import Organizer
from wiccli.headers import address, text_problem
from wiccli.invites.model import Invitation, Message
from wiccli.limits import MAX_NAME, MAX_SUBJECT
from wiccli.mail.context import Shared, guest_context, subject_context
from wiccli.mail.imip import UID_BYTES, Request, RequestBuilder, new_invitation_uid
from wiccli.mail.templating import TemplateSet

_SPACES = re.compile(r"\s+")
_CACHED = 20_000  # header values kept parsed and folded; a run repeats most of them
# The headers every message has, in the order written (Reply-To after To when there is one).
HEADERS = ("from", "to", "subject", "date", "message-id", "mime-version", "content-type")
MAX_LINE = 998  # octets in a header line, CRLF not counted (RFC 5322 2.1.1)


class UnsafeMessage(DataError):
    """A guest's message that cannot be sent as wic meant it: a name or subject that would
    change the headers, or composed headers that read back as something else."""

    def __init__(self, entry_id: str, problem: str) -> None:
        super().__init__(f"guest {entry_id}: {problem}; that message is not sent")
        self.entry_id = entry_id
        self.problem = problem


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


class _ReadPolicy(EmailPolicy):
    """The standard library's default reading policy, remembering the header values it
    parsed: the sender and the subject of a run are the same in every message read back."""

    _fetched: dict[tuple[str, str], Any] = {}

    def header_fetch_parse(self, name: str, value: str) -> Any:
        key = (name.lower(), value)
        found = self._fetched.get(key)
        if found is None:
            found = super().header_fetch_parse(name, value)
            _remember(self._fetched, key, found)
        return found


READ_POLICY = _ReadPolicy()


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
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    plain, problem = address(text)
    if problem is None and plain != text.strip():
        problem = f"has angle brackets; the address alone ({plain}) is what wic sends to"
    if problem is not None:
        raise ValueError(problem.removeprefix("is "))  # shown after the address and a colon
    local, _, domain = plain.rpartition("@")
    if not local.isascii():
        raise ValueError("the part before the @ is not ASCII")
    try:
        domain = domain.encode("idna").decode("ascii")
        found = Address(addr_spec=f"{local}@{domain}")
    except (UnicodeError, ValueError, IndexError, HeaderParseError) as exc:
        raise ValueError(f"not an e-mail address ({exc})") from None
    return found.addr_spec


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


# --------------------------------------------------------------------------- reading back


@dataclass(frozen=True, slots=True)
class Meant:
    """The headers wic wrote into a message, as a reader should see them."""

    sender: tuple[str, str]  # display name, address
    recipient: tuple[str, str]
    subject: str
    reply_to: str | None
    boundary: str


def read_back(data: bytes, meant: Meant) -> str | None:
    """What is wrong with the composed ``data`` (None: nothing). Its header lines are
    split as a mail program splits them, and each value read with the standard library's
    default policy: it must have exactly wic's headers, one sender and one recipient with
    the names and addresses meant, the subject meant, and a body that starts with the
    first part. This holds whatever Python's header folding does (CVE-2024-6923 made a
    name an extra header on versions without the fix)."""
    head, blank, body = data.partition(b"\r\n\r\n")
    if not blank:
        return "has no end of headers"
    headers = _headers(head.split(b"\r\n"))
    if isinstance(headers, str):
        return headers
    wanted = [*HEADERS[:2], *(["reply-to"] if meant.reply_to else []), *HEADERS[2:]]
    if [name for name, _ in headers] != wanted:
        return (f"has the headers {', '.join(name for name, _ in headers)} "
                f"(wic wrote {', '.join(wanted)})")
    if not body.startswith(f"--{meant.boundary}\r\n".encode("ascii")):
        return "does not start its body with the first part"
    return _header_values(dict(headers), meant)


def _headers(lines: list[bytes]) -> list[tuple[str, str]] | str:
    """(lower-case name, folded value) of each header, or what is wrong with the lines."""
    found: list[tuple[str, list[str]]] = []
    for line in lines:
        if len(line) > MAX_LINE:
            return f"has a header line of {len(line):,} characters (at most {MAX_LINE})"
        if b"\r" in line or b"\n" in line or b"\0" in line or not line.isascii():
            return "has a line break, a NUL or 8-bit text inside a header"
        text = line.decode("ascii")
        if text[:1].isspace() and found:  # a folded continuation of the header before
            found[-1][1].append(text)
            continue
        name, colon, value = text.partition(":")
        if not colon or not name or name != name.strip():
            return f"has a header line that is not a header: {text[:40]!r}"
        found.append((name.lower(), [value.lstrip()]))
    return [(name, "\r\n".join(parts)) for name, parts in found]


def _header_values(headers: dict[str, str], meant: Meant) -> str | None:
    for name, (display, spec) in (("from", meant.sender), ("to", meant.recipient)):
        found = _addresses(headers, name)
        if found != [(_squeezed(display), spec)]:
            return f"reads {name.title()} as {found} (wic wrote {display!r} <{spec}>)"
    if meant.reply_to is not None and \
            [spec for _, spec in _addresses(headers, "reply-to")] != [meant.reply_to]:
        return "reads Reply-To as another address"
    subject = str(READ_POLICY.header_fetch_parse("subject", headers["subject"]))
    if _squeezed(subject) != _squeezed(meant.subject):
        return f"reads the subject as {subject!r}"
    return None


def _addresses(headers: dict[str, str], name: str) -> list[tuple[str, str]]:
    header = READ_POLICY.header_fetch_parse(name, headers[name])  # an AddressHeader
    return [(_squeezed(a.display_name), a.addr_spec) for a in getattr(header, "addresses", ())]


def _squeezed(text: str) -> str:
    """Text without its white space: the standard library's parser puts a space between
    the encoded words a long name is folded into, which changes nothing a reader sees."""
    return "".join(text.split())


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

    def compose(self, entry: Invitation, *, kind: str, sequence: int, now: datetime,
                message_id: str | None = None) -> Outgoing:
        """The message for ``entry`` (``message_id``: the one it had, when it is sent
        again); raises TemplateError for a template mistake and UnsafeMessage when its
        headers would not be the ones meant."""
        problem = text_problem(entry.name, MAX_NAME)
        if problem is not None:  # a ledger written before names were checked
            raise UnsafeMessage(entry.id, f"name: {problem}")
        parts = self.templates.message(kind, entry.category)
        context = self.context(entry, kind=kind, sequence=sequence)
        subject = self.templates.render(parts.subject, subject_context(context))
        problem = text_problem(one_line(subject), MAX_SUBJECT)
        if problem is not None:
            where = self.templates.label(parts.subject.filename or parts.subject.name or "")
            raise UnsafeMessage(entry.id, f"the subject ({where}) {problem}")
        text = self.templates.render(parts.text, context)
        html = None if parts.html is None else self.templates.render(parts.html, context)
        uid = self.uid(entry)
        calendar = self.builder.build(Request(
            uid=uid, sequence=sequence, stamp=now, attendee_name=entry.name,
            attendee_email=entry.email, description=self.description(subject)))
        message_id = message_id or new_message_id(entry.id, kind, self.domain, self.token)
        try:  # a patched email package refuses some header values itself (ValueError)
            msg = build_message(organizer=self.organizer, reply_to=self.reply_to,
                                to_name=entry.name, to_email=entry.email, subject=subject,
                                text=text, html=html, calendar=calendar,
                                message_id=message_id, date=now)
            data, recipient = msg.as_bytes(), ascii_address(entry.email)  # boundary chosen
        except ValueError as exc:
            raise UnsafeMessage(entry.id, f"the message cannot be written: {exc}") from None
        problem = read_back(data, Meant(
            sender=(one_line(self.organizer.name), self.organizer.email),
            recipient=(one_line(entry.name), recipient), subject=one_line(subject),
            reply_to=self.reply_to, boundary=msg.get_boundary() or ""))
        if problem is not None:
            raise UnsafeMessage(entry.id, f"the composed message {problem}")
        return Outgoing(entry_id=entry.id, kind=kind, sender=self.organizer.email,
                        recipient=recipient, message_id=message_id, uid=uid,
                        sequence=sequence, stamp=now, data=data)

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
