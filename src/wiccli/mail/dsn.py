"""Delivery-status notifications (RFC 3464): who could not be reached, and which message
came back.

A report names its failed recipients in ``message/delivery-status`` blocks and returns
the message (``message/rfc822``) or its headers (``text/rfc822-headers``). The returned
Message-ID is what ties a bounce to an invitation wic sent; anyone can write a report, so
the planner applies it only when that Message-ID is one wic recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

from wiccli.limits import MAX_CALENDAR
from wiccli.mail.calreply import address_of
from wiccli.mail.mime import HEADERS, clean, decoded, message_id, text_of

_REPORT_TYPES = frozenset({"message/delivery-status", "message/global-delivery-status"})
_RETURNED_TYPES = frozenset({"message/rfc822", "text/rfc822-headers", "message/global",
                             "message/global-headers"})
MAX_RECIPIENTS = 200  # per-recipient blocks read from one report


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed recipient of a delivery-status notification (RFC 3464)."""

    address: str
    status: str
    diagnostic: str


def delivery_report(parts: list[tuple[Message, bool]]
                    ) -> tuple[tuple[Failure, ...], str] | None:
    """Failed recipients and the returned message's Message-ID of an RFC 3464 report;
    None when the message is not one."""
    top = parts[0][0]
    if top.get_content_type() != "multipart/report":
        return None
    reports = [p for p, attached in parts if not attached and p.get_content_type() in
               _REPORT_TYPES]
    if not reports:
        return None
    failures = tuple(f for report in reports for f in _failures(report))
    return failures, _returned(parts)


def _failures(report: Message) -> Iterator[Failure]:
    blocks = report.get_payload()
    if not isinstance(blocks, list):  # an unparsed report: read its header blocks here
        text = text_of(report, decoded(report, MAX_CALENDAR))
        blocks = [HEADERS.parsestr(b.strip() + "\n")
                  for b in re.split(r"\r?\n\s*\r?\n", text) if b.strip()]
    for block in blocks[1:MAX_RECIPIENTS]:  # the first block describes the reporting server
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


def _returned(parts: list[tuple[Message, bool]]) -> str:
    """The Message-ID of the message a bounce returns (whole, or its headers)."""
    for part, _ in parts:
        kind = part.get_content_type()
        if kind not in _RETURNED_TYPES:
            continue
        if kind.endswith("headers"):
            text = text_of(part, decoded(part, MAX_CALENDAR))
            return message_id(HEADERS.parsestr(text))
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            return message_id(inner[0])
    return ""
