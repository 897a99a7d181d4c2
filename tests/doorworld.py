"""A ledger with guests at the door: every status, badges issued, one reprinted."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from conftest import DATA, Result, Runner
from wiccli.door import tokens
from wiccli.event.load import load_event
from wiccli.invites.store import open_store

EVENT = DATA / "door" / "doorcon.toml"
ISSUED = datetime(2018, 11, 1, 12, 0, tzinfo=UTC)  # before the tests' clock
# name -> (category, status, seats)
GUESTS = {
    "Ada Lovelace": ("speakers", "accepted", 1),
    "Grace Hopper": ("speakers", "accepted", 1),
    "Alan Turing": ("guests", "accepted", 3),
    "Edsger Dijkstra": ("guests", "declined", 1),
    "Barbara Liskov": ("guests", "withdrawn", 1),
    "Donald Knuth": ("guests", "invited", 1),
    "Frances Allen": ("guests", "tentative", 1),
    "Ken Thompson": ("speakers", "attended", 1),
    "Radia Perlman": ("guests", "no-show", 1),
}


@dataclass
class World:
    location: str
    ids: dict[str, str] = field(default_factory=dict)
    token: dict[str, str] = field(default_factory=dict)
    old_token: str = ""  # Ada's first badge, replaced by a reprint

    def args(self, *more: str) -> list[str]:
        return ["-e", str(EVENT), "checkin", "--ledger", self.location, *more]

    def invites(self, *more: str) -> list[str]:
        return ["-e", str(EVENT), "invites", "--ledger", self.location, *more]


def build(location: str, tmp_path: Path, guests: dict[str, tuple[str, str, int]] = GUESTS
          ) -> World:
    event = load_event(EVENT)
    world = World(location)
    with open_store(event, location, {}, tmp_path) as store, store.transaction() as tx:
        for name, (category, status, seats) in guests.items():
            entry = tx.add({"name": name, "category": category, "country": "DE",
                            "status": status, "quantity": seats},
                           now=ISSUED, random_bytes=os.urandom)
            world.ids[name] = entry.id
        for badge in tokens.issue(tx.db, list(world.ids.values()), ISSUED):
            name = next(n for n, i in world.ids.items() if i == badge.entry_id)
            world.token[name] = badge.token
        if "Ada Lovelace" in world.ids:
            world.old_token = world.token["Ada Lovelace"]
            new, = tokens.issue(tx.db, [world.ids["Ada Lovelace"]], ISSUED, reprint=True)
            world.token["Ada Lovelace"] = new.token
    return world


def records(result: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def status_of(run: Runner, world: World) -> dict[str, object]:
    done = run(*world.invites("status", "-f", "json"))
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def stats_of(run: Runner, world: World) -> dict[str, object]:
    done = run(*world.args("stats", "-f", "json"))
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]
