"""Planning what the answers in a mailbox change: a pure function of what was read
(:class:`~wiccli.mail.itip.Reading`), the ledger's entries and the messages recorded.

Nothing here reads or writes: :func:`plan` returns one :class:`Outcome` per message (what
it is and what becomes of it), the status changes to make, the delegates to add, and the
incoming messages to record, so that a second run over the same mailbox changes nothing.

Rules: an answer is matched by the UID of the invitation wic sent
(``invitation-<entry id>@<event id>.wic``); the attendee's address need not be the one in
the ledger (that is reported). An answer older than one recorded (SEQUENCE, then DTSTAMP)
is not applied; nor is one for a withdrawn invitation; nor one the status rules refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wiccli.invites.model import EMAIL_RE, Invitation, Message, refusal
from wiccli.mail.imip import UID_RE
from wiccli.mail.itip import Answer, Attendee, Reading

APPLIED, UNCHANGED, UNMATCHED = "applied", "unchanged", "unmatched"
PERSON, BOUNCED = "needs-a-person", "bounced"
OUTCOMES = (APPLIED, UNCHANGED, UNMATCHED, PERSON, BOUNCED)
STATUS_OF = {"ACCEPTED": "accepted", "DECLINED": "declined", "TENTATIVE": "tentative"}
_NEVER = datetime(1, 1, 1, tzinfo=UTC)


def parse_uid(uid: str) -> tuple[str, str] | None:
    """``(entry id, event id)`` of an invitation UID (the pattern ``send`` writes), or None
    for any other UID; the event is kept so a reply for another event can say which."""
    found = UID_RE.match(uid.strip())
    return (found["entry"], found["event"]) if found else None


@dataclass(frozen=True, slots=True)
class Incoming:
    """An incoming message to record on an entry (a reply or a bounce)."""

    entry_id: str
    kind: str  # reply, bounce or refused (a reply that was not applied)
    uid: str = ""
    sequence: int | None = None
    dtstamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one message is and what becomes of it."""

    key: str
    message_id: str
    outcome: str  # one of OUTCOMES
    sender: str = ""
    subject: str = ""
    entry_id: str = ""
    status: str = ""  # the entry's status after this message
    detail: str = ""
    at: datetime | None = None  # the time of the answer (DTSTAMP, else the Date header)
    record: Incoming | None = None


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One history row: an entry's status set by an answer (the same status with a note
    for a delegation)."""

    entry_id: str
    status: str
    at: datetime
    note: str
    message_id: str


@dataclass(frozen=True, slots=True)
class Delegate:
    """A guest named by a delegation, to be added like the guest who delegated."""

    from_entry: str
    email: str
    name: str
    at: datetime
    message_id: str


@dataclass(frozen=True, slots=True)
class Plan:
    outcomes: tuple[Outcome, ...]
    changes: tuple[StatusChange, ...]
    delegates: tuple[Delegate, ...]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for outcome in self.outcomes:
            counts[outcome.outcome] += 1
        return counts


@dataclass
class _State:
    """What planning knows and learns as it goes through the messages."""

    event_id: str
    entries: dict[str, Invitation]
    status: dict[str, str]
    seen: set[str]
    newest: dict[str, tuple[int, datetime]]
    sent: dict[str, str]  # Message-ID of an outgoing message -> entry id
    emails: dict[str, list[str]]  # address (lower case) -> entry ids
    changes: list[StatusChange] = field(default_factory=list)
    delegates: list[Delegate] = field(default_factory=list)


def plan(readings: Iterable[Reading], entries: Iterable[Invitation],
         recorded: Iterable[Message], *, event_id: str, now: datetime,
         add_delegates: bool = False) -> Plan:
    """What reading these messages changes. Answers are taken in the order they were
    given (SEQUENCE, then DTSTAMP), whatever their order in the mailbox, so history reads
    in time order; outcomes come back in mailbox order."""
    state = _state(entries, recorded, event_id)
    items = list(enumerate(readings))
    items.sort(key=lambda item: _order(item[1]))
    results: list[tuple[int, int, Outcome]] = []
    for index, reading in items:
        for number, outcome in enumerate(_one(state, reading, now, add_delegates)):
            results.append((index, number, outcome))
        state.seen.add(reading.message_id)
    results.sort(key=lambda r: (r[0], r[1]))
    return Plan(tuple(r[2] for r in results), tuple(state.changes), tuple(state.delegates))


def _order(reading: Reading) -> tuple[int, datetime]:
    if reading.kind != "reply":
        return (0, _NEVER)
    first = reading.answers[0]
    return (1 + first.sequence, first.dtstamp or reading.date or _NEVER)


def _state(entries: Iterable[Invitation], recorded: Iterable[Message],
           event_id: str) -> _State:
    by_id = {e.id: e for e in entries}
    emails: dict[str, list[str]] = {}
    for entry in by_id.values():
        if entry.email:
            emails.setdefault(entry.email.lower(), []).append(entry.id)
    state = _State(event_id, by_id, {i: e.status for i, e in by_id.items()}, set(), {}, {},
                   emails)
    for rec in recorded:
        if rec.direction == "out":
            if rec.entry_id:
                state.sent[rec.message_id] = rec.entry_id
            continue
        state.seen.add(rec.message_id)
        if rec.entry_id and rec.kind in ("reply", "refused") and rec.sequence is not None:
            _remember(state, rec.entry_id, rec.sequence, rec.dtstamp)
    return state


def _remember(state: _State, entry_id: str, sequence: int, stamp: datetime | None) -> None:
    key = (sequence, stamp or _NEVER)
    if key > state.newest.get(entry_id, (-1, _NEVER)):
        state.newest[entry_id] = key


def _one(state: _State, reading: Reading, now: datetime, add: bool) -> list[Outcome]:
    base = Outcome(reading.key, reading.message_id, PERSON, reading.sender, reading.subject,
                   at=reading.date)
    if reading.message_id in state.seen:
        return [_with(base, UNCHANGED, detail="read before (same Message-ID)")]
    if reading.kind == "problem":
        return [_with(base, PERSON, detail=reading.detail)]
    if reading.kind == "plain":
        return [_with(base, PERSON, detail=reading.detail or "no calendar answer: a person "
                      "reads it")]
    if reading.kind == "bounce":
        return [_bounce(state, reading, base)]
    return [_answer(state, reading, answer, base, now, add) for answer in reading.answers]


def _with(base: Outcome, outcome: str, **changes: object) -> Outcome:
    from dataclasses import replace

    return replace(base, outcome=outcome, **changes)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bounces


def _bounce(state: _State, reading: Reading, base: Outcome) -> Outcome:
    failures = "; ".join(f"{f.address}: {f.status} {f.diagnostic}".strip()
                         for f in reading.failures)
    entry_id = _bounced_entry(state, reading)
    if entry_id is None:
        return _with(base, UNMATCHED, detail=f"delivery failed for {failures}; no entry "
                                             "has that invitation or address")
    return _with(base, BOUNCED, entry_id=entry_id, status=state.status[entry_id],
                 detail=f"delivery failed: {failures}"[:500],
                 record=Incoming(entry_id, "bounce"))


def _bounced_entry(state: _State, reading: Reading) -> str | None:
    sent = state.sent.get(reading.original_id)
    if sent in state.entries:
        return sent
    for uid in reading.original_uids:
        parsed = parse_uid(uid)
        if parsed and parsed[1] == state.event_id and parsed[0] in state.entries:
            return parsed[0]
    for failure in reading.failures:
        ids = state.emails.get(failure.address, [])
        if len(ids) == 1:
            return ids[0]
    return None


# --------------------------------------------------------------------------- answers


def _answer(state: _State, reading: Reading, answer: Answer, base: Outcome, now: datetime,
            add: bool) -> Outcome:
    at = answer.dtstamp or reading.date or now
    base = _with(base, PERSON, at=at)
    parsed = parse_uid(answer.uid)
    if parsed is None:
        return _with(base, UNMATCHED, detail=f"UID {answer.uid} is not an invitation wic sent")
    entry_id, event_id = parsed
    if event_id != state.event_id:
        return _with(base, UNMATCHED, detail=f"a reply for event {event_id!r}, not "
                                             f"{state.event_id!r}")
    entry = state.entries.get(entry_id)
    if entry is None:
        return _with(base, UNMATCHED, detail=f"no entry {entry_id} (UID {answer.uid})")
    who = _attendee(answer.attendees, entry)
    record = Incoming(entry_id, "reply", answer.uid, answer.sequence, answer.dtstamp)
    base = _with(base, PERSON, entry_id=entry_id, status=state.status[entry_id], record=record)
    other = _other_address(who, entry)
    outcome = _decide(state, answer, who, base, at, add)
    if other and outcome.outcome != UNMATCHED:
        detail = "; ".join(filter(None, [outcome.detail, other]))
        outcome = _with(outcome, outcome.outcome, detail=detail)
    return outcome


def _attendee(attendees: Sequence[Attendee], entry: Invitation) -> Attendee:
    """The attendee who answers: the guest's address if it is there, else the one who
    delegated or answered, else the first."""
    email = entry.email.lower()
    for attendee in attendees:
        if email and attendee.address == email:
            return attendee
    for attendee in attendees:
        if not attendee.delegated_from and attendee.partstat != "NEEDS-ACTION":
            return attendee
    return attendees[0]


def _other_address(who: Attendee, entry: Invitation) -> str:
    if not entry.email or who.address == entry.email.lower():
        return ""
    return f"answered from {who.address}, the ledger has {entry.email}"


def _decide(state: _State, answer: Answer, who: Attendee, base: Outcome, at: datetime,
            add: bool) -> Outcome:
    entry_id, current = base.entry_id, base.status
    newest = state.newest.get(entry_id)
    stamp = (answer.sequence, answer.dtstamp or _NEVER)
    if newest is not None and stamp < newest:
        return _refused(base, "older than the answer already recorded (SEQUENCE/DTSTAMP)")
    _remember(state, entry_id, answer.sequence, answer.dtstamp)
    if current == "withdrawn":
        return _refused(base, "the invitation was withdrawn; the answer is not applied")
    if who.partstat == "DELEGATED":
        names = {a.address: a.name for a in answer.attendees}
        return _delegated(state, who, names, base, at, add)
    status = STATUS_OF.get(who.partstat)
    # What a person must decide is not recorded: it is listed again on the next run.
    if status is None:
        return _with(base, PERSON, record=None,
                     detail=f"the reply says PARTSTAT={who.partstat}")
    if status == current:
        return _with(base, UNCHANGED, detail=f"already {current}")
    reason = refusal(current, status)
    if reason is not None:
        detail = f"the answer is {status}, but {reason}"
        if current in ("attended", "no-show"):
            return _with(base, UNCHANGED, detail=detail)
        return _with(base, PERSON, record=None, detail=detail)
    note = f"reply {who.partstat} from {who.address}"
    if answer.comment:
        note += f": {answer.comment}"
    state.changes.append(StatusChange(entry_id, status, at, note, base.message_id))
    state.status[entry_id] = status
    return _with(base, APPLIED, status=status, detail=f"{current} -> {status}")


def _refused(base: Outcome, why: str) -> Outcome:
    assert base.record is not None
    from dataclasses import replace

    return _with(base, UNCHANGED, detail=why, record=replace(base.record, kind="refused"))


def _delegated(state: _State, who: Attendee, names: dict[str, str], base: Outcome,
               at: datetime, add: bool) -> Outcome:
    delegates = who.delegated_to or ()
    named = ", ".join(delegates) or "someone not named"
    note = f"delegated to {named} (reply from {who.address})"
    state.changes.append(StatusChange(base.entry_id, base.status, at, note, base.message_id))
    detail = note
    if add:
        added = []
        for email in delegates:
            if not EMAIL_RE.match(email):
                detail += f"; {email!r} is not an e-mail address, not added"
                continue
            if email in state.emails:
                detail += f"; {email} is already in the ledger"
                continue
            state.emails[email] = []
            name = names.get(email) or email.split("@", 1)[0]
            state.delegates.append(Delegate(base.entry_id, email, name, at, base.message_id))
            added.append(email)
        if added:
            detail += f"; added {', '.join(added)}"
    return _with(base, APPLIED, detail=detail)

