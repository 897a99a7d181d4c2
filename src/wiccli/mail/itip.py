"""What one incoming message is: a calendar REPLY, a delivery failure, or words for a person.

:func:`read_message` turns the bytes of one message into a :class:`Reading`, a plain
frozen record that the planner (:mod:`wiccli.mail.replies`) matches against the ledger.
It never writes anything: attachments are looked at in memory, and only the small parts
that matter (calendar parts, delivery reports, returned headers) are decoded.

Messages are hostile input. The whole message is capped in size, the MIME tree in depth
and number of parts, a calendar part in size; anything past a cap, or anything the
parsers choke on, becomes a Reading of kind ``problem`` that names what went wrong, and
the next message is read as usual.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from wiccli.limits import MAX_CALENDAR, MAX_MESSAGE, MAX_SEQUENCE
from wiccli.limits import MAX_MIME_DEPTH as MAX_DEPTH
from wiccli.limits import MAX_MIME_PARTS as MAX_PARTS

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})
# compat32 headers are plain strings: policy.default's header objects cost about 1 ms a
# message (most of the time for a 10,000-message mailbox), and only From and Subject are
# ever shown, which _decoded_header decodes.
_PARSER = BytesParser(policy=policy.compat32)
# Control characters, line and paragraph separators, bidirectional overrides: never passed
# on from a message (to the ledger, a terminal, a spreadsheet).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str, limit: int) -> str:
    """``text`` from a message on one line, without control characters, at most ``limit``."""
    return " ".join(_UNSAFE.sub(" ", text).split())[:limit]


@dataclass(frozen=True, slots=True)
class Attendee:
    """One ATTENDEE line of a REPLY."""

    address: str  # lower case, without mailto:
    partstat: str
    name: str = ""
    delegated_to: tuple[str, ...] = ()
    delegated_from: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """One VEVENT of a REPLY: which invitation it answers and who says what."""

    uid: str
    sequence: int
    dtstamp: datetime | None
    attendees: tuple[Attendee, ...]
    comment: str = ""  # what the guest wrote with the answer, if anything


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed recipient of a delivery-status notification (RFC 3464)."""

    address: str
    status: str
    diagnostic: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One incoming message as the planner needs it.

    kind: ``reply`` (answers), ``bounce`` (failures), ``plain`` (nothing a program can
    apply: a person reads it) or ``problem`` (the message could not be read; ``detail``).
    """

    key: str  # where the message is in its source: mbox index, Maildir key, IMAP UID
    message_id: str
    kind: str
    sender: str = ""
    subject: str = ""
    date: datetime | None = None
    answers: tuple[Answer, ...] = ()
    failures: tuple[Failure, ...] = ()
    # A bounce: the Message-ID and calendar UIDs of the message that was returned.
    original_id: str = ""
    original_uids: tuple[str, ...] = ()
    detail: str = ""


class Unreadable(Exception):
    """A message, or a part of it, that cannot be read; the text says why."""


# --------------------------------------------------------------------------- one message


def read_message(key: str, raw: bytes, known: Container[str] = frozenset()) -> Reading:
    """What the message ``raw`` is; never raises for a bad message. A message whose
    Message-ID is in ``known`` (read on an earlier run) is not parsed past its headers."""
    from dataclasses import replace

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


def _message_id(msg: Message) -> str:
    value = str(msg.get("Message-ID", "") or "").strip()
    return clean(value, 998)


def _head(key: str, fallback_id: str, msg: Message) -> Reading:
    message_id = _message_id(msg) or fallback_id
    addresses = getaddresses([str(msg.get("From", "") or "")])
    sender = clean(addresses[0][1], 320).lower() if addresses else ""
    subject = clean(_decoded_header(msg.get("Subject")), 200)
    return Reading(key, message_id, "plain", sender=sender, subject=subject,
                   date=_date(str(msg.get("Date", "") or "")))


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
    from dataclasses import replace

    parts = list(walk(msg))
    report = _delivery_report(parts)
    if report is not None:
        failures, original_id, uids = report
        if not failures:
            return replace(head, detail="a delivery report without a failed recipient "
                                        "(delayed, or delivered)")
        return replace(head, kind="bounce", failures=failures, original_id=original_id,
                       original_uids=uids)
    answers, others = _calendar_answers(parts)
    if answers:
        return replace(head, kind="reply", answers=answers)
    if others:
        return replace(head, detail=others)
    return head


# --------------------------------------------------------------------------- walking MIME


def walk(msg: Message) -> Iterator[tuple[Message, bool]]:
    """Every part of ``msg`` with whether it is inside an attached message (a forward, or
    the message a bounce returns); depth and count capped."""
    stack: list[tuple[Message, int, bool]] = [(msg, 0, False)]
    count = 0
    while stack:
        part, depth, attached = stack.pop()
        count += 1
        if count > MAX_PARTS:
            raise Unreadable(f"more than {MAX_PARTS} MIME parts; not read")
        if depth > MAX_DEPTH:
            raise Unreadable(f"MIME parts nested more than {MAX_DEPTH} deep; not read")
        yield part, attached
        if part.is_multipart():
            inner = part.get_content_type().startswith("message/")
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1, attached or inner)
                             for child in reversed(children) if isinstance(child, Message))


def decoded(part: Message, limit: int) -> bytes:
    """A leaf part's bytes with its transfer encoding undone; refused past ``limit``."""
    payload = part.get_payload()
    if not isinstance(payload, str):
        return b""
    if len(payload) > limit * 4 // 3 + 4096:
        raise Unreadable(f"a {part.get_content_type()} part of {len(payload):,} bytes is "
                         "over the limit; not read")
    data = part.get_payload(decode=True)
    if isinstance(data, bytes) and len(data) > limit:  # the limit is on what is decoded
        raise Unreadable(f"a {part.get_content_type()} part of {len(data):,} bytes "
                         "(decoded) is over the limit; not read")
    return data if isinstance(data, bytes) else b""


