"""Whether an answer is the guest's own: the checks a REPLY passes before it is applied.

Anyone can send a message with a guest's address in its ATTENDEE line, a SEQUENCE of two
billion or a DTSTAMP in the year 9999. wic applies an answer only when everything it can
check agrees: the message comes From the guest's address (and, when the organiser's mail
server is named as trusted, that server vouches for it with DMARC or aligned DKIM); it
answers one invitation, as the guest alone; it carries a UID and a SEQUENCE that wic sent
to that guest; and it was written after the guest's first invitation and not in the
future. Each function returns why not, or "" when the check passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wiccli.invites.model import Invitation, Message
from wiccli.limits import MAX_DELEGATES, REPLY_CLOCK_SKEW
from wiccli.mail import authres
from wiccli.mail.calreply import Answer, Attendee
from wiccli.mail.itip import Reading


@dataclass
class Sent:
    """What wic sent one guest: the calendar UIDs and SEQUENCEs, and when it first did."""

    first: datetime
    uids: set[str] = field(default_factory=set)
    sequences: set[int] = field(default_factory=set)


def sent_by_entry(recorded: Iterable[Message]) -> dict[str, Sent]:
    """Entry id -> what was sent to it (a message a server refused was not sent)."""
    sent: dict[str, Sent] = {}
    for m in recorded:
        if m.direction != "out" or not m.entry_id or m.kind == "refused":
            continue
        at = m.dtstamp or m.at
        mine = sent.setdefault(m.entry_id, Sent(at))
        mine.first = min(mine.first, at)
        if m.uid:
            mine.uids.add(m.uid)
        if m.sequence is not None:
            mine.sequences.add(m.sequence)
    return sent


def sender_problem(reading: Reading, entry: Invitation, authserv_id: str) -> str:
    """Why the message may not be the guest's: who it says it is from."""
    email = entry.email.lower()
    if not email:
        return "the ledger has no e-mail address for this guest to check the sender against"
    if len(reading.senders) != 1:
        return (f"the message has {len(reading.senders)} From addresses; an answer comes "
                "from one")
    if reading.sender != email:
        return f"sent from {reading.sender}, not from the guest's address {entry.email}"
    if authserv_id:
        return authres.verdict(reading.auth, authserv_id, reading.sender)
    return ""


def answering(answer: Answer, email: str) -> list[Attendee]:
    """The attendees who answer: all but the delegates the guest names."""
    return [a for a in answer.attendees if not (email and email in a.delegated_from)]


def answer_problem(answer: Answer, entry: Invitation, sent: Sent | None,
                   now: datetime) -> str:
    """Why this answer is not the guest's answer to an invitation wic sent them."""
    email = entry.email.lower()
    who = answering(answer, email)
    if len(who) != 1:
        return (f"the answer is given for {len(who)} attendees "
                f"({', '.join(a.address for a in who[:5])}); one guest answers for one")
    if who[0].address != email:
        return f"the ATTENDEE is {who[0].address}, not the guest's address {entry.email}"
    if len(who[0].delegated_to) > MAX_DELEGATES:
        return f"it delegates to more than {MAX_DELEGATES} addresses"
    if sent is None:
        return "no invitation to this guest is recorded as sent"
    if answer.uid not in sent.uids:
        return f"UID {answer.uid} was never sent to this guest"
    if answer.sequence not in sent.sequences:
        return (f"SEQUENCE {answer.sequence} was never sent to this guest (sent: "
                f"{', '.join(map(str, sorted(sent.sequences)[-5:]))})")
    return _stamp_problem(answer.dtstamp, sent.first, now)


def _stamp_problem(stamp: datetime | None, first: datetime, now: datetime) -> str:
    if stamp is None:
        return "the answer has no DTSTAMP"
    if stamp < first - REPLY_CLOCK_SKEW:
        return (f"DTSTAMP {stamp.isoformat()} is before the guest's first invitation "
                f"({first.isoformat()})")
    if stamp > now + REPLY_CLOCK_SKEW:
        return f"DTSTAMP {stamp.isoformat()} is in the future"
    return ""


def one_guest(answers: Sequence[Answer]) -> str:
    """Why a message that answers several invitations is not applied: a guest's program
    answers one; a message that speaks for many is a person's to read."""
    uids = dict.fromkeys(a.uid for a in answers)
    if len(uids) <= 1:
        return ""
    return f"one message answers {len(uids)} invitations; an answer is for one"
