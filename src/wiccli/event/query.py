"""Pure functions over the model: day resolution, name matching, filters, grouping.

"Today" is passed in, never read from the clock here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from wiccli.errors import NotFoundError, UsageError
from wiccli.event.days import session_days
from wiccli.event.model import SUB_FORUM, Event, Session


def resolve_day(text: str, event: Event, today: date) -> date:
    """``2018-11-08``, a day number of the event (``1``…), ``today`` or ``tomorrow``.

    One rule for ``--day`` in every command: an empty value is a mistake (not "every
    day"), and only ASCII digits count (``²`` passes ``isdigit()`` but is no number).
    """
    value = text.strip().lower()
    days = event.days
    accepted = f"use YYYY-MM-DD, a day number (1–{len(days)}), 'today' or 'tomorrow'"
    if not value:
        raise UsageError(f"--day: the value is empty; {accepted}")
    if value in ("today", "tomorrow"):
        day = today if value == "today" else today + timedelta(days=1)
    elif value.isascii() and value.isdigit() and len(value) <= 3:
        number = int(value)
        if not 1 <= number <= len(days):
            raise UsageError(f"day {number} is not a day of {event.label}: {_days_hint(days)}")
        return days[number - 1]
    else:
        try:
            if not value.isascii():
                raise ValueError(value)
            day = date.fromisoformat(value)
        except ValueError:
            raise UsageError(f"--day: {text!r} is not a date; {accepted}") from None
    if day not in days:
        raise UsageError(f"{day} is not a day of {event.label}: {_days_hint(days)}")
    return day


def _days_hint(days: Sequence[date]) -> str:
    listed = ", ".join(f"{i} = {d.isoformat()}" for i, d in enumerate(days, 1))
    return f"its days are {listed}"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    name: str


def match(value: str, choices: Sequence[Choice], what: str) -> str:
    """The id of the choice ``value`` names: by id, by name (any case) or unique prefix."""
    wanted = value.strip().casefold()
    for choice in choices:
        if wanted in (choice.id.casefold(), choice.name.casefold()):
            return choice.id
    hits = [
        c for c in choices
        if c.id.casefold().startswith(wanted) or c.name.casefold().startswith(wanted)
    ]
    if wanted and len(hits) == 1:
        return hits[0].id
    valid = ", ".join(c.id for c in choices) or "none are defined"
    if len(hits) > 1:
        names = ", ".join(c.id for c in hits)
        raise UsageError(f"{what} {value!r} is ambiguous: it could be {names}")
    raise UsageError(f"unknown {what} {value!r}; choose from: {valid}")


def theme_choices(event: Event) -> list[Choice]:
    return [Choice(t.id, t.name) for t in event.themes]


def venue_choices(event: Event) -> list[Choice]:
    return [Choice(v.id, v.name) for v in event.venues]


def kind_choices(event: Event) -> list[Choice]:
    return [Choice(k, k) for k in event.kinds]


@dataclass(frozen=True, slots=True)
class Filters:
    """What a listing or an export keeps. Empty means "everything"."""

    days: frozenset[date] = frozenset()
    themes: frozenset[str] = frozenset()
    venues: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()


def build_filters(
    event: Event,
    *,
    today: date,
    days: Iterable[str] = (),
    themes: Iterable[str] = (),
    venues: Iterable[str] = (),
    kinds: Iterable[str] = (),
    ids: Iterable[str] = (),
) -> Filters:
    """Turn what the user typed into ids, or raise an error that lists the choices."""
    id_set = frozenset(ids)
    unknown = sorted(i for i in id_set if event.session(i) is None)
    if unknown:
        raise NotFoundError(f"no session with id {', '.join(map(repr, unknown))}; "
                            "`wic agenda -f tsv | cut -f1` lists the ids")
    return Filters(
        days=frozenset(resolve_day(d, event, today) for d in days),
        themes=frozenset(match(t, theme_choices(event), "theme") for t in themes),
        venues=frozenset(match(v, venue_choices(event), "venue") for v in venues),
        kinds=frozenset(match(k, kind_choices(event), "kind") for k in kinds),
        ids=id_set,
    )


def select(event: Event, filters: Filters, zone: tzinfo) -> list[Session]:
    """The sessions that pass every filter, in time order then id; with days, a session
    is kept on each day it runs (event/days.py says which: a night talk is its evening's)."""
    kept = [
        s for s in event.sessions
        if (not filters.days or not filters.days.isdisjoint(session_days(event, s, zone)))
        and (not filters.themes or s.theme in filters.themes)
        and (not filters.venues or s.venue in filters.venues)
        and (not filters.kinds or s.kind in filters.kinds)
        and (not filters.ids or s.id in filters.ids)
    ]
    return sort_sessions(kept)


def sort_sessions(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.start, s.end, s.id))


def sub_forums(sessions: Iterable[Session]) -> list[Session]:
    return [s for s in sessions if s.kind == SUB_FORUM]


def group_by_theme(event: Event, sessions: Iterable[Session]) -> list[tuple[str, list[Session]]]:
    """Sessions grouped under their theme, themes in the file's order."""
    groups: dict[str, list[Session]] = {t.id: [] for t in event.themes}
    for session in sessions:
        groups.setdefault(session.theme or "", []).append(session)
    return [(theme_id, sort_sessions(items)) for theme_id, items in groups.items() if items]


def count_by_kind(event: Event) -> dict[str, int]:
    counts: dict[str, int] = {}
    for session in event.sessions:
        counts[session.kind] = counts.get(session.kind, 0) + 1
    return counts


def forums_per_theme(event: Event) -> dict[str, int]:
    counts = {t.id: 0 for t in event.themes}
    for session in sub_forums(event.sessions):
        if session.theme in counts:
            counts[session.theme] += 1
    return counts
