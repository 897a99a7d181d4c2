"""``wic invites list``: the invitations, sorted by id, optionally filtered."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import country_code, open_ledger, utc_now
from wiccli.cli.commands.invites._select import (
    CategoryOpt,
    CountryOpt,
    SearchOpt,
    StaleOpt,
    StatusOpt,
)
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command
from wiccli.cli.state import current


@command()
def list_(
    status: StatusOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    search: SearchOpt = "",
    stale: StaleOpt = None,
    bounced: Annotated[bool, typer.Option(
        "--bounced", help="Only entries whose address bounced (a delivery failure read by "
        "`wic invites replies`) and has not changed since.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """The invitations, sorted by id, optionally filtered."""
    from wiccli.cli.invites_view import entries_listing
    from wiccli.invites import model as core

    state = current()
    event = state.event()
    sel = core.Selection(
        statuses=frozenset(core.resolve_status(s) for s in status or []),
        categories=frozenset(core.resolve_category(event, c) for c in category or []),
        countries=frozenset(country_code(c, "--country") for c in country or []),
        search=search.strip(),
        stale_before=None if stale is None else core.stale_cutoff(utc_now(state), stale),
    )
    with open_ledger(write=False) as (_, _, store), store.transaction(write=False) as tx:
        entries = tx.stream(sel)  # written as the ledger sends them, in its transaction
        if bounced:
            failed = {e.id for e in tx.bounced()}  # as `send` and `status` count them
            entries = (e for e in entries if e.id in failed)
        output(state.env, fmt, entries_listing(entries, event))

