"""``wic invites list``: the invitations, sorted by id, optionally filtered."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import country_code, open_ledger, utc_now
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command
from wiccli.cli.state import current


@command()
def list_(
    status: Annotated[list[str] | None, typer.Option(
        "--status", "-s", help="Only this status (repeatable).")] = None,
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", help="Only this category: id, name or unique prefix (repeatable).")
    ] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="Only this country: code or name (repeatable).")] = None,
    search: Annotated[str, typer.Option(
        "--search", help="Only entries whose name, organisation, e-mail or note has TEXT.")
    ] = "",
    stale: Annotated[int | None, typer.Option(
        "--stale", metavar="DAYS", help="Only entries awaiting an answer (invited, tentative) "
        "with no change for more than DAYS days.")] = None,
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
        entries = tx.select(sel)
        if bounced:
            failed = {e.id for e in tx.bounced()}  # as `send` and `status` count them
            entries = [e for e in entries if e.id in failed]
    output(state.env, fmt, entries_listing(entries))

