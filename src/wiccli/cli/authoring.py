"""Writing the event file: validate, init, diff, schema."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from wiccli.cli.state import State, get_state
from wiccli.env import Env
from wiccli.errors import DataError, UsageError, WicError
from wiccli.event.model import Event
from wiccli.output.render import Column, Format, TableSpec, emit, width, write_json


class CheckFormat(StrEnum):
    table = "table"
    json = "json"


class DiffFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


def _stdin_is_terminal(env: Env) -> bool:
    try:
        return env.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _label(path: Path, env: Env) -> str:
    """How a file is named in messages: as typed, or relative to the current folder."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(env.cwd))
    except ValueError:
        return str(path)


def _resolve(path: Path, env: Env) -> Path:
    return path if path.is_absolute() else env.cwd / path


def _read(state: State, name: str) -> tuple[str, str, Path | None]:
    """(text, label, path) of a file argument; ``-`` is stdin."""
    from wiccli.event.load import read_text

    if name == "-":
        text = state.env.stdin.read()
        if not text.strip():
            raise DataError("<stdin>: the event file is empty")
        return text, "<stdin>", None
    path, label = _resolve(Path(name), state.env), _label(Path(name), state.env)
    try:
        return read_text(path), label, path
    except DataError as exc:  # name the file as the user did
        raise DataError(exc.message.replace(str(path), label, 1)) from None


# --------------------------------------------------------------------------- validate


