"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1), with a throwaway CA (trustme).

It speaks STARTTLS (or TLS from the start), wants a login, and can be told to refuse
some recipients or to drop the connection after a number of messages. What it
accepted is kept, parsed with the standard library, for the test to read back.
"""

from __future__ import annotations

import email
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

USER, PASSWORD = "sender", "s3cret pass"


@dataclass
class Inbox:
    """What the server accepted, and how it misbehaves."""

    refuse: set[str] = field(default_factory=set)
    drop_after: int | None = None  # accept this many messages, then hang up on the next
    busy_after: int | None = None  # accept this many, then answer the next DATA with 421
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.drop_after is not None and len(self.received) >= self.drop_after:
                server.transport.close()
                return "421 4.3.0 going away"
            if self.busy_after is not None and len(self.received) >= self.busy_after:
                return "421 4.3.2 too busy, try again later"
            msg = email.message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(msg, EmailMessage)
            self.received.append((list(envelope.rcpt_tos), msg))
        return "250 2.0.0 queued"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode()
        ok = login == USER and auth_data.password.decode() == PASSWORD
        if ok:
            self.logins.append(login)
        return AuthResult(success=ok, handled=False)


@dataclass
class Server:
    url: str  # without the user
    host: str
    port: int
    ca_file: Path
    inbox: Inbox

    def user_url(self, user: str = USER) -> str:
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{user}@{rest}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(folder: Path, *, implicit_tls: bool = False, **inbox: Any) -> Iterator[Server]:
    """An SMTP server on a free local port for the length of the ``with``."""
    import trustme
    from aiosmtpd.controller import Controller

    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(server_context)
    ca_file = folder / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    box = Inbox(**inbox)
    port = free_port()
    options: dict[str, Any] = {
        "auth_required": True, "auth_require_tls": True, "authenticator": box.authenticate}
    if implicit_tls:
        # aiosmtpd offers AUTH only after STARTTLS; here the whole connection is TLS already.
        options["auth_require_tls"] = False
        controller = Controller(box, hostname="127.0.0.1", port=port,
                                ssl_context=server_context, **options)
    else:
        controller = Controller(box, hostname="127.0.0.1", port=port,
                                tls_context=server_context, require_starttls=True, **options)
    controller.start()
    scheme = "smtps" if implicit_tls else "smtp"
    try:
        yield Server(f"{scheme}://127.0.0.1:{port}", "127.0.0.1", port, ca_file, box)
    finally:
        controller.stop()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word (a server that hangs)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


class DiskInbox:
    """Writes each message to a file of its own (flushed to disk) before answering 250,
    after a pause: a client stopped at any moment finds the server holding exactly what
    it said 250 to, plus perhaps the one message it was answering."""

    def __init__(self, folder: Path, pause: float) -> None:
        self.folder = folder
        self.pause = pause
        self.count = 0
        self.lock = threading.Lock()
        self.arrived = threading.Event()  # set when a message is stored, before its 250

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        import asyncio
        import os

        with self.lock:
            self.count += 1
            path = self.folder / f"{self.count:06d}.eml"
        head = "".join(f"X-Rcpt: {r}\r\n" for r in envelope.rcpt_tos).encode()
        with path.open("wb") as handle:
            handle.write(head + envelope.content)
            handle.flush()
            os.fsync(handle.fileno())
        self.arrived.set()
        await asyncio.sleep(self.pause)
        return "250 2.0.0 stored"

    def stored(self) -> list[tuple[str, str]]:
        """(recipient, Message-ID) of each message stored, in the order they came."""
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for rcpt in msg.get_all("X-Rcpt", []):
                found.append((str(rcpt), str(msg["Message-ID"])))
        return found


@contextmanager
def disk_server(folder: Path, pause: float = 0.02) -> Iterator[tuple[str, DiskInbox]]:
    """A plain local SMTP server (no TLS, no login: ``smtp+plain://``) storing to ``folder``."""
    from aiosmtpd.controller import Controller

    folder.mkdir(parents=True, exist_ok=True)
    box = DiskInbox(folder, pause)
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp+plain://127.0.0.1:{port}", box
    finally:
        controller.stop()
