"""Reading answers from an IMAP mailbox (imaplib), and filing the ones that were applied.

``imaps://user@host[:port]/MAILBOX`` speaks TLS from the start (port 993);
``imap://user@host[:port]/MAILBOX`` starts in plain text and must switch to TLS with
STARTTLS before logging in (port 143): a password never crosses the network in clear.
Certificates are checked against the system's CAs, or the file in $SSL_CERT_FILE.
The password comes from $WIC_IMAP_PASSWORD, else from ~/.netrc (``machine HOST login
USER password …``).

Messages are fetched with BODY.PEEK, so reading leaves them unread; each is cut one byte
past the reader's size cap, so a huge message is reported, never held in memory whole.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from wiccli.errors import DataError, UsageError
from wiccli.limits import MAX_MESSAGE

if TYPE_CHECKING:
    import imaplib

BATCH = 100  # messages per FETCH
BATCH_BYTES = 64 * 1024 * 1024  # and at most about this much of them
TIMEOUT = 60.0
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


@dataclass(frozen=True, slots=True)
class Address:
    secure: bool  # imaps: TLS from the start; imap: STARTTLS
    host: str
    port: int
    user: str
    mailbox: str

    @property
    def label(self) -> str:
        scheme = "imaps" if self.secure else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.mailbox}"


def parse_url(url: str) -> Address:
    """The parts of an ``imap(s)://user@host[:port]/MAILBOX`` URL (the user may be
    written user%40domain)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"{url!r}: the port is not a number") from None
    if scheme not in ("imap", "imaps") or not parts.hostname:
        raise UsageError(f"{url!r}: write an IMAP mailbox as imaps://user@host/INBOX")
    if parts.password is not None:
        raise UsageError("do not put the password in the URL (it shows in the process list);"
                         " set $WIC_IMAP_PASSWORD or use ~/.netrc")
    return Address(secure=scheme == "imaps", host=parts.hostname,
                   port=port or (993 if scheme == "imaps" else 143),
                   user=unquote(parts.username or ""),
                   mailbox=unquote(parts.path.lstrip("/")) or "INBOX")


def credentials(address: Address, environ: Mapping[str, str], home: Path) -> tuple[str, str]:
    """``(user, password)``: $WIC_IMAP_PASSWORD, else the ~/.netrc entry for the host."""
    if environ.get("WIC_IMAP_PASSWORD"):
        if not address.user:
            raise UsageError(f"{address.host}: name the user in the URL "
                             "(imaps://user@host/INBOX)")
        return address.user, environ["WIC_IMAP_PASSWORD"]
    import netrc

    path = Path(environ["NETRC"]) if environ.get("NETRC") else home / ".netrc"
    try:
        found = netrc.netrc(str(path)).authenticators(address.host) if path.is_file() else None
    except (netrc.NetrcParseError, OSError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    if found is None or not found[2] or (address.user and found[0] != address.user):
        raise UsageError(f"no password for {address.user or '?'}@{address.host}: set "
                         f"$WIC_IMAP_PASSWORD, or add 'machine {address.host} login "
                         f"{address.user or 'USER'} password …' to {path}")
    return address.user or found[0], found[2]


def tls_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=environ.get("SSL_CERT_FILE") or None)


