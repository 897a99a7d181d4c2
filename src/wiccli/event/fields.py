"""Checking parsed TOML value by value: each converter returns the value or records a
problem at its key path (and returns None), so one pass reports every mistake.

The building blocks of :mod:`wiccli.event.check` (the event format's rules): strings,
ids, URLs, e-mail addresses, numbers, dates and date-times read in the event's time zone,
tables against a spec of their keys, arrays of tables with unique ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timezone, tzinfo
from typing import Any

from wiccli.errors import Checker, Problem
from wiccli.event import clock
from wiccli.event.model import STATUSES
from wiccli.headers import address, shown, text_problem
from wiccli.limits import MAX_COUNT, MAX_NAME, MAX_SEQUENCE, calendar_range, in_calendar

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
URL_RE = re.compile(r"^https?://\S+$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
MAX_FRAB_ID = 2**53 - 1  # the largest integer every JSON reader keeps exactly


# A field spec: key -> (required, converter). A converter returns the value or
# calls ``fail`` (which records a problem) and returns None.
Convert = Callable[[Any, str], Any]


def _type_name(value: Any) -> str:
    names = {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "an array", dict: "a table", datetime: "a date-time", date: "a date",
        time: "a time",
    }
    return names.get(type(value), type(value).__name__)


class FieldChecker(Checker):
    """Converters for the values of an event file, each recording its problems."""

    def __init__(self) -> None:
        super().__init__()
        # Warnings: local times at a change of the clocks, and the instant wic uses.
        self.notes: list[Problem] = []
        self.tz: tzinfo | None = None
        self.zone_name = "UTC"

    # ---- scalar converters

    def string(self, value: Any, path: str) -> str | None:
        if isinstance(value, str):
            return value
        self.fail(path, f"expected a string, got {_type_name(value)}")
        return None

    def text(self, value: Any, path: str) -> str | None:
        """A non-empty string."""
        result = self.string(value, path)
        if result is not None and not result.strip():
            self.fail(path, "must not be empty")
            return None
        return result

    def slug(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and not SLUG_RE.match(result):
            self.fail(
                path,
                f"{result!r} is not a valid id: use lower-case letters, digits, '-' and '_', "
                "starting with a letter or digit",
            )
            return None
        return result

    def url(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and not URL_RE.match(result):
            self.fail(path, f"{result!r} is not an http(s) URL")
            return None
        return result

    def email(self, value: Any, path: str) -> str | None:
        """One address alone: it goes into a From or Reply-To header as written."""
        result = self.string(value, path)
        if result is None:
            return None
        plain, problem = address(result)
        if problem is None and plain != result:
            problem = f"has angle brackets; write the address alone: {plain!r}"
        if problem is not None:
            self.fail(path, f"{shown(result)} {problem}")
            return None
        return result

    def name(self, value: Any, path: str) -> str | None:
        """A non-empty name that goes into a mail header (From, Subject): one line, no
        encoded word, at most MAX_NAME characters."""
        result = self.text(value, path)
        problem = None if result is None else text_problem(result, MAX_NAME)
        if problem is not None:
            self.fail(path, problem)
            return None
        return result

    def boolean(self, value: Any, path: str) -> bool | None:
        if isinstance(value, bool):
            return value
        self.fail(path, f"expected true or false, got {_type_name(value)}")
        return None

    def count(self, value: Any, path: str, most: int = MAX_COUNT) -> int | None:
        """A non-negative integer, at most ``most``."""
        if isinstance(value, int) and not isinstance(value, bool):
            if 0 <= value <= most:
                return value
            self.fail(path, f"must be from 0 to {most:,}, got {_short(value)}")
            return None
        self.fail(path, f"expected an integer, got {_type_name(value)}")
        return None

    def sequence(self, value: Any, path: str) -> int | None:
        """iCalendar's SEQUENCE: a 32-bit integer."""
        return self.count(value, path, MAX_SEQUENCE)

    def coordinate(self, limit: float) -> Convert:
        def convert(value: Any, path: str) -> float | None:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if -limit <= value <= limit:
                    return float(value)
                self.fail(path, f"must be between {-limit:g} and {limit:g}, got {value}")
                return None
            self.fail(path, f"expected a number, got {_type_name(value)}")
            return None

        return convert

    def strings(self, value: Any, path: str) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.fail(path, f"expected an array of strings, got {_type_name(value)}")
            return None
        items = [self.text(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return tuple(item for item in items if item is not None)

    def timezone(self, value: Any, path: str) -> str | None:
        name = self.string(value, path)
        if name is None:
            return None
        zone = load_zone(name)
        if zone is None:
            self.fail(path, f"unknown time zone {name!r} "
                            "(use an IANA name such as 'Asia/Shanghai')")
            return None
        self.tz, self.zone_name = zone, name
        return name

    def day(self, value: Any, path: str) -> date | None:
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, date) and not isinstance(value, datetime):
            return value if self.in_calendar(value, path) else None
        self.fail(path, f"expected a date (YYYY-MM-DD), got {_type_name(value)} {value!r}")
        return None

    def in_calendar(self, day: date, path: str) -> bool:
        """Dates near year 1 or 9999 overflow in time-zone and calendar arithmetic."""
        if in_calendar(day):
            return True
        self.fail(path, f"{day.isoformat()} is outside the dates wic supports "
                        f"({calendar_range()})")
        return False

    def moment(self, value: Any, path: str) -> datetime | None:
        """A date-time with a fixed offset: a local one is read in the event's time zone
        (clock.py says how at a change of the clocks); a written offset is kept.
        """
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self.fail(path, f"{value!r} is not a date-time (YYYY-MM-DDTHH:MM)")
                return None
        if not isinstance(value, datetime):
            self.fail(path, f"expected a date-time (YYYY-MM-DDTHH:MM), got {_type_name(value)}")
            return None
        if not self.in_calendar(value.date(), path):
            return None
        # Without a valid time zone (already reported) UTC stands in, so the
        # session's other keys are still checked.
        zone = self.tz or UTC
        if isinstance(value.tzinfo, timezone):  # an offset written in the file: kept as is
            return value
        if value.tzinfo is not None:
            return clock.fixed(value, zone)
        resolved = clock.resolve(value, zone)
        if resolved.case != clock.NORMAL:
            self.notes.append(Problem(path, clock.note(value, resolved, self.zone_name)))
        return resolved.moment

    def clock_time(self, value: Any, path: str) -> time | None:
        """A time of day: ``"06:00"`` or a TOML local time (``06:00:00``)."""
        parsed = value
        if isinstance(value, str):
            try:
                parsed = time.fromisoformat(value) if value.isascii() else None
            except ValueError:
                parsed = None
        if isinstance(parsed, time) and parsed.tzinfo is None and not parsed.microsecond:
            return parsed
        got = shown(value) if isinstance(value, str) else _type_name(value)
        self.fail(path, f"expected a time of day such as \"06:00\", got {got}")
        return None

    def language(self, value: Any, path: str) -> str | None:
        """A BCP 47 language tag (``de``, ``pt-BR``), kept as written."""
        from wiccli.event.langtag import tag_problem

        result = self.string(value, path)
        problem = None if result is None else tag_problem(result)
        if problem is not None:
            self.fail(path, problem)
            return None
        return result

    def guid(self, value: Any, path: str) -> str | None:
        """A UUID in its usual form (frab guids), kept as written."""
        result = self.string(value, path)
        if result is not None and not UUID_RE.match(result):
            self.fail(path, f"{result!r} is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)")
            return None
        return result

    def frab_id(self, value: Any, path: str) -> int | None:
        number = self.count(value, path, MAX_FRAB_ID)
        if number is not None and not 1 <= number <= MAX_FRAB_ID:
            self.fail(path, f"must be between 1 and {MAX_FRAB_ID}, got {number}")
            return None
        return number

    def status(self, value: Any, path: str) -> str | None:
        result = self.string(value, path)
        if result is not None and result not in STATUSES:
            self.fail(path, f"unknown status {result!r} (choose from {', '.join(STATUSES)})")
            return None
        return result

    # ---- tables

    def table(
        self, value: Any, path: str, spec: Mapping[str, tuple[bool, Convert]]
    ) -> dict[str, Any] | None:
        """Check a table against a spec; returns converted values of valid keys."""
        if not isinstance(value, dict):
            self.fail(path, f"expected a table, got {_type_name(value)}")
            return None
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in spec:
                known = ", ".join(spec)
                self.fail(f"{prefix}{key}", f"unknown key (known keys: {known})")
        result: dict[str, Any] = {}
        for key, (required, convert) in spec.items():
            if key not in value:
                if required:
                    self.fail(f"{prefix}{key}", "missing required key")
                continue
            converted = convert(value[key], f"{prefix}{key}")
            if converted is not None:
                result[key] = converted
        return result

    def item(
        self, value: Any, path: str, spec: Mapping[str, tuple[bool, Convert]]
    ) -> dict[str, Any] | None:
        """A table's converted values, or None unless every required key is valid."""
        fields = self.table(value, path, spec)
        required = {key for key, (needed, _) in spec.items() if needed}
        return fields if fields is not None and required <= fields.keys() else None

    def array(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"expected an array of tables ([[{path}]]), got {_type_name(value)}")
            return []
        return value

    def unique(self, items: list[tuple[int, Any]], path: str) -> None:
        seen: dict[str, int] = {}
        for index, item in items:
            if item.id in seen:
                self.fail(
                    f"{path}[{index}].id",
                    f"duplicate id {item.id!r} (first used at {path}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = index

    def items(
        self, value: Any, path: str, build: Callable[[Any, str], Any]
    ) -> list[tuple[int, Any]]:
        """The valid items of an array of tables, each with its index in the file."""
        built = []
        for index, item in enumerate(self.array(value, path)):
            result = build(item, f"{path}[{index}]")
            if result is not None:
                built.append((index, result))
        self.unique(built, path)
        return built


def _short(number: int) -> str:
    """A number as typed, or its size when it is too long to show."""
    return str(number) if abs(number) < 10**30 else f"a number of {len(str(abs(number)))} digits"


def load_zone(name: str) -> tzinfo | None:
    """An IANA time zone by name, or None when there is no such zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or name != name.strip() or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
