"""The ledger as a TOML file: what ``wic invites export -f toml`` writes and
``wic invites import FILE.toml`` reads back, and the format of the ledger before it
moved into a database (``schema = 1``), read once when found where the database
would be.

Entries are sorted by id and their keys written in a fixed order (with tomli-w),
so the file can be committed and ``git diff`` shows only real edits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from wiccli.errors import DataError
from wiccli.invites.check import SCHEMA
from wiccli.invites.model import Invitation, Ledger
from wiccli.text import plural


def read(path: Path, event_id: str) -> Ledger:
    """The checked ledger in the TOML file at ``path``; refused if it is another event's."""
    from wiccli.event.load import read_bytes
    from wiccli.invites.check import parse

    ledger = parse(read_bytes(path, "ledger file"), str(path))
    if ledger.event != event_id:
        raise DataError(f"{path}: this ledger is for event {ledger.event!r}, not {event_id!r} "
                        "(the event in use); pass --ledger or --event to pick the right pair")
    return ledger


# An old TOML ledger says so at its top level: ``schema = 1``, and its invitations or the
# ``event = "id"`` it belongs to (an event file has an [event] table, never that key).
_SCHEMA_LINE = re.compile(rb"^[ \t]*schema[ \t]*=[ \t]*1[ \t]*(#.*)?\r?$", re.MULTILINE)
_INVITATIONS = re.compile(rb"^[ \t]*(\[\[[ \t]*invitations[ \t]*\]\]|invitations[ \t]*=|"
                          rb"event[ \t]*=[ \t]*[\"'])", re.MULTILINE)


def is_ledger(path: Path) -> bool:
    """Whether the TOML file at ``path`` is a ledger of the days before the database (an
    event file of the same name beside ``conf.db`` is not): told from its text, so a
    ledger with a mistake in it is still recognised, and then reported."""
    from wiccli.event.load import read_bytes

    try:
        raw = read_bytes(path, "ledger file")
    except DataError:
        return True  # a ledger wic cannot read: reading it again reports why
    return bool(_SCHEMA_LINE.search(raw) and _INVITATIONS.search(raw))


def entry_table(entry: Invitation) -> dict[str, Any]:
    """An entry as TOML data: keys in a fixed order, empty optional keys left out."""
    table: dict[str, Any] = {"id": entry.id, "name": entry.name}
    if entry.organization:
        table["organization"] = entry.organization
    table.update(category=entry.category, country=entry.country)
    if entry.email:
        table["email"] = entry.email
    table.update(quantity=entry.quantity, status=entry.status)
    if entry.note:
        table["note"] = entry.note
    if entry.fields:
        table["fields"] = dict(entry.fields)
    table.update(created=entry.created, updated=entry.updated, history=[
        {"at": c.at, "status": c.status, **({"note": c.note} if c.note else {}),
         **({"message_id": c.message_id} if c.message_id else {}),
         **({"field": c.field} if c.field else {}),
         **({"value": c.value} if c.value is not None else {})}
        for c in entry.history
    ])
    return table


def dumps(ledger: Ledger) -> str:
    """The ledger's TOML text: sorted by id, keys in a fixed order."""
    import tomli_w

    entries = sorted(ledger.invitations, key=lambda e: e.id)
    return tomli_w.dumps({"schema": SCHEMA, "event": ledger.event,
                          "invitations": [entry_table(e) for e in entries]})


def merge(ledger: Ledger, incoming: Ledger, *, force: bool) -> tuple[Ledger, int, int, int]:
    """``ledger`` with the entries of a TOML file added exactly as they are written there
    (created, unchanged, replaced). An entry whose id is taken by a different entry is
    refused, unless ``force`` (then the file's entry, history and all, replaces it)."""
    by_id = {e.id: e for e in ledger.invitations}
    created = same = replaced = 0
    differ = []
    for entry in incoming.invitations:
        old = by_id.get(entry.id)
        if old is None:
            created += 1
        elif old == entry:
            same += 1
            continue
        elif not force:
            differ.append(entry.id)
            continue
        else:
            replaced += 1
        by_id[entry.id] = entry
    if differ:
        verb = "differs" if len(differ) == 1 else "differ"
        raise DataError(f"{plural(len(differ), 'entry', 'entries')} of the file {verb} from "
                        f"the ledger's entries of the same id ({', '.join(differ[:10])}"
                        f"{', …' if len(differ) > 10 else ''}); nothing was imported "
                        "(--force replaces them with the file's)")
    return ledger.with_entries(by_id.values()), created, replaced, same
