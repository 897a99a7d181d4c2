"""``wic invites export``: every invitation, for a spreadsheet, a script, or to keep."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger
from wiccli.cli.listing import FORMATS, Format, output
from wiccli.cli.registry import command
from wiccli.errors import UsageError
from wiccli.output.formats import formats_and

# Every listing format and toml: the whole ledger, to keep.
if TYPE_CHECKING:
    ExportFormat = StrEnum
else:
    ExportFormat = formats_and("ExportFormat", "toml")
CSV = ExportFormat("csv")


@command()
def export(
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help=f"Output format: {FORMATS}, or toml (the whole ledger with its history, to keep "
             "or commit; `wic invites import FILE.toml` reads it back).")] = CSV,
    redact: Annotated[bool, typer.Option("--redact", help="Leave out names, e-mails and notes."
                                         )] = False,
) -> None:
    """Every invitation, for a spreadsheet or a script (formula-like cells neutralised),
    or the whole ledger as TOML."""
    if fmt == "toml" and redact:
        raise UsageError("--redact: a TOML export is the whole ledger; use csv or json")
    from wiccli.cli.invites_view import export_listing

    with open_ledger(write=False) as (state, event, store), \
            store.transaction(write=False) as tx:
        ledger = tx.ledger(event.id)
    if fmt == "toml":
        from wiccli.invites.tomlfile import dumps

        state.env.stdout.write(dumps(ledger))
    else:
        output(state.env, Format(fmt.value), export_listing(ledger, event, redact=redact))
