"""Reading answers from an IMAP mailbox (imaplib), and filing the ones that were applied.

``imaps://user@host[:port]/MAILBOX`` speaks TLS from the start (port 993);
``imap://user@host[:port]/MAILBOX`` starts in plain text and must switch to TLS with
STARTTLS before logging in (port 143): a password never crosses the network in clear.
Certificates are checked against the system's CAs, or only those of ``--ca FILE``
(:mod:`wiccli.mail.tls`). The password comes from $WIC_IMAP_PASSWORD, else from ~/.netrc
(``machine HOST login USER password …``).

Messages are fetched with BODY.PEEK, so reading leaves them unread. Their sizes are asked
first: a message over the size limit is fetched no further than its header block (so it
is reported by its Message-ID without being downloaded), the others in batches of a few
megabytes, so that only about one large message is held at a time.
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
from wiccli.mail import tls
from wiccli.mail.inbox import HEAD, Raw, head_of

if TYPE_CHECKING:
    import imaplib

BATCH = 100  # messages per FETCH
BATCH_BYTES = 8 * 1024 * 1024  # and at most about this much of them (or one message)
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


def check_folder(name: str, address: Address) -> str:
    """``--move-to FOLDER`` checked before anything is read or changed."""
    if not name:
        return name
    _quote(name)
    if name.strip("/").casefold() == address.mailbox.strip("/").casefold():
        raise UsageError(f"--move-to {name!r} is the mailbox being read")
    return name


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

    def messages(self) -> Iterator[Raw]:
        """Every message in UID order, left unread: whole, or only its head when it is
        over the size limit."""
        for batch, heads in self._batches():
            what = f"BODY.PEEK[HEADER]<0.{HEAD}>" if heads else f"BODY.PEEK[]<0.{MAX_MESSAGE + 1}>"
            fetched = self._fetch(list(batch), what)
            fetched.reverse()
            while fetched:
                uid, data = fetched.pop()
                raw = (Raw(uid, head_of(data), batch[uid], over=True) if heads
                       else Raw(uid, data, len(data)))
                del data
                yield raw
                del raw  # nothing is held while the next batch is fetched

    def _batches(self) -> Iterator[tuple[dict[str, int], bool]]:
        """UIDs (with their sizes) in groups of at most BATCH messages and about
        BATCH_BYTES, and whether they are over the size limit (then only their heads are
        fetched), in UID order: a mailbox of huge messages is never held at once."""
        batch: dict[str, int] = {}
        held, heads = 0, False
        for uid, size in self._sizes():
            over = size > MAX_MESSAGE
            weight = HEAD if over else size
            if batch and (len(batch) >= BATCH or held + weight > BATCH_BYTES or over != heads):
                yield batch, heads
                batch, held = {}, 0
            batch[uid] = size
            held, heads = held + weight, over
        if batch:
            yield batch, heads

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

    def _fetch(self, uids: Sequence[str], what: str) -> list[tuple[str, bytes]]:
        found = []
        for item in self._call("UID", "FETCH", ",".join(uids), f"(UID {what})"):
            if isinstance(item, tuple) and len(item) == 2:
                uid = _UID.search(item[0])
                if uid:
                    found.append((uid.group(1).decode(), bytes(item[1])))
        return found

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
        raise tls.failed(address.label, exc) from None
    except (OSError, imaplib.IMAP4.error) as exc:
        raise DataError(f"{address.label}: cannot connect: {exc}") from None
    try:
        conn.starttls(ssl_context=context)
    except ssl.SSLError as exc:
        _drop(conn)
        raise tls.failed(f"{address.label} (STARTTLS)", exc) from None
    except (OSError, imaplib.IMAP4.error) as exc:
        _drop(conn)
        raise DataError(f"{address.label}: the server did not switch to TLS (STARTTLS): "
                        f"{exc}; wic does not send a password in clear") from None
    return conn


def _drop(conn: imaplib.IMAP4) -> None:
    """Close a connection whose TLS handshake failed (its socket may be half gone)."""
    try:
        conn.shutdown()
    except OSError:
        pass


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