def text_of(part: Message, data: bytes) -> str:
    """``data`` as text in the part's charset (UTF-8, then Latin-1, when it is unknown)."""
    charset = str(part.get_param("charset", "") or "") or "utf-8"
    for name in (charset, "utf-8"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


# --------------------------------------------------------------------------- calendar parts


def _is_calendar(part: Message) -> bool:
    if part.is_multipart():
        return False
    if part.get_content_type() in CALENDAR_TYPES:
        return True
    filename = part.get_filename() or ""
    return filename.lower().endswith((".ics", ".vcs"))


def _calendar_answers(parts: list[tuple[Message, bool]]) -> tuple[tuple[Answer, ...], str]:
    """The answers of the REPLY parts of a message, and what else was found (for a person).

    The same REPLY often comes twice (inline in multipart/alternative and as an
    ``invite.ics`` attachment): answers are kept once."""
    answers: dict[tuple[str, int, str], Answer] = {}
    problems: list[str] = []
    others: list[str] = []
    read: set[bytes] = set()
    for part, attached in parts:
        if attached or not _is_calendar(part):
            continue
        try:
            data = decoded(part, MAX_CALENDAR)
            if data in read:  # the same REPLY inline and as invite.ics: read once
                continue
            read.add(data)
            method, found = _read_calendar(part, data)
        except Unreadable as exc:
            problems.append(str(exc))
            continue
        if method != "REPLY":
            others.append(f"a calendar {method or 'part without METHOD'}, not a REPLY")
        for answer in found:
            stamp = answer.dtstamp.isoformat() if answer.dtstamp else ""
            answers.setdefault((answer.uid, answer.sequence, stamp), answer)
    if not answers and problems:
        raise Unreadable("; ".join(dict.fromkeys(problems)))
    return tuple(answers.values()), "; ".join(dict.fromkeys(others))


def _read_calendar(part: Message, data: bytes) -> tuple[str, list[Answer]]:
    from icalendar import Calendar

    text = essentials(text_of(part, data))
    try:
        calendar = Calendar.from_ical(text)
    except Exception as exc:  # icalendar raises several types for bad input
        raise Unreadable(clean(f"calendar part does not parse: {exc}", 120)) from None
    if not hasattr(calendar, "walk"):
        raise Unreadable("calendar part holds no VCALENDAR")
    param = str(part.get_param("method", "") or "").upper()
    method = clean(str(calendar.get("METHOD", "") or param), 40).upper()
    if method != "REPLY":
        return method, []
    events = [c for c in calendar.walk() if c.name in ("VEVENT", "VTODO")]
    if not events:
        raise Unreadable("calendar REPLY without a VEVENT")
    return method, [_answer(event) for event in events]


_NEEDED = frozenset({"BEGIN", "END", "METHOD", "UID", "SEQUENCE", "DTSTAMP", "ATTENDEE",
                     "COMMENT"})
_NAME = re.compile(r"^([A-Za-z0-9-]+)[;:]")


def essentials(text: str) -> str:
    """Only the lines a REPLY is read for (time zones, alarms and descriptions left out):
    parsing is then several times faster, and a bad line elsewhere does not matter."""
    kept, skipping = [], ""
    for line in re.sub(r"\r?\n[ \t]", "", text).splitlines():
        found = _NAME.match(line)
        name = found.group(1).upper() if found else ""
        if skipping:
            if name == "END" and line[4:].strip().upper() == skipping:
                skipping = ""
            continue
        if name == "BEGIN" and line[6:].strip().upper() in ("VTIMEZONE", "VALARM"):
            skipping = line[6:].strip().upper()
        elif name in _NEEDED:
            kept.append(line)
    return "\r\n".join(kept) + "\r\n"


def _answer(event: Any) -> Answer:
    uid = clean(str(event.get("UID", "") or ""), 300)
    if not uid:
        raise Unreadable("calendar REPLY without a UID")
    attendees = _attendees(event.get("ATTENDEE"))
    if not attendees:
        raise Unreadable(f"calendar REPLY for {uid} without an ATTENDEE")
    return Answer(uid=uid, sequence=_sequence(event.get("SEQUENCE")),
                  dtstamp=_stamp(event.get("DTSTAMP")), attendees=attendees,
                  comment=_comment(event.get("COMMENT")))


def _comment(value: Any) -> str:
    values = value if isinstance(value, list) else [value] if value is not None else []
    return clean(" ".join(str(v) for v in values[:10]), 300)


def _attendees(value: Any) -> tuple[Attendee, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    found = []
    for item in values[:50]:
        params = getattr(item, "params", {})
        found.append(Attendee(
            address=address_of(str(item)),
            partstat=str(params.get("PARTSTAT", "NEEDS-ACTION")).upper(),
            name=clean(str(params.get("CN", "")), 200),
            delegated_to=_addresses(params.get("DELEGATED-TO")),
            delegated_from=_addresses(params.get("DELEGATED-FROM")),
        ))
    return tuple(a for a in found if a.address)


def _addresses(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else str(value).split(",")
    return tuple(a for a in (address_of(str(v)) for v in values) if a)


def address_of(text: str) -> str:
    """``mailto:Ann@Example.org`` (any case, quoted or not) as ``ann@example.org``."""
    value = text.strip().strip('"').strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return clean(value, 320).lower()


def _sequence(value: Any) -> int:
    try:
        return max(0, min(int(str(value or 0).strip()), MAX_SEQUENCE))
    except ValueError:
        return 0


def _stamp(value: Any) -> datetime | None:
    moment = getattr(value, "dt", None)
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return None


# --------------------------------------------------------------------------- bounces


_REPORT_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_RETURNED_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/global",
                             "message/global-headers"})


def _delivery_report(parts: list[tuple[Message, bool]]
                     ) -> tuple[tuple[Failure, ...], str, tuple[str, ...]] | None:
    """Failed recipients, the returned message's Message-ID and calendar UIDs, of an
    RFC 3464 report; None when the message is not one."""
    top = parts[0][0]
    if top.get_content_type() != "multipart/report":
        return None
    reports = [p for p, attached in parts if not attached and p.get_content_type() in
               _REPORT_TYPES]
    if not reports:
        return None
    failures = tuple(f for report in reports for f in _failures(report))
    original_id, uids = _returned(parts)
    return failures, original_id, uids


def _failures(report: Message) -> Iterator[Failure]:
    blocks = report.get_payload()
    if not isinstance(blocks, list):  # an unparsed report: read its header blocks here
        text = text_of(report, decoded(report, MAX_CALENDAR))
        blocks = [HeaderParser(policy=policy.compat32).parsestr(b.strip() + "\n")
                  for b in re.split(r"\r?\n\s*\r?\n", text) if b.strip()]
    for block in blocks[1:200]:  # the first block describes the reporting server
        if not isinstance(block, Message):
            continue
        action = str(block.get("Action", "")).strip().lower()
        recipient = str(block.get("Final-Recipient", "") or block.get("Original-Recipient", ""))
        if action != "failed" or not recipient:
            continue
        address = recipient.split(";", 1)[-1]
        yield Failure(address=address_of(address.strip().strip("<>")),
                      status=clean(str(block.get("Status", "")), 20),
                      diagnostic=clean(str(block.get("Diagnostic-Code", "")), 300))


def _returned(parts: list[tuple[Message, bool]]) -> tuple[str, tuple[str, ...]]:
    """The Message-ID and calendar UIDs of the message a bounce returns."""
    for part, _ in parts:
        kind = part.get_content_type()
        if kind not in _RETURNED_TYPES:
            continue
        if kind.endswith("headers"):
            text = text_of(part, decoded(part, MAX_CALENDAR))
            return _message_id(HeaderParser(policy=policy.compat32).parsestr(text)), ()
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return _message_id(inner[0]), _uids(inner[0])
    return "", ()


def _uids(msg: Message) -> tuple[str, ...]:
    found: list[str] = []
    for part, _ in walk(msg):
        if _is_calendar(part):
            text = text_of(part, decoded(part, MAX_CALENDAR))
            found += [clean(m, 300) for m in re.findall(r"(?m)^UID:(.+)$", text)]
    return tuple(dict.fromkeys(found))

