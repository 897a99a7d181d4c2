"""``wic export-ics``: the agenda as an iCalendar file calendar apps import and update."""

from __future__ import annotations

from enum import StrEnum
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
from wiccli.cli.state import current
from wiccli.env import Env
from wiccli.errors import UsageError
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
    from wiccli.publish.calendars import Request, export

    env = state.env
    request = Request(sessions, filters, output, split.value if split else None, out_dir,
                      alarm, name)
    report = export(state.event(), request, zone=state.zone(), cwd=env.cwd,
                    environ=env.environ, now=env.now)
    if report.data is not None:
        _write_stdout(env, report.data)
    files = f"{plural(len(report.files), 'file')} in " if split is not None else ""
    env.message(f"wrote {plural(report.events, 'event')} to {files}{report.where}")


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


def _write_stdout(env: Env, data: bytes) -> None:
    """Bytes as they are: no newline translation, whatever the stream's encoding."""
    buffer = getattr(env.stdout, "buffer", None)
    if buffer is not None:
        env.stdout.flush()
        buffer.write(data)
        buffer.flush()
    else:
        env.stdout.write(data.decode("utf-8"))

