"""A cache of parsed, validated events, so a large event file is not re-parsed on every run.

Parsing TOML is the slowest thing wic does: about 1.5 s for a 10,000-session file,
against under 0.1 s to unpickle the same validated :class:`~wiccli.event.model.Event`.

One entry per event file, under ``user_cache_dir("wic")`` (``$XDG_CACHE_HOME/wic`` on
Linux). An entry is used only when everything that could change the result matches:
the file's resolved path, size, modification and change times and inode, the Python
and wic versions, and the size and modification time of the modules that build the
event (so an edited loader never answers from an old entry). Anything else is a
miss: the file is parsed again and the entry rewritten. Only events that passed
validation are stored, so the cache never hides an error. Entries are written
atomically; an unreadable, corrupt or foreign entry is ignored. Files under 64 KB
skip the cache: they parse faster than an entry loads. Deleting the folder is always
safe, and ``WIC_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import os
import sys
import zlib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from wiccli import __version__
from wiccli.event.model import Event

FORMAT = 1  # bump when the layout of an entry changes
PACKAGE = Path(__file__).resolve().parents[1]
CODE = ("__init__.py", "errors.py", "event/model.py", "event/check.py", "event/clock.py",
        "event/load.py",
        "event/cache.py")
# Smaller files parse faster than the cache answers (the bundled event is 15 KB).
MIN_SIZE = 64 * 1024


def enabled(environ: Mapping[str, str]) -> bool:
    return environ.get("WIC_NO_CACHE", "") in ("", "0")


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("wic", appauthor=False)) / "events"


def file_key(path: Path) -> tuple[Any, ...] | None:
    """What identifies this version of the file, or None when it cannot be stat'ed."""
    try:
        resolved = path.resolve()
        st = resolved.stat()
    except (OSError, RuntimeError):
        return None
    return (FORMAT, str(resolved), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
            __version__, sys.version, _code_key())


def _code_key() -> tuple[tuple[str, int, int], ...]:
    """The modules that turn a file into an Event: edit one and every entry is a miss."""
    found = []
    for name in CODE:
        try:
            st = (PACKAGE / name).stat()
        except OSError:
            continue
        found.append((name, st.st_size, st.st_mtime_ns))
    return tuple(found)


def entry_path(folder: Path, key: tuple[Any, ...]) -> Path:
    return folder / f"{zlib.crc32(key[1].encode('utf-8')):08x}.pickle"


def load_cached(
    path: Path,
    load: Callable[[Path], Event],
    *,
    bundled: bool = False,
    environ: Mapping[str, str] = os.environ,
) -> Event:
    """``load(path)``, answered from the cache when the cached entry is current."""
    key = file_key(path) if enabled(environ) else None
    if key is None or key[2] < MIN_SIZE:
        return load(path)
    entry = entry_path(cache_dir(), key)
    event = read_entry(entry, key)
    if event is None:
        event = load(path)  # raises on an invalid file: nothing is written then
        write_entry(entry, key, event)
    # Where it was read from is not part of the data: say it as this run named it.
    return replace(event, source=str(path), bundled=bundled)


def read_entry(entry: Path, key: tuple[Any, ...]) -> Event | None:
    import pickle

    try:
        with entry.open("rb") as handle:
            if pickle.load(handle) != key:
                return None
            event = pickle.load(handle)
    except Exception:  # missing, unreadable, truncated or from another version: a miss
        return None
    return event if isinstance(event, Event) else None


def write_entry(entry: Path, key: tuple[Any, ...], event: Event) -> None:
    """Write key then event to a temporary file and move it into place; never fail."""
    import pickle

    tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only, like the ledger cache: sessions name their hosts and speakers.
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            pickle.dump(key, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(event, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except Exception:  # a read-only or full disk only costs the next run a parse
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
