"""``wic invites templates``: the message and letter templates."""

from __future__ import annotations

from wiccli.cli.registry import group


@group(no_args_is_help=True)
def templates() -> None:
    """The message and letter templates: copy wic's defaults out to edit them."""
