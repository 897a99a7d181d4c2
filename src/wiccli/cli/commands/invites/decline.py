"""``wic invites decline``: record that the guest declined (same as `set ID declined`)."""

from __future__ import annotations

from wiccli.cli.commands.invites._common import ForceOpt, IdArg, NoteOpt, set_status
from wiccli.cli.registry import command


@command()
def decline(entry_id: IdArg, note: NoteOpt = "",
            force: ForceOpt = False) -> None:
    """Record that the guest declined (same as `set ID declined`)."""
    set_status(entry_id, "declined", note, force)

