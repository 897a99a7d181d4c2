"""``wic import``: a frab / c3voc schedule (pentabarf, frab, pretalx, OSEM) as an event file."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from wiccli.cli.files import check_output, read_source, write_output
from wiccli.cli.options import OutputOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import DataError
from wiccli.text import plural


class SourceFormat(StrEnum):
    auto = "auto"
    frab_xml = "frab-xml"
    frab_json = "frab-json"


@command()
def import_schedule(
    source: Annotated[str, typer.Argument(metavar="SOURCE",
                                          help="schedule.xml or schedule.json; '-' is stdin.")],
    fmt: Annotated[SourceFormat, typer.Option("--format", "-f", case_sensitive=False,
                                              help="What SOURCE is (auto: by its content).")]
    = SourceFormat.auto,
    output: OutputOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
    = False,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", metavar="ZONE",
        help="IANA time zone of the event (default: the schedule's own).")] = None,
    tracks_as_forums: Annotated[bool, typer.Option(
        "--tracks-as-forums",
        help="Give every event that has a track the kind sub-forum (for `wic forums`).")]
    = False,
) -> None:
    """Import a frab / c3voc schedule (pentabarf, frab, pretalx, OSEM) as a wic event file."""
    from wiccli.frab.importer import ImportOptions, convert, read_schedule, to_toml
    from wiccli.output.render import work_progress

    check_output(output)
    state = current()
    target = None if output in (None, "-") else state.env.cwd / str(output)
    if target is not None and target.exists() and not force:
        raise DataError(f"{output}: exists already; use --force to replace it")
    data, label = read_source(state, source)
    options = ImportOptions(format=fmt.value, timezone=timezone,
                            tracks_as_forums=tracks_as_forums)
    raw = read_schedule(data, label, options.format)
    with work_progress(state.env, len(raw.events), "importing events") as tick:
        result = convert(raw, label, options, progress=lambda done, total: tick(done))
    for line in result.warnings:
        state.env.warn(line)
    text = to_toml(result.data, label)
    where = write_output(state, output, text)
    sessions = result.data.get("sessions", [])
    state.env.message(f"imported {plural(len(sessions), 'session')}, "
                      f"{plural(len(result.data.get('venues', [])), 'venue')} and "
                      f"{plural(len(result.data.get('themes', [])), 'theme')} "
                      f"from {label} to {where}")

