"""``wic export-frab`` and ``wic import``: the frab / c3voc schedule format."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

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
from wiccli.cli.state import State, get_state
from wiccli.errors import DataError, UsageError


class FrabFormat(StrEnum):
    xml = "xml"
    json = "json"


class Cancelled(StrEnum):
    keep = "keep"
    drop = "drop"


class SourceFormat(StrEnum):
    auto = "auto"
    frab_xml = "frab-xml"
    frab_json = "frab-json"



def export_frab(
    ctx: typer.Context,
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
    language: Annotated[str, typer.Option("--language", metavar="CODE",
                                          help="Language of every session (frab field).")]
    = "en",
    cancelled: Annotated[Cancelled, typer.Option(
        "--cancelled", case_sensitive=False,
        help="keep: listed as 'CANCELLED: title', not recorded; drop: left out.")]
    = Cancelled.keep,
) -> None:
    """Export sessions as a frab / c3voc schedule (schedule.xml or schedule.json)."""
    from wiccli import __version__
    from wiccli.frab.export import ExportOptions, build_schedule, to_json

    if not language.strip() or any(c.isspace() for c in language):
        raise UsageError("--language: give a language code such as 'en' or 'zh'")
    _check_output(output)
    state = get_state(ctx)
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
            state.env.warn(f"{_plural(len(long), 'session')} last 100 hours or more; "
                           f"schedule.xml says {MAX_DURATION} (schedule.json has the real end)")
    else:
        text = to_json(document)
    where = _write(state, output, text)
    _export_summary(state, document, where)


def _entries(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [e for day in days for items in day["rooms"].values() for e in items]


def _export_summary(state: State, document: dict[str, Any], where: str) -> None:
    days = document["schedule"]["conference"]["days"]
    count = len(_entries(document))
    rooms = {name for day in days for name in day["rooms"]}
    state.env.message(f"wrote {_plural(count, 'session')} in {_plural(len(days), 'day')} "
                      f"and {_plural(len(rooms), 'room')} to {where}")
    if count == 0:
        state.env.warn("no sessions match the filters")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _check_output(output: str | None) -> None:
    if output is not None and not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")


def _write(state: State, output: str | None, text: str) -> str:
    """Text to stdout, or atomically to a file; where it went, for the summary."""
    from wiccli.output.files import write_atomic

    if output is None or output == "-":
        state.env.stdout.write(text)
        state.env.stdout.flush()
        return "stdout"
    write_atomic(state.env.cwd / output, text.encode("utf-8"))
    return output


def import_schedule(
    ctx: typer.Context,
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

    _check_output(output)
    state = get_state(ctx)
    target = None if output in (None, "-") else state.env.cwd / str(output)
    if target is not None and target.exists() and not force:
        raise DataError(f"{output}: exists already; use --force to replace it")
    data, label = _read_source(state, source)
    options = ImportOptions(format=fmt.value, timezone=timezone,
                            tracks_as_forums=tracks_as_forums)
    raw = read_schedule(data, label, options.format)
    with work_progress(state.env, len(raw.events), "importing events") as tick:
        result = convert(raw, label, options, progress=lambda done, total: tick(done))
    for line in result.warnings:
        state.env.warn(line)
    text = to_toml(result.data, label)
    where = _write(state, output, text)
    sessions = result.data.get("sessions", [])
    state.env.message(f"imported {_plural(len(sessions), 'session')}, "
                      f"{_plural(len(result.data.get('venues', [])), 'venue')} and "
                      f"{_plural(len(result.data.get('themes', [])), 'theme')} "
                      f"from {label} to {where}")


def _read_source(state: State, source: str) -> tuple[bytes, str]:
    """The schedule's bytes and how messages name it."""
    if source == "-":
        # Bytes when there are (an XML declaration may name another encoding).
        buffer = getattr(state.env.stdin, "buffer", None)
        raw = buffer.read() if buffer is not None else state.env.stdin.read().encode("utf-8")
        if not raw.strip():
            raise DataError("<stdin>: no schedule on standard input")
        return raw, "<stdin>"
    from wiccli.event.load import read_bytes

    raw = read_bytes(state.env.cwd / source, "schedule file", label=source)
    if not raw.strip():
        raise DataError(f"{source}: the file is empty")
    return raw, source


def register(app: typer.Typer) -> None:
    app.command("export-frab")(export_frab)
    app.command("import")(import_schedule)
