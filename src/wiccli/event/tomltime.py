"""What to do about a time TOML cannot read: ``09:30`` needs its seconds, ``9:30:00`` a
two-digit hour.

TOML 1.0 (Python's tomllib before 3.14) has no time without seconds:
``start = 2027-05-14T09:30`` is a syntax error whose message ("Expected newline or end
of document after a statement") says nothing of times. When the error points into such a
time, :func:`time_hint` gives the message to show instead, with the time to write.
Pure: text and the error's place in, a message and a place out.
"""

from __future__ import annotations

import re

# A date-time or a time of day as people write one, with or without seconds and offset.
# A digit, ':' or '.' right after it means it is something else.
_TIME = re.compile(
    r"(?<![\w:.-])"
    r"(?P<date>\d{4}-\d{2}-\d{2}[Tt ])?"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?P<seconds>:\d{2}(?:\.\d+)?)?(?![\d:.])"
    r"(?P<offset>[Zz]|[+-]\d{2}:\d{2})?"
    r"(?![\w:.+-])"
)


def time_hint(text: str, line: int | None, column: int | None) -> tuple[str, int, int] | None:
    """``(message, line, column)`` when the syntax error at ``line``:``column`` (1-based)
    is in a time without seconds; the column is where the time starts."""
    if not line or not column:
        return None
    lines = text.splitlines()
    if line > len(lines):
        return None
    source = lines[line - 1]
    for match in _TIME.finditer(source):
        # Only where a value starts (not inside a string) and where the error points.
        value = source[:match.start()].rstrip().endswith(_VALUE_STARTS)
        valid = match["seconds"] is not None and len(match["hour"]) == 2
        if value and not valid and match.start() < column <= match.end() + 1:
            return _message(match), line, match.start() + 1
    return None


def _message(match: re.Match[str]) -> str:
    fixed = (f"{match['date'] or ''}{match['hour'].zfill(2)}:{match['minute']}"
             f"{match['seconds'] or ':00'}{match['offset'] or ''}")
    need = "seconds in TOML 1.0" if match["seconds"] is None else "two-digit hours in TOML"
    return f"a time needs {need}: write {fixed}"


_VALUE_STARTS = ("=", "[", ",", "{")
