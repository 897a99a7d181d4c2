"""Where answers come from: an mbox file, a Maildir folder, one message file, stdin, IMAP.

:func:`locate` tells what SOURCE names; :func:`read_messages` yields a :class:`Raw` for
each message of a local source, one at a time, never more than the size limit of one
(IMAP lives in :mod:`wiccli.mail.imap`). Only the mailbox itself can fail the command
(a :class:`DataError`, exit 1); a bad message inside it is the reader's business
(:mod:`wiccli.mail.reader`) and is reported on its own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from wiccli.errors import DataError, UsageError
from wiccli.limits import MAX_MESSAGE
from wiccli.output.files import open_regular

# The first line of a message: a header name (printable ASCII but the colon), a colon.
_HEADER_START = re.compile(rb"^[\x21-\x39\x3b-\x7e]{1,76}:")
_SNIFF = 4096
HEAD = 64 * 1024  # the most read of a message over the size limit: its header block
BLOCK = 1024 * 1024  # an mbox is scanned for its "From " lines this much at a time
FROM_LINE = 64 * 1024  # the longest "From " line skipped as one
SEPARATOR, NEWLINE = b"\nFrom ", 10


@dataclass(frozen=True, slots=True)
class Source:
    """A place to read messages from. kind: mbox, maildir, message, stdin or imap."""

    kind: str
    path: Path | None = None
    url: str = ""

    @property
    def label(self) -> str:
        return self.url or (str(self.path) if self.path else "standard input")


def locate(text: str, cwd: Path) -> Source:
    """What ``text`` names: ``-``, an ``imap(s)://`` URL, or a file or folder."""
    if text == "-":
        return Source("stdin")
    if re.match(r"^imaps?://", text, re.IGNORECASE):
        return Source("imap", url=text)
    if "://" in text:
        raise UsageError(f"{text!r}: only imaps:// and imap:// mailboxes can be read over "
                         "the network")
    path = Path(text).expanduser()
    path = path if path.is_absolute() else cwd / path
    if path.is_dir():
        if not ((path / "cur").is_dir() and (path / "new").is_dir()):
            raise DataError(f"{path}: a folder, but not a Maildir (no cur/ and new/ in it)")
        return Source("maildir", path)
    return Source(_file_kind(path), path)


def _file_kind(path: Path) -> str:
    try:
        with open_regular(path, "file or folder") as handle:  # a pipe would block
            head = handle.read(_SNIFF)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head or head.startswith(b"From "):
        return "mbox"
    if _HEADER_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "message"
    raise DataError(f"{path}: not a mailbox: neither an mbox file (which starts with "
                    "'From '), a Maildir folder nor one e-mail message")


@dataclass(frozen=True, slots=True)
class Raw:
    """One message as its source gave it: all of it, or only its head (the header block,
    at most :data:`HEAD` bytes) when it is over :data:`MAX_MESSAGE`, so a huge message is
    reported by its Message-ID without being held in memory."""

    key: str  # where the message is in its source: mbox number, Maildir key, IMAP UID
    data: bytes
    size: int  # the whole message's size in bytes (or at least this many: not exact)
    over: bool = False
    exact: bool = True


def head_of(data: bytes) -> bytes:
    """The header block at the start of ``data`` (to the first empty line), at most HEAD."""
    data = data[:HEAD]
    ends = [(i, i + len(blank)) for blank in (b"\n\n", b"\r\n\r\n")
            if (i := data.find(blank)) >= 0]
    return data[:min(ends)[1]] if ends else data


def read_messages(source: Source, stdin: BinaryIO | None = None) -> Iterator[Raw]:
    """Each message of a local source, in mailbox order, one at a time."""
    if source.kind == "stdin":
        yield _stream("stdin", stdin, "standard input") if stdin else Raw("stdin", b"", 0)
    elif source.kind == "message":
        assert source.path is not None
        yield _read_file(source.path.name, source.path)
    elif source.kind == "mbox":
        assert source.path is not None
        yield from _mbox(source.path)
    elif source.kind == "maildir":
        assert source.path is not None
        yield from _maildir(source.path)
    else:
        raise UsageError(f"{source.label}: not a local mailbox")


