"""``wic checkin stats``: who came, who is inside, per category, desk, hour and session."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.listing import Format, FormatOpt
from wiccli.cli.registry import command


@command()
def stats(
    fmt: FormatOpt = Format.table,
    watch: Annotated[bool, typer.Option("--watch", help="Keep the numbers up to date on a "
                                                        "terminal until Ctrl-C.")] = False,
) -> None:
    """Checked in against accepted and the targets, inside now, per desk, hour and session."""
    from wiccli.cli.checkin_stats_view import stats_listing, watch_stats
    from wiccli.cli.commands.checkin._common import now
    from wiccli.cli.commands.invites._common import open_ledger
    from wiccli.cli.listing import output
    from wiccli.door.stats import gather
    from wiccli.errors import UsageError

    if watch and (fmt is not Format.table or not _terminal()):
        raise UsageError("--watch redraws a table on a terminal; without it, -f gives the "
                         "numbers once")
    with open_ledger(write=False) as (state, event, store):
        zone = state.zone()

        def numbers() -> dict[str, object]:
            with store.transaction(write=False) as tx:
                return gather(tx.db, event, zone, now(state))

        if watch:
            watch_stats(state.env, event, numbers)
            return
        output(state.env, fmt, stats_listing(state.env, numbers(), event))


def _terminal() -> bool:
    from wiccli.cli.state import current

    return bool(current().env.stdout_isatty)
