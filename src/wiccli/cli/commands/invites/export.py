"""``wic invites export``: every invitation, for a spreadsheet or a script."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import where
from wiccli.cli.registry import command
from wiccli.errors import UsageError
from wiccli.output.render import Format


@command()
def export(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="csv, tsv, json or jsonl.",
                                        case_sensitive=False)] = Format.csv,
    redact: Annotated[bool, typer.Option("--redact", help="Leave out names, e-mails and notes."
                                         )] = False,
) -> None:
    """Every invitation, for a spreadsheet or a script (formula-like cells neutralised)."""
    if fmt is Format.table:
        raise UsageError("export writes csv, tsv, json or jsonl; `wic invites list` shows a table")
    from wiccli.cli.invites_view import emit_export
    from wiccli.invites import ledger as store

    state, event, path = where()
    emit_export(state.env, fmt, store.read(path, event.id).ledger, redact=redact)

