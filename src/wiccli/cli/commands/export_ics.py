"""``wic export-ics``: the agenda as an iCalendar file calendar apps import and update."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

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
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.env import Env
from wiccli.errors import UsageError
from wiccli.event.model import Session
from wiccli.event.query import Filters
from wiccli.text import plural


class Split(StrEnum):
    theme = "theme"
    day = "day"
    session = "session"


SplitOpt = Annotated[
    Split | None,
    typer.Option("--split", case_sensitive=False,
                 help="One file per theme, day or session, in --out-dir."),
]
OutDirOpt = Annotated[
    str | None,
    typer.Option("--out-dir", metavar="DIR", help="Folder for the --split files (created)."),
]
AlarmOpt = Annotated[
    int | None,
    typer.Option("--alarm", metavar="MINUTES", min=0, max=40320,
                 help="A reminder this many minutes before each session."),
]
NameOpt = Annotated[
    str | None,
    typer.Option("--name", metavar="TEXT",
                 help="Calendar name (default: the event's short name and the filters)."),
]


@command()
def export_ics(
    output: OutputOpt = None,
    day: DaysOpt = None,
    theme: ThemesOpt = None,
    venue: VenuesOpt = None,
    kind: KindsOpt = None,
    session: SessionsOpt = None,
    pick: PickOpt = None,
    split: SplitOpt = None,
    out_dir: OutDirOpt = None,
    alarm: AlarmOpt = None,
    name: NameOpt = None,
) -> None:
    """Export sessions as an iCalendar (.ics) file; re-importing it updates them."""
    _check_usage(output, split, out_dir, name)
    state = current()
    filters, sessions = select_sessions(state, days=day, themes=theme, venues=venue,
                                        kinds=kind, sessions=session, pick=pick)
    if not sessions:
        state.env.warn("no sessions match the filters")
    if split is not None and out_dir is not None:
        _export_split(state, filters, sessions, split.value, Path(out_dir), alarm, name)
    else:
        _export_one(state, filters, sessions, output, alarm, name)


def _check_usage(output: str | None, split: Split | None, out_dir: str | None,
                 name: str | None) -> None:
    if split is not None and out_dir is None:
        raise UsageError("--split needs --out-dir DIR (the folder for the files)")
    if split is not None and output is not None:
        raise UsageError("-o/--output and --split do not go together: --split writes to "
                         "--out-dir")
    if out_dir is not None and split is None:
        raise UsageError("--out-dir is for --split theme|day|session")
    if output is not None and not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")
    if out_dir is not None and not out_dir.strip():
        raise UsageError("--out-dir: give a folder name")
    if name is not None and not name.strip():
        raise UsageError("--name must not be empty")


def _export_one(state: State, filters: Filters, sessions: list[Session], output: str | None,
                alarm: int | None, name: str | None) -> None:
    from wiccli import ics
    from wiccli.output.files import write_atomic

    event = state.event()
    stamp = ics.export_stamp(event, state.env.environ, state.env.now)
    spec = ics.CalendarSpec(name=ics.calendar_name(event, filters, name),
                            description=ics.calendar_description(event),
                            stamp=stamp, alarm_minutes=alarm)
    data = ics.calendar_bytes(event, sessions, spec, state.zone())
    if output is None or output == "-":
        _write_stdout(state.env, data)
        where = "stdout"
    else:
        target = state.env.cwd / output
        write_atomic(target, data, label=output)
        where = output
    state.env.message(f"wrote {plural(len(sessions), 'event')} to {where}")


def _export_split(state: State, filters: Filters, sessions: list[Session], by: str,
                  out_dir: Path, alarm: int | None, name: str | None) -> None:
    from wiccli import ics
    from wiccli.output.files import inside, prepare_folder, unique_file_names, write_atomic

    event = state.event()
    zone = state.zone()
    stamp = ics.export_stamp(event, state.env.environ, state.env.now)
    parts = ics.split_sessions(event, sessions, by, zone)
    base = ics.split_filters(filters, by)
    files = []
    for part, file_name in zip(parts, unique_file_names((p.stem for p in parts), ".ics"),
                               strict=True):
        spec = ics.CalendarSpec(name=ics.calendar_name(event, base, name, part.label),
                                description=ics.calendar_description(event),
                                stamp=stamp, alarm_minutes=alarm)
        files.append((file_name, ics.calendar_bytes(event, part.sessions, spec, zone)))
    folder = prepare_folder(state.env.cwd / out_dir, label=str(out_dir))
    for file_name, data in files:
        write_atomic(inside(folder, file_name), data, label=str(out_dir / file_name))
    total = sum(len(p.sessions) for p in parts)
    state.env.message(f"wrote {plural(total, 'event')} to {plural(len(files), 'file')} "
                      f"in {out_dir}")


def _write_stdout(env: Env, data: bytes) -> None:
    """Bytes as they are: no newline translation, whatever the stream's encoding."""
    buffer = getattr(env.stdout, "buffer", None)
    if buffer is not None:
        env.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:
        env.stdout.write(data.decode("utf-8"))

