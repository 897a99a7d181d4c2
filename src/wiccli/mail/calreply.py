"""The calendar parts of a message: the answers of an iTIP REPLY (RFC 5546).

Only the lines a REPLY is read for (UID, SEQUENCE, DTSTAMP, ATTENDEE, COMMENT) are handed
to icalendar; time zones, alarms and descriptions are left out before parsing. Every
value is bounded and cleaned here, where it enters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.message import Message
from typing import Any

from wiccli.limits import MAX_CALENDAR, MAX_DELEGATES, MAX_SEQUENCE
from wiccli.mail.mime import Unreadable, clean, decoded, is_calendar, text_of

MAX_ATTENDEES = 50  # ATTENDEE lines read from one VEVENT


@dataclass(frozen=True, slots=True)
class Attendee:
    """One ATTENDEE line of a REPLY."""

    address: str  # lower case, without mailto:
    partstat: str
    name: str = ""
    # At most MAX_DELEGATES + 1 addresses: one more than the limit says it was passed.
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


def calendar_answers(parts: list[tuple[Message, bool]]) -> tuple[tuple[Answer, ...], str]:
    """The answers of the REPLY parts of a message, and what else was found (for a person).

    The same REPLY often comes twice (inline in multipart/alternative and as an
    ``invite.ics`` attachment): answers are kept once."""
    answers: dict[tuple[str, int, str], Answer] = {}
    problems: list[str] = []
    others: list[str] = []
    read: set[bytes] = set()
    for part, attached in parts:
        if attached or not is_calendar(part):
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
    for item in values[:MAX_ATTENDEES]:
        params = getattr(item, "params", {})
        found.append(Attendee(
            address=address_of(str(item)),
            partstat=clean(str(params.get("PARTSTAT", "NEEDS-ACTION")), 40).upper(),
            name=clean(str(params.get("CN", "")), 200),
            delegated_to=_addresses(params.get("DELEGATED-TO")),
            delegated_from=_addresses(params.get("DELEGATED-FROM")),
        ))
    return tuple(a for a in found if a.address)


def _addresses(value: Any) -> tuple[str, ...]:
    """The addresses of a DELEGATED-TO or -FROM parameter: at most one past the limit,
    so that a list of thousands is known to be too long without reading it all."""
    if value is None:
        return ()
    values = value if isinstance(value, list) else str(value).split(",", MAX_DELEGATES + 1)
    found = (address_of(str(v)) for v in values[:MAX_DELEGATES + 1])
    return tuple(a for a in found if a)


def address_of(text: str) -> str:
    """``mailto:Ann@Example.org`` (any case, quoted or not) as ``ann@example.org``."""
    value = text.strip().strip('"').strip()
    if value[:7].lower() == "mailto:":
        value = value[7:]
    return clean(value, 320).lower()


def _sequence(value: Any) -> int:
    """The SEQUENCE (0 when there is none, as RFC 5545 says); -1 for a value that is no
    SEQUENCE at all (negative, too large, not a number), which no invitation has."""
    text = str(value if value is not None else 0).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return -1
    number = int(text)
    return number if number <= MAX_SEQUENCE else -1


def _stamp(value: Any) -> datetime | None:
    moment = getattr(value, "dt", None)
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if isinstance(moment, date):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return None
