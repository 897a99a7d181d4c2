"""An export profile applied to the ledger: which guests, which columns, redacted, sorted;
or, for a totals profile, only counts.

The result (:class:`Table`) holds exactly the columns the profile names and nothing
else: no id, no e-mail, no history unless listed. :mod:`wiccli.invites.exportfile`
writes it as CSV, TSV, JSON, XLSX or PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from wiccli.errors import NotFoundError
from wiccli.event.guestfields import typed
from wiccli.event.model import Event
from wiccli.event.profiles import Profile
from wiccli.invites.fieldvalues import declared
from wiccli.invites.model import Invitation, record

# Headings of the columns every guest has (a field's is its label).
LABELS = {"id": "Id", "name": "Name", "organization": "Organisation", "category": "Category",
          "category_name": "Category", "country": "Country", "country_name": "Country",
          "email": "E-mail", "quantity": "People", "status": "Status", "note": "Note",
          "created": "Created", "updated": "Updated", "guests": "Guests", "people": "People"}


@dataclass(frozen=True, slots=True)
class Table:
    """What leaves: column keys, their headings, and rows of plain values."""

    title: str
    columns: tuple[str, ...]
    labels: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


def find(event: Event, name: str) -> Profile:
    for profile in event.exports:
        if profile.name == name:
            return profile
    known = ", ".join(p.name for p in event.exports) or "none: add [exports.NAME] tables " \
        "to the event file"
    raise NotFoundError(f"--profile: no export profile {name!r} (profiles: {known})")


def table(event: Event, profile: Profile, entries: Iterable[Invitation],
          country_name: Callable[[str], str]) -> Table:
    kept = [e for e in entries if passes(profile, e)]
    title = profile.title or f"{event.label}: {profile.name}"
    if profile.totals:
        columns = (*profile.totals, "guests", "people")
        return Table(title, columns, _labels(event, columns),
                     tuple(totals(event, profile, kept, country_name)))
    rows = [_row(event, profile, e, country_name) for e in kept]
    return Table(title, profile.columns, _labels(event, profile.columns),
                 tuple(_sorted(rows, profile.sort)))


def passes(profile: Profile, entry: Invitation) -> bool:
    """Whether the guest is one the profile keeps."""
    return ((not profile.statuses or entry.status in profile.statuses)
            and (not profile.categories or entry.category in profile.categories)
            and (not profile.countries or entry.country in profile.countries)
            and all(entry.field(name) in wanted for name, wanted in profile.where))


def _labels(event: Event, columns: Sequence[str]) -> tuple[str, ...]:
    fields = declared(event)
    return tuple(fields[c].title if c in fields else LABELS[c] for c in columns)


def _value(event: Event, entry: Invitation, column: str, base: dict[str, Any]) -> Any:
    fields = declared(event)
    if column in fields:
        stored = entry.field(column)
        if fields[column].type == "date" and stored:  # a spreadsheet's date, not text
            return _day(stored)
        return typed(fields[column], stored) if stored else None
    if column == "category_name":
        found = next((c for c in event.invitations.categories if c.id == entry.category), None)
        return found.name if found else entry.category
    return base[column]


def _day(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:  # kept by a wic whose field was text: shown as it is
        return text


def _row(event: Event, profile: Profile, entry: Invitation,
         country_name: Callable[[str], str]) -> dict[str, Any]:
    base = record(entry, country_name)
    how = dict(profile.redact)
    row = {}
    for column in profile.columns:
        value = _value(event, entry, column, base)
        if column in how and isinstance(value, str):
            value = REDACT[how[column]](value)
        row[column] = value
    return row


def initials(text: str) -> str:
    """``Li Wei`` -> ``L. W.``: the first letter of each word."""
    return " ".join(f"{word[0]}." for word in text.split())


def domain(address: str) -> str:
    return address.rpartition("@")[2]


REDACT: dict[str, Callable[[str], str]] = {"initials": initials, "domain": domain}


def _key(value: Any) -> tuple[int, Any]:
    """Unset values last; text without case; a date as its ISO text (a date field may hold
    text a wic of another version kept)."""
    if value is None or value == "":
        return (1, "")
    if isinstance(value, date):
        return (0, value.isoformat())
    return (0, value.casefold() if isinstance(value, str) else value)


def _sorted(rows: list[dict[str, Any]], sort: Sequence[str]) -> list[dict[str, Any]]:
    """Stable sorts from the last key to the first; "-name" descends; unset values last
    either way."""
    for key in reversed(sort):
        column = key.lstrip("-")
        rows.sort(key=lambda r: _key(r[column])[1], reverse=key.startswith("-"))
        rows.sort(key=lambda r: _key(r[column])[0])  # stable: keeps the order just made
    return rows


def totals(event: Event, profile: Profile, entries: Iterable[Invitation],
           country_name: Callable[[str], str]) -> list[dict[str, Any]]:
    """Guests (entries) and people (their quantities) per combination of values."""
    counts: dict[tuple[Any, ...], list[int]] = {}
    for entry in entries:
        base = record(entry, country_name)
        group = tuple(_value(event, entry, c, base) for c in profile.totals)
        found = counts.setdefault(group, [0, 0])
        found[0] += 1
        found[1] += entry.quantity
    ordered = sorted(counts.items(), key=lambda item: [_key(v) for v in item[0]])
    return [{**dict(zip(profile.totals, group, strict=True)), "guests": guests,
             "people": people} for group, (guests, people) in ordered]
