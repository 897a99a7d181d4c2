"""``wic init``: write a new, commented event file to start from."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from wiccli.cli.files import resolve, stdin_is_terminal
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.env import Env
from wiccli.errors import DataError, UsageError, WicError
from wiccli.text import plural


@command()
def init(
    path: Annotated[Path, typer.Argument(help="Where to write the event file.")] = Path("wic.toml"),
    name: Annotated[str | None, typer.Option(
        "--name", metavar="NAME", help="The event's name.")] = None,
    start: Annotated[str | None, typer.Option("--start", metavar="YYYY-MM-DD",
                                              help="First day.")] = None,
    end: Annotated[str | None, typer.Option("--end", metavar="YYYY-MM-DD",
                                            help="Last day (default: the first).")] = None,
    timezone: Annotated[str | None, typer.Option(
        "--timezone", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin.")] = None,
    event_id: Annotated[str | None, typer.Option(
        "--id", metavar="ID", help="The event's id (default: from the name).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a new, commented event file to start from."""
    from wiccli.authoring import scaffold
    from wiccli.authoring.validate import check_text
    from wiccli.output.files import write_atomic

    state = current()
    env = state.env
    target = resolve(path, env)
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


def _ask(env: Env, label: str, default: str, check: Any) -> Any:
    """Prompt until ``check`` accepts the answer."""
    while True:
        answer = typer.prompt(label, default=default, err=True)
        try:
            return check(answer)
        except UsageError as exc:
            env.message(exc.message)


def _init_plan(env: Env, name: str | None, start: str | None, end: str | None,
               timezone: str | None, event_id: str | None) -> Any:
    from wiccli.authoring import scaffold

    first = None if start is None else scaffold.parse_day(start, "--start")
    last = None if end is None else scaffold.parse_day(end, "--end")
    if timezone is not None:
        scaffold.check_zone(timezone)
    if event_id is not None:
        scaffold.check_id(event_id)
    if stdin_is_terminal(env):
        name = name or _ask(env, "Event name", scaffold.DEFAULT_NAME, str)
        event_id = event_id or _ask(env, "Event id", scaffold.id_from_name(name), scaffold.check_id)
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
    days = plural(plan.days, "day")
    env.message(f"wrote {path}: {plan.name!r} ({plan.id}), {plan.start} to {plan.end} "
                f"({days}), {plan.timezone}")
    local = resolve(path, env) == env.cwd / "wic.toml"
    read = "wic agenda" if local else f"wic -e {path} agenda"
    steps = [(f"wic validate {path}", "check it after each edit"),
             (read, "read it as a programme"),
             ("wic schema > wic.schema.json", "checks while you type (see the file's header)")]
    pad = max(len(line) for line, _ in steps)
    env.message("next:")
    for line, why in steps:
        env.message(f"  {line:<{pad}}  {why}")

