"""``wic export-frab``: sessions as a frab / c3voc schedule (XML or JSON)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from wiccli.cli.files import check_output, write_output
from wiccli.cli.options import (
    DaysOpt,
    KindsOpt,
    OutputOpt,
    PickOpt,
    SessionsOpt,
    ThemesOpt,
    VenuesOpt,
    select_sessions,
)
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.errors import UsageError
from wiccli.text import plural


class FrabFormat(StrEnum):
    xml = "xml"
    json = "json"


class Cancelled(StrEnum):
    keep = "keep"
    drop = "drop"


@command()
def export_frab(
    fmt: Annotated[FrabFormat, typer.Option("--format", "-f", case_sensitive=False,
                                            help="schedule.xml or schedule.json.")]
    = FrabFormat.xml,
    output: OutputOpt = None,
    day: DaysOpt = None,
    theme: ThemesOpt = None,
    venue: VenuesOpt = None,
    kind: KindsOpt = None,
    session: SessionsOpt = None,
    pick: PickOpt = None,
    language: Annotated[str | None, typer.Option(
        "--language", metavar="CODE",
        help="Language of sessions without their own (default: the event's, else en).")]
    = None,
    cancelled: Annotated[Cancelled, typer.Option(
        "--cancelled", case_sensitive=False,
        help="keep: listed as 'CANCELLED: title', not recorded; drop: left out.")]
    = Cancelled.keep,
) -> None:
    """Export sessions as a frab / c3voc schedule (schedule.xml or schedule.json)."""
    from wiccli import __version__
    from wiccli.frab.export import ExportOptions, build_schedule, to_json

    if language is not None:
        from wiccli.event.langtag import tag_problem

        problem = tag_problem(language)
        if problem is not None:
            raise UsageError(f"--language: {problem}")
    check_output(output)
    state = current()
    filters, sessions = select_sessions(state, days=day, themes=theme, venues=venue,
                                        kinds=kind, sessions=session, pick=pick)
    options = ExportOptions(language=language, keep_cancelled=cancelled is Cancelled.keep,
                            days=filters.days, generator_version=__version__)
    document = build_schedule(state.event(), sessions, options, state.zone())
    if fmt is FrabFormat.xml:
        from wiccli.frab.xmlwrite import MAX_DURATION, to_xml, too_long

        text = to_xml(document)
        long = [e for e in _entries(document) if too_long(e)]
        if long:
            verb = "lasts" if len(long) == 1 else "last"
            state.env.warn(f"{plural(len(long), 'session')} {verb} 100 hours or more; "
                           f"schedule.xml says {MAX_DURATION} (schedule.json has the real end)")
    else:
        text = to_json(document)
    where = write_output(state, output, text)
    _export_summary(state, document, where)


def _entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [e for day in days for items in day["rooms"].values() for e in items]


def _export_summary(state: State, document: dict[str, Any], where: str) -> None:
    days = document["schedule"]["conference"]["days"]
    count = len(_entries(document))
    rooms = {name for day in days for name in day["rooms"]}
    state.env.message(f"wrote {plural(count, 'session')} in {plural(len(days), 'day')} "
                      f"and {plural(len(rooms), 'room')} to {where}")
    if count == 0:
        state.env.warn("no sessions match the filters")

