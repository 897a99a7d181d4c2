"""A real IMAP server for tests: Dovecot (Debian's dovecot-imapd), with its own config in a
temporary folder, on free loopback ports, and a throwaway certificate from trustme.

One server runs for the whole test session (``dovecot`` in conftest.py: starting it took
about a second a test); each test gets a user of its own (any name logs in with PASSWORD,
and has its own, empty, Maildir), so tests stay independent. Tests that need it skip with
a reason where Dovecot is absent."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

PASSWORD = "s3cret-for-tests"
_users = count(1)


@dataclass
class Dovecot:
    """The running server."""

    host: str
    port: int  # plain, STARTTLS
    tls_port: int  # imaps
    ca_file: Path
    root: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class ImapServer:
    """The server as one test sees it: its own user, whose mailboxes start empty."""

    host: str
    port: int  # plain, STARTTLS
    tls_port: int  # imaps
    ca_file: Path
    root: Path
    user: str

    def url(self, mailbox: str = "INBOX", *, tls: bool = True) -> str:
        if tls:
            return f"imaps://{self.user}@{self.host}:{self.tls_port}/{mailbox}"
        return f"imap://{self.user}@{self.host}:{self.port}/{mailbox}"

    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        conn = imaplib.IMAP4_SSL(self.host, self.tls_port, ssl_context=context, timeout=30)
        conn.login(self.user, PASSWORD)
        return conn

    def append(self, raw: bytes, mailbox: str = "INBOX") -> None:
        conn = self.client()
        try:
            conn.create(f'"{mailbox}"')
            status, _ = conn.append(f'"{mailbox}"', None, None,
                                    raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
            assert status == "OK"
        finally:
            conn.logout()

    def listing(self, mailbox: str = "INBOX") -> list[tuple[str, bool]]:
        """(Message-ID, seen) of each message in ``mailbox``."""
        conn = self.client()
        try:
            status, _ = conn.select(f'"{mailbox}"', readonly=True)
            if status != "OK":
                return []
            _, data = conn.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        finally:
            conn.logout()
        found = []
        for item in data:
            if isinstance(item, tuple):
                head = item[1].decode().split(":", 1)[-1].strip()
                found.append((head, b"\\Seen" in item[0]))
        return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _mail_owner() -> tuple[int, int, str]:
    """Dovecot never runs mail processes as root: as root, use its own user."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name
    user = pwd.getpwnam("dovecot")
    return user.pw_uid, user.pw_gid, ""


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
first_valid_uid = {uid}
first_valid_gid = {gid}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{root}/home/%u/Maildir
{login_users}
passdb {{
  driver = static
  args = password={{PLAIN}}{password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


def _write_config(root: Path, port: int, tls_port: int) -> Path:
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_pem.write_to_path(str(root / "key.pem"))
    (root / "cert.pem").write_bytes(b"".join(b.bytes() for b in cert.cert_chain_pems))
    ca.cert_pem.write_to_path(str(root / "ca.pem"))
    uid, gid, name = _mail_owner()
    login_users = (f"default_login_user = {name}\ndefault_internal_user = {name}"
                   if name else "")
    (root / "home").mkdir()
    os.chown(root / "home", uid, gid)
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(root=root, uid=uid, gid=gid, port=port, tls_port=tls_port,
                                  login_users=login_users, password=PASSWORD))
    return conf


def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"dovecot stopped: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("dovecot did not start listening in 20 s")


def start() -> Dovecot | str:
    """A running Dovecot, or why there is none."""
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not Path(dovecot).exists():
        return "Dovecot is not installed (Debian package dovecot-imapd; .ci/run installs it)"
    # Not under pytest's tmp_path: that is private to us (0700), and Dovecot's mail
    # processes run as its own user.
    root = Path(tempfile.mkdtemp(prefix="wic-dovecot-"))
    os.chmod(root, 0o755)
    port, tls_port = _free_port(), _free_port()
    conf = _write_config(root, port, tls_port)
    process = subprocess.Popen([dovecot, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    server = Dovecot("127.0.0.1", port, tls_port, root / "ca.pem", root, process)
    try:
        _wait(tls_port, process, root / "dovecot.log")
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(name="imap_server")
def imap_server_fixture(dovecot: Dovecot) -> ImapServer:
    """The session's Dovecot with a new user (so empty mailboxes) for this test; a test
    module imports this function to have ``imap_server``."""
    user = f"guest{next(_users)}-{os.getpid()}"
    return ImapServer(dovecot.host, dovecot.port, dovecot.tls_port, dovecot.ca_file,
                      dovecot.root, user)


@pytest.fixture(name="lone_imap_server")
def lone_imap_server_fixture() -> Iterator[ImapServer]:
    """A Dovecot of this test's own, for a test whose login fails: after a failed login,
    Dovecot holds the next one from the same address 4 s (its anvil penalty), which would
    fall on whichever test came next on the shared server."""
    server = start()
    if isinstance(server, str):
        pytest.skip(server)
    try:
        yield ImapServer(server.host, server.port, server.tls_port, server.ca_file,
                         server.root, "guest")
    finally:
        server.stop()
