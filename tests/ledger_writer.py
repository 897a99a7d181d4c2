"""A writer for the crash tests: changes the ledger in a loop until it is killed.

    python ledger_writer.py LEDGER PREFIX

Adds an entry, then accepts it, again and again; after each commit it prints what
landed (``add ID`` or ``accepted ID``) and flushes, so the test knows every change
that was reported done before the kill.
"""

from __future__ import annotations

import itertools
import os
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

from wiccli.cli.state import State
from wiccli.invites.store import open_store


def report(line: str) -> None:
    """One line in one write(2), so a kill never leaves half of it in the pipe."""
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def main(where: str, prefix: str) -> None:
    event = State().event()
    now = datetime.now(UTC).replace(microsecond=0)
    with open_store(event, where, {}, Path.cwd()) as store:
        for n in itertools.count():
            with store.transaction() as tx:
                entry = tx.add({"name": f"{prefix} {n}", "category": "experts",
                                "country": "DE"}, now=now, random_bytes=secrets.token_bytes)
            report(f"add {entry.id}")
            with store.transaction() as tx:
                tx.set_status(entry.id, "accepted", note="", now=now, force=False)
            report(f"accepted {entry.id}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
