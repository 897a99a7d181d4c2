"""``wic invites``: the group of commands on the guest ledger, and its ``--ledger`` option."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.registry import group
from wiccli.cli.state import current


@group(no_args_is_help=True)
def invites(
    ledger: Annotated[
        str | None,
        typer.Option("--ledger", metavar="PATH|URL",
                     help="The ledger: an SQLite database file, or a postgresql:// URL for a "
                          "team (default: $WIC_LEDGER, the event's [invitations] ledger, "
                          "<event-id>.invites.db beside the event file).")
    ] = None,
) -> None:
    """Invitations: who was invited, who answered, who came (a ledger beside the event)."""
    current().ledger_option = ledger
