"""``wic checkin snapshot``: what an offline desk judges from, taken beforehand."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.registry import command


@command()
def snapshot(
    out: Annotated[str, typer.Option("--output", "-o", metavar="FILE",
                                     help="The snapshot file to write (readable by its owner "
                                          "only: it holds names).")],
) -> None:
    """Write a snapshot of the ledger for an offline desk: guests, statuses, badge tokens."""
    from wiccli.cli.commands.checkin._common import existing_ledger, now, resolve
    from wiccli.door import journal
    from wiccli.output.files import write_atomic

    with existing_ledger() as (state, event, store), \
            store.transaction(write=False) as tx:
        document = journal.take(tx.db, event.id, now(state))
    write_atomic(resolve(state, out), journal.dumps(document), out, private=True)
    state.env.message(f"{out}: a snapshot of {len(document['guests']):,} guests for an "
                      "offline desk (`wic checkin --snapshot FILE --journal FILE`)")
