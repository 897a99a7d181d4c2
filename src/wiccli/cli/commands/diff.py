"""``wic diff``: what changed between two versions of an event file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from wiccli.cli.files import read_argument, stdin_is_terminal
from wiccli.cli.listing import Format, FormatOpt, Listing, output
from wiccli.cli.registry import command
from wiccli.cli.state import State, current
from wiccli.env import Env
from wiccli.errors import UsageError
from wiccli.event.model import Event
from wiccli.output.render import Column, TableSpec, draw_table
from wiccli.text import plural


@command()
def diff(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier file ('-': stdin).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The later file ('-': stdin).")],
    fmt: FormatOpt = Format.table,
    bump: Annotated[bool, typer.Option(
        "--bump", help="Raise the sequence of changed sessions in NEW (asks first).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --bump.")] = False,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Exit with 1 when the files differ, like diff(1).")] = False,
) -> None:
    """What changed between two versions of an event file, and which sequences to raise."""
    from wiccli.authoring.diff import bumps, diff_events

    state = current()
    if old == "-" and new == "-":
        raise UsageError("only one of OLD and NEW can be '-' (stdin)")
    if bump and new == "-":
        raise UsageError("--bump writes NEW: give it as a file, not '-'")
    before, _, _ = _load(state, old)
    after, new_text, new_path = _load(state, new)
    changes = diff_events(before, after)
    plan = bumps(before, after, changes)
    needed = [b for b in plan if b.needed]
    if bump and needed and not yes and not stdin_is_terminal(state.env):
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


def _load(state: State, name: str) -> tuple[Event, str, Path | None]:
    from wiccli.event.check import build_event
    from wiccli.event.load import parse_toml

    text, label, path = read_argument(state, name)
    return build_event(parse_toml(text, label), source=label), text, path


def _show_diff(env: Env, fmt: Format, changes: list[Any], plan: list[Any],
               old: Event, new: Event, names: tuple[str, str]) -> None:
    from wiccli.authoring.announce import bump_record, change_record, describe, markdown, title_of
    from wiccli.event.check import load_zone

    zone = load_zone(new.timezone)
    assert zone is not None
    rows = [{"change": c.kind, "what": c.id if c.scope == "session" else c.scope,
             "title": title_of(c, old, new), "details": describe(c, old, new, zone)}
            for c in changes]
    spec = TableSpec(
        title=f"{names[0]} → {names[1]} (times in {new.timezone})",
        columns=[Column("Change", "change", no_wrap=True), Column("Id", "what", role="code"),
                 Column("Title", "title"), Column("Details", "details")],
        fields=("change", "what", "title", "details"),
    )
    document = {
        "old": names[0], "new": names[1], "timezone": new.timezone,
        "differences": bool(changes),
        "changes": [change_record(c, old, new, zone) for c in changes],
        "sequence": [bump_record(b) for b in plan],
    }

    def same() -> None:
        env.message(f"no differences between {names[0]} and {names[1]}")

    def announce() -> None:  # Markdown is the announcement to post, not the table
        if changes:
            env.stdout.write(markdown(changes, old, new, zone))
        else:
            same()

    output(env, fmt, Listing(rows, spec, document=document, views={Format.markdown: announce},
                             view=(lambda: draw_table(env, rows, spec)) if changes else same))


def _report_bumps(env: Env, needed: list[Any], new: str, bump: bool) -> None:
    if not needed:
        return
    listed = ", ".join(f"{b.id} ({b.new} → {b.to})" for b in needed)
    verb = "needs" if len(needed) == 1 else "need"
    env.message(f"{plural(len(needed), 'changed session')} {verb} a higher "
                f"sequence so calendar apps update them: {listed}")
    if not bump:
        env.message("  `wic diff OLD NEW --bump` writes them into NEW")


def _do_bump(env: Env, path: Path, name: str, text: str, wanted: dict[str, int],
             yes: bool) -> None:
    from wiccli.authoring.diff import write_bumps

    if not yes and not typer.confirm(f"Raise {len(wanted)} sequence(s) in {name}?", err=True):
        env.message(f"{name} left unchanged")
        raise typer.Exit(1)
    write_bumps(path, name, text, wanted)
    env.message(f"raised the sequence of {plural(len(wanted), 'session')} "
                f"in {name}")

