"""Users' files, safely: read only when they are regular files, written atomically and
only inside the folder asked for, under names that are safe on every system.

A file is written to a temporary file beside it, flushed to disk and renamed
over the target, so a failure (full disk, Ctrl-C) never leaves half a file.
Every file wic reads for a user (event, ledger, mailbox, CSV, schedule, picks) is
opened by :func:`open_regular`, which refuses a named pipe, a socket, a device or a
folder before reading a byte: a pipe with no writer would block forever, a device
never ends. Names made from ids and titles (one calendar a theme, one page a session,
one letter a guest, one message a guest) come from :func:`unique_file_names`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from wiccli.errors import DataError
from wiccli.limits import PIPE_READER_WAIT

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def article(what: str) -> str:
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def kind_of(mode: int) -> str:
    """What a file that is not a regular one is, for messages: ``a named pipe (FIFO)``."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def open_regular(path: Path, what: str, label: str | None = None) -> BinaryIO:
    """``path`` opened to read, if it is a regular file (a symbolic link to one is fine);
    anything else is one DataError naming it (``label``: as the user typed it).

    The check is made on the opened descriptor, so the file cannot be swapped between
    the check and the read; the open itself does not wait (``O_NONBLOCK``) for the writer
    a named pipe would need.
    """
    shown = label or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise DataError(f"{shown}: no such {what}") from None
    except PermissionError:
        raise DataError(f"{shown}: permission denied") from None
    except OSError as exc:  # a socket cannot be opened at all (ENXIO): say what it is
        raise DataError(f"{shown}: {_unopened(path, exc, what)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise DataError(f"{shown}: is {kind_of(mode)}, not {article(what)}")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _unopened(path: Path, exc: OSError, what: str) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return f"cannot read: {_reason(exc)}"
    if stat.S_ISREG(mode):
        return f"cannot read: {_reason(exc)}"
    return f"is {kind_of(mode)}, not {article(what)}"


def write_atomic(path: Path, data: bytes, label: str | None = None, *,
                 durable: bool = True, private: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step; on failure the old file is untouched.

    A symbolic link stays a link (the file it points to is replaced); a character device
    or a pipe that is being read (``/dev/stdout``, ``/dev/null``, ``>(gzip > x)``) is
    written to, never replaced; a named pipe that no one reads, a socket or a disk is
    refused at once (see :func:`_write_stream`).
    ``label`` is how messages name the file (what the user typed). ``durable=False``
    skips the flush to disk (still all or nothing for readers): for many files that a
    rerun writes again anyway, where a flush each would cost more than the rest.
    ``private=True``: a new file is readable by its owner only (names, addresses).
    """
    shown = label or str(path)
    real = writable(path, shown)
    if real is None:
        _write_stream(path, data, shown)
        return
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


def writable(path: Path, label: str | None = None) -> Path | None:
    """The file ``write_atomic`` would replace (a link's target), or None for a device or
    pipe it writes to; refused as it would be, so slow work can be checked for first."""
    shown = label or str(path)
    if path.is_dir():
        raise DataError(f"{shown}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        return None
    try:
        real = path.resolve() if path.is_symlink() else path
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise DataError(f"{shown}: cannot write: a loop of symbolic links") from None
    if not real.parent.is_dir():
        raise DataError(f"{shown}: cannot write: its folder does not exist")
    return real


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
    """Write to a pipe or a character device in place (see :func:`open_stream`)."""
    stream = open_stream(path, shown)
    try:
        with stream:
            stream.write(data)
    except OSError as exc:
        raise DataError(f"{shown}: cannot write: {_reason(exc)}") from None


def open_stream(path: Path, label: str | None = None) -> BinaryIO:
    """A named pipe or a character device opened to write. The open does not wait: a
    named pipe with no reader fails at once (ENXIO) instead of hanging, as does a socket;
    a command can open it before slow work and write to it after."""
    shown = label or str(path)
    try:
        fd = _open_for_writing(path)
    except OSError as exc:
        raise DataError(f"{shown}: cannot write: {_unwritable(path, exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise DataError(f"{shown}: cannot write: is {kind_of(mode)}, not a file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")
    except OSError as exc:
        os.close(fd)
        raise DataError(f"{shown}: cannot write: {_reason(exc)}") from None
    except BaseException:
        os.close(fd)
        raise


def _open_for_writing(path: Path) -> int:
    """Open without waiting; a named pipe's reader may be starting at the same moment
    (``mkfifo p; cat p & wic … -o p``), so it gets a moment to appear."""
    import errno
    import time

    deadline = time.monotonic() + PIPE_READER_WAIT
    while True:
        try:
            return os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() >= deadline or \
                    not stat.S_ISFIFO(os.stat(path).st_mode):
                raise
            time.sleep(0.02)


def _unwritable(path: Path, exc: OSError) -> str:
    import errno

    try:
        mode = path.stat().st_mode
    except OSError:
        return _reason(exc)
    if exc.errno == errno.ENXIO and stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO) that no program is reading"
    return _reason(exc) if stat.S_ISCHR(mode) else f"is {kind_of(mode)}, not a file"


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
