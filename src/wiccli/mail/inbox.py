"""Where answers come from: an mbox file, a Maildir folder, one message file, stdin, IMAP.

:func:`locate` tells what SOURCE names; :func:`read_messages` yields ``(key, bytes)`` for
each message of a local source (IMAP lives in :mod:`wiccli.mail.imap`). Only the mailbox
itself can fail the command (a :class:`DataError`, exit 1); a bad message inside it is
the reader's business (:mod:`wiccli.mail.itip`) and is reported on its own.
"""

from __future__ import annotations

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


def read_messages(source: Source, stdin: BinaryIO | None = None) -> Iterator[tuple[str, bytes]]:
    """``(key, bytes)`` of each message of a local source, in mailbox order."""
    if source.kind == "stdin":
        yield "stdin", _read_capped(stdin, "standard input") if stdin else b""
    elif source.kind == "message":
        assert source.path is not None
        yield source.path.name, _read_file(source.path)
    elif source.kind == "mbox":
        assert source.path is not None
        yield from _mbox(source.path)
    elif source.kind == "maildir":
        assert source.path is not None
        yield from _maildir(source.path)
    else:
        raise UsageError(f"{source.label}: not a local mailbox")


def _read_capped(handle: BinaryIO, label: str) -> bytes:
    """At most one byte past the cap: the reader then reports the message as too large
    instead of holding all of it."""
    try:
        return handle.read(MAX_MESSAGE + 1)
    except OSError as exc:
        raise DataError(f"{label}: cannot read: {exc.strerror or exc}") from None


def _read_file(path: Path) -> bytes:
    try:
        with open_regular(path, "message file") as handle:
            return _read_capped(handle, str(path))
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _mbox(path: Path) -> Iterator[tuple[str, bytes]]:
    import mailbox

    try:
        box = mailbox.mbox(path, create=False)
        keys = box.keys()
    except (OSError, mailbox.Error) as exc:
        raise DataError(f"{path}: cannot read the mbox: {exc}") from None
    try:
        for number, key in enumerate(keys, 1):
            with box.get_file(key) as handle:
                yield str(number), _read_capped(handle, f"{path} message {number}")  # type: ignore[arg-type]
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[tuple[str, bytes]]:
    import mailbox

    try:
        box = mailbox.Maildir(path, factory=None, create=False)
        keys = sorted(box.keys())
    except (OSError, mailbox.Error) as exc:
        raise DataError(f"{path}: cannot read the Maildir: {exc}") from None
    for key in keys:
        try:  # opened as get_file() would, but refusing a pipe or a device (it would block)
            name = box._lookup(key)  # type: ignore[attr-defined]
            with open_regular(path / name, "message file") as handle:
                data = _read_capped(handle, f"{path} message {key}")
        except KeyError:  # moved away by a mail program while we read: not ours to report
            continue
        yield key, data
