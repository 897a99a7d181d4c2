"""Counting a ledger: per category, country or status, and in total.

Every count is a sum of quantities (a delegation of five counts five). Guests
``listed`` but not sent anything yet are counted apart, never as invited. The
rates: response = answered / (invited − withdrawn), where answered is accepted,
declined, attended or no-show; acceptance = said yes (accepted, attended,
no-show) / answered. Countries: distinct codes among accepted and attended.
Bounced: guests (entries, not people) whose address now is one a bounce came back for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from wiccli.event.model import Event
from wiccli.invites.model import ANSWERED, PENDING, SAID_YES, STATUSES


class Counted(NamedTuple):
    """Entries that share category, country and status: how many, and how many people
    (the store counts these in the database, so a big ledger is never loaded to count)."""

    category: str
    country: str
    status: str
    quantity: int
    entries: int = 1


def _counts(entries: Iterable[Counted]) -> dict[str, int]:
    by_status = dict.fromkeys(STATUSES, 0)
    entries_count = 0
    for entry in entries:
        by_status[entry.status] += entry.quantity
        entries_count += entry.entries
    return {
        "entries": entries_count,
        "listed": by_status["listed"],
        "invited": sum(by_status.values()) - by_status["listed"],
        "accepted": by_status["accepted"],
        "declined": by_status["declined"],
        "pending": sum(by_status[s] for s in PENDING),
        "tentative": by_status["tentative"],
        "withdrawn": by_status["withdrawn"],
        "attended": by_status["attended"],
        "no_show": by_status["no-show"],
    }


def _rates(entries: Sequence[Counted], counts: dict[str, int]) -> dict[str, float | None]:
    answered = sum(e.quantity for e in entries if e.status in ANSWERED)
    said_yes = sum(e.quantity for e in entries if e.status in SAID_YES)
    open_invitations = counts["invited"] - counts["withdrawn"]
    return {
        "response_rate": _ratio(answered, open_invitations),
        "acceptance_rate": _ratio(said_yes, answered),
    }


def _ratio(part: int, whole: int | None) -> float | None:
    return round(part / whole, 4) if whole else None


def _group_key(by: str) -> Callable[[Counted], str]:
    if by == "category":
        return lambda e: e.category
    if by == "country":
        return lambda e: e.country
    return lambda e: e.status


def _group_order(event: Event, by: str, found: dict[str, list[Counted]]) -> list[str]:
    if by == "category":
        known = [c.id for c in event.invitations.categories]
        return known + sorted(k for k in found if k not in known)
    if by == "status":
        return [s for s in STATUSES if s in found]
    # Countries: the largest first, then by code.
    return sorted(found, key=lambda k: (-sum(e.quantity for e in found[k]), k))


def summarise(entries: Sequence[Counted], event: Event, by: str = "category",
              names: Callable[[str], str] | None = None,
              bounced: Sequence[Counted] = ()) -> dict[str, Any]:
    """Totals and one group per category (country, status), as plain data.

    ``names`` gives a group's display name; categories are named from the event;
    ``bounced``: the entries whose address bounced, counted apart.
    """
    found: dict[str, list[Counted]] = {}
    key = _group_key(by)
    for entry in entries:
        found.setdefault(key(entry), []).append(entry)
    failed: dict[str, int] = {}
    for entry in bounced:
        failed[key(entry)] = failed.get(key(entry), 0) + entry.entries
    category = {c.id: c for c in event.invitations.categories}
    groups = []
    for group in _group_order(event, by, found):
        members = found.get(group, [])
        counts = _counts(members)
        target = category[group].target if by == "category" and group in category else None
        name = category[group].name if by == "category" and group in category else group
        groups.append({"group": group, "name": names(group) if names else name, **counts,
                       "bounced": failed.get(group, 0),
                       **_rates(members, counts), "target": target,
                       "progress": _ratio(counts["invited"], target)})
    totals = _counts(entries)
    target = event.invitations.target
    represented = {e.country for e in entries if e.status in ("accepted", "attended")}
    return {
        "event": event.id,
        "by": by,
        "totals": {**totals, "bounced": sum(failed.values()), **_rates(entries, totals),
                   "target": target,
                   "progress": _ratio(totals["invited"], target),
                   "countries": len(represented)},
        "groups": groups,
    }
