"""Walking the MIME tree of an incoming message, within its limits.

The small tools every reader of incoming mail shares (:mod:`wiccli.mail.itip` for the
message, :mod:`wiccli.mail.calreply` for calendar parts, :mod:`wiccli.mail.dsn` for
delivery reports): the tree walked with its depth and number of parts capped, a part's
bytes decoded only up to a size, text in its charset, and text from a message made safe
to show on one line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import policy
from email.message import Message
from email.parser import HeaderParser

from wiccli.limits import MAX_MIME_DEPTH as MAX_DEPTH
from wiccli.limits import MAX_MIME_PARTS as MAX_PARTS

CALENDAR_TYPES = frozenset({"text/calendar", "application/ics", "text/x-vcalendar"})
# Control characters, line and paragraph separators, bidirectional overrides: never passed
# on from a message (to the ledger, a terminal, a spreadsheet).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
HEADERS = HeaderParser(policy=policy.compat32)


class Unreadable(Exception):
    """A message, or a part of it, that cannot be read; the text says why."""


def clean(text: str, limit: int) -> str:
    """``text`` from a message on one line, without control characters, at most ``limit``."""
    return " ".join(_UNSAFE.sub(" ", text).split())[:limit]


def message_id(msg: Message) -> str:
    value = str(msg.get("Message-ID", "") or "").strip()
    return clean(value, 998)


def walk(msg: Message) -> Iterator[tuple[Message, bool]]:
    """Every part of ``msg`` with whether it is inside an attached message (a forward, or
    the message a bounce returns); depth and count capped. The top is at depth 0, so a
    part at depth ``MAX_DEPTH`` is read and one deeper refuses the message."""
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


def is_calendar(part: Message) -> bool:
    if part.is_multipart():
        return False
    if part.get_content_type() in CALENDAR_TYPES:
        return True
    filename = part.get_filename() or ""
    return filename.lower().endswith((".ics", ".vcs"))
