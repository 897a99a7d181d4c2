"""A guest's field values: typed in (``--field NAME=VALUE``, a CSV cell), changed with a
history line, and shown (records for JSON, CSV columns, a template's ``guest.fields``).

The event declares the fields (:mod:`wiccli.event.guestfields`); a value for a field it
does not declare is refused. A field the event no longer declares keeps its values in
the ledger, but they are shown nowhere until it is declared again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from wiccli.errors import UsageError
from wiccli.event.guestfields import GuestField, parse, typed
from wiccli.event.model import Event
from wiccli.invites.model import Change, Invitation


def declared(event: Event) -> dict[str, GuestField]:
    return {f.name: f for f in event.invitations.fields}


def private_names(event: Event) -> frozenset[str]:
    return frozenset(f.name for f in event.invitations.fields if f.private)


def public_names(event: Event) -> tuple[str, ...]:
    """The fields an export without a profile shows: every one not private."""
    return tuple(f.name for f in event.invitations.fields if not f.private)


def check_value(event: Event, name: str, text: str) -> str:
    """The value of field ``name`` as the ledger keeps it; ValueError naming the problem."""
    spec = declared(event).get(name)
    if spec is None:
        known = ", ".join(declared(event)) or "none: declare them in [invitations.fields]"
        raise ValueError(f"unknown field {name!r} (fields: {known})")
    return parse(spec, text)


def check_assignments(event: Event, items: Iterable[str], what: str = "--field"
                      ) -> dict[str, str]:
    """``NAME=VALUE`` options as field values (an empty VALUE clears the field)."""
    values: dict[str, str] = {}
    for item in items:
        name, equals, text = item.partition("=")
        name = name.strip()
        if not equals or not name:
            raise UsageError(f"{what}: expected NAME=VALUE (such as dietary=vegan), got "
                             f"{item[:60]!r}")
        if name in values:
            raise UsageError(f"{what}: {name} is given twice")
        try:
            values[name] = check_value(event, name, text)
        except ValueError as exc:
            raise UsageError(f"{what}: {exc}") from None
    return values


def set_fields(entry: Invitation, values: Mapping[str, str], *, private: Collection[str],
               now: datetime, note: str = "") -> Invitation:
    """``entry`` with guest fields set (a value of "" clears one), a history line for each
    that changed; the value of a private field is not repeated in the history."""
    current = dict(entry.fields)
    changes = []
    for name in sorted(values):
        value = values[name]
        if current.get(name, "") == value:
            continue
        changes.append(Change(now, entry.status, note, None, name,
                              None if name in private and value else value))
        if value:
            current[name] = value
        else:
            current.pop(name, None)
    if not changes:
        return entry
    return replace(entry, fields=tuple(sorted(current.items())), updated=now,
                   history=(*entry.history, *changes))


def values(event: Event, entry: Invitation, names: Iterable[str] | None = None
           ) -> dict[str, Any]:
    """The entry's values of the declared fields ``names`` (default: every one not
    private), typed; an unset field is None."""
    specs = declared(event)
    wanted = public_names(event) if names is None else tuple(names)
    kept = dict(entry.fields)
    return {n: typed(specs[n], kept[n]) if n in kept else None for n in wanted}


def all_values(event: Event, entry: Invitation) -> dict[str, Any]:
    """Every declared field, private ones too (templates: a visa letter needs the
    passport number), typed; unset ones are None."""
    return values(event, entry, declared(event))
