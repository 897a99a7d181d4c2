"""Writing output files safely: atomically, only inside the folder asked for, and under
names that are safe on every system.

A file is written to a temporary file beside it, flushed to disk and renamed
over the target, so a failure (full disk, Ctrl-C) never leaves half a file. Names made
from ids and titles (one calendar a theme, one page a session, one letter a guest, one
message a guest) come from :func:`unique_file_names`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from wiccli.errors import DataError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_atomic(path: Path, data: bytes, label: str | None = None, *,
                 durable: bool = True, private: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step; on failure the old file is untouched.

    A symbolic link stays a link (the file it points to is replaced); a device or
    a pipe (``/dev/stdout``, ``/dev/null``) is written to, never replaced.
    ``label`` is how messages name the file (what the user typed). ``durable=False``
    skips the flush to disk (still all or nothing for readers): for many files that a
    rerun writes again anyway, where a flush each would cost more than the rest.
    ``private=True``: a new file is readable by its owner only (names, addresses).
    """
    shown = label or str(path)
    if path.is_dir():
        raise DataError(f"{shown}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        _write_stream(path, data, shown)
        return
    try:
        real = path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise DataError(f"{shown}: cannot write: a loop of symbolic links") from None
    if not real.parent.is_dir():
        raise DataError(f"{shown}: cannot write: its folder does not exist")
    temp = None
    try:  # one block: an interrupt between writing and renaming still removes the copy
        temp = temp_beside(real, data, file_mode(real, private), durable=durable)
        os.replace(temp, real)
    except OSError as exc:
        _discard(temp)
        raise DataError(f"{shown}: cannot write: {_reason(exc)}") from None
    except BaseException:
        _discard(temp)
        raise


def temp_beside(path: Path, data: bytes, mode: int, *, durable: bool = True) -> str:
    """A temporary file in ``path``'s folder holding ``data``, flushed to disk (unless
    not ``durable``), with ``mode``: ready to be moved over ``path`` in one step.
    Removed again on failure."""
    import tempfile

    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temp, mode)
    except BaseException:
        _discard(temp)
        raise
    return temp


def _write_stream(path: Path, data: bytes, shown: str) -> None:
    try:
        with path.open("wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise DataError(f"{shown}: cannot write: {_reason(exc)}") from None


def file_mode(path: Path, private: bool = False) -> int:
    """Keep an existing file's mode; a new file gets the usual 0o666 minus the umask
    (0o600 when ``private``)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return (0o600 if private else 0o666) & ~umask


def _discard(temp: str | None) -> None:
    if temp is None:
        return
    try:
        os.unlink(temp)
    except OSError:
        pass


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents owner-only (0700); existing ones are kept."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for part in reversed(missing):
        try:
            part.mkdir(mode=0o700)
        except FileExistsError:  # made at the same moment by another wic
            pass


def prepare_folder(folder: Path, label: str | None = None) -> Path:
    """Create ``folder`` if needed; its resolved path."""
    shown = label or str(folder)
    if folder.exists() and not folder.is_dir():
        raise DataError(f"{shown}: is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{shown}: cannot create the folder: {_reason(exc)}") from None
    return folder.resolve()


def inside(folder: Path, name: str) -> Path:
    """``folder / name``, refusing any name that would land anywhere but directly inside."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise DataError(f"refusing to write {name!r}: not a plain file name")
    target = folder / name
    try:
        outside = target.resolve().parent != folder.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        outside = True
    if outside:
        raise DataError(f"refusing to write {target}: it would land outside {folder}")
    return target


# Windows refuses these as file names, with any extension and in any case.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$", "clock$"}
    | {f"{p}{n}" for p in ("com", "lpt") for n in "0123456789¹²³"}
)
_UNSAFE = re.compile(r"[^a-z0-9_-]+")
MAX_STEM = 80


def safe_file_name(stem: str, suffix: str) -> str:
    """A file name for ``stem`` that is safe on every OS and names a file in one folder.

    Only ``a-z 0-9 _ -`` survive (no separators, dots, drive letters or control
    characters); reserved Windows names get a trailing ``_``; long stems are cut
    and keep a hash of the whole so distinct ids stay distinct.
    """
    text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    name = _UNSAFE.sub("_", text).strip("_-") or "unnamed"
    if len(name) > MAX_STEM:
        digest = hashlib.sha256(stem.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = f"{name[:MAX_STEM - 11].rstrip('_-')}-{digest}"
    if name in _RESERVED:
        name += "_"
    return name + suffix


def unique_file_names(stems: Iterable[str], suffix: str) -> list[str]:
    """Safe names for each stem; names that clash after cleaning get ``-2``, ``-3``…"""
    seen: set[str] = set()
    names = []
    for stem in stems:
        name = safe_file_name(stem, suffix)
        base, n = name[: -len(suffix)], 2
        while name in seen:
            name, n = f"{base}-{n}{suffix}", n + 1
        seen.add(name)
        names.append(name)
    return names
