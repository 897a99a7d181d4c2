"""The guest selection ``send`` and ``letters`` share with ``list``: ids and filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from wiccli.cli.commands.invites._common import country_code, utc_now
from wiccli.cli.state import State
from wiccli.event.model import Event

if TYPE_CHECKING:
    from wiccli.invites.model import Invitation, Selection
    from wiccli.invites.store import Tx

IdsArg = Annotated[list[str] | None, typer.Argument(
    metavar="ID", help="Only these invitations (ids or unique starts of ids).")]
StatusOpt = Annotated[list[str] | None, typer.Option(
    "--status", "-s", metavar="STATUS", help="Only this status (repeatable).")]
CategoryOpt = Annotated[list[str] | None, typer.Option(
    "--category", "-c", metavar="CATEGORY",
    help="Only this category: id, name or unique prefix (repeatable).")]
CountryOpt = Annotated[list[str] | None, typer.Option(
    "--country", metavar="COUNTRY", help="Only this country: code or name (repeatable).")]
SearchOpt = Annotated[str, typer.Option(
    "--search", metavar="TEXT",
    help="Only entries whose name, organisation, e-mail or note has TEXT.")]
StaleOpt = Annotated[int | None, typer.Option(
    "--stale", metavar="DAYS", help="Only entries awaiting an answer (invited, tentative) with "
    "no change for more than DAYS days.")]


def selection(state: State, event: Event, status: list[str] | None,
              category: list[str] | None, country: list[str] | None, search: str,
              stale: int | None) -> Selection:
    from wiccli.invites import model as core

    return core.Selection(
        statuses=frozenset(core.resolve_status(s) for s in status or []),
        categories=frozenset(core.resolve_category(event, c) for c in category or []),
        countries=frozenset(country_code(c, "--country") for c in country or []),
        search=search.strip(),
        stale_before=None if stale is None else core.stale_cutoff(utc_now(state), stale),
    )


def chosen(tx: Tx, sel: Selection, ids: list[str] | None) -> list[Invitation]:
    """The entries the filters keep; with ids, only those of them (each id must exist)."""
    return tx.pick(sel, ids or ())
