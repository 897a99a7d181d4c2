"""``wic invites badges``: a printable PDF of badges with QR codes for the chosen guests."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger, utc_now
from wiccli.cli.commands.invites._select import (
    CategoryOpt,
    CountryOpt,
    IdsArg,
    SearchOpt,
    StatusOpt,
    selection,
)
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError
from wiccli.text import plural


class LayoutChoice(StrEnum):
    a6 = "a6"
    a4_4 = "a4-4"
    a4_8 = "a4-8"


class SortChoice(StrEnum):
    category = "category"
    name = "name"
    id = "id"
    country = "country"


@command()
def badges(
    ids: IdsArg = None,
    status: StatusOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    search: SearchOpt = "",
    output: Annotated[str, typer.Option(
        "--output", "-o", metavar="PATH|-",
        help="The PDF file, replaced in one step ('-' is stdout).")] = "badges.pdf",
    layout: Annotated[LayoutChoice, typer.Option(
        "--layout", case_sensitive=False,
        help="a6: one badge a page; a4-4, a4-8: four or eight on an A4 sheet with cut "
             "marks.")] = LayoutChoice.a6,
    sort: Annotated[SortChoice, typer.Option(
        "--sort", case_sensitive=False,
        help="The order of the badges (category: by category, then by name).")
    ] = SortChoice.category,
    reprint: Annotated[bool, typer.Option(
        "--reprint", help="New tokens: the badges printed before are refused at the door.")
    ] = False,
    templates: Annotated[Path | None, typer.Option(
        "--templates", metavar="DIR", help="Your badge.html and badge.css (default: the "
        "event's [invitations] templates, then wic's own).")] = None,
) -> None:
    """Badges with QR codes, one PDF; prints its name.

    For the guests who accepted or attended (or --status), with new tokens on --reprint.
    """
    from wiccli.cli.files import resolve, write_output
    from wiccli.door.badges import badge_statuses
    from wiccli.door.printing import BadgeRun, print_badges
    from wiccli.mail.outbox import templates_folder
    from wiccli.output.render import work_progress

    if not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")
    state = current()
    event = state.event()
    sel = selection(state, event, status, category, country, search, None)
    sel = replace(sel, statuses=badge_statuses(sel.statuses))
    folder = resolve(templates, state.env) if templates else templates_folder(event)
    run = BadgeRun(sel, tuple(ids or ()), layout.value, sort.value, reprint,
                   None if output == "-" else resolve(Path(output), state.env), output, folder)
    with open_ledger() as (_, _, store):
        printed = print_badges(store, event, run, utc_now(state),
                               progress=lambda total, what: work_progress(state.env, total,
                                                                          what))
    where = write_output(state, output, printed.data) if output == "-" else output
    if output != "-":
        state.env.stdout.write(f"{output}\n")
    state.env.message(
        f"wrote {plural(printed.badges, 'badge')} on {plural(printed.sheets, 'page')} "
        f"({layout.value}) to {where}; {plural(printed.new_tokens, 'new token')}"
        + (", the earlier badges of these guests are now refused" if reprint else ""))
