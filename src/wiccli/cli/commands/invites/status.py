"""``wic invites status``: counts per group, progress towards the targets, response rates."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import EMPTY_HINT, open_ledger
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command


class By(StrEnum):
    category = "category"
    country = "country"
    status = "status"


@command()
def status(
    by: Annotated[By, typer.Option("--by", help="Group by category, country or status.",
                                   case_sensitive=False)] = By.category,
    fmt: FormatOpt = Format.table,
) -> None:
    """Counts per group and in total, progress towards the targets, response rates."""
    from wiccli.cli.invites_view import status_listing
    from wiccli.invites import countries
    from wiccli.invites.summary import Counted, summarise

    with open_ledger(write=False) as (state, event, store):
        with store.transaction(write=False) as tx:
            tally = tx.tally()
            bounced = [Counted(e.category, e.country, e.status, e.quantity)
                       for e in tx.bounced()]
        where = store.where
    names = countries.name if by is By.country else None
    summary = summarise(tally, event, by.value, names=names, bounced=bounced)
    if not tally:
        state.env.message(f"no invitations yet in {where}; {EMPTY_HINT}")
    output(state.env, fmt, status_listing(state.env, summary, event, empty=not tally))

