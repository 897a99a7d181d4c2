"""A cache of parsed, validated events, so a large event file is not re-parsed on every run.

Parsing TOML is the slowest thing wic does: about 1.5 s for a 10,000-session file,
against a small fraction of that to read the same validated event back as JSON.

Safe to read whoever wrote it: an entry is JSON, decoded field by field into the
frozen model (nothing in it can run code), named and keyed by a hash of the event
file's bytes together with the wic and Python versions and the source of the modules
that build the event, so an edited file (even rewritten in the same second with the
same size) or an edited loader is a miss. The folder
(``user_cache_dir("wic")/events``) is created 0700 and not used at all unless it is
a real folder owned by the user and writable by no one else. Entries are opened with
``O_NOFOLLOW`` and ``O_NONBLOCK`` and used only if they are regular files owned by
the user (a FIFO or a link planted there is a miss, never a hang); they are written
to a new temporary file (``O_EXCL``, 0600) and moved into place. An entry that is
wrong in any way is a miss: the file is parsed again. Only events that passed
validation are stored, so the cache never hides an error. Files under 64 KB skip the
cache; ``WIC_NO_CACHE=1`` turns it off; deleting the folder is always safe.

An entry is a header line (the key, the event without its sessions, where each segment
is and the first start and last end in it) and then the sessions in segments, one JSON
array each: one for each day of the event (the sessions on that day alone, in time
order) and one of the sessions on more than one day. A day's view (``agenda --day 2``)
reads the header and only the segments that can overlap that day (:func:`load_cached`
with ``window``), not the rest.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from wiccli import __version__
from wiccli.errors import WicError
from wiccli.event import guestfields, profiles
from wiccli.event.model import (
    STATUSES,
    Category,
    Checks,
    Day,
    Event,
    Invitations,
    Organizer,
    Session,
    Theme,
    TravelTime,
    Venue,
)
from wiccli.output.files import make_private_folder, open_regular

FORMAT = 9  # bump when the layout of an entry changes
PACKAGE = Path(__file__).resolve().parents[1]
CODE = ("__init__.py", "errors.py", "event/model.py", "event/check.py", "event/fields.py",
        "event/load.py", "event/clock.py", "event/checklevels.py", "event/tomltime.py",
        "event/values.py", "event/cache.py", "event/days.py", "event/langtag.py", "headers.py",
        "event/guestfields.py", "event/profiles.py",
        "limits.py", "output/files.py")
# Smaller files parse faster than the cache answers (the bundled event is 15 KB).
MIN_SIZE = 64 * 1024
MAX_ENTRY = 512 * 1024 * 1024
KEEP = 8  # entries kept: the most recently written; older ones go when a new one is written


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("WIC_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("wic", appauthor=False)) / "events"


def entry_key(data: bytes) -> str:
    """What this version of the file, read by this wic, is called in the cache."""
    try:  # hashlib would load OpenSSL first: tens of milliseconds on every run
        from _blake2 import blake2b
    except ImportError:  # another Python than CPython
        from hashlib import blake2b
    digest = blake2b(data, digest_size=32)
    for part in (str(FORMAT), __version__, sys.version):
        digest.update(b"\0" + part.encode())
    for name in CODE:  # an edited loader never answers from an old entry
        try:
            digest.update(b"\0" + (PACKAGE / name).read_bytes())
        except OSError:
            digest.update(b"\0-")
    return digest.hexdigest()


Window = Callable[[Event], "tuple[datetime, datetime] | None"]


def load_cached(
    path: Path,
    load: Callable[[Path], Event],
    *,
    bundled: bool = False,
    environ: Mapping[str, str] = os.environ,
    window: Window | None = None,
) -> Event:
    """``load(path)``, answered from the cache when it holds this file's event.

    ``window`` picks, from the event without its sessions, the time a command shows (or
    None: all of it); the event answered from the cache then has only the sessions of
    the segments that may overlap it, in the file's order. (A miss parses the file and
    answers with every session.)"""
    folder = cache_dir() if enabled(environ) else None
    data = _read_source(path) if folder is not None else None
    if folder is None or data is None or len(data) < MIN_SIZE or not usable_folder(folder):
        return load(path)
    key = entry_key(data)
    entry = folder / f"{key}.json"
    event = read_entry(entry, key, window)
    if event is None:
        event = load(path)  # raises on an invalid file: nothing is written then
        write_entry(entry, key, event)
    # Where it was read from is not part of the data: say it as this run named it.
    return replace(event, source=str(path), bundled=bundled)


def _read_source(path: Path) -> bytes | None:
    from wiccli.errors import DataError

    try:  # a pipe or a device is not read here: the loader refuses it with its error
        with open_regular(path, "event file") as handle:
            if os.fstat(handle.fileno()).st_size < MIN_SIZE:
                return None
            return handle.read()
    except (OSError, DataError):
        return None


def usable_folder(folder: Path) -> bool:
    """The cache folder, created owner-only if missing; False when it is not a folder
    of this user's that no one else may write to (then the cache is not used)."""
    try:
        if not folder.exists():
            make_private_folder(folder)
        info = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
            and not info.st_mode & 0o022)



