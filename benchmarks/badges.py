"""Give every guest of a ledger a badge, and make some scans at the door, for the check-in
benchmarks: the tokens of accepted guests not scanned yet are written one a line.

    python benchmarks/badges.py LEDGER.db TOKENS.txt [--scans 2000]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ISSUED = datetime(2018, 11, 1, 8, 0, tzinfo=UTC)
DOORS_OPEN = datetime(2018, 11, 7, 0, 0, tzinfo=UTC)  # 08:00 in Wuzhen, the first day


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ledger")
    parser.add_argument("tokens")
    parser.add_argument("--scans", type=int, default=2000)
    args = parser.parse_args(argv)
    from wiccli.cli.state import State
    from wiccli.door import tokens
    from wiccli.door.desk import OnlineDesk
    from wiccli.door.rules import Desk
    from wiccli.invites.store import open_store

    with open_store(State().event(), args.ledger, {}, Path.cwd()) as store:
        with store.transaction() as tx:
            ids = [r[0] for r in tx.db.rows("SELECT id FROM entries ORDER BY id")]
            badges = tokens.issue(tx.db, ids, ISSUED)
            accepted = {r[0] for r in tx.db.rows(
                "SELECT id FROM entries WHERE status = 'accepted'")}
        ready = [b.token for b in badges if b.entry_id in accepted]
        clock = iter(DOORS_OPEN + timedelta(seconds=3 * n) for n in range(10**7))
        count = iter(range(10**7))
        scanned = min(args.scans, len(ready) // 2)  # half the accepted guests at most
        for number, token in enumerate(ready[:scanned]):
            desk = Desk(f"desk-{number % 4}", "out" if number % 5 == 4 else "in")
            OnlineDesk(store, desk, lambda: next(clock), lambda: f"bench-{next(count)}"
                       ).scan(token)
    Path(args.tokens).write_text("".join(t + "\n" for t in ready[scanned:]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
