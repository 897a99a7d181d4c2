"""What one incoming message is: a calendar REPLY, a delivery failure, or words for a person.

:func:`read_message` turns the bytes of one message into a :class:`Reading`, a plain
frozen record that the planner (:mod:`wiccli.mail.replies`) matches against the ledger.
It never writes anything: attachments are looked at in memory, and only the small parts
that matter (calendar parts, delivery reports, returned headers, the first lines of a
plain answer) are decoded. Calendar parts are read by :mod:`wiccli.mail.calreply`,
delivery reports by :mod:`wiccli.mail.dsn`, the MIME tree walked by :mod:`wiccli.mail.mime`.

Messages are hostile input. The whole message is capped in size, the MIME tree in depth
and number of parts, a calendar part in size; anything past a cap, or anything the
parsers choke on, becomes a Reading of kind ``problem`` that names what went wrong, and
the next message is read as usual. What a Reading says of the sender (From,
Authentication-Results) is what the message claims: the planner decides what to trust.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from wiccli.limits import MAX_CALENDAR, MAX_EXCERPT, MAX_EXCERPT_LINES, MAX_MESSAGE
from wiccli.limits import MAX_MIME_DEPTH as MAX_DEPTH
from wiccli.limits import MAX_MIME_PARTS as MAX_PARTS
from wiccli.mail import authres
from wiccli.mail.calreply import Answer, Attendee, calendar_answers
from wiccli.mail.dsn import Failure, delivery_report
from wiccli.mail.mime import Unreadable, clean, decoded, message_id, text_of, walk

__all__ = ["MAX_CALENDAR", "MAX_DEPTH", "MAX_MESSAGE", "MAX_PARTS", "Answer", "Attendee",
           "Failure", "Reading", "Unreadable", "clean", "read_message"]

# compat32 headers are plain strings: policy.default's header objects cost about 1 ms a
# message (most of the time for a 10,000-message mailbox), and only From and Subject are
# ever shown, which _decoded_header decodes.
_PARSER = BytesParser(policy=policy.compat32)
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,998}>")
MAX_REFS = 100  # Message-IDs read from In-Reply-To and References
_QUOTE_INTRO = re.compile(r"^(on .{0,200} wrote:|-----\s*original message\s*-----)$", re.I)


@dataclass(frozen=True, slots=True)
class Reading:
    """One incoming message as the planner needs it.

    kind: ``reply`` (answers), ``bounce`` (failures), ``plain`` (nothing a program can
    apply: a person reads it) or ``problem`` (the message could not be read; ``detail``).
    """

    key: str  # where the message is in its source: mbox index, Maildir key, IMAP UID
    message_id: str
    kind: str
    sender: str = ""  # the first From address, lower case
    subject: str = ""
    date: datetime | None = None
    answers: tuple[Answer, ...] = ()
    failures: tuple[Failure, ...] = ()
    original_id: str = ""  # a bounce: the Message-ID of the message that was returned
    detail: str = ""
    senders: tuple[str, ...] = ()  # every From address of every From header
    refs: tuple[str, ...] = ()  # the Message-IDs of In-Reply-To and References
    auth: tuple[authres.Header, ...] = ()  # Authentication-Results, top first
    excerpt: str = ""  # a plain answer: its first lines, on one line


# --------------------------------------------------------------------------- one message


def read_message(key: str, raw: bytes, known: Container[str] = frozenset()) -> Reading:
    """What the message ``raw`` is; never raises for a bad message. A message whose
    Message-ID is in ``known`` (read on an earlier run) is not parsed past its headers."""
    fallback = _fallback_id(raw)
    head = Reading(key, fallback, "problem")
    if len(raw) > MAX_MESSAGE:
        return replace(head, detail=f"message of {len(raw):,} bytes or more is over the "
                                    "limit; not read")
    try:
        if known:
            head = _head(key, fallback, _PARSER.parsebytes(raw, headersonly=True))
            if head.message_id in known:
                return replace(head, detail="read before")
        msg = _PARSER.parsebytes(raw)
        head = _head(key, fallback, msg)
        return _classify(head, msg)
    except Unreadable as exc:
        return replace(head, kind="problem", detail=clean(str(exc), 300))
    except (RecursionError, MemoryError):
        return replace(head, kind="problem", detail="message nested too deeply; not read")
    except Exception as exc:  # hostile input: any parser failure is this message's alone
        return replace(head, kind="problem",
                       detail=clean(f"corrupt message ({type(exc).__name__}: {exc})", 300))


def _fallback_id(raw: bytes) -> str:
    """A stable id for a message without a Message-ID, so a rerun knows it again."""
    return f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-message-id.wic.invalid>"


def _head(key: str, fallback_id: str, msg: Message) -> Reading:
    froms = [str(v or "")[:2000] for v in (msg.get_all("From") or [])[:10]]
    senders = tuple(clean(addr, 320).lower() for _, addr in getaddresses(froms))
    subject = clean(_decoded_header(msg.get("Subject")), 200)
    refs = " ".join(str(v or "")[:20_000] for name in ("In-Reply-To", "References")
                    for v in (msg.get_all(name) or [])[:5])
    return Reading(key, message_id(msg) or fallback_id, "plain",
                   sender=senders[0] if senders else "", subject=subject,
                   date=_date(str(msg.get("Date", "") or "")), senders=senders,
                   refs=tuple(dict.fromkeys(_MESSAGE_ID.findall(refs)[:MAX_REFS])),
                   auth=authres.read_all(msg.get_all("Authentication-Results") or []))


def _decoded_header(value: object) -> str:
    """A header's text with RFC 2047 encoded words decoded (as it was, if they are bad)."""
    from email.header import decode_header, make_header

    text = str(value or "")
    try:
        return str(make_header(decode_header(text))) if "=?" in text else text
    except (LookupError, UnicodeDecodeError, ValueError):
        return text


def _date(text: str) -> datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _classify(head: Reading, msg: Message) -> Reading:
    parts = list(walk(msg))
    report = delivery_report(parts)
    if report is not None:
        failures, original_id = report
        if not failures:
            return replace(head, detail="a delivery report without a failed recipient "
                                        "(delayed, or delivered)")
        return replace(head, kind="bounce", failures=failures, original_id=original_id)
    answers, others = calendar_answers(parts)
    if answers:
        return replace(head, kind="reply", answers=answers)
    return replace(head, detail=others, excerpt=_excerpt(parts))


def _excerpt(parts: list[tuple[Message, bool]]) -> str:
    """The first lines of the first text part (not quoted text, not a forward), on one
    line: what a person needs to see to know what the guest wrote."""
    part = next((p for p, attached in parts if not attached and not p.is_multipart()
                 and p.get_content_type() == "text/plain"), None)
    if part is None:
        return ""
    try:
        text = text_of(part, decoded(part, MAX_CALENDAR))
    except Unreadable:
        return ""
    lines: list[str] = []
    for line in text[:20_000].splitlines()[:200]:  # the first lines are in the first few kB
        line = clean(line, MAX_EXCERPT)
        if line.startswith(">") or _QUOTE_INTRO.match(line):
            break
        if line:
            lines.append(line)
        if len(lines) == MAX_EXCERPT_LINES:
            break
    return clean(" / ".join(lines), MAX_EXCERPT)
