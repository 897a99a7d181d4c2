"""Record in a ledger that every guest was sent an invitation (SEQUENCE 0, the UID and
Message-ID the generated mailbox answers), as `wic invites send` would have: answers
apply only to invitations wic sent.

    python benchmarks/record_sent.py LEDGER.db
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

SENT = datetime(2018, 9, 30, 8, 0, tzinfo=UTC)  # before the generated answers


def main(argv: list[str]) -> int:
    from wiccli.cli.state import State
    from wiccli.invites.model import Message
    from wiccli.invites.store import open_store

    event = State().event()  # the bundled event, as the benchmarks' invites commands use
    with open_store(event, argv[0], {}, Path.cwd()) as store, store.transaction() as tx:
        for entry in tx.entries(history=False):
            tx.record_message(Message(
                entry.id, "out", "invitation", f"<sent-{entry.id}@example.org>", SENT,
                uid=f"invitation-{entry.id}@{event.id}.wic", sequence=0, dtstamp=SENT,
                outcome="accepted"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
