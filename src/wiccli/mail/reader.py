"""One message read within bounds of memory and time, whatever it holds: the step from a
source's bytes (:class:`~wiccli.mail.inbox.Raw`) to what the message is
(:func:`wiccli.mail.itip.read_message`).

- A message over ``MAX_MESSAGE`` was not read past its header block: it is reported with
  its Message-ID, sender and subject, and never parsed.
- A message over :data:`SLIM_ABOVE` has the bodies that reading never looks at (HTML,
  attachments, preambles, every text but the first) cut out before Python's e-mail
  parser sees it. That parser
  makes a Python string of every line it is given and keeps them all: a 32 MB message of
  short lines took 10 s and 450 MB. Cut, only the headers, the calendar parts, the delivery
  reports, the messages a bounce returns and the first text part (whose first lines are
  shown with a plain answer) are parsed, each bounded by its own limit.

What is cut is found with ``bytes.find`` over the whole message, following its MIME
structure as the standard library does (the same boundaries, the same parts, the same
headers), so the message reads exactly as it would whole (tests/test_replies_pipeline.py
checks it on every fixture).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field, replace
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

from wiccli.limits import MAX_CALENDAR, MAX_MESSAGE, MAX_MIME_HEADERS, human_size
from wiccli.limits import MAX_MIME_DEPTH as MAX_DEPTH
from wiccli.limits import MAX_MIME_PARTS as MAX_PARTS
from wiccli.mail import itip
from wiccli.mail.inbox import Raw, head_of
from wiccli.mail.mime import is_calendar

SLIM_ABOVE = 256 * 1024  # a larger message has the parts nobody reads cut out first
_HEADERS = BytesHeaderParser(policy=policy.compat32)
# The parts reading looks into, beside calendar parts (itip: delivery reports, returned
# headers); message/* parts hold a message, which is followed into.
_KEPT = frozenset({"message/delivery-status", "text/rfc822-headers"})


def read(raw: Raw, known: Container[str] = frozenset()) -> itip.Reading:
    """What the message is; never raises for a bad message."""
    if raw.over:
        return _too_large(raw)
    if len(raw.data) <= SLIM_ABOVE:
        return itip.read_message(raw.key, raw.data, known)
    try:
        data, notes = slimmed(raw.data)
    except itip.Unreadable as exc:
        head = itip.read_message(raw.key, head_of(raw.data))
        return replace(head, kind="problem", detail=str(exc))
    reading = itip.read_message(raw.key, data, known)
    if notes and reading.kind not in ("reply", "bounce"):
        # As when read whole: a part over its limit is the trouble when nothing else is.
        return replace(reading, kind="problem", detail=itip.clean("; ".join(notes), 300))
    return reading


def _too_large(raw: Raw) -> itip.Reading:
    head = itip.read_message(raw.key, raw.data)  # the header block alone: who, Message-ID
    size = f"{raw.size:,} bytes" if raw.exact else f"more than {MAX_MESSAGE:,} bytes"
    return replace(head, kind="problem", answers=(), failures=(),
                   detail=f"message of {size} is over the {human_size(MAX_MESSAGE)} "
                          "limit; not read")


# --------------------------------------------------------------------------- cutting


@dataclass
class _Walk:
    data: bytes
    cuts: list[tuple[int, int]] = field(default_factory=list)  # byte ranges left out
    notes: list[str] = field(default_factory=list)  # kept parts over their limit
    parts: int = 0
    text_seen: bool = False  # the first text/plain part (not in an attached message)

    def cut(self, start: int, end: int) -> None:
        if end > start:
            self.cuts.append((start, end))


def slimmed(data: bytes) -> tuple[bytes, list[str]]:
    """``data`` without the bodies reading never looks at, and what was cut for being over
    its limit. A message without a Message-ID gets the one it would have had whole."""
    walk = _Walk(data)
    top = _part(walk, 0, len(data), 0)
    kept, last = [], 0
    for start, end in walk.cuts:
        kept.append(data[last:start])
        last = end
    kept.append(data[last:])
    if not itip.clean(str(top.get("Message-ID", "") or "").strip(), 998):
        # the id read from the content must be that of the whole message, not the cut one
        kept.insert(0, b"Message-ID: " + itip._fallback_id(data).encode() + b"\n")
    return b"".join(kept), walk.notes


def _part(walk: _Walk, start: int, end: int, depth: int, *, attached: bool = False,
          digest: bool = False) -> Message:
    """Read the part in ``data[start:end]``: its headers, and what of its body to cut.
    ``attached``: inside an attached message; ``digest``: a part of a multipart/digest
    (whose parts are messages unless they say otherwise, as the parser has it)."""
    walk.parts += 1
    body = _body_start(walk.data, start, end)
    if body - start > MAX_MIME_HEADERS:
        raise itip.Unreadable(f"a header block of {body - start:,} bytes is over the "
                              f"{human_size(MAX_MIME_HEADERS)} limit; not read")
    headers = _HEADERS.parsebytes(walk.data[start:body])
    if digest:
        headers.set_default_type("message/rfc822")
    if walk.parts > MAX_PARTS or depth > MAX_DEPTH:
        walk.cut(body, end)  # past the caps: reading reports the message for them
        return headers
    kind = headers.get_content_type()
    boundary = headers.get_boundary() if headers.get_content_maintype() == "multipart" else None
    if boundary is not None:
        _multipart(walk, body, end, boundary.encode("ascii", "surrogateescape"), depth,
                   attached=attached, digest=kind == "multipart/digest")
    elif kind.startswith("message/") and kind != "message/delivery-status":
        _part(walk, body, end, depth + 1, attached=True)  # the attached message, parsed
    else:
        _leaf(walk, headers, body, end, attached)
    return headers


def _leaf(walk: _Walk, headers: Message, body: int, end: int, attached: bool) -> None:
    kind = headers.get_content_type()
    first_text = kind == "text/plain" and not attached and not walk.text_seen
    walk.text_seen = walk.text_seen or first_text
    if not (first_text or kind in _KEPT or is_calendar(headers)):
        walk.cut(body, end)
    elif end - body > MAX_CALENDAR * 4 // 3 + 4096:  # as the reader's own first check
        walk.cut(body, end)
        if not first_text:  # a text that long is shown without its lines, as when whole
            # the words reading the whole part would say (mime.decoded)
            walk.notes.append(f"a {kind} part of {end - body:,} bytes is over the limit; "
                              "not read")


def _body_start(data: bytes, start: int, end: int) -> int:
    """Where the body begins: after the first empty line (none: the part is all head)."""
    for blank in (b"\n", b"\r\n"):
        if data.startswith(blank, start, end):
            return start + len(blank)
    found = [(i, n) for i, n in ((data.find(b"\n\n", start, end), 2),
                                 (data.find(b"\r\n\r\n", start, end), 4)) if i >= 0]
    if not found:
        return end
    index, length = min(found)
    return index + length


def _multipart(walk: _Walk, body: int, end: int, boundary: bytes, depth: int, *,
               attached: bool, digest: bool) -> None:
    """Cut the preamble and epilogue; read each part between the boundary lines."""
    lines = list(_boundaries(walk.data, body, end, b"--" + boundary))
    if not lines:
        walk.cut(body, end)  # no part at all: the parser keeps the body as text
        return
    walk.cut(body, lines[0][0])
    for (_, after, closing), (following, _, _) in zip(lines, [*lines[1:], (end, end, True)],
                                                      strict=True):
        if closing:
            walk.cut(after, end)
            return
        _part(walk, after, _before_line_end(walk.data, after, following), depth + 1,
              attached=attached, digest=digest)


def _boundaries(data: bytes, start: int, end: int, delimiter: bytes
                ) -> list[tuple[int, int, bool]]:
    """(where the line starts, where the next line starts, whether it closes) of each
    boundary line: ``--boundary`` or ``--boundary--`` at the start of a line, then only
    spaces or tabs (as the standard library's parser matches them)."""
    found = []
    at = data.find(delimiter, start, end)
    while at >= 0:
        line_end = data.find(b"\n", at, end)
        after = end if line_end < 0 else line_end + 1
        if at == start or data[at - 1] == 10:
            rest = data[at + len(delimiter):after].rstrip(b"\r\n")
            closing = rest.startswith(b"--")
            if not (rest[2:] if closing else rest).strip(b" \t"):
                found.append((at, after, closing))
                if closing:
                    break
        at = data.find(delimiter, at + 1, end)
    return found


def _before_line_end(data: bytes, start: int, at: int) -> int:
    """``at`` less the line ending before it (that belongs to the boundary line)."""
    if at > start and data[at - 1] == 10:
        at -= 1
        if at > start and data[at - 1] == 13:
            at -= 1
    return at
