"""What the door decides, the same at an online desk, an offline one and for the paper list.

A line a desk reads is a badge token (:func:`wiccli.door.tokens.normal`), a name typed by a
person (three letters or more: the desk lists the matches to pick from) or nothing it can
use (refused as malformed). A guest found by token or picked by name is then judged:

- coming in: admitted when the guest accepted (first entry; the ledger then records the
  guest as ``attended``), has attended already (re-entry) or was recorded as a no-show
  (first entry: the record was wrong). Refused when the badge was replaced by a reprint,
  the guest declined, the invitation was withdrawn, or the guest never accepted
  (listed, invited, tentative);
- going out (``--exit``): admitted when the guest came in before (through this door, or into
  this session), refused otherwise (and with a replaced badge).

A person is counted once however often scanned: the first admission makes the guest
``attended``; later ones are re-entries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from wiccli.door import tokens

MAX_INPUT = 200  # characters: a longer line is no token and no name, refused unread
MIN_NAME = 3  # letters typed before names are listed
SHOWN_INPUT = 64  # what a scan keeps of its input line

# Why a scan is refused (the verdict panel shows these, the ledger keeps them).
MALFORMED = "malformed input"
TOO_LONG = "malformed input (a line too long for a badge)"
CONTROL = "malformed input (control characters)"
SHORT_NAME = "type at least three letters of a name"
UNKNOWN = "unknown token"
REPRINTED = "reprinted: a newer badge replaced this one"
DECLINED = "declined the invitation"
WITHDRAWN = "invitation withdrawn"
NOT_INSIDE = "not checked in: no entry to leave from"
UNKNOWN_ID = "no guest with this id"
NOT_TOKEN = "malformed input (not a badge token)"
NO_MATCH = "no guest by that name"

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffd]")
_WORD = re.compile(r"\w", re.UNICODE)
COMES_IN = frozenset({"accepted", "attended", "no-show"})


@dataclass(frozen=True, slots=True)
class Guest:
    """What the door knows of a guest."""

    entry_id: str
    name: str
    category: str
    quantity: int
    status: str


@dataclass(frozen=True, slots=True)
class Desk:
    """Where scans are made: the desk's name, in or out, the door or one session."""

    name: str
    direction: str = "in"
    session: str = ""


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan: a row of the ledger's ``scans`` table, with what the verdict panel shows."""

    id: str
    at: datetime
    desk: str
    direction: str
    session: str
    input: str
    token: str | None
    entry_id: str | None
    verdict: str  # admitted | refused
    reason: str = ""
    guest: Guest | None = None
    entry: str = ""  # first entry | re-entry | exit (admitted ones)
    first_at: datetime | None = None  # the guest's first admission (a re-entry's, an exit's)
    first_desk: str = ""

    @property
    def admitted(self) -> bool:
        return self.verdict == "admitted"


@dataclass(frozen=True, slots=True)
class Reading:
    """A line read at a desk: a token, a name to look up, or refused with a reason."""

    kind: str  # token | name | refused
    value: str
    shown: str  # what the scan keeps of the line


def shown(text: str) -> str:
    """The input as the ledger keeps it: control characters as U+FFFD, at most 64 characters."""
    clean = _CONTROL.sub("\ufffd", text.strip())
    return clean if len(clean) <= SHOWN_INPUT else clean[:SHOWN_INPUT - 1] + "…"


def read(text: str) -> Reading:
    """What a desk makes of one line (its line break already gone; spaces and tabs around
    it, which some scanners add, are no part of it)."""
    text = text.strip(" \t\r\n\v\f")
    if len(text) > MAX_INPUT:
        return Reading("refused", TOO_LONG, shown(text))
    if _CONTROL.search(text):
        return Reading("refused", CONTROL, shown(text))
    token = tokens.normal(text)
    if token is not None:
        return Reading("token", token, token)
    name = " ".join(text.split())
    if not name:
        return Reading("refused", MALFORMED, "")
    if len(_WORD.findall(name)) < MIN_NAME:
        return Reading("refused", SHORT_NAME, shown(name))
    return Reading("name", name, shown(name))


def as_scanned(reading: Reading, *, typed: bool) -> Reading:
    """A reading to judge as a scan: a name is picked from a list, never scanned, so a name
    (or a short one) is refused here; as no badge token when it came from a scanner or a
    stream, as no match when a person typed it at the desk."""
    if reading.kind == "name":
        return Reading("refused", NO_MATCH if typed else NOT_TOKEN, reading.shown)
    if reading.value == SHORT_NAME and not typed:
        return Reading("refused", NOT_TOKEN, reading.shown)
    return reading


def judge(guest: Guest, desk: Desk, *, replaced: bool, came_in: bool) -> tuple[str, str, str]:
    """(verdict, reason, entry) for ``guest`` at ``desk``: ``replaced`` when the badge read
    was replaced by a reprint, ``came_in`` when the guest was admitted in before (through
    the door, or into the desk's session)."""
    if replaced:
        return "refused", REPRINTED, ""
    if desk.direction == "out":
        return ("admitted", "", "exit") if came_in else ("refused", NOT_INSIDE, "")
    if guest.status == "declined":
        return "refused", DECLINED, ""
    if guest.status == "withdrawn":
        return "refused", WITHDRAWN, ""
    if guest.status not in COMES_IN:
        return "refused", f"not accepted (status {guest.status})", ""
    return "admitted", "", "re-entry" if came_in else "first entry"


def becomes_attended(guest: Guest, verdict: str, direction: str) -> bool:
    """Whether this scan is the guest's first admission to the event (status -> attended)."""
    return verdict == "admitted" and direction == "in" and guest.status != "attended"


def row(scan: Scan) -> tuple[object, ...]:
    """The scan as the ``scans`` table's columns (:data:`COLUMNS`)."""
    return (scan.id, scan.at.isoformat(), scan.desk, scan.direction, scan.session, scan.input,
            scan.token, scan.entry_id, scan.verdict, scan.reason)


COLUMNS = ("id", "at", "desk", "direction", "session", "input", "token", "entry_id", "verdict",
           "reason")
INSERT = f"INSERT INTO scans ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def record(scan: Scan) -> dict[str, object]:
    """A scan as one JSON record (``wic checkin -f json``, and a journal's lines)."""
    guest = scan.guest
    return {"id": scan.id, "at": scan.at.isoformat(), "desk": scan.desk,
            "direction": scan.direction, "session": scan.session, "input": scan.input,
            "token": scan.token, "entry_id": scan.entry_id, "verdict": scan.verdict,
            "reason": scan.reason, "entry": scan.entry,
            "name": guest.name if guest else None,
            "category": guest.category if guest else None,
            "seats": guest.quantity if guest else None}


def lines(stream: TextIO) -> Iterator[str]:
    """The lines of ``stream`` without their line breaks; a line longer than a scan can be
    is cut (the rest read and dropped, never held), so :func:`read` refuses it as too long."""
    while True:
        line = stream.readline(MAX_INPUT + 2)
        if not line:
            return
        if not line.endswith("\n") and len(line) > MAX_INPUT:
            while (rest := stream.readline(64 * 1024)) and not rest.endswith("\n"):
                pass
        yield line.rstrip("\r\n")
