"""Invitations: the entries of a ledger, status rules, lookups, filters and records.

Pure functions over frozen dataclasses: "now" and the random source are passed
in, nothing here reads a file, prints or exits. :mod:`wiccli.invites.store` keeps the
ledger in a database; :mod:`wiccli.invites.summary` counts; :mod:`wiccli.invites.importcsv`
plans a CSV import.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from wiccli.errors import NotFoundError, UsageError, WicError
from wiccli.event.model import Event
from wiccli.event.query import Choice, match
from wiccli.headers import EMAIL_RE as EMAIL_RE  # one rule for an address, known here too
from wiccli.headers import address, shown, text_problem
from wiccli.limits import MAX_NAME, MAX_QUANTITY, MAX_STALE_DAYS

# What an export quotes and an import unquotes again (the one CSV writer decides).
from wiccli.output.render import FORMULA_START as FORMULA_START

# ``listed``: on the guest list, not sent anything yet (``wic invites send`` invites).
STATUSES = ("listed", "invited", "tentative", "accepted", "declined", "withdrawn", "attended",
            "no-show")
PENDING = frozenset({"invited", "tentative"})
# Said yes at some point: the ones who came, and the ones who said yes but did not come.
SAID_YES = frozenset({"accepted", "attended", "no-show"})
ANSWERED = frozenset({"accepted", "declined", "attended", "no-show"})

# Which status may follow which. Anything else is refused (unless forced) with a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    "listed": frozenset({"invited", "withdrawn"}),
    "invited": frozenset({"tentative", "accepted", "declined", "withdrawn"}),
    "tentative": frozenset({"accepted", "declined", "withdrawn"}),
    "accepted": frozenset({"declined", "withdrawn", "attended", "no-show"}),
    "declined": frozenset({"invited", "accepted", "withdrawn"}),
    "withdrawn": frozenset({"listed", "invited"}),
    # A correction of the attendance record is the only change after the event.
    "attended": frozenset({"no-show"}),
    "no-show": frozenset({"attended"}),
}
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
ID_LENGTH = 6
# Messages the store records for an entry (sent invitations and reminders, replies read).
DIRECTIONS = ("out", "in")
MESSAGE_KINDS = ("invitation", "reminder", "reply", "bounce", "refused")


@dataclass(frozen=True, slots=True)
class Change:
    """One line of an entry's history: when its status was set, to what, and why."""

    at: datetime
    status: str
    note: str = ""
    message_id: str | None = None  # the Message-ID of the message that caused it, if any
    # A change of a guest field (the status stays): its name, and the value it took ("" when
    # cleared; None for a private field, whose values are kept in one place only).
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Message:
    """One message sent to (``out``) or received from (``in``) a guest.

    ``message_id`` is unique in a ledger; ``sequence`` and ``uid`` are the calendar
    invitation's; ``id`` is given by the store when the message is recorded.
    """

    entry_id: str | None
    direction: str
    kind: str
    message_id: str
    at: datetime
    uid: str = ""
    sequence: int | None = None
    dtstamp: datetime | None = None
    outcome: str = ""
    detail: str = ""
    id: int | None = None
    address: str = ""  # sent to (out), or the address that bounced (a bounce)


def address_key(address: str) -> str:
    """An address compared as servers do: the domain in IDNA, without case."""
    local, at, domain = address.strip().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    return f"{local}{at}{domain}".casefold()


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    name: str
    category: str
    country: str
    status: str
    created: datetime
    updated: datetime
    organization: str = ""
    email: str = ""
    quantity: int = 1
    note: str = ""
    history: tuple[Change, ...] = ()
    # The values of the event's guest fields, (name, value) sorted by name; never "".
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def name_key(self) -> tuple[str, str]:
        return name_key(self.name, self.organization)

    def field(self, name: str) -> str:
        """The value of a guest field, "" when unset."""
        return next((v for k, v in self.fields if k == name), "")


