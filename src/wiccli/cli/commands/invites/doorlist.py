"""``wic invites doorlist``: the paper door list, by name, with a box to tick per guest."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger
from wiccli.cli.commands.invites._select import CategoryOpt, SearchOpt, StatusOpt, selection
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError
from wiccli.text import plural


@command()
def doorlist(
    status: StatusOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = "",
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="PATH|-",
        help="The PDF file, replaced in one step ('-' is stdout).")] = "door.pdf",
    templates: Annotated[Path | None, typer.Option(
        "--templates", metavar="DIR", help="Your doorlist.html and doorlist.css (default: "
        "the event's [invitations] templates, then wic's own).")] = None,
) -> None:
    """The paper door list, A–Z, one PDF.

    Each guest who may come with a box to tick, for when the check-in desk is down.
    """
    from wiccli.cli.files import resolve, write_output
    from wiccli.door.badges import badge_statuses
    from wiccli.door.doorlist import DoorList, door_list_pdf
    from wiccli.event.check import load_zone
    from wiccli.mail.outbox import templates_folder

    if not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")
    state = current()
    event = state.event()
    if output != "-":  # a target that cannot be written is said before the drawing
        from wiccli.output.files import writable

        writable(resolve(Path(output), state.env), output)
    sel = selection(state, event, status, category, None, search, None)
    sel = replace(sel, statuses=badge_statuses(sel.statuses, "is not on the door list"))
    with open_ledger(write=False) as (_, _, store), store.transaction(write=False) as tx:
        entries = tx.pick(sel, ())
    filters = " · ".join([", ".join(sorted(sel.statuses)), *sorted(sel.categories),
                          *([f"“{sel.search}”"] if sel.search else [])])
    printed = state.env.now().astimezone(load_zone(event.timezone))
    folder = resolve(templates, state.env) if templates else templates_folder(event)
    data = door_list_pdf(DoorList(event, entries, printed, filters), folder)
    where = write_output(state, output, data)
    if output != "-":
        state.env.stdout.write(f"{output}\n")
    state.env.message(f"wrote the door list of {plural(len(entries), 'guest')} "
                      f"({plural(sum(e.quantity for e in entries), 'seat')}) to {where}")
