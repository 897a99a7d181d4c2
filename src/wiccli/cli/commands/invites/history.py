"""``wic invites history``: an invitation's changes of status and its bounces, oldest first."""

from __future__ import annotations

from wiccli.cli.commands.invites._common import IdArg, open_ledger
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command


@command()
def history(entry_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """An invitation's changes of status, and the bounces of its address, oldest first."""
    from wiccli.cli.invites_view import history_listing

    with open_ledger(write=False) as (state, _, store), store.transaction(write=False) as tx:
        entry = tx.find(entry_id)
        bounces = [m for m in tx.messages(entry.id) if m.kind == "bounce"]
    output(state.env, fmt, history_listing(entry, bounces))
