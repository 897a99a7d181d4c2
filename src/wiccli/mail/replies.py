"""Planning what the answers in a mailbox change: a pure function of what was read
(:class:`~wiccli.mail.itip.Reading`), the ledger's entries and the messages recorded.

Nothing here reads or writes: :func:`plan` returns one :class:`Outcome` per message (what
it is and what becomes of it), the status changes to make, the delegates to add, and the
incoming messages to record, so that a second run over the same mailbox changes nothing.

Rules: an answer is matched by the UID of the invitation wic sent
(``invitation-<entry id>[.<random>]@<event id>.wic``), and applied only when it is the
guest's (:mod:`wiccli.mail.trust`); anything else needs a person, with the reason. An
answer older than one recorded (SEQUENCE, then DTSTAMP) is not applied; one exactly as
old that says something else needs a person; nor is one for a withdrawn invitation, nor
one the status rules refuse. A bounce counts only when it returns a message wic sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from wiccli.invites.model import EMAIL_RE, Invitation, Message, refusal
from wiccli.mail import trust
from wiccli.mail.calreply import Answer, Attendee
from wiccli.mail.imip import UID_RE
from wiccli.mail.itip import Reading

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
    invited: dict[str, trust.Sent]  # entry id -> what was sent to it
    now: datetime
    authserv_id: str = ""  # the mail server whose Authentication-Results count
    changes: list[StatusChange] = field(default_factory=list)
    delegates: list[Delegate] = field(default_factory=list)


def plan(readings: Iterable[Reading], entries: Iterable[Invitation],
         recorded: Iterable[Message], *, event_id: str, now: datetime,
         add_delegates: bool = False, authserv_id: str = "") -> Plan:
    """What reading these messages changes. Answers are taken in the order they were
    given (SEQUENCE, then DTSTAMP), whatever their order in the mailbox, so history reads
    in time order; outcomes come back in mailbox order. With ``authserv_id``, only
    answers that mail server vouches for (Authentication-Results) are applied."""
    state = _state(entries, list(recorded), event_id, now)
    state.authserv_id = authserv_id
    items = list(enumerate(readings))
    items.sort(key=lambda item: _order(item[1]))
    results: list[tuple[int, int, Outcome]] = []
    for index, reading in items:
        for number, outcome in enumerate(_one(state, reading, add_delegates)):
            results.append((index, number, outcome))
        state.seen.add(reading.message_id)
    results.sort(key=lambda r: (r[0], r[1]))
    return Plan(tuple(r[2] for r in results), tuple(state.changes), tuple(state.delegates))


def _order(reading: Reading) -> tuple[int, datetime]:
    if reading.kind != "reply":
        return (0, _NEVER)
    first = reading.answers[0]
    return (1 + first.sequence, first.dtstamp or reading.date or _NEVER)


def _state(entries: Iterable[Invitation], recorded: list[Message], event_id: str,
           now: datetime) -> _State:
    by_id = {e.id: e for e in entries}
    emails: dict[str, list[str]] = {}
    for entry in by_id.values():
        if entry.email:
            emails.setdefault(entry.email.lower(), []).append(entry.id)
    state = _State(event_id, by_id, {i: e.status for i, e in by_id.items()}, set(), {}, {},
                   emails, trust.sent_by_entry(recorded), now)
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


def _one(state: _State, reading: Reading, add: bool) -> list[Outcome]:
    base = Outcome(reading.key, reading.message_id, PERSON, reading.sender, reading.subject,
                   at=reading.date)
    if reading.message_id in state.seen:
        return [_with(base, UNCHANGED, detail="read before (same Message-ID)")]
    if reading.kind == "problem":
        return [_with(base, PERSON, detail=reading.detail)]
    if reading.kind == "plain":
        return [_plain(state, reading, base)]
    if reading.kind == "bounce":
        return [_bounce(state, reading, base)]
    many = trust.one_guest(reading.answers)
    return [_answer(state, reading, answer, base, add, many) for answer in reading.answers]


def _with(base: Outcome, outcome: str, **changes: object) -> Outcome:
    return replace(base, outcome=outcome, **changes)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bounces


def _bounce(state: _State, reading: Reading, base: Outcome) -> Outcome:
    failures = "; ".join(f"{f.address}: {f.status} {f.diagnostic}".strip()
                         for f in reading.failures)[:400]
    entry_id = _returned_entry(state, reading)
    if entry_id is None:
        guest = _guest_of(state, [f.address for f in reading.failures])
        if guest is None:
            return _with(base, UNMATCHED, detail=f"delivery failed for {failures}; no entry "
                                                 "has that invitation or address")
        return _with(base, PERSON, entry_id=guest, status=state.status[guest],
                     detail=f"delivery failed for {failures}, but the report returns no "
                            "message wic sent (no Message-ID of one): not applied")
    email = state.entries[entry_id].email.lower()
    if email not in {f.address for f in reading.failures}:
        return _with(base, PERSON, entry_id=entry_id, status=state.status[entry_id],
                     detail=f"delivery failed for {failures}, not for the guest's address "
                            f"{email or '(none)'}: not applied")
    return _with(base, BOUNCED, entry_id=entry_id, status=state.status[entry_id],
                 detail=f"delivery failed: {failures}"[:500],
                 record=Incoming(entry_id, "bounce"))


def _returned_entry(state: _State, reading: Reading) -> str | None:
    """The entry wic sent the message a bounce returns: by the returned Message-ID, or
    one the report's In-Reply-To or References name."""
    for message_id in (reading.original_id, *reading.refs):
        entry_id = state.sent.get(message_id)
        if entry_id in state.entries:
            return entry_id
    return None