class Mailbox:
    """One IMAP mailbox, open and selected; use as a context manager."""

    def __init__(self, address: Address, user: str, password: str,
                 context: ssl.SSLContext) -> None:
        self.address = address
        import imaplib

        self._conn = _connect(address, context)
        try:
            try:
                self._conn.login(user, password)
            except imaplib.IMAP4.error as exc:
                raise DataError(f"{address.label}: login failed: {_text(exc)}") from None
            _check(self._conn.select(_quote(address.mailbox)),
                   f"{address.label}: cannot open mailbox {address.mailbox!r}")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self._conn.logout()
        except Exception:  # the connection may be gone already; nothing to save
            pass

    def messages(self) -> Iterator[tuple[str, bytes]]:
        """``(uid, bytes)`` of every message, in UID order, left unread."""
        for batch in self._batches():
            yield from self._fetch(batch)

    def _batches(self) -> Iterator[list[str]]:
        """UIDs in groups of at most BATCH messages and about BATCH_BYTES (each message
        counted up to the cap), so a mailbox of huge messages is never held at once."""
        batch: list[str] = []
        held = 0
        for uid, size in self._sizes():
            size = min(size, MAX_MESSAGE + 1)
            if batch and (len(batch) >= BATCH or held + size > BATCH_BYTES):
                yield batch
                batch, held = [], 0
            batch.append(uid)
            held += size
        if batch:
            yield batch

    def _sizes(self) -> list[tuple[str, int]]:
        if not _first(self._call("UID", "SEARCH", None, "ALL")).split():
            return []  # FETCH 1:* fails on an empty mailbox
        found = []
        for item in self._call("UID", "FETCH", "1:*", "(UID RFC822.SIZE)"):
            line = item[0] if isinstance(item, tuple) else item
            uid, size = _UID.search(line), _SIZE.search(line)
            if uid and size:
                found.append((uid.group(1).decode(), int(size.group(1))))
        return sorted(found, key=lambda pair: int(pair[0]))

    def _fetch(self, uids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        wanted = f"(UID BODY.PEEK[]<0.{MAX_MESSAGE + 1}>)"
        data = self._call("UID", "FETCH", ",".join(uids), wanted)
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                found = _UID.search(item[0])
                if found:
                    yield found.group(1).decode(), bytes(item[1])

    def mark_seen(self, uids: Sequence[str]) -> None:
        if uids:
            self._call("UID", "STORE", ",".join(uids), "+FLAGS", "(\\Seen)")

    def move(self, uids: Sequence[str], folder: str) -> None:
        """Move messages to ``folder`` (created when missing): MOVE where the server has
        it, else COPY, flag \\Deleted and expunge just those (UIDPLUS)."""
        if not uids:
            return
        target, joined = _quote(folder), ",".join(uids)
        self._conn.create(target)  # fails harmlessly when it exists
        caps = self._capabilities()
        if "MOVE" in caps:
            self._call("UID", "MOVE", joined, target)
            return
        self._call("UID", "COPY", joined, target)
        self._call("UID", "STORE", joined, "+FLAGS", "(\\Deleted)")
        if "UIDPLUS" in caps:
            self._call("UID", "EXPUNGE", joined)

    def _capabilities(self) -> set[str]:
        return {c.decode().upper() for c in _first(self._call("CAPABILITY")).split()}

    def _call(self, name: str, *args: str | None) -> list[bytes | tuple[bytes, bytes]]:
        import imaplib

        try:
            if name == "UID":
                status, data = self._conn.uid(*args)  # type: ignore[arg-type]
            else:
                status, data = getattr(self._conn, name.lower())(*args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise DataError(f"{self.address.label}: {' '.join(filter(None, args))}: "
                            f"{exc}") from None
        _check((status, data), f"{self.address.label}: {' '.join(filter(None, args))}")
        return list(data)


def _connect(address: Address, context: ssl.SSLContext) -> imaplib.IMAP4:
    import imaplib

    try:
        if address.secure:
            return imaplib.IMAP4_SSL(address.host, address.port, ssl_context=context,
                                     timeout=TIMEOUT)
        conn = imaplib.IMAP4(address.host, address.port, timeout=TIMEOUT)
    except ssl.SSLError as exc:
        raise DataError(f"{address.label}: TLS failed: {exc.reason or exc}") from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise DataError(f"{address.label}: cannot connect: {exc}") from None
    try:
        conn.starttls(ssl_context=context)
    except (ssl.SSLError, OSError, imaplib.IMAP4.error) as exc:
        conn.shutdown()
        raise DataError(f"{address.label}: the server did not switch to TLS (STARTTLS): "
                        f"{exc}; wic does not send a password in clear") from None
    return conn


def _first(data: list[bytes | tuple[bytes, bytes]]) -> bytes:
    """The first line of a response (b"" when there is none)."""
    return data[0] if data and isinstance(data[0], bytes) else b""


def _check(result: tuple[str, object], what: str) -> None:
    status, data = result
    if status != "OK":
        detail = data[0] if isinstance(data, list) and data else data
        text = detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
        raise DataError(f"{what}: {text}")


def _text(exc: BaseException) -> str:
    value = exc.args[0] if exc.args else exc
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def _quote(name: str) -> str:
    """A mailbox name as an IMAP quoted string."""
    if any(c in name for c in "\r\n\0"):
        raise UsageError(f"{name!r} is not a mailbox name")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
