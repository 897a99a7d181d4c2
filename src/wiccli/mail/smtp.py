"""Talking to the mail server: the SMTP URL, the password, one connection, one message.

``smtp://user@host:587`` speaks STARTTLS (required: wic never sends a password or a
guest list in the clear to a remote server); ``smtps://user@host:465`` is TLS from the
first byte. ``smtp+plain://host:25`` is for a relay on this machine, nothing else.
The password comes only from $WIC_SMTP_PASSWORD or ~/.netrc, never from the command
line (where other users' ``ps`` would see it) nor from a file wic writes.

Each outcome of a message is told apart, because it decides what the ledger records:
accepted (record it as sent), refused for this guest (record the refusal, go on), or
the connection is gone (stop). A message is handed over in its SMTP steps (MAIL, RCPT,
DATA) so that the caller can record the attempt just before DATA: a connection lost
before that point sent nothing; one lost during DATA leaves the message unconfirmed.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from wiccli.errors import DataError, UsageError, WicError
from wiccli.mail import tls

SCHEMES = {"smtp": 587, "smtps": 465, "smtp+plain": 25}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TIMEOUT = 60.0


class ConnectionLost(WicError):
    """The server went away or stopped answering; nothing more can be sent this run."""


@dataclass(frozen=True, slots=True)
class SmtpUrl:
    scheme: str
    host: str
    port: int
    user: str | None = None

    def __str__(self) -> str:
        user = f"{self.user}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{user}{host}:{self.port}"


def parse_url(text: str) -> SmtpUrl:
    """``smtp://user@host:587``, ``smtps://host``, ``smtp+plain://localhost:25``."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"--smtp: {text!r} is not an SMTP URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or not parts.hostname:
        raise UsageError(f"--smtp: {text!r} is not an SMTP URL; write smtp://user@host:587 "
                         "(STARTTLS) or smtps://user@host:465 (TLS)")
    if parts.password is not None:
        raise UsageError("--smtp: the URL must not hold a password; set $WIC_SMTP_PASSWORD "
                         "or put it in ~/.netrc")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise UsageError(f"--smtp: {text!r}: an SMTP URL has only a user, a host and a port")
    host = parts.hostname
    if scheme == "smtp+plain" and host not in LOCAL_HOSTS:
        raise UsageError(f"--smtp: smtp+plain (no encryption) is only for a server on this "
                         f"machine, not {host}; use smtp:// (STARTTLS) or smtps://")
    user = unquote(parts.username) if parts.username else None
    return SmtpUrl(scheme, host, port or SCHEMES[scheme], user)


def password(url: SmtpUrl, environ: Mapping[str, str], home: Path) -> str | None:
    """$WIC_SMTP_PASSWORD, else the ~/.netrc entry of the host (and user), else None."""
    if environ.get("WIC_SMTP_PASSWORD"):
        return environ["WIC_SMTP_PASSWORD"]
    path = Path(environ["NETRC"]) if environ.get("NETRC") else home / ".netrc"
    if not path.is_file():
        return None
    import netrc

    try:
        found = netrc.netrc(str(path)).authenticators(url.host)
    except (netrc.NetrcParseError, OSError) as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    if found is None:
        return None
    login, _, secret = found
    if url.user and login and login != url.user:
        return None
    return secret or None


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's trusted certificates, or only those of ``ca_file`` (a private CA)."""
    return tls.context(ca_file)


@dataclass(frozen=True, slots=True)
class Outcome:
    accepted: bool
    detail: str  # the server's reply, for the ledger and the report
    closed: bool = False  # the server said so and closed (421): nothing more goes through


