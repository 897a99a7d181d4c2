"""SMTP: the URL and the password, and delivery to a real server (aiosmtpd on 127.0.0.1 with
STARTTLS or TLS and a login): what it accepts, refuses, and a server that hangs up or is
not there. What arrived is read back with the standard library and icalendar."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from smtpserver import PASSWORD, USER, free_port, silent_server, smtp_server
from wiccli.errors import DataError, UsageError
from wiccli.invites.model import Invitation
from wiccli.mail.delivery import Pace, deliver
from wiccli.mail.message import Outgoing
from wiccli.mail.sending import Past, Rules, parse_rate, plan
from wiccli.mail.smtp import Connection, SmtpUrl, parse_url, password, tls_context

NOW = datetime(2018, 10, 1, 8, 0, tzinfo=UTC)


def outgoing(n: int, recipient: str | None = None) -> Outgoing:
    to = recipient or f"guest{n}@example.org"
    data = (f"From: team@example.org\r\nTo: {to}\r\nSubject: n{n}\r\n"
            f"Message-ID: <m{n}@example.org>\r\n\r\nHello {n}\r\n").encode()
    return Outgoing(entry_id=f"e{n}", kind="invitation", sender="team@example.org",
                    recipient=to, message_id=f"<m{n}@example.org>",
                    uid=f"invitation-e{n}@demo.wic", sequence=0, stamp=NOW, data=data)


class Book:
    """Records outcomes the way the ledger does: in order, one call per message."""

    def __init__(self) -> None:
        self.attempted: list[str] = []
        self.accepted: list[str] = []
        self.refused: list[tuple[str, str]] = []

    def attempted_(self, out: Outgoing, at: datetime) -> None:
        self.attempted.append(out.entry_id)

    def accepted_(self, out: Outgoing, at: datetime, detail: str) -> None:
        self.accepted.append(out.entry_id)

    def refused_(self, out: Outgoing, at: datetime, detail: str) -> None:
        self.refused.append((out.entry_id, detail))


class Recorder:
    def __init__(self, book: Book) -> None:
        self.attempted = book.attempted_
        self.accepted = book.accepted_
        self.refused = book.refused_


def connect(url: str, ca: Path, secret: str | None = PASSWORD, timeout: float = 10
            ) -> Connection:
    return Connection(parse_url(url), secret, tls_context(ca), timeout=timeout)


# --------------------------------------------------------------------------- URL, password


@pytest.mark.parametrize(("text", "expected"), [
    ("smtp://mailer@mail.example.org", SmtpUrl("smtp", "mail.example.org", 587, "mailer")),
    ("smtps://mail.example.org", SmtpUrl("smtps", "mail.example.org", 465)),
    ("SMTP://a%40b@[::1]:2525", SmtpUrl("smtp", "::1", 2525, "a@b")),
    ("smtp+plain://localhost", SmtpUrl("smtp+plain", "localhost", 25)),
])
def test_smtp_urls(text: str, expected: SmtpUrl) -> None:
    assert parse_url(text) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("mail.example.org", "not an SMTP URL"),
    ("http://mail.example.org", "not an SMTP URL"),
    ("smtp://user:pw@mail.example.org", "must not hold a password"),
    ("smtp://mail.example.org:99999", "not an SMTP URL"),
    ("smtp://mail.example.org/inbox", "only a user, a host and a port"),
    ("smtp+plain://mail.example.org", "only for a server on this machine"),
])
def test_bad_smtp_urls(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_url(text)


def test_the_password_comes_from_the_environment_or_netrc(tmp_path: Path) -> None:
    url = parse_url("smtp://mailer@mail.example.org")
    assert password(url, {"WIC_SMTP_PASSWORD": "env pw"}, tmp_path) == "env pw"
    assert password(url, {}, tmp_path) is None
    (tmp_path / ".netrc").write_text("machine other.example.org login mailer password no\n"
                                     "machine mail.example.org login mailer password netrc-pw\n")
    (tmp_path / ".netrc").chmod(0o600)
    assert password(url, {}, tmp_path) == "netrc-pw"
    assert password(parse_url("smtp://someone@mail.example.org"), {}, tmp_path) is None


def test_rates() -> None:
    assert parse_rate("30/min") == 30
    assert parse_rate("2/s") == 120
    assert parse_rate("60") == 60
    for bad in ("fast", "0/min", "-3/min", "3/week", "nan/min", "1e400/min", "2000/s"):
        with pytest.raises(UsageError, match="--rate"):
            parse_rate(bad)


# --------------------------------------------------------------------------- a real server


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_delivery_logs_in_over_tls_and_records_each_message(
        tmp_path: Path, implicit_tls: bool) -> None:
    book = Book()
    with smtp_server(tmp_path, implicit_tls=implicit_tls) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        report = deliver([outgoing(n) for n in range(3)], conn, Recorder(book), now=lambda: NOW)
    assert [out.entry_id for out in report.sent] == book.accepted == ["e0", "e1", "e2"]
    assert server.inbox.logins == [USER]
    assert [(rcpt, msg["Subject"]) for rcpt, msg in server.inbox.received] == [
        (["guest0@example.org"], "n0"), (["guest1@example.org"], "n1"),
        (["guest2@example.org"], "n2")]


def test_a_refused_recipient_is_recorded_as_refused_and_the_run_goes_on(tmp_path: Path) -> None:
    book = Book()
    with smtp_server(tmp_path, refuse={"guest1@example.org"}) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        report = deliver([outgoing(n) for n in range(3)], conn, Recorder(book), now=lambda: NOW)
    assert book.accepted == ["e0", "e2"]
    assert book.refused == [("e1", "550 5.1.1 <guest1@example.org>: mailbox unavailable")]
    assert [out.entry_id for out, _ in report.refused] == ["e1"]
    assert len(server.inbox.received) == 2


def test_a_server_that_hangs_up_during_data_leaves_that_one_message_unconfirmed(
        tmp_path: Path) -> None:
    book = Book()
    with smtp_server(tmp_path, drop_after=2) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        report = deliver([outgoing(n) for n in range(5)], conn, Recorder(book), now=lambda: NOW)
    assert book.attempted == ["e0", "e1", "e2"]  # each recorded before its DATA
    assert book.accepted == ["e0", "e1"]
    assert book.refused == []
    assert [out.entry_id for out in report.unconfirmed] == ["e2"]
    assert report.lost is not None
    assert "connection" in report.lost
    assert report.unsent == 3
    assert len(server.inbox.received) == 2


def test_a_421_after_data_is_an_answer_not_a_doubt(tmp_path: Path) -> None:
    """The server said it did not take the message: recorded as refused, nothing unconfirmed,
    the run stops (a rerun sends it)."""
    book = Book()
    with smtp_server(tmp_path, busy_after=1) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        report = deliver([outgoing(n) for n in range(3)], conn, Recorder(book), now=lambda: NOW)
    assert book.accepted == ["e0"]
    assert book.refused == [("e1", "421 4.3.2 too busy, try again later")]
    assert report.unconfirmed == []
    assert (report.lost, report.unsent) == (
        "the server closed the connection: 421 4.3.2 too busy, try again later", 2)


def test_a_refused_recipient_is_never_recorded_as_attempted(tmp_path: Path) -> None:
    book = Book()
    with smtp_server(tmp_path, refuse={"guest0@example.org"}) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        deliver([outgoing(0), outgoing(1)], conn, Recorder(book), now=lambda: NOW)
    assert book.attempted == ["e1"]  # RCPT refused: DATA never started, nothing in doubt
    assert [e for e, _ in book.refused] == ["e0"]


def test_a_wrong_password_is_one_clear_error(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server, pytest.raises(DataError, match="refused the login"):
        connect(server.user_url(), server.ca_file, secret="wrong").__enter__()
    assert server.inbox.received == []


def test_no_password_for_a_user_is_one_clear_error(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server, pytest.raises(DataError, match="no password"):
        connect(server.user_url(), server.ca_file, secret=None).__enter__()


def test_an_unknown_certificate_authority_is_refused(tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server, pytest.raises(DataError, match="TLS failed"):
        Connection(parse_url(server.user_url()), PASSWORD, tls_context(None),
                   timeout=10).__enter__()


def test_an_absent_server_is_one_clear_error(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(DataError, match=f"smtp://127.0.0.1:{port}: cannot connect: "):
        Connection(parse_url(f"smtp://127.0.0.1:{port}"), None, tls_context(None),
                   timeout=5).__enter__()


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with silent_server() as port, pytest.raises(DataError, match="did not answer in time"):
        Connection(parse_url(f"smtp://127.0.0.1:{port}"), None, tls_context(None),
                   timeout=0.5).__enter__()


def test_rate_spaces_the_messages(tmp_path: Path) -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    pace = Pace(per_minute=30, sleep=sleep, clock=lambda: clock[0])
    with smtp_server(tmp_path) as server, \
            connect(server.user_url(), server.ca_file) as conn:
        deliver([outgoing(n) for n in range(3)], conn, Recorder(Book()), now=lambda: NOW,
                pace=pace)
    assert waits == [2.0, 2.0]


# --------------------------------------------------------------------------- the plan


def entry(entry_id: str, status: str = "invited", email: str = "x@example.org") -> Invitation:
    return Invitation(entry_id, f"Guest {entry_id}", "speakers", "DE", status, NOW, NOW,
                      email=email)


def test_the_plan_sends_once_resends_with_again_and_reminds_the_pending() -> None:
    entries = [entry("a"), entry("b", "listed"), entry("c", email=""), entry("d", "withdrawn"),
               entry("e", "accepted"), entry("f", "tentative")]
    sent = {"a": Past(0), "e": Past(2), "f": Past(1)}
    first = plan(entries, sent, Rules("new"))
    assert [(j.entry.id, j.kind, j.sequence) for j in first.jobs] == [("b", "invitation", 0)]
    assert [e.id for e in first.already] == ["a", "e", "f"]
    assert [e.id for e in first.no_email] == ["c"]
    assert [e.id for e in first.withdrawn] == ["d"]
    again = plan(entries, sent, Rules("again"))
    assert [(j.entry.id, j.sequence) for j in again.jobs] == [
        ("a", 1), ("b", 0), ("e", 3), ("f", 2)]
    remind = plan(entries, sent, Rules("reminder"))
    assert [(j.entry.id, j.kind, j.sequence) for j in remind.jobs] == [
        ("a", "reminder", 0), ("f", "reminder", 1)]
    assert [e.id for e in remind.not_pending] == ["b", "e"]
    limited = plan(entries, sent, Rules("again", limit=3))
    assert (len(limited.jobs), limited.later) == (3, 1)
