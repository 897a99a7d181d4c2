"""``wic invites report``: the invitation funnel over time, per group, against the targets."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from wiccli.cli.commands.invites._common import EMPTY_HINT, open_ledger
from wiccli.cli.listing import Format, FormatOpt, output
from wiccli.cli.registry import command

if TYPE_CHECKING:
    from wiccli.cli.state import State
    from wiccli.event.model import Event
    from wiccli.invites.funnel import Window
    from wiccli.invites.store import Store


class By(StrEnum):
    category = "category"
    country = "country"
    region = "region"
    subregion = "subregion"


class Every(StrEnum):
    day = "day"
    week = "week"


@command()
def report(
    by: Annotated[By, typer.Option("--by", case_sensitive=False,
                                   help="Group by category (against its target), country, or "
                                        "UN M49 region or sub-region.")] = By.category,
    every: Annotated[Every, typer.Option("--every", case_sensitive=False,
                                         help="A point a day or a week.")] = Every.day,
    since: Annotated[str | None, typer.Option("--since", metavar="DATE",
                                              help="The first day (YYYY-MM-DD; default: the "
                                                   "first recorded change).")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="DATE",
                                              help="The last day (YYYY-MM-DD; default: the "
                                                   "last recorded change).")] = None,
    compare: Annotated[str | None, typer.Option(
        "--compare", metavar="LEDGER",
        help="Another edition's ledger (a file or a postgresql:// URL): its curve beside "
             "this one, by days before each event.")] = None,
    compare_event: Annotated[str | None, typer.Option(
        "--compare-event", metavar="FILE",
        help="The other edition's event file (default: found beside its ledger).")] = None,
    chart: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Draw the charts into FILE: .pdf, .svg, .png or .html (pip install "
             "'wic[report]').")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The invitation funnel over time (listed, invited, answered, accepted, attended),
    per category, country or region, against the targets; charts with -o."""
    from wiccli.cli.report_view import report_listing
    from wiccli.event.values import date_option
    from wiccli.invites.funnel import Window

    window = Window(by.value, every.value,
                    date_option("--since", since) if since is not None else None,
                    date_option("--until", until) if until is not None else None)
    kind = _chart_kind(chart) if chart is not None else None
    with open_ledger(write=False) as (state, event, store):
        document, empty = _document(state, event, store, window)
    if compare is not None:
        document["compare"] = _other(state, event, compare, compare_event, window.every)
    if empty:
        state.env.message(f"no invitations recorded in {store.where} yet; {EMPTY_HINT}")
    if chart is not None and kind is not None:
        _draw(state, document, chart, kind)
        return
    output(state.env, fmt, report_listing(state.env, document, event, empty=empty))


def _document(state: State, event: Event, store: Store, window: Window
              ) -> tuple[dict[str, Any], bool]:
    """The report, and whether the ledger has no history at all."""
    from wiccli.invites import countries, funnel, regions

    zone = state.zone()
    today = state.env.now().astimezone(zone).date()
    with store.transaction(write=False) as tx:
        changes = funnel.history_counts(tx.db, window.by, zone, event.start, store.where)
    names = countries.name if window.by == "country" else \
        (lambda code: regions.name(window.by, code)) if window.by != "category" else None
    return funnel.report(changes, event, window, today, names), not changes


def _other(state: State, event: Event, location: str, event_file: str | None,
           every: str) -> dict[str, Any]:
    from wiccli.event.values import zone_option
    from wiccli.invites import compare, funnel

    other, store = compare.open_other(location, event_file, event, state.env.environ,
                                      state.env.cwd)
    zone = zone_option("event.timezone", other.timezone)
    with store, store.transaction(write=False) as tx:
        changes = funnel.history_counts(tx.db, "category", zone, other.start, store.where)
    return funnel.compared(changes, other, every, state.env.now().astimezone(zone).date())


KINDS = {".pdf": "pdf", ".svg": "svg", ".png": "png", ".html": "html", ".htm": "html"}


def _chart_kind(name: str) -> str:
    from pathlib import PurePath

    from wiccli.errors import UsageError

    if not name.strip() or name == "-":
        raise UsageError("-o/--output: give a file name ending in .pdf, .svg, .png or .html")
    kind = KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise UsageError(f"-o/--output: {name!r}: the charts are written as .pdf, .svg, .png "
                         "or .html; name the file with one of these")
    return kind


def _draw(state: State, document: dict[str, Any], name: str, kind: str) -> None:
    from wiccli.output.files import writable, write_atomic
    from wiccli.report import charts

    path = state.env.cwd / name
    writable(path, name)  # a folder or a missing folder is refused before drawing
    write_atomic(path, charts.render(document, kind), label=name)
    state.env.message(f"wrote {name}")
