"""``wic invites export``: every invitation, for a spreadsheet or a script."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import where
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command


@command()
def export(
    fmt: FormatOpt = Format.csv,
    redact: Annotated[bool, typer.Option("--redact", help="Leave out names, e-mails and notes."
                                         )] = False,
) -> None:
    """Every invitation, for a spreadsheet or a script (formula-like cells neutralised)."""
    from wiccli.cli.invites_view import export_listing
    from wiccli.invites import ledger as store

    state, event, path = where()
    output(state.env, fmt, export_listing(store.read(path, event.id).ledger, redact=redact))

