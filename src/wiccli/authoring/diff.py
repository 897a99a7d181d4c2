"""What changed between two versions of an event, and which sequences to raise.

Pure: two :class:`Event` objects in, a list of :class:`Difference` out. Sessions are
matched by id. A session whose calendar entry would look different (time,
venue, title, status, description, people, url, its venue's or theme's name…)
needs a higher ``sequence`` in the new file, or calendar apps keep the old copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiccli.errors import DataError, WicError
from wiccli.event.model import Event, Session

# Difference kinds, in the order they are reported.
ADDED, REMOVED, CANCELLED, RESTORED = "added", "removed", "cancelled", "restored"
MOVED, VENUE, RENAMED, STATUS, CHANGED = "moved", "venue", "renamed", "status", "changed"
KINDS = (ADDED, REMOVED, CANCELLED, RESTORED, MOVED, VENUE, RENAMED, STATUS, CHANGED)

# Session fields compared one by one (time, venue, title and status have kinds of their own).
OTHER_FIELDS = ("theme", "kind", "description", "hosts", "speakers", "url", "provisional")
VENUE_FIELDS = ("name", "address", "lat", "lon", "capacity")
EVENT_FIELDS = ("id", "name", "short_name", "tagline", "timezone", "start", "end", "location",
                "organizers", "url")


@dataclass(frozen=True, slots=True)
class Difference:
    scope: str  # "session", "theme", "venue" or "event"
    id: str
    kind: str
    field: str | None = None
    old: Any = None
    new: Any = None


@dataclass(frozen=True, slots=True)
class Bump:
    id: str
    old: int  # the sequence in the old file
    new: int  # the sequence in the new file
    to: int  # the sequence the new file should have

    @property
    def needed(self) -> bool:
        return self.new < self.to


def diff_events(old: Event, new: Event) -> list[Difference]:
    """Every difference, sessions first (by kind, then in the new file's order)."""
    changes: list[Difference] = []
    before = {s.id: s for s in old.sessions}
    after = {s.id: s for s in new.sessions}
    for session in new.sessions:
        if session.id not in before:
            changes.append(Difference("session", session.id, ADDED, new=session))
    for session in old.sessions:
        if session.id not in after:
            changes.append(Difference("session", session.id, REMOVED, old=session))
    for session in new.sessions:
        if session.id in before:
            changes += session_changes(before[session.id], session)
    changes.sort(key=lambda c: KINDS.index(c.kind))
    return changes + _catalogue(old, new) + _event_changes(old, new)


def session_changes(a: Session, b: Session) -> list[Difference]:
    found: list[Difference] = []

    def add(kind: str, field: str, old: Any, new: Any) -> None:
        found.append(Difference("session", b.id, kind, field, old, new))

    if a.status != b.status:
        kind = CANCELLED if b.cancelled else RESTORED if a.cancelled else STATUS
        add(kind, "status", a.status, b.status)
    if (a.start, a.end) != (b.start, b.end):
        add(MOVED, "time", (a.start, a.end), (b.start, b.end))
    if a.venue != b.venue:
        add(VENUE, "venue", a.venue, b.venue)
    if a.title != b.title:
        add(RENAMED, "title", a.title, b.title)
    for name in OTHER_FIELDS:
        if getattr(a, name) != getattr(b, name):
            add(CHANGED, name, getattr(a, name), getattr(b, name))
    return found


def _catalogue(old: Event, new: Event) -> list[Difference]:
    """Themes and venues added, removed or changed."""
    found: list[Difference] = []
    for scope, fields, before, after in (
        ("theme", ("name", "description"), old.themes, new.themes),
        ("venue", VENUE_FIELDS, old.venues, new.venues),
    ):
        was = {item.id: item for item in before}
        now = {item.id: item for item in after}
        found += [Difference(scope, i, ADDED, new=now[i].name) for i in now if i not in was]
        found += [Difference(scope, i, REMOVED, old=was[i].name) for i in was if i not in now]
        for i in now.keys() & was.keys():
            found += [
                Difference(scope, i, RENAMED if f == "name" else CHANGED, f,
                       getattr(was[i], f), getattr(now[i], f))
                for f in fields if getattr(was[i], f) != getattr(now[i], f)
            ]
    return sorted(found, key=lambda c: (c.scope, KINDS.index(c.kind), c.id))


def _event_changes(old: Event, new: Event) -> list[Difference]:
    return [
        Difference("event", new.id, CHANGED, f, getattr(old, f), getattr(new, f))
        for f in EVENT_FIELDS if getattr(old, f) != getattr(new, f)
    ]


def _shown_differently(old: Event, new: Event, a: Session, b: Session) -> bool:
    """Whether the calendar entry of a session differs beyond its own fields."""
    was_venue, venue = old.venue(a.venue), new.venue(b.venue)
    if venue is not None and was_venue is not None and any(
        getattr(was_venue, f) != getattr(venue, f) for f in VENUE_FIELDS
    ):
        return True
    was_theme, theme = old.theme(a.theme), new.theme(b.theme)
    if theme is not None and was_theme is not None and was_theme.name != theme.name:
        return True
    # Without a venue or a url of its own, a session shows the event's.
    return (venue is None and old.location != new.location) or (
        b.url is None and old.url != new.url
    )


def bumps(old: Event, new: Event, changes: list[Difference]) -> list[Bump]:
    """Sessions in both files whose calendar entry changed, in the new file's order.

    ``needed`` is true when the new sequence is not already above the old one.
    """
    changed = {c.id for c in changes if c.scope == "session"}
    before = {s.id: s for s in old.sessions}
    result = []
    for b in new.sessions:
        a = before.get(b.id)
        if a is None:
            continue
        if b.id in changed or _shown_differently(old, new, a, b):
            result.append(Bump(b.id, a.sequence, b.sequence, max(b.sequence, a.sequence + 1)))
    return result


def bump_text(text: str, wanted: dict[str, int]) -> str:
    """``text`` with ``sequence = N`` set for each session id in ``wanted``.

    Only the sequence values change: comments, order, layout and line ends stay as they
    are. A ``[[sessions]]`` table without a sequence gets one on a line of its own after
    its last key, before any comments that close it. The edit is made on the text, at
    the places :class:`KeyLocator` finds; sessions written as inline tables, which it
    does not index, are left to tomlkit.
    """
    import tomllib

    from wiccli.authoring.keys import KeyLocator

    sessions = tomllib.loads(text).get("sessions", [])
    locator = KeyLocator(text)
    edits: list[tuple[int, int, str]] = []
    rest: dict[str, int] = {}
    for index, table in enumerate(sessions if isinstance(sessions, list) else []):
        session_id = table.get("id") if isinstance(table, dict) else None
        if not isinstance(session_id, str) or session_id not in wanted:
            continue
        edit = _sequence_edit(text, locator, f"sessions[{index}]", "sequence" in table,
                              wanted[session_id])
        if edit is None:
            rest[session_id] = wanted[session_id]
        else:
            edits.append(edit)
    for begin, end, replacement in sorted(edits, reverse=True):  # from the end: offsets hold
        text = text[:begin] + replacement + text[end:]
    return _bump_inline(text, rest) if rest else text


# A TOML integer, then only blanks and a comment on its line.
_INTEGER_RE = re.compile(r"[ \t]*([+-]?(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|[0-9_]+))"
                         r"(?=[ \t]*(?:#|\r?\n|$))")


def _sequence_edit(text: str, locator: Any, table: str, has_sequence: bool,
                   value: int) -> tuple[int, int, str] | None:
    """The (start, end, new text) that sets the sequence of ``table``; None if not found."""
    if has_sequence:
        offset = locator.value_offset(f"{table}.sequence")
        number = None if offset is None else _INTEGER_RE.match(text, offset)
        return None if number is None else (number.start(1), number.end(1), str(value))
    end = locator.table_end(table)
    if end is None:
        return None
    line_end = text.find("\n", end)
    key = locator.value_offset(f"{table}.id")
    line_start = text.rfind("\n", 0, key) + 1 if key is not None else end
    indent = re.match(r"[ \t]*", text[line_start:]).group()  # type: ignore[union-attr]
    if line_end < 0:  # the table's last line is the file's last, with no line end
        newline = "\r\n" if "\r\n" in text else "\n"
        return len(text), len(text), f"{newline}{indent}sequence = {value}"
    newline = "\r\n" if text[line_end - 1:line_end] == "\r" else "\n"
    return line_end + 1, line_end + 1, f"{indent}sequence = {value}{newline}"


def _bump_inline(text: str, wanted: dict[str, int]) -> str:
    """Sessions written as inline tables, through tomlkit's public API."""
    import tomlkit

    doc = tomlkit.parse(text)
    for table in doc.get("sessions", []):
        if table.get("id") in wanted:
            table["sequence"] = wanted[table["id"]]
    return tomlkit.dumps(doc)


def write_bumps(path: Path, label: str, text: str, wanted: dict[str, int]) -> None:
    """Raise the sequences in the file ``text`` was read from, in one atomic write.

    Nothing is written when the result would not load, or when the file changed since
    ``text`` was read from it.
    """
    from wiccli.event.check import build_event
    from wiccli.event.load import parse_toml, read_text
    from wiccli.output.files import write_atomic

    updated = bump_text(text, wanted)
    event = build_event(parse_toml(updated, label), source=label)  # never write a broken file
    if any(getattr(event.session(i), "sequence", None) != n for i, n in wanted.items()):
        raise WicError(f"{label}: could not set the sequences; the file is unchanged")
    if read_text(path) != text:
        raise DataError(f"{label}: changed while wic was reading it; run the command again")
    write_atomic(path, updated.encode("utf-8"))
