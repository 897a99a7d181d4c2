"""Options shared by several commands, with shell completion from the loaded event."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.state import State
from wiccli.errors import UsageError
from wiccli.event.model import Session
from wiccli.event.query import Filters, build_filters, select


def _complete(kind: str, incomplete: str) -> list[tuple[str, str]]:
    """Completion candidates from the event the user would load; quiet on any problem."""
    try:
        from wiccli.cli.state import State
        from wiccli.event.query import kind_choices, theme_choices, venue_choices

        event = State().event()
        choices = {"theme": theme_choices, "venue": venue_choices, "kind": kind_choices}[kind]
        return [(c.id, c.name) for c in choices(event) if c.id.startswith(incomplete)]
    except Exception:  # completion must never crash the shell
        return []


def _complete_theme(incomplete: str) -> list[tuple[str, str]]:
    return _complete("theme", incomplete)


def _complete_venue(incomplete: str) -> list[tuple[str, str]]:
    return _complete("venue", incomplete)


def _complete_kind(incomplete: str) -> list[tuple[str, str]]:
    return _complete("kind", incomplete)


def _complete_day(incomplete: str) -> list[str]:
    try:
        from wiccli.cli.state import State

        days = [d.isoformat() for d in State().event().days]
        return [d for d in [*days, "today", "tomorrow"] if d.startswith(incomplete)]
    except Exception:  # completion must never crash the shell
        return []


DayOpt = Annotated[
    str | None,
    typer.Option("--day", "-d", metavar="DAY",
                 help="A date (2018-11-08), day number (1, 2…), today or tomorrow.",
                 autocompletion=_complete_day),
]
DaysOpt = Annotated[
    list[str] | None,
    typer.Option("--day", "-d", metavar="DAY",
                 help="A date (2018-11-08), day number (1, 2…), today or tomorrow.",
                 autocompletion=_complete_day),
]
ThemesOpt = Annotated[
    list[str] | None,
    typer.Option("--theme", "-t", metavar="THEME",
                 help="Theme id, name or unique prefix (repeatable).",
                 autocompletion=_complete_theme),
]
VenuesOpt = Annotated[
    list[str] | None,
    typer.Option("--venue", metavar="VENUE",
                 help="Venue id, name or unique prefix (repeatable).",
                 autocompletion=_complete_venue),
]
KindsOpt = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", metavar="KIND",
                 help="Session kind: ceremony, plenary, sub-forum… (repeatable).",
                 autocompletion=_complete_kind),
]
TzOpt = Annotated[
    str | None,
    typer.Option("--tz", metavar="ZONE",
                 help="Show times in this IANA time zone instead of the event's."),
]
OutputOpt = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="PATH|-",
                 help="Write to PATH, replacing it in one step (default: stdout; '-' is stdout)."),
]
SessionsOpt = Annotated[
    list[str] | None,
    typer.Option("--session", "-s", metavar="ID", help="Only this session (repeatable)."),
]
PickOpt = Annotated[
    Path | None,
    typer.Option("--pick", metavar="FILE",
                 help="Only the session ids listed in FILE, one a line, # comments allowed."),
]


def select_sessions(
    state: State,
    *,
    days: list[str] | None = None,
    themes: list[str] | None = None,
    venues: list[str] | None = None,
    kinds: list[str] | None = None,
    sessions: list[str] | None = None,
    pick: Path | None = None,
) -> tuple[Filters, list[Session]]:
    """The filters the user typed, and the sessions they keep (time order, then id).

    Shared by ``export-ics`` and ``export-frab`` so both select exactly alike.
    """
    from wiccli.event.picks import read_pick_file

    event = state.event()
    ids = list(sessions or [])
    if pick is not None:
        ids += read_pick_file(pick)
        if not ids:
            raise UsageError(f"{pick}: lists no session ids")
    filters = build_filters(event, today=state.today(), days=days or [], themes=themes or [],
                            venues=venues or [], kinds=kinds or [], ids=ids)
    return filters, select(event, filters, state.zone())
