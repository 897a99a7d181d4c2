"""``wic invites history``: an invitation's changes of status, oldest first."""

from __future__ import annotations

from wiccli.cli.commands.invites._common import IdArg, open_ledger
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command


@command()
def history(entry_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """An invitation's changes of status, oldest first."""
    from wiccli.cli.invites_view import history_listing

    with open_ledger(write=False) as (state, _, store), store.transaction(write=False) as tx:
        entry = tx.find(entry_id)
    output(state.env, fmt, history_listing(entry))
