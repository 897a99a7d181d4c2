"""A campaign for the report tests: 1,500 guests over the 60 days before an event, written
to a real ledger through the store's API (adds and status changes, each with its time),
and what the report must say about it, worked out here from the plan alone."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wiccli.event.load import load_event
from wiccli.invites.store import open_store

ZONE = ZoneInfo("Asia/Shanghai")
START = date(2019, 10, 20)  # the event's first day
FIRST = datetime(2019, 8, 21, 1, 0, tzinfo=UTC)  # 60 days before it
CATEGORIES = (("government", "Government delegates", 900),
              ("experts", "Experts and scholars", 1000),
              ("enterprises", "Internet enterprises", None))
COUNTRIES = ("CN", "DE", "BR", "KE", "US", "JP", "IN", "FR", "AU", "EG")
STATUSES = ("listed", "invited", "tentative", "accepted", "declined", "withdrawn",
            "attended", "no-show")
MEMBERS = {
    "listed": set(STATUSES), "invited": set(STATUSES) - {"listed"},
    "answered": {"accepted", "declined", "attended", "no-show"},
    "accepted": {"accepted", "attended", "no-show"}, "attended": {"attended"},
    "declined": {"declined"}, "withdrawn": {"withdrawn"},
}


def event_toml(event_id: str = "sample2019", start: date = START, target: int = 3000) -> str:
    lines = ["[event]", f'id = "{event_id}"',
             f'name = "Sample Conference {event_id} (synthetic guests)"',
             f'short_name = "{event_id.upper()}"', 'timezone = "Asia/Shanghai"',
             f"start = {start.isoformat()}", f"end = {(start + timedelta(days=2)).isoformat()}",
             "", "[invitations]", f"target = {target}", ""]
    for cid, name, goal in CATEGORIES:
        lines += ["[[invitations.categories]]", f'id = "{cid}"', f'name = "{name}"']
        lines += [f"target = {goal}"] if goal else []
        lines.append("")
    return "\n".join(lines)


@dataclass
class Guest:
    category: str
    country: str
    quantity: int
    changes: list[tuple[datetime, str]] = field(default_factory=list)


def plan(guests: int = 1500, seed: int = 2019, first: datetime = FIRST) -> list[Guest]:
    """Each guest's path through the statuses, with times: listed or invited when added,
    then invited, an answer (some change it), some withdrawn, some marked attended or
    no-show (the plan is kept within its 60 days).
    Some changes fall in the small hours of Beijing time (the evening before in UTC)."""
    rng = random.Random(seed)
    made = []
    for n in range(guests):
        at = first + timedelta(days=rng.randrange(30), hours=rng.choice((0, 3, 9, 16, 17)),
                               minutes=rng.randrange(60))
        guest = Guest(CATEGORIES[n % 3][0], COUNTRIES[rng.randrange(len(COUNTRIES))],
                      rng.choice((1, 1, 1, 2, 3)))
        guest.changes.append((at, rng.choice(("listed", "listed", "invited"))))
        for step in _path(rng, guest.changes[0][1]):
            at += timedelta(days=rng.randrange(0, 9), hours=rng.randrange(0, 20))
            guest.changes.append((min(at, first + timedelta(days=59, hours=10)), step))
        made.append(guest)
    return made


def _path(rng: random.Random, first: str) -> list[str]:
    steps = ["invited"] if first == "listed" else []
    roll = rng.random()
    if roll < 0.1:
        return steps + ["withdrawn"] if steps else ["withdrawn"]
    if roll < 0.3:
        return steps  # no answer yet
    answer = rng.choice(("accepted", "accepted", "declined", "tentative"))
    steps.append(answer)
    if answer == "tentative":
        steps.append(rng.choice(("accepted", "declined")))
    if steps[-1] == "accepted" and rng.random() < 0.15:
        steps.append("declined")  # changed their mind
    if steps[-1] == "accepted" and rng.random() < 0.3:
        steps.append(rng.choice(("attended", "no-show")))
    return steps


def write(guests: list[Guest], event_file: Path, location: str) -> None:
    """The plan as a real ledger: one add and one status change at a time, each at its time."""
    event = load_event(event_file)
    with open_store(event, location, {}, event_file.parent) as store, \
            store.transaction() as tx:
        for n, guest in enumerate(guests):
            at, status = guest.changes[0]
            entry = tx.add({"name": f"Guest {n:04d}", "category": guest.category,
                            "country": guest.country, "quantity": guest.quantity,
                            "status": status}, now=at, random_bytes=secrets.token_bytes)
            for at, status in guest.changes[1:]:
                tx.set_status(entry.id, status, note="", now=at, force=False)


def local_day(at: datetime) -> date:
    return at.astimezone(ZONE).date()


def expected(guests: list[Guest], day: date, stage: str, category: str | None = None) -> int:
    """The people in ``stage`` at the end of local ``day`` (of one category, or all)."""
    total = 0
    for guest in guests:
        if category is not None and guest.category != category:
            continue
        known = [status for at, status in guest.changes if local_day(at) <= day]
        if known and known[-1] in MEMBERS[stage]:
            total += guest.quantity
    return total
