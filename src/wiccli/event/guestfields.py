"""Guest fields the event declares (``[invitations.fields]``): their types, and their values.

A field is named in the event file with a type (text, integer, choice, date, boolean),
a label, bounds or choices, and whether it is private (a passport number for a visa
letter: shown only where asked for by name). The ledger keeps each value as text in one
canonical spelling (:func:`parse`): ``vegan`` for ``Vegan``, ``2018-11-06`` for a date,
``true``/``false`` for a boolean, ``3`` for an integer. :func:`typed` gives templates
and JSON the value as a number, a boolean or a string.

Values are one line of at most ``max`` characters without control characters or an
encoded word (the rule of :mod:`wiccli.headers`), so whatever a template does with
one, it cannot break a message; the subject of a message is rendered without them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from wiccli.errors import Checker
from wiccli.headers import text_problem
from wiccli.limits import MAX_COUNT, in_calendar

TYPES = ("text", "integer", "choice", "date", "boolean")
# A field is written guest.fields.NAME in a template and NAME as a CSV column.
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The columns every guest has (import, export, profiles): no field may take their name.
RESERVED = frozenset({"id", "name", "organization", "category", "category_name", "country",
                      "country_name", "email", "quantity", "status", "note", "created",
                      "updated", "history", "fields", "guests", "people"})
MAX_FIELDS = 50
MAX_CHOICES = 100
MAX_TEXT = 200  # the longest text value, and the default ``max`` of a text field
MAX_CHOICE = 80
TRUE = ("true", "yes", "y", "1")
FALSE = ("false", "no", "n", "0")


@dataclass(frozen=True, slots=True)
class GuestField:
    name: str
    type: str
    label: str = ""
    choices: tuple[str, ...] = ()
    min: int | None = None  # integer: the smallest value
    max: int | None = None  # integer: the largest value; text: the most characters
    private: bool = False

    @property
    def title(self) -> str:
        return self.label or self.name


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"a value of {len(text):,} characters"


def parse(spec: GuestField, text: str) -> str:
    """``text`` as the ledger keeps it ("" leaves the field unset), or ValueError why not."""
    value = text.strip()
    if not value:
        return ""
    limit = spec.max if spec.type == "text" and spec.max is not None else MAX_TEXT
    problem = text_problem(value, limit)
    if problem is not None:
        raise ValueError(f"{spec.name}: {problem}")
    return _PARSERS[spec.type](spec, value)


def _text(spec: GuestField, value: str) -> str:
    return value


def _integer(spec: GuestField, value: str) -> str:
    digits = value[1:] if value[:1] in "+-" else value
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
        raise ValueError(f"{spec.name}: {_shown(value)} is not a whole number")
    number = int(value)
    low = spec.min if spec.min is not None else -MAX_COUNT
    high = spec.max if spec.max is not None else MAX_COUNT
    if not low <= number <= high:
        raise ValueError(f"{spec.name}: {number} is not from {low:,} to {high:,}")
    return str(number)


def _choice(spec: GuestField, value: str) -> str:
    wanted = value.casefold()
    for choice in spec.choices:
        if choice.casefold() == wanted:
            return choice
    raise ValueError(f"{spec.name}: {_shown(value)} is not one of {', '.join(spec.choices)}")


def _date(spec: GuestField, value: str) -> str:
    try:
        day = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not in_calendar(day):
        raise ValueError(f"{spec.name}: {_shown(value)} is not a date (YYYY-MM-DD)")
    return day.isoformat()


def _boolean(spec: GuestField, value: str) -> str:
    folded = value.casefold()
    if folded in TRUE:
        return "true"
    if folded in FALSE:
        return "false"
    raise ValueError(f"{spec.name}: {_shown(value)} is not yes or no (true, false)")


_PARSERS = {"text": _text, "integer": _integer, "choice": _choice, "date": _date,
            "boolean": _boolean}


def typed(spec: GuestField, stored: str) -> Any:
    """A kept value as templates and JSON see it: int, bool, or str (dates as text). A value
    the field's rules would refuse (a TOML ledger written by hand, a field whose type the
    event changed) stays the text it is."""
    if spec.type == "integer":
        digits = stored[1:] if stored[:1] in "+-" else stored
        return int(stored) if digits.isascii() and digits.isdigit() and len(digits) <= 12 \
            else stored
    if spec.type == "boolean":
        return stored == "true"
    return stored


def by_name(fields: tuple[GuestField, ...]) -> dict[str, GuestField]:
    return {f.name: f for f in fields}


# --------------------------------------------------------------------------- the event file


def check_fields(checker: Checker, value: Any, path: str) -> tuple[GuestField, ...]:
    """``[invitations.fields]``: a table of field name -> its inline table."""
    if not isinstance(value, dict):
        checker.fail(path, "expected a table of fields (dietary = { type = \"choice\", … })")
        return ()
    if len(value) > MAX_FIELDS:
        checker.fail(path, f"{len(value)} fields; at most {MAX_FIELDS}")
        return ()
    found = [_field(checker, name, spec, f"{path}.{name}") for name, spec in value.items()]
    return tuple(f for f in found if f is not None)


_KEYS = ("type", "label", "choices", "min", "max", "private")


def _field(checker: Checker, name: str, spec: Any, path: str) -> GuestField | None:
    before = len(checker.problems)
    if not NAME_RE.match(name):
        checker.fail(path, "a field's name is lower-case letters, digits and '_', starting "
                     "with a letter, at most 40 characters")
    elif name in RESERVED:
        checker.fail(path, f"{name!r} is a column every guest has; name the field otherwise")
    if not isinstance(spec, dict):
        checker.fail(path, "expected a table such as { type = \"text\" }")
        return None
    for key in spec:
        if key not in _KEYS:
            checker.fail(f"{path}.{key}", f"unknown key (known keys: {', '.join(_KEYS)})")
    kind = spec.get("type")
    if kind not in TYPES:
        checker.fail(f"{path}.type", f"expected one of {', '.join(TYPES)}, got {kind!r}")
        return None
    made = GuestField(name, kind, _label(checker, spec, path), _choices(checker, spec, path),
                      *_bounds(checker, spec, path), _private(checker, spec, path))
    return made if len(checker.problems) == before else None


def _label(checker: Checker, spec: Mapping[str, Any], path: str) -> str:
    label = spec.get("label", "")
    problem = "expected a string" if not isinstance(label, str) else text_problem(label, 80)
    if problem:
        checker.fail(f"{path}.label", problem)
        return ""
    return str(label)


def _choices(checker: Checker, spec: Mapping[str, Any], path: str) -> tuple[str, ...]:
    choices = spec.get("choices")
    if spec["type"] != "choice":
        if choices is not None:
            checker.fail(f"{path}.choices", "only a field of type \"choice\" has choices")
        return ()
    if not isinstance(choices, list) or not choices or len(choices) > MAX_CHOICES or \
            not all(isinstance(c, str) and c.strip() == c and c and
                    text_problem(c, MAX_CHOICE) is None for c in choices):
        checker.fail(f"{path}.choices", f"expected an array of 1 to {MAX_CHOICES} strings, "
                     f"each one line of at most {MAX_CHOICE} characters, no spaces around")
        return ()
    folded = [c.casefold() for c in choices]
    if len(set(folded)) < len(folded):
        checker.fail(f"{path}.choices", "a choice is named twice (case does not count)")
    return tuple(choices)


def _bounds(checker: Checker, spec: Mapping[str, Any], path: str
            ) -> tuple[int | None, int | None]:
    kind = spec["type"]
    allowed = {"integer": ("min", "max"), "text": ("max",)}.get(kind, ())
    found: dict[str, int | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        value = spec.get(key)
        if value is None:
            continue
        if key not in allowed:
            checker.fail(f"{path}.{key}", f"a field of type {kind!r} has no {key}")
        elif not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_COUNT \
                or (kind == "text" and not 1 <= value <= MAX_TEXT):
            most = f"1 to {MAX_TEXT}" if kind == "text" else f"±{MAX_COUNT:,}"
            checker.fail(f"{path}.{key}", f"expected a whole number ({most})")
        else:
            found[key] = value
    low, high = found["min"], found["max"]
    if low is not None and high is not None and low > high:
        checker.fail(f"{path}.max", f"{high} is below min ({low})")
    return low, high


def _private(checker: Checker, spec: Mapping[str, Any], path: str) -> bool:
    value = spec.get("private", False)
    if not isinstance(value, bool):
        checker.fail(f"{path}.private", "expected true or false")
        return False
    return value


# --------------------------------------------------------------------------- the cache


def encode(fields: tuple[GuestField, ...]) -> list[list[Any]]:
    return [[f.name, f.type, f.label, list(f.choices), f.min, f.max, f.private] for f in fields]


def decode(rows: Any) -> tuple[GuestField, ...]:
    """What :func:`encode` wrote; ValueError on anything else (the cache entry is a miss)."""
    if not isinstance(rows, list):
        raise ValueError("not an entry this wic wrote")
    found = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 7:
            raise ValueError("not an entry this wic wrote")
        name, kind, label, choices, low, high, private = row
        if not (isinstance(name, str) and kind in TYPES and isinstance(label, str)
                and isinstance(choices, list) and all(isinstance(c, str) for c in choices)
                and all(v is None or type(v) is int for v in (low, high))
                and isinstance(private, bool)):
            raise ValueError("not an entry this wic wrote")
        found.append(GuestField(name, kind, label, tuple(choices), low, high, private))
    return tuple(found)
