"""``wic invites templates init``: copy wic's default templates into a folder to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.files import resolve
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.text import plural


@command()
def init(
    folder: Annotated[Path | None, typer.Argument(
        metavar="DIR", help="Where to write them (default: the event's [invitations] "
        "templates folder, else ./templates).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace files that exist.")] = False,
) -> None:
    """Copy wic's default templates into a folder to edit; prints each file written."""
    from wiccli.mail.templating import copy_defaults

    state = current()
    event = state.event()
    if folder is None and event.invitations.templates and not event.bundled:
        target = Path(event.source).parent / event.invitations.templates
    else:
        target = resolve(folder or Path("templates"), state.env)
    written = copy_defaults(target, force=force)
    for path in written:
        state.env.stdout.write(f"{path}\n")
    state.env.message(f"wrote {plural(len(written), 'template')} to {target}")
    if event.bundled or not event.invitations.templates:
        state.env.message(f'to use them, add templates = "{target}" under [invitations] '
                          "in the event file")
