"""Dates and time zones as users type them in options: one rule for each, everywhere.

An empty value is a mistake, never "the default"; only ASCII digits count
(``²`` passes ``isdigit()``); a date must fall in the calendar wic supports.
"""

from __future__ import annotations

from datetime import date, tzinfo

from wiccli.errors import UsageError
from wiccli.event.check import load_zone
from wiccli.limits import calendar_range, in_calendar

ZONE_HINT = "use an IANA name such as 'Europe/Berlin' or 'UTC'"


def zone_option(option: str, name: str) -> tzinfo:
    """The time zone ``name`` typed for ``option`` (``--tz``, ``--timezone``)."""
    if not name.strip():
        raise UsageError(f"{option}: the value is empty; {ZONE_HINT}")
    zone = load_zone(name)
    if zone is None:
        raise UsageError(f"{option}: unknown time zone {name!r} ({ZONE_HINT})")
    return zone


def date_option(option: str, text: str) -> date:
    """A YYYY-MM-DD date typed for ``option``."""
    value = text.strip()
    if not value:
        raise UsageError(f"{option}: the value is empty; use YYYY-MM-DD")
    try:
        if not value.isascii():
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None
    if not in_calendar(day):
        raise UsageError(f"{option}: {day} is outside the dates wic supports "
                         f"({calendar_range()})")
    return day
