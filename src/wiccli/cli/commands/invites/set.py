"""``wic invites set``: set an invitation's status (the change is kept in its history)."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import ForceOpt, IdArg, NoteOpt, set_status
from wiccli.cli.registry import command
from wiccli.invites.model import STATUSES


@command()
def set_(entry_id: IdArg,
         new_status: Annotated[str, typer.Argument(
             metavar="STATUS", help=f"One of: {', '.join(STATUSES)}.")],
         note: NoteOpt = "", force: ForceOpt = False) -> None:
    """Set an invitation's status (the change is kept in its history)."""
    from wiccli.invites.model import resolve_status

    set_status(entry_id, resolve_status(new_status), note, force)

