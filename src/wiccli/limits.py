"""The limits wic puts on what it reads, in one place (docs/errors.md lists them).

Every reader of users' data checks these where the value enters, so hostile or
broken input (a 50 MB file, arrays nested 5,000 deep, the year 9999, a number of
5,000 digits) becomes one clear error quickly, never a traceback, a hang or an
overflow far away in an export.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import accumulate

MIB = 1024 * 1024

# Largest files read, by what they are. A 20,000-session event is about 14 MB.
MAX_BYTES = {
    "event file": 16 * MIB,
    "schedule file": 32 * MIB,
    "CSV file": 16 * MIB,
    "pick file": 1 * MIB,
    "certificate file": 4 * MIB,  # a private CA, or a whole system bundle (about 200 KB)
    # At the door: 100,000 guests make a 10 MB snapshot; a scan is about 300 bytes of journal.
    "snapshot file": 512 * MIB,
    "journal file": 512 * MIB,
    "ticked list": 16 * MIB,
}

# An output (-o) that is a named pipe: how long its reader has to appear (seconds).
PIPE_READER_WAIT = 2.0

# Nesting of arrays and tables (TOML, JSON) or elements (XML), counted from the top.
MAX_DEPTH = 64

# The calendar wic supports: every date, and every session, falls in these years.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_EVENT_DAYS = 366  # an event (and so each session) lasts at most a year

# Numbers, by the format that has to hold them.
MAX_SEQUENCE = 2**31 - 1  # iCalendar SEQUENCE is a 32-bit integer (RFC 5545)
MAX_COUNT = 10**9  # targets and other counts in the event file
MAX_QUANTITY = 10_000  # people in one invitation (a delegation is one entry)
MAX_STALE_DAYS = 36_500  # --stale: a hundred years

# Outgoing mail (`wic invites send`): what a person could mean, and what sockets can hold.
MAX_SMTP_TIMEOUT = 3600.0  # --timeout SECONDS: an hour of silence is a dead server
MAX_RATE = 100_000.0  # --rate N/min: beyond this there is nothing left to pace
MAX_SEND_LIMIT = 10_000_000  # --limit N
MAX_REMIND_EVERY = 3650  # --every DAYS: ten years between two reminders
# Text that goes into a mail header (wiccli/headers.py): names of guests, the event and the
# sender; the rendered subject; an address (RFC 5321's longest path). Folded, each stays
# far below the 998 characters a header line may have.
MAX_NAME = 200
MAX_SUBJECT = 400
MAX_ADDRESS = 254

# Incoming mail (`wic invites replies`): a bad message is reported, the next one read.
MAX_MESSAGE = 32 * MIB  # one whole message; on IMAP fetched only up to this
MAX_CALENDAR = 1 * MIB  # one calendar part, decoded (a real REPLY is a few kB)
MAX_MIME_DEPTH = 16  # MIME parts nested in each other
MAX_MIME_PARTS = 500  # MIME parts of one message
MAX_MIME_HEADERS = 1 * MIB  # the header block of one message or MIME part
MAX_DELEGATES = 5  # DELEGATED-TO addresses of one answer; more is for a person to read
MAX_EXCERPT = 300  # characters of a plain answer shown with it
MAX_EXCERPT_LINES = 5  # of its first lines
# How far an answer's DTSTAMP may lie past now, or before the guest's first invitation,
# and still be applied: the guest's clock may be a little off, never days.
REPLY_CLOCK_SKEW = timedelta(minutes=15)


def size_limit(what: str) -> int | None:
    """The largest file of this kind wic reads; None: no limit (the ledger's own store)."""
    return MAX_BYTES.get(what)


def human_size(size: int) -> str:
    return f"{size // MIB} MB" if size >= MIB else f"{size // 1024} KB"


def in_calendar(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def calendar_range() -> str:
    return f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


# Brackets that open or close a level, and what to skip over: strings and comments.
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]',
    re.DOTALL,
)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SYNTAX = {"toml": _TOML_TOKENS, "json": _JSON_TOKENS}


def nesting_depth(text: str, syntax: str, limit: int = MAX_DEPTH) -> tuple[int, int] | None:
    """Where ``text`` nests deeper than ``limit``: (line, column) of the bracket that
    opens level ``limit + 1``; None when it stays within. Strings and comments are
    skipped; a malformed file is left to its parser, which reports the syntax error."""
    if text.count("[") + text.count("{") <= limit or _bracket_depth(text) <= limit:
        return None
    depth = 0
    for token in _SYNTAX[syntax].finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > limit:
                start = token.start()
                line = text.count("\n", 0, start) + 1
                return line, start - text.rfind("\n", 0, start)
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _bracket_depth(text: str) -> int:
    """The deepest nesting, counting brackets inside strings too: a quick first look
    (24 ms for a 7 MB event, against 300 ms for the exact scan) that lets files far
    from the limit skip the exact scan. A file crafted to fool it still cannot crash
    wic: the parsers' RecursionError is caught and reported as the same limit."""
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def long_number(text: str) -> tuple[int, int] | None:
    """(line, column) of the first number too long for Python to convert (over 4,300
    digits), or None: it explains the ValueError a parser raises for one."""
    import sys

    found = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", text)
    if found is None:
        return None
    start = found.start()
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
