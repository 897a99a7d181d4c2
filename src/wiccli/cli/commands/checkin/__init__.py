"""``wic checkin``: the desk at the door, and the group of its commands.

``wic checkin`` alone is the interactive desk at a terminal; ``wic checkin TOKEN…`` (or ``-``,
a stream of lines) judges those scans and exits; the sub-commands (``stats``, ``snapshot``,
``merge``, ``ticked``) are named after it. The desk's options come before the tokens.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer

from wiccli.cli.commands.checkin._common import DeskOptions, set_options
from wiccli.cli.listing import Format, FormatOpt
from wiccli.cli.registry import CommandPackage, group
from wiccli.cli.state import current

# What a mistyped sub-command looks like (a token is 26 letters and digits, or ``-``).
_WORD = re.compile(r"[a-z][a-z-]{0,19}")


class DeskGroup(CommandPackage):
    """A group whose first argument, when no sub-command is named, is a scan: ``wic checkin
    TOKEN…`` runs ``wic checkin scan TOKEN…``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.list_commands(ctx) and not _WORD.fullmatch(args[0]):
            return "scan", self.get_command(ctx, "scan"), args
        return super().resolve_command(ctx, args)


@group(cls=DeskGroup, invoke_without_command=True,
       subcommand_metavar="[TOKEN...|- | COMMAND [ARGS]...]")
def checkin(
    ctx: typer.Context,
    ledger: Annotated[
        str | None,
        typer.Option("--ledger", metavar="PATH|URL",
                     help="The ledger: an SQLite database file, or a postgresql:// URL "
                          "(default: as for `wic invites`).")
    ] = None,
    desk: Annotated[
        str | None,
        typer.Option("--desk", metavar="NAME", help="This desk's name, kept with each scan "
                                                    "(default: the host name).")
    ] = None,
    leaving: Annotated[
        bool, typer.Option("--exit", help="Count people leaving instead of coming in.")
    ] = False,
    session: Annotated[
        str | None,
        typer.Option("--session", metavar="ID", help="Check into this session (a sub-forum) "
                                                     "instead of the event.")
    ] = None,
    journal: Annotated[
        str | None,
        typer.Option("--journal", metavar="FILE",
                     help="Work offline: keep the scans in this file (JSON lines, on disk "
                          "per scan), judged from --snapshot; `wic checkin merge` adds them.")
    ] = None,
    snapshot: Annotated[
        str | None,
        typer.Option("--snapshot", metavar="FILE",
                     help="The snapshot an offline desk judges from (`wic checkin snapshot`).")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The check-in desk at the door: scan badges or type names; who came, who is inside."""
    options = DeskOptions(desk, "out" if leaving else "in", session, journal, snapshot, fmt)
    current().ledger_option = ledger
    set_options(options)
    if ctx.invoked_subcommand is None:
        from wiccli.cli.checkin_desk import interactive

        interactive(options)