class Connection:
    """One SMTP session: opened (TLS, login) on entry, closed on exit."""

    def __init__(self, url: SmtpUrl, secret: str | None, context: ssl.SSLContext,
                 timeout: float = TIMEOUT) -> None:
        self.url = url
        self.secret = secret
        self.context = context
        self.timeout = timeout
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        self.client = self._connect()
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        if kind is not None and not issubclass(kind, Exception):  # stopped: do not wait
            client.close()  # for a QUIT the server may answer only after the message
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def _connect(self) -> smtplib.SMTP:
        url = self.url
        client: smtplib.SMTP | None = None
        try:
            if url.scheme == "smtps":
                client = smtplib.SMTP_SSL(url.host, url.port, timeout=self.timeout,
                                          context=self.context)
            else:
                client = smtplib.SMTP(url.host, url.port, timeout=self.timeout)
            self._hello(client)
            return client
        except BaseException as exc:
            if client is not None:  # a half-open session: nothing more goes over it
                client.close()
            raise _connect_error(url, exc) from None

    def _hello(self, client: smtplib.SMTP) -> None:
        client.ehlo()
        if self.url.scheme == "smtp":
            if not client.has_extn("starttls"):
                raise DataError(f"{self.url}: the server does not offer STARTTLS; use "
                                "smtps:// or a server that encrypts")
            client.starttls(context=self.context)
            client.ehlo()
        if self.url.user:
            if self.secret is None:
                raise DataError(f"{self.url}: no password for {self.url.user}; set "
                                "$WIC_SMTP_PASSWORD or add the host to ~/.netrc")
            client.login(self.url.user, self.secret)

    def send(self, sender: str, recipient: str, data: bytes,
             handing_over: Callable[[], None] = lambda: None) -> Outcome:
        """Hand one message over, step by step: MAIL, RCPT, then ``handing_over()`` (the
        caller records the attempt), then DATA. A refusal is an Outcome; a lost server
        raises (after ``handing_over``: the server may or may not have the message)."""
        client = self.client
        assert client is not None, "use the connection as a context manager"
        try:
            code, reply = client.mail(sender)
            if code == 421:  # closing: this message is not refused, nothing more goes
                return self._refused(code, _text(reply))
            if code != 250:
                client.rset()
                raise DataError(f"{self.url}: the server refuses the sender {sender} "
                                f"({code} {_text(reply)})".rstrip())
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                return self._refused(code, _text(reply))
            handing_over()
            code, reply = client.data(data)
        except smtplib.SMTPDataError as exc:  # no 354: the server refused to take it
            return self._refused(exc.smtp_code, _text(exc.smtp_error))
        except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException,
                OSError) as exc:
            self.client = None
            raise ConnectionLost(f"{self.url}: the connection was lost: {_reason(exc)}") from None
        if code != 250:
            return self._refused(code, _text(reply))
        return Outcome(True, f"{code} {_text(reply)}".strip())

    def abandon(self) -> None:
        """Drop the message begun (after MAIL and RCPT, before DATA): RSET."""
        if self.client is not None:
            try:
                self.client.rset()
            except (smtplib.SMTPException, OSError) as exc:
                self.client = None
                raise ConnectionLost(f"{self.url}: the connection was lost: "
                                     f"{_reason(exc)}") from None

    def _refused(self, code: int, text: str) -> Outcome:
        """A refusal of this message; 421 is the server closing: nothing more goes through."""
        if code == 421:
            client, self.client = self.client, None
            if client is not None:
                client.close()
            return Outcome(False, f"{code} {text}".strip(), closed=True)
        if self.client is not None and code >= 400:
            try:
                self.client.rset()
            except (smtplib.SMTPException, OSError):
                pass
        return Outcome(False, f"{code} {text}".strip())


def _connect_error(url: SmtpUrl, exc: BaseException) -> BaseException:
    """What a failure to open the session says (anything else is passed on as it is)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DataError(f"{url}: the server refused the login ({_reply(exc)}); check the "
                         "user and $WIC_SMTP_PASSWORD or ~/.netrc")
    if isinstance(exc, ssl.SSLError):
        return tls.failed(str(url), exc)
    if isinstance(exc, smtplib.SMTPException | OSError):
        return DataError(f"{url}: cannot connect: {_reason(exc)}")
    return exc


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}".strip()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc)
    if isinstance(exc, socket.timeout | TimeoutError) or "timed out" in str(exc):
        return "the server did not answer in time"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


@dataclass(frozen=True)
class Server:
    """Where to send and how to log in, checked before any message is made."""

    url: SmtpUrl
    secret: str | None
    context: ssl.SSLContext
    timeout: float = TIMEOUT

    def connect(self) -> Connection:
        return Connection(self.url, self.secret, self.context, self.timeout)


def server_from(option: str | None, ca: Path | None, timeout: float,
                environ: Mapping[str, str], home: Path) -> Server:
    """``--smtp`` (else $WIC_SMTP_URL), its password, the CA to trust (``--ca``, else
    $WIC_CA, else the older $WIC_SMTP_CA, else the system's), the time-out."""
    text = option or environ.get("WIC_SMTP_URL")
    if not text:
        raise UsageError("no mail server: give --smtp smtp://user@host:587 or set "
                         "$WIC_SMTP_URL (or use --dry-run --out-dir DIR)")
    from wiccli.limits import MAX_SMTP_TIMEOUT

    if not 0 < timeout <= MAX_SMTP_TIMEOUT:
        raise UsageError(f"--timeout must be more than 0 and at most {MAX_SMTP_TIMEOUT:g} "
                         f"seconds, got {timeout:g}")
    url = parse_url(text)
    ca_file = tls.ca_file(ca, environ, "WIC_SMTP_CA")
    return Server(url, password(url, environ, home), tls_context(ca_file), timeout)