def validate(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(
        metavar="[PATH|-]",
        help="Event file to check (default: the one wic would load; '-' reads stdin).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
    every: Annotated[bool, typer.Option(
        "--all", help="List every warning on its own line (many alike are grouped).")] = False,
    fmt: Annotated[CheckFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Output format.")] = CheckFormat.table,
) -> None:
    """Check an event file: every error and warning, with its line, and a summary."""
    from wiccli.authoring.validate import check_text, report_lines, report_record

    state = get_state(ctx)
    if path is None:
        default, _ = state.event_path()
        path = str(default)
    text, label, _ = _read(state, path)
    report = check_text(text, label)
    if fmt is CheckFormat.json:
        write_json(state.env, report_record(report, strict))
    else:
        if report.summary is not None:
            _draw_summary(state.env, report.summary)
        for line in report_lines(report, every=every, width=width(state.env)):
            state.env.message(line)
    if not report.passed(strict):
        raise typer.Exit(1)




def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day:%a} {day.day} {day:%b %Y}"


def _draw_summary(env: Env, summary: dict[str, Any]) -> None:
    days = [{**d, "date": _day(d["day"])} for d in summary["days"]]
    emit(env, Format.table, days, TableSpec(
        title=f"Sessions per day ({summary['timezone']})",
        columns=[Column("Day", "number", justify="right"), Column("Date", "date", no_wrap=True),
                 Column("Sessions", "sessions", justify="right"),
                 Column("Sub-forums", "sub_forums", justify="right"),
                 Column("Cancelled", "cancelled", justify="right")],
    ))
    if summary["themes"]:
        emit(env, Format.table, summary["themes"], TableSpec(
            title="Sub-forums per theme",
            columns=[Column("Theme", "id", no_wrap=True), Column("Name", "name"),
                     Column("Sub-forums", "sub_forums", justify="right")],
        ))


# --------------------------------------------------------------------------- init


def _ask(env: Env, label: str, default: str, check: Any) -> Any:
    """Prompt until ``check`` accepts the answer."""
    while True:
        answer = typer.prompt(label, default=default, err=True)
        try:
            return check(answer)
        except UsageError as exc:
            env.message(exc.message)


def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the event file.")] = Path("wic.toml"),
    name: Annotated[str | None, typer.Option("--name", help="The event's name.")] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="YYYY-MM-DD",
                                              help="First day.")] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="YYYY-MM-DD",
                                            help="Last day (default: the first).")] = None,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin.")] = None,
    event_id: Annotated[str | None, typer.Option(
        "--id", help="The event's id (default: from the name).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a new, commented event file to start from."""
    from wiccli.authoring import scaffold
    from wiccli.authoring.validate import check_text
    from wiccli.output.files import write_atomic

    state = get_state(ctx)
    env = state.env
    target = _resolve(path, env)
    if target.is_dir():
        raise DataError(f"{path}: is a folder; give a file name")
    if target.exists() and not force:
        raise DataError(f"{path}: already exists (--force replaces it)")
    plan = _init_plan(env, name, start, end, timezone, event_id)
    text = scaffold.render(plan)
    report = check_text(text, str(path))
    if report.errors:  # the template is tested; this guards an option it did not foresee
        raise WicError(f"{path}: not written: the new file would not validate: "
                       f"{report.errors[0].path}: {report.errors[0].message}")
    write_atomic(target, text.encode("utf-8"))
    _after_init(env, path, plan)


def _init_plan(env: Env, name: str | None, start: str | None, end: str | None,
               timezone: str | None, event_id: str | None) -> Any:
    from wiccli.authoring import scaffold

    first = scaffold.parse_day(start, "--start") if start else None
    last = scaffold.parse_day(end, "--end") if end else None
    if timezone:
        scaffold.check_zone(timezone)
    if event_id:
        scaffold.check_id(event_id)
    if _stdin_is_terminal(env):
        name = name or _ask(env, "Event name", scaffold.DEFAULT_NAME, str)
        event_id = event_id or _ask(env, "Event id", scaffold.slugify(name), scaffold.check_id)
        first = first or _ask(env, "First day (YYYY-MM-DD)", env.now().date().isoformat(),
                              lambda s: scaffold.parse_day(s, "first day"))
        last = last or _ask(env, "Last day", first.isoformat(),
                            lambda s: _not_before(scaffold.parse_day(s, "last day"), first))
        timezone = timezone or _ask(env, "Time zone (IANA)", scaffold.DEFAULT_ZONE,
                                    scaffold.check_zone)
    defaulted = [opt for opt, value in (("--name", name), ("--start", first),
                                        ("--timezone", timezone)) if value is None]
    first = first or env.now().date()
    plan = scaffold.build(name or scaffold.DEFAULT_NAME, event_id, first, last or first,
                          timezone or scaffold.DEFAULT_ZONE)
    if defaulted:
        env.message(f"note: no {', '.join(defaulted)} given: used name {plan.name!r}, "
                    f"start {plan.start}, time zone {plan.timezone}; edit the file to change them")
    return plan


def _not_before(day: date, first: date) -> date:
    if day < first:
        raise UsageError(f"{day} is before the first day, {first}")
    return day


def _after_init(env: Env, path: Path, plan: Any) -> None:
    days = f"{plan.days} day{'s' if plan.days != 1 else ''}"
    env.message(f"wrote {path}: {plan.name!r} ({plan.id}), {plan.start} to {plan.end} "
                f"({days}), {plan.timezone}")
    local = _resolve(path, env) == env.cwd / "wic.toml"
    read = "wic agenda" if local else f"wic -e {path} agenda"
    steps = [(f"wic validate {path}", "check it after each edit"),
             (read, "read it as a programme"),
             ("wic schema > wic.schema.json", "checks while you type (see the file's header)")]
    pad = max(len(command) for command, _ in steps)
    env.message("next:")
    for command, why in steps:
        env.message(f"  {command:<{pad}}  {why}")


# --------------------------------------------------------------------------- diff


def _load(state: State, name: str) -> tuple[Event, str, Path | None]:
    from wiccli.event.check import build_event
    from wiccli.event.load import parse_toml

    text, label, path = _read(state, name)
    return build_event(parse_toml(text, label), source=label), text, path


def diff(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier file ('-': stdin).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The later file ('-': stdin).")],
    fmt: Annotated[DiffFormat, typer.Option(
        "--format", "-f", case_sensitive=False, help="Output format.")] = DiffFormat.table,
    bump: Annotated[bool, typer.Option(
        "--bump", help="Raise the sequence of changed sessions in NEW (asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --bump.")] = False,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Exit with 1 when the files differ, like diff(1).")] = False,
) -> None:
    """What changed between two versions of an event file, and which sequences to raise."""
    from wiccli.authoring.diff import bumps, diff_events

    state = get_state(ctx)
    if old == "-" and new == "-":
        raise UsageError("only one of OLD and NEW can be '-' (stdin)")
    if bump and new == "-":
        raise UsageError("--bump writes NEW: give it as a file, not '-'")
    before, _, _ = _load(state, old)
    after, new_text, new_path = _load(state, new)
    changes = diff_events(before, after)
    plan = bumps(before, after, changes)
    needed = [b for b in plan if b.needed]
    if bump and needed and not yes and not _stdin_is_terminal(state.env):
        raise UsageError("--bump changes NEW: confirm with --yes (stdin is not a terminal)")
    _show_diff(state.env, fmt, changes, plan, before, after, (old, new))
    _report_bumps(state.env, needed, new, bump)
    if any(c.kind == "removed" and c.scope == "session" for c in changes):
        state.env.message("note: calendars that imported an earlier export keep a removed "
                          'session; set status = "cancelled" instead so they show it as cancelled')
    if bump and needed and new_path is not None:
        _do_bump(state.env, new_path, new, new_text, {b.id: b.to for b in needed}, yes)
    if exit_code and changes:
        raise typer.Exit(1)


def _show_diff(env: Env, fmt: DiffFormat, changes: list[Any], plan: list[Any],
               old: Event, new: Event, names: tuple[str, str]) -> None:
    from wiccli.authoring.announce import bump_record, change_record, describe, markdown, title_of
    from wiccli.event.check import load_zone

    zone = load_zone(new.timezone)
    assert zone is not None
    if fmt is DiffFormat.json:
        write_json(env, {
            "old": names[0], "new": names[1], "timezone": new.timezone,
            "differences": bool(changes),
            "changes": [change_record(c, old, new, zone) for c in changes],
            "sequence": [bump_record(b) for b in plan],
        })
    elif not changes:
        env.message(f"no differences between {names[0]} and {names[1]}")
    elif fmt is DiffFormat.markdown:
        env.stdout.write(markdown(changes, old, new, zone))
    else:
        rows = [{"change": c.kind, "what": c.id if c.scope == "session" else c.scope,
                 "title": title_of(c, old, new), "details": describe(c, old, new, zone)}
                for c in changes]
        emit(env, Format.table, rows, TableSpec(
            title=f"{names[0]} → {names[1]} (times in {new.timezone})",
            columns=[Column("Change", "change", no_wrap=True), Column("Id", "what"),
                     Column("Title", "title"), Column("Details", "details")],
        ))


def _report_bumps(env: Env, needed: list[Any], new: str, bump: bool) -> None:
    if not needed:
        return
    listed = ", ".join(f"{b.id} ({b.new} → {b.to})" for b in needed)
    env.message(f"{len(needed)} changed session{'s' if len(needed) != 1 else ''} need a higher "
                f"sequence so calendar apps update them: {listed}")
    if not bump:
        env.message("  `wic diff OLD NEW --bump` writes them into NEW")


def _do_bump(env: Env, path: Path, name: str, text: str, wanted: dict[str, int],
             yes: bool) -> None:
    from wiccli.authoring.diff import bump_text
    from wiccli.event.check import build_event
    from wiccli.event.load import parse_toml, read_text
    from wiccli.output.files import write_atomic

    if not yes and not typer.confirm(f"Raise {len(wanted)} sequence(s) in {name}?", err=True):
        env.message(f"{name} left unchanged")
        raise typer.Exit(1)
    updated = bump_text(text, wanted)
    event = build_event(parse_toml(updated, name), source=name)  # never write a broken file
    if any(event.session(i).sequence != n for i, n in wanted.items()):  # type: ignore[union-attr]
        raise WicError(f"{name}: could not set the sequences; the file is unchanged")
    if read_text(path) != text:
        raise DataError(f"{name}: changed while wic was reading it; run the command again")
    write_atomic(path, updated.encode("utf-8"))
    env.message(f"raised the sequence of {len(wanted)} session{'s' if len(wanted) != 1 else ''} "
                f"in {name}")


# --------------------------------------------------------------------------- schema


def schema(ctx: typer.Context) -> None:
    """Print a JSON Schema of the event file, for editors that check TOML as you type."""
    from wiccli.authoring.schema import event_schema

    write_json(get_state(ctx).env, event_schema())


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(init)
    app.command()(diff)
    app.command()(schema)