def read_entry(entry: Path, key: str, window: Window | None = None) -> Event | None:
    """The event in ``entry`` if it is a regular file of this user's holding ``key``'s
    event (with ``window``: the segments that may overlap it); None (a miss) otherwise."""
    import json

    try:
        fd = os.open(entry, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or \
                info.st_size > MAX_ENTRY:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            line = handle.readline(MAX_ENTRY)
            found = json.loads(line)
            if not isinstance(found, dict) or found.get("key") != key:
                return None
            head = decode(found["event"])
            segments = _segments(found["segments"], info.st_size - len(line))
            wanted = window(head) if window is not None else None
            chosen = [s for s in segments if wanted is None or _overlaps(s, *wanted)]
            rows = _rows(handle, len(line), chosen, whole=wanted is None)
        return replace(head, sessions=tuple(_session(r) for r in rows))
    except WicError:  # the window's own error (a day the event does not have)
        raise
    except Exception:  # truncated, foreign, from another version: a miss
        return None
    finally:
        os.close(fd)


EARLIEST, LATEST = datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 12, 30, tzinfo=UTC)


def day_window(event: Event, day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """Instants that hold every session on ``day`` as event/days.py assigns them: from
    the first moment of the day to the first of the next. Listed days: the day's start
    to the next one's (a moment between two days is the day before's; before the first
    day, or after the last, anything may be theirs). Days by ``day_starts``: its start
    on the date and the next, the earlier and the later of a wall time that occurs
    twice, or not at all, on a day the clocks change."""
    if event.day_list:
        listed = list(event.day_list)
        place = next((i for i, d in enumerate(listed) if d.date == day), None)
        if place is None:
            return EARLIEST, LATEST
        return (listed[place].start if place else EARLIEST,
                listed[place + 1].start if place + 1 < len(listed) else LATEST)

    def at(on: date) -> list[datetime]:
        return [datetime.combine(on, event.day_starts.replace(fold=f), zone) for f in (0, 1)]

    return min(at(day)), max(at(day + timedelta(days=1)))


def _segments(found: Any, size: int) -> list[list[Any]]:
    """The segments' [offset, length, first start, last end] (times as POSIX seconds)."""
    if not isinstance(found, list):
        raise ValueError("not an entry this wic wrote")
    segments = [_row(s, (int, int, (int, float), (int, float))) for s in found]
    if sum(s[1] for s in segments) != size:
        raise ValueError("not an entry this wic wrote")
    return segments


def _overlaps(segment: list[Any], start: datetime, end: datetime) -> bool:
    return bool(segment[2] < end.timestamp() and segment[3] > start.timestamp())


def _rows(handle: Any, base: int, segments: list[list[Any]], *, whole: bool) -> list[Any]:
    """The session rows of ``segments``, in the file's order (each row ends with its
    place there); ``whole``: every place exactly once."""
    import json

    rows: list[Any] = []
    for offset, length, _, _ in segments:
        handle.seek(base + offset)
        rows += json.loads(handle.read(length))
    rows.sort(key=lambda r: r[-1])
    if whole and [r[-1] for r in rows] != list(range(len(rows))):
        raise ValueError("not an entry this wic wrote")
    return rows


def write_entry(entry: Path, key: str, event: Event) -> None:
    """Write the entry to a new temporary file and move it into place; never fail."""
    import secrets

    tmp = entry.with_name(f".{entry.name}.{secrets.token_hex(8)}.tmp")
    try:
        data = encode_entry(key, event)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, entry)
        _prune(entry.parent)
    except Exception:  # a read-only or full disk only costs the next run a parse
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def encode_entry(key: str, event: Event) -> bytes:
    """The header line, then the segments of :func:`segment` one after the other."""
    import json

    def dump(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    blobs, places, offset = [], [], 0
    for sessions in segment(event):
        blob = dump([[*_session_row(s), i] for i, s in sessions])
        places.append([offset, len(blob), min(s.start for _, s in sessions).timestamp(),
                       max(s.end for _, s in sessions).timestamp()])
        blobs.append(blob)
        offset += len(blob)
    head = dump({"key": key, "event": encode(replace(event, sessions=())),
                 "segments": places})
    return head + b"\n" + b"".join(blobs)


def segment(event: Event) -> list[list[tuple[int, Session]]]:
    """The sessions (with their places in the file) by the day of the event they are on
    (event/days.py, in the event's zone: a night talk is its evening's), in time order,
    then those on more than one day."""
    from zoneinfo import ZoneInfo

    from wiccli.event.days import session_days

    zone = ZoneInfo(event.timezone)
    days: dict[date, list[tuple[int, Session]]] = {}
    spanning: list[tuple[int, Session]] = []
    for place, s in enumerate(event.sessions):
        on = session_days(event, s, zone)
        (days.setdefault(on[0], []) if len(on) == 1 else spanning).append((place, s))
    groups = [days[d] for d in sorted(days)] + ([spanning] if spanning else [])
    return [sorted(g, key=lambda p: (p[1].start, p[1].end, p[1].id)) for g in groups]


def _prune(folder: Path) -> None:
    """Keep the most recently written entries (an edited file leaves its old one)."""
    found = []
    for path in folder.glob("*.json"):
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            found.append((info.st_mtime_ns, path))
    for _, old in sorted(found, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the codec


# --------------------------------------------------------------------------- the codec


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without its offset")
    return moment


def encode(event: Event) -> dict[str, Any]:
    """The event as plain JSON data (sessions as rows: a big event is mostly sessions)."""
    inv = event.invitations
    return {
        "event": [event.id, event.name, event.timezone, event.start.isoformat(),
                  event.end.isoformat(), event.short_name, event.tagline, event.location,
                  list(event.organizers), event.url, _moment(event.updated),
                  event.day_starts.isoformat(), event.language],
        "days": [[d.date.isoformat(), d.start.isoformat(), d.end.isoformat()]
                 for d in event.day_list],
        "themes": [[t.id, t.name, t.description] for t in event.themes],
        "venues": [[v.id, v.name, v.address, v.lat, v.lon, v.capacity] for v in event.venues],
        "sessions": [_session_row(s) for s in event.sessions],
        "invitations": [inv.target, inv.ledger,
                        [[c.id, c.name, c.target, c.colour, list(c.zones)]
                         for c in inv.categories],
                        None if inv.organizer is None
                        else [inv.organizer.name, inv.organizer.email],
                        inv.reply_to, inv.templates, inv.authserv_id,
                        guestfields.encode(inv.fields)],
        "checks": [[list(pair) for pair in event.checks.levels], event.checks.travel_minutes,
                   [[*t.venues, t.minutes] for t in event.checks.travel]],
        "exports": profiles.encode(event.exports),
    }


def _session_row(s: Session) -> list[Any]:
    return [s.id, s.title, s.kind, s.start.isoformat(), s.end.isoformat(), s.theme, s.venue,
            s.status, s.provisional, s.description, list(s.hosts), list(s.speakers), s.url,
            s.sequence, s.guid, s.frab_id, s.expected, s.language]


N = type(None)
# The type of each value in an entry's rows: an entry that differs anywhere is a miss.
EVENT_TYPES = (str, str, str, str, str, str, str, str, list, (str, N), (str, N), str, (str, N))
DAY_TYPES = (str, str, str)
THEME_TYPES = (str, str, str)
VENUE_TYPES = (str, str, str, (float, int, N), (float, int, N), (int, N))
SESSION_TYPES = (str, str, str, str, str, (str, N), (str, N), str, bool, str, list, list,
                 (str, N), int, (str, N), (int, N), (int, N), (str, N))
CHECKS_TYPES = (list, int, list)
LEVEL_TYPES = (str, str)
TRAVEL_TYPES = (str, str, int)
SEGMENT_TYPES = (*SESSION_TYPES, int)  # a row of a segment ends with its place in the file
CATEGORY_TYPES = (str, str, (int, N), (str, N), list)
INVITATION_TYPES = ((int, N), (str, N), list, (list, N), (str, N), (str, N), (str, N), list)


def _row(row: Any, types: tuple[Any, ...]) -> list[Any]:
    if not isinstance(row, list) or len(row) != len(types) or \
            not all(isinstance(v, t) for v, t in zip(row, types, strict=True)):
        raise ValueError("not an entry this wic wrote")
    return row


def _texts(values: list[Any]) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in values):
        raise ValueError("not an entry this wic wrote")
    return tuple(values)


def _session(row: list[Any]) -> Session:
    """A session from its row in an entry's segment (its place in the file last)."""
    (sid, title, kind, start, end, theme, venue, status, provisional, description, hosts,
     speakers, url, sequence, guid, frab_id, expected, language, _) = _row(row, SEGMENT_TYPES)
    if status not in STATUSES:
        raise ValueError("not an entry this wic wrote")
    return Session(sid, title, kind, _when(start), _when(end), theme, venue,  # type: ignore[arg-type]
                   status, provisional, description, _texts(hosts), _texts(speakers), url,
                   sequence, guid, frab_id, expected, language)


def _checks(row: list[Any]) -> Checks:
    levels, minutes, travel = _row(row, CHECKS_TYPES)
    pairs = [_row(t, TRAVEL_TYPES) for t in travel]
    return Checks(tuple((code, level) for code, level in (_row(x, LEVEL_TYPES) for x in levels)),
                  minutes, tuple(TravelTime((a, b), n) for a, b, n in pairs))


def _category(row: list[Any]) -> Category:
    cid, name, target, colour, zones = _row(row, CATEGORY_TYPES)
    return Category(cid, name, target, colour, _texts(zones))


def decode(data: dict[str, Any]) -> Event:
    """The event :func:`encode` wrote; raises on anything else."""
    (eid, name, timezone, start, end, short_name, tagline, location, organizers, url,
     updated, day_starts, language) = _row(data["event"], EVENT_TYPES)
    target, ledger, categories, organizer, reply_to, templates, authserv_id, fields = _row(
        data["invitations"], INVITATION_TYPES)
    return Event(
        eid, name, timezone, date.fromisoformat(start), date.fromisoformat(end), short_name,
        tagline, location, _texts(organizers), url, _when(updated),
        tuple(Theme(*_row(t, THEME_TYPES)) for t in data["themes"]),
        tuple(Venue(*_row(v, VENUE_TYPES)) for v in data["venues"]),
        tuple(_session([*s, 0]) for s in data["sessions"]),
        Invitations(target, ledger, tuple(_category(c) for c in categories),
                    None if organizer is None else Organizer(*_texts(organizer)), reply_to,
                    templates, authserv_id, guestfields.decode(fields)),
        _checks(data["checks"]),
        time.fromisoformat(day_starts),
        tuple(_day(d) for d in data["days"]),
        language,
        exports=profiles.decode(data["exports"]),
    )


def _day(row: list[Any]) -> Day:
    day, start, end = _row(row, DAY_TYPES)
    return Day(date.fromisoformat(day), _when(start), _when(end))  # type: ignore[arg-type]
