"""``wic invites accept``: record that the guest accepted (same as `set ID accepted`)."""

from __future__ import annotations

from wiccli.cli.commands.invites._common import ForceOpt, IdArg, NoteOpt, set_status
from wiccli.cli.registry import command


@command()
def accept(entry_id: IdArg, note: NoteOpt = "",
           force: ForceOpt = False) -> None:
    """Record that the guest accepted (same as `set ID accepted`)."""
    set_status(entry_id, "accepted", note, force)