def name_key(name: str, organization: str) -> tuple[str, str]:
    """Name and organisation compared without case and extra spaces."""
    return " ".join(name.casefold().split()), " ".join(organization.casefold().split())


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every invitation of one event, sorted by id."""

    event: str
    invitations: tuple[Invitation, ...] = ()

    def with_entries(self, entries: Iterable[Invitation]) -> Ledger:
        return replace(self, invitations=tuple(sorted(entries, key=lambda i: i.id)))


# --------------------------------------------------------------------------- ids


def new_id(taken: Collection[str], random_bytes: Callable[[int], bytes]) -> str:
    """A short id (6 base32 letters) from ``random_bytes``, never one already taken."""
    for _ in range(1000):
        candidate = base64.b32encode(random_bytes(5)).decode("ascii")[:ID_LENGTH].lower()
        if candidate not in taken:
            return candidate
    raise WicError("could not find a free invitation id; is the random source broken?")


def find(ledger: Ledger, text: str) -> Invitation:
    """The entry with this id (any case), or with an id that starts with it (unique)."""
    wanted = find_id([i.id for i in ledger.invitations], text)
    return next(i for i in ledger.invitations if i.id == wanted)


def find_id(ids: Sequence[str], text: str) -> str:
    """The id equal to ``text`` (any case), or the only one that starts with it."""
    wanted = text.strip().casefold()
    hits = [i for i in ids if i.casefold() == wanted]
    if not hits and wanted:
        hits = [i for i in ids if i.casefold().startswith(wanted)]
    if len(hits) == 1:
        return hits[0]
    if hits:  # the store asks for 11 at most: enough to tell "these ten" from "and more"
        shown = ", ".join(hits[:10]) + (", and more" if len(hits) > 10 else "")
        raise UsageError(f"id {text!r} is ambiguous: it could be {shown}; type more of it")
    raise NotFoundError(f"no invitation with id {text!r}; `wic invites list` shows the ids")


# --------------------------------------------------------------------------- checking input


def category_choices(event: Event) -> list[Choice]:
    return [Choice(c.id, c.name) for c in event.invitations.categories]


def require_categories(event: Event) -> None:
    if not event.invitations.categories:
        raise WicError(f"{event.label} defines no invitation categories; add "
                       "[[invitations.categories]] tables (id, name) to the event file")


def resolve_category(event: Event, text: str) -> str:
    """The category id named by ``text`` (id, name or unique prefix)."""
    require_categories(event)
    return match(text, category_choices(event), "category")


def resolve_status(text: str) -> str:
    value = "-".join(text.strip().casefold().replace("_", " ").split())
    if value in ("noshow", "no-shows"):
        value = "no-show"
    if value not in STATUSES:
        raise UsageError(f"unknown status {text!r}; choose from: {', '.join(STATUSES)}")
    return value


def check_email(text: str, what: str = "email") -> str:
    """An address alone, as a mail header carries it; ``<a@b.org>`` loses its brackets,
    ``Name <a@b.org>`` is refused (the name has its own field)."""
    if not text.strip():
        return ""
    value, problem = address(text)
    if problem is not None:
        raise UsageError(f"{what}: {shown(text)} {problem}")
    return value


def check_quantity(value: int | str) -> int:
    """A number of people, typed (``--quantity``) or read from a CSV cell."""
    text = str(value).strip()
    if not 1 <= (int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0) \
            <= MAX_QUANTITY:
        shown = text if len(text) < 30 else f"a number of {len(text)} characters"
        raise UsageError(f"quantity must be a whole number from 1 to {MAX_QUANTITY:,}, "
                         f"got {shown}")
    return int(text)


def check_text(what: str, value: str) -> str:
    """A note: no control characters (a NUL, an escape sequence would reach every export
    and terminal), line breaks allowed. Names go through :func:`check_name`."""
    bad = _CONTROL.search(value)
    if bad:
        raise UsageError(f"{what}: contains a control character (U+{ord(bad.group()):04X}); "
                         "remove it")
    return value


def check_name(what: str, value: str) -> str:
    """A name or organisation: it reaches mail headers (To, and the subject through the
    templates), so no control character, no encoded word, at most MAX_NAME characters."""
    problem = text_problem(value, MAX_NAME)
    if problem is not None:
        raise UsageError(f"{what}: {problem}")
    return value


def refusal(old: str, new: str) -> str | None:
    """Why going from ``old`` to ``new`` makes no sense, or None when it is fine."""
    if new in TRANSITIONS[old]:
        return None
    if new == old:
        return f"it is already {old}"
    if new in ("attended", "no-show"):
        return f"only a guest who accepted can be marked {new} (status is {old})"
    if old in ("attended", "no-show"):
        return f"the guest is already recorded as {old}; the event is over for this entry"
    if old == "withdrawn":
        return "the invitation was withdrawn; re-invite first (status invited)"
    if old == "listed":
        return "the guest has not been invited yet (status listed)"
    if new == "invited":
        return f"the guest has answered already (status is {old})"
    return f"{old} cannot be followed by {new}"


# --------------------------------------------------------------------------- changes


def duplicate_of(ledger: Ledger, email: str, name: str, organization: str) -> Invitation | None:
    """The entry with the same e-mail (any case), or the same name and organisation."""
    wanted_email, wanted_name = email.casefold(), name_key(name, organization)
    for entry in ledger.invitations:
        if (wanted_email and entry.email.casefold() == wanted_email) or \
                entry.name_key == wanted_name:
            return entry
    return None


def new_entry(taken: Collection[str], fields: Mapping[str, Any], *, now: datetime,
              random_bytes: Callable[[int], bytes]) -> Invitation:
    """A new entry from checked ``fields`` (name, category, country, …), with a free id."""
    status = fields.get("status") or "invited"
    note = fields.get("note") or ""
    return Invitation(
        id=new_id(taken, random_bytes), name=fields["name"], category=fields["category"],
        country=fields["country"], status=status, created=now, updated=now,
        organization=fields.get("organization") or "", email=fields.get("email") or "",
        quantity=fields.get("quantity") or 1, note=note,
        history=(Change(now, status, note),),
        fields=tuple(sorted((k, v) for k, v in (fields.get("fields") or {}).items() if v)),
    )


def change_status(entry: Invitation, status: str, *, note: str, now: datetime,
                  force: bool, message_id: str | None = None) -> Invitation:
    """``entry`` with a new status and a history line; refused when it makes no sense."""
    if status == entry.status and not note:
        return entry
    reason = refusal(entry.status, status) if status != entry.status else None
    if reason and not force:
        raise WicError(f"{entry.id}: cannot set {status}: {reason} (--force to record it anyway)")
    return replace(entry, status=status, note=note or entry.note, updated=now,
                   history=(*entry.history, Change(now, status, note, message_id)))


def put(ledger: Ledger, entry: Invitation) -> Ledger:
    """The ledger with ``entry`` in place of the entry of the same id."""
    return replace(ledger, invitations=tuple(entry if i.id == entry.id else i
                                             for i in ledger.invitations))


# --------------------------------------------------------------------------- selecting


@dataclass(frozen=True, slots=True)
class Selection:
    statuses: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    search: str = ""
    stale_before: datetime | None = None


def stale_cutoff(now: datetime, days: int) -> datetime:
    if not 0 <= days <= MAX_STALE_DAYS:
        raise UsageError(f"--stale: days must be from 0 to {MAX_STALE_DAYS:,}, got {days}")
    return now - timedelta(days=days)


def select(ledger: Ledger, sel: Selection) -> list[Invitation]:
    """The entries that pass every filter, sorted by id. ``stale_before`` keeps only
    entries still awaiting an answer whose last change is older than it."""
    return [i for i in ledger.invitations if keeps(sel, i)]


def keeps(sel: Selection, i: Invitation) -> bool:
    """Whether ``i`` passes every filter of ``sel``."""
    text = sel.search.casefold()
    return ((not sel.statuses or i.status in sel.statuses)
            and (not sel.categories or i.category in sel.categories)
            and (not sel.countries or i.country in sel.countries)
            and (not text
                 or text in f"{i.name}\n{i.organization}\n{i.email}\n{i.note}".casefold())
            and (sel.stale_before is None
                 or (i.status in PENDING and i.updated < sel.stale_before)))


# --------------------------------------------------------------------------- records

RECORD_FIELDS = ("id", "name", "organization", "category", "country", "country_name", "email",
                 "quantity", "status", "note", "created", "updated")
REDACTED = frozenset({"name", "email", "note"})


def record(entry: Invitation, country_name: Callable[[str], str]) -> dict[str, Any]:
    """One entry as a plain dict (the JSON shape of ``list`` and ``export``)."""
    return {
        "id": entry.id, "name": entry.name, "organization": entry.organization,
        "category": entry.category, "country": entry.country,
        "country_name": country_name(entry.country), "email": entry.email,
        "quantity": entry.quantity, "status": entry.status, "note": entry.note,
        "created": entry.created.isoformat(), "updated": entry.updated.isoformat(),
    }


def history_records(entry: Invitation) -> list[dict[str, Any]]:
    return [{"at": c.at.isoformat(), "status": c.status, "note": c.note,
             **({"message_id": c.message_id} if c.message_id else {}),
             **({"field": c.field, "value": c.value} if c.field else {})}
            for c in entry.history]


def export_fields(redact: bool) -> tuple[str, ...]:
    return tuple(f for f in RECORD_FIELDS if not (redact and f in REDACTED))


def export_record(entry: Invitation, country_name: Callable[[str], str], *, redact: bool,
                  history: bool) -> dict[str, Any]:
    full = record(entry, country_name)
    if history:
        full["history"] = history_records(entry)
    return {k: v for k, v in full.items() if not (redact and k in REDACTED)}
