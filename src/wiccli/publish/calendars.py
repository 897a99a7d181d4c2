"""``wic export-ics`` as one use case: the selected sessions as one calendar, or split into
one file per theme, day or session; files are written atomically, stdout is the caller's.

The command parses its options and renders the :class:`Exported` report; everything between
(names, the stamp, splitting, writing) is here, so it can be called without a command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from wiccli.event.model import Event, Session
from wiccli.event.query import Filters


@dataclass(frozen=True, slots=True)
class Request:
    """What to export: ``split`` (theme, day, session) writes into ``out_dir``; else one
    calendar to ``output`` (a path relative to ``cwd``), or returned when it is None."""

    sessions: Sequence[Session]
    filters: Filters
    output: str | None = None
    split: str | None = None
    out_dir: str | None = None
    alarm: int | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Exported:
    events: int  # VEVENTs written, counted once per file that holds them
    files: tuple[str, ...]  # as the user named them; empty when ``data`` is for stdout
    where: str  # "stdout", the output file, or the folder of a split
    data: bytes | None = None  # the calendar, when it goes to stdout


def export(event: Event, request: Request, *, zone: tzinfo, cwd: Path,
           environ: Mapping[str, str], now: Callable[[], datetime]) -> Exported:
    """Build and write the calendars of ``request``; the report says what went where."""
    from wiccli import ics

    stamp = ics.export_stamp(event, environ, now)
    if request.split is not None and request.out_dir is not None:
        return _split(event, request, request.split, request.out_dir, zone, cwd, stamp)
    spec = ics.CalendarSpec(name=ics.calendar_name(event, request.filters, request.name),
                            description=ics.calendar_description(event),
                            stamp=stamp, alarm_minutes=request.alarm)
    data = ics.calendar_bytes(event, request.sessions, spec, zone)
    if request.output is None or request.output == "-":
        return Exported(len(request.sessions), (), "stdout", data)
    from wiccli.output.files import write_atomic

    write_atomic(cwd / request.output, data, label=request.output)
    return Exported(len(request.sessions), (request.output,), request.output)


def _split(event: Event, request: Request, by: str, out_dir: str, zone: tzinfo, cwd: Path,
           stamp: datetime) -> Exported:
    """Every file is built before the first is written: a failure writes none."""
    from wiccli import ics
    from wiccli.output.files import inside, prepare_folder, unique_file_names, write_atomic

    parts = ics.split_sessions(event, request.sessions, by, zone)
    base = ics.split_filters(request.filters, by)
    files = []
    for part, file_name in zip(parts, unique_file_names((p.stem for p in parts), ".ics"),
                               strict=True):
        spec = ics.CalendarSpec(name=ics.calendar_name(event, base, request.name, part.label),
                                description=ics.calendar_description(event),
                                stamp=stamp, alarm_minutes=request.alarm)
        files.append((file_name, ics.calendar_bytes(event, part.sessions, spec, zone)))
    shown = Path(out_dir)
    folder = prepare_folder(cwd / shown, label=str(shown))
    for file_name, data in files:
        write_atomic(inside(folder, file_name), data, label=str(shown / file_name))
    return Exported(sum(len(p.sessions) for p in parts),
                    tuple(str(shown / name) for name, _ in files), str(shown))