def _guest_of(state: _State, addresses: Sequence[str]) -> str | None:
    for address in addresses:
        ids = state.emails.get(address, [])
        if len(ids) == 1:
            return ids[0]
    return None


def _plain(state: _State, reading: Reading, base: Outcome) -> Outcome:
    """Words for a person, tied to the guest they are from when that is plain: an answer
    to one of their invitations, or a message from their address."""
    entry_id = _returned_entry(state, replace(reading, original_id=""))
    if entry_id is None:
        entry_id = _guest_of(state, [reading.sender])
    detail = reading.detail or "no calendar answer: a person reads it"
    if reading.excerpt:
        detail += f"; it says: {reading.excerpt}"
    if entry_id is None:
        return _with(base, PERSON, detail=detail)
    return _with(base, PERSON, entry_id=entry_id, status=state.status[entry_id], detail=detail)


# --------------------------------------------------------------------------- answers


def _answer(state: _State, reading: Reading, answer: Answer, base: Outcome, add: bool,
            many: str) -> Outcome:
    at = answer.dtstamp or reading.date or state.now
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
    base = _with(base, PERSON, entry_id=entry_id, status=state.status[entry_id])
    why = (many or trust.sender_problem(reading, entry, state.authserv_id)
           or trust.answer_problem(answer, entry, state.invited.get(entry_id), state.now))
    if why:  # not recorded: listed again on each run until a person acts
        return _with(base, PERSON, detail=f"not applied: {why}")
    [who] = trust.answering(answer, entry.email.lower())
    record = Incoming(entry_id, "reply", answer.uid, answer.sequence, answer.dtstamp)
    return _decide(state, answer, who, _with(base, PERSON, record=record), at, add)


def _decide(state: _State, answer: Answer, who: Attendee, base: Outcome, at: datetime,
            add: bool) -> Outcome:
    entry_id, current = base.entry_id, base.status
    status = STATUS_OF.get(who.partstat)
    older = _not_newer(state.newest.get(entry_id), answer, status != current, base, who)
    if older is not None:
        return older
    _remember(state, entry_id, answer.sequence, answer.dtstamp)
    if current == "withdrawn":
        return _refused(base, "the invitation was withdrawn; the answer is not applied")
    if who.partstat == "DELEGATED":
        names = {a.address: a.name for a in answer.attendees}
        return _delegated(state, who, names, base, at, add)
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
    note = f"reply {who.partstat} from {base.sender}"
    if answer.comment:
        note += f": {answer.comment}"
    state.changes.append(StatusChange(entry_id, status, at, note, base.message_id))
    state.status[entry_id] = status
    return _with(base, APPLIED, status=status, detail=f"{current} -> {status}")


def _not_newer(newest: tuple[int, datetime] | None, answer: Answer, differs: bool,
               base: Outcome, who: Attendee) -> Outcome | None:
    """What becomes of an answer that is not newer than the newest one recorded; None
    for one that is. Older: kept from the status. Exactly as old (the same SEQUENCE and
    DTSTAMP) and saying something else: two answers given at the same moment disagree,
    and which is the guest's last word is for a person to find out."""
    stamp = (answer.sequence, answer.dtstamp or _NEVER)
    if newest is None or stamp > newest:
        return None
    if stamp < newest:
        return _refused(base, "older than the answer already recorded (SEQUENCE/DTSTAMP)")
    if differs:
        return _with(base, PERSON, record=None, detail="the same SEQUENCE and DTSTAMP as "
                     f"the answer already recorded, but it says {who.partstat}")
    return None


def _refused(base: Outcome, why: str) -> Outcome:
    assert base.record is not None
    return _with(base, UNCHANGED, detail=why, record=replace(base.record, kind="refused"))


def _delegated(state: _State, who: Attendee, names: dict[str, str], base: Outcome,
               at: datetime, add: bool) -> Outcome:
    delegates = who.delegated_to or ()
    named = ", ".join(delegates) or "someone not named"
    note = f"delegated to {named} (reply from {base.sender})"
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