def _stream(key: str, handle: BinaryIO, label: str) -> Raw:
    """At most one byte past the cap: more than that is not read at all."""
    try:
        data = handle.read(MAX_MESSAGE + 1)
    except OSError as exc:
        raise DataError(f"{label}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_MESSAGE:
        return Raw(key, head_of(data), len(data), over=True, exact=False)
    return Raw(key, data, len(data))


def _read_part(key: str, handle: BinaryIO, size: int) -> Raw:
    """``size`` bytes from where ``handle`` is: all of them, or the head past the cap."""
    if size > MAX_MESSAGE:
        return Raw(key, head_of(handle.read(HEAD)), size, over=True)
    return Raw(key, handle.read(size), size)


def _read_file(key: str, path: Path) -> Raw:
    try:
        with open_regular(path, "message file") as handle:  # a pipe would block
            return _read_part(key, handle, os.fstat(handle.fileno()).st_size)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


# --------------------------------------------------------------------------- mbox


def _mbox(path: Path) -> Iterator[Raw]:
    """The messages of an mbox file, split as Python's ``mailbox.mbox`` splits them, but
    found with a scan of 1 MiB blocks instead of a Python loop over every line, and read
    one at a time (a 100 MB mbox of short lines took 25 s to index the other way)."""
    try:
        handle = open_regular(path, "mbox file")
    except OSError as exc:
        raise DataError(f"{path}: cannot read the mbox: {exc.strerror or exc}") from None
    with handle:
        try:
            spans = _mbox_spans(handle)
        except OSError as exc:
            raise DataError(f"{path}: cannot read the mbox: {exc.strerror or exc}") from None
        for number, (start, stop) in enumerate(spans, 1):
            try:
                handle.seek(start)
                handle.readline(FROM_LINE)  # the "From " line is not part of the message
                yield _read_part(str(number), handle, max(0, stop - handle.tell()))
            except OSError as exc:
                raise DataError(f"{path} message {number}: cannot read: "
                                f"{exc.strerror or exc}") from None


def _mbox_spans(handle: BinaryIO) -> list[tuple[int, int]]:
    """(start, stop) of each message: from its "From " line (at the start of the file or
    of a line) to the next one, less the empty line before that, if there is one."""
    starts: list[int] = []
    stops: list[int] = []
    buf, base, low = b"\n", -1, 0  # buf[0] is at file position base (-1: a newline before)
    while True:
        block = handle.read(BLOCK)
        buf += block
        found = buf.find(SEPARATOR, low)
        while found >= 0:
            start = base + found + 1
            if starts:  # the message before ends here, less its last line if that is empty
                stops.append(start - 1 if buf[found - 1] == NEWLINE else start)
            starts.append(start)
            found = buf.find(SEPARATOR, found + 1)
        if not block:
            break
        # Keep the last bytes: a separator across two blocks is found in the next round;
        # one wholly inside what is kept (at index 0) was found in this one.
        keep = min(len(buf), len(SEPARATOR))
        base, buf, low = base + len(buf) - keep, buf[-keep:], int(keep == len(SEPARATOR))
    if starts:
        end = base + len(buf)
        stops.append(end - 1 if buf.endswith(b"\n\n") else end)
    return list(zip(starts, stops, strict=True))


# --------------------------------------------------------------------------- Maildir


def _maildir(path: Path) -> Iterator[Raw]:
    """The messages of a Maildir (new/ and cur/), by key, as ``mailbox.Maildir`` keys them
    (the file name up to its ``:`` flags)."""
    found: dict[str, Path] = {}
    for sub in ("new", "cur"):
        try:
            names = os.listdir(path / sub)
        except OSError as exc:
            raise DataError(f"{path}: cannot read the Maildir: {exc.strerror or exc}") from None
        for name in names:
            if not name.startswith(".") and not (path / sub / name).is_dir():
                found[name.split(":")[0]] = path / sub / name
    for key in sorted(found):
        try:
            yield _read_file(key, found[key])
        except DataError:
            if found[key].exists():
                raise
            # moved away by a mail program while we read: not ours to report
