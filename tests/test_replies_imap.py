"""Reading answers from a real IMAP server (Dovecot): TLS, STARTTLS, login, peek, filing."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA
from imapserver import PASSWORD, ImapServer, imap_server_fixture, lone_imap_server_fixture  # noqa: F401
from wiccli.errors import DataError, UsageError
from wiccli.mail import imap, itip, reader
from wiccli.mail import tls as mail_tls

MAIL = DATA / "mail"
FIXTURES = ["gmail-accepted.eml", "plain-text-answer.eml", "postfix-bounce-user-unknown.eml"]


def open_box(server: ImapServer, *, tls: bool = True, password: str = PASSWORD,
             mailbox: str = "INBOX") -> imap.Mailbox:
    address = imap.parse_url(server.url(mailbox, tls=tls))
    return imap.Mailbox(address, server.user, password, mail_tls.context(server.ca_file))


def fill(server: ImapServer) -> None:
    for name in FIXTURES:
        server.append((MAIL / name).read_bytes())


@pytest.mark.parametrize("tls", [True, False], ids=["imaps", "starttls"])
def test_messages_are_read_and_left_unread(imap_server: ImapServer, tls: bool) -> None:
    fill(imap_server)
    with open_box(imap_server, tls=tls) as box:
        got = [itip.read_message(raw.key, raw.data) for raw in box.messages()]
    assert [r.kind for r in got] == ["reply", "plain", "bounce"]
    assert [r.key for r in got] == ["1", "2", "3"]
    assert [seen for _, seen in imap_server.listing()] == [False, False, False]


def test_only_the_named_messages_are_marked_and_moved(imap_server: ImapServer) -> None:
    fill(imap_server)
    with open_box(imap_server) as box:
        box.mark_seen(["1"])
        box.move(["1", "3"], "Answers/Done")
    inbox = imap_server.listing()
    assert inbox == [("<gus-answers-in-words@example.org>", False)]
    moved = imap_server.listing("Answers/Done")
    assert moved == [("<000000000000b3c4d5e6f7a8b9c0d1e2f3a4@google.com>", True),
                     ("<20181020081502.9D1E3F4B2A@mail.wic2018.example>", False)]


def test_a_message_over_the_cap_is_fetched_no_further_than_its_head(
        imap_server: ImapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imap, "MAX_MESSAGE", 1000)
    head = b"From: x@example.org\r\nMessage-ID: <big@example.org>\r\nSubject: big\r\n\r\n"
    imap_server.append(head + b"a" * 5000)
    imap_server.append((MAIL / "gmail-accepted.eml").read_bytes()[:900])
    with open_box(imap_server) as box:
        big, small = box.messages()
    assert (big.over, big.size, big.data) == (True, len(head) + 5000, head)
    assert not small.over
    reading = reader.read(big)
    assert (reading.kind, reading.message_id, reading.sender) == (
        "problem", "<big@example.org>", "x@example.org")
    assert f"message of {len(head) + 5000:,} bytes is over the" in reading.detail


def test_a_wrong_password_is_one_clear_error(lone_imap_server: ImapServer) -> None:
    with pytest.raises(DataError, match="login failed"):
        open_box(lone_imap_server, password="wrong")


def test_a_missing_mailbox_is_one_clear_error(imap_server: ImapServer) -> None:
    with pytest.raises(DataError, match="cannot open mailbox 'Nope'"):
        open_box(imap_server, mailbox="Nope")


def test_an_untrusted_certificate_is_refused(imap_server: ImapServer, tmp_path: Path) -> None:
    import trustme

    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    address = imap.parse_url(imap_server.url())
    with pytest.raises(DataError, match="TLS failed"):
        imap.Mailbox(address, imap_server.user, PASSWORD, mail_tls.context(other))


def test_nobody_listening_is_one_clear_error() -> None:
    address = imap.parse_url("imaps://guest@127.0.0.1:1/INBOX")
    with pytest.raises(DataError, match="cannot connect"):
        imap.Mailbox(address, "guest", PASSWORD, mail_tls.context(None))


def test_urls_and_credentials(tmp_path: Path) -> None:
    address = imap.parse_url("imaps://ann%40example.org@mail.example.org/Lists/WIC")
    assert (address.user, address.host, address.port, address.mailbox) == (
        "ann@example.org", "mail.example.org", 993, "Lists/WIC")
    assert imap.parse_url("imap://u@h").port == 143
    with pytest.raises(UsageError, match="password in the URL"):
        imap.parse_url("imaps://u:pw@h/INBOX")
    assert imap.credentials(address, {"WIC_IMAP_PASSWORD": "pw"}, tmp_path) == (
        "ann@example.org", "pw")
    (tmp_path / ".netrc").write_text(
        "machine mail.example.org login ann@example.org password from-netrc\n")
    (tmp_path / ".netrc").chmod(0o600)
    assert imap.credentials(address, {}, tmp_path) == ("ann@example.org", "from-netrc")
    with pytest.raises(UsageError, match="no password for bob@mail.example.org"):
        imap.credentials(imap.parse_url("imaps://bob@mail.example.org/"), {}, tmp_path)


def test_messages_are_fetched_in_bounded_batches(imap_server: ImapServer,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    fill(imap_server)
    fetched: list[list[str]] = []
    original = imap.Mailbox._fetch

    def spy(self: imap.Mailbox, uids: list[str], what: str) -> object:
        fetched.append(list(uids))
        return original(self, uids, what)

    monkeypatch.setattr(imap.Mailbox, "_fetch", spy)
    monkeypatch.setattr(imap, "BATCH_BYTES", 5000)  # the fixtures are 2-4 kB each
    with open_box(imap_server) as box:
        got = [raw.key for raw in box.messages()]
    assert got == ["1", "2", "3"]
    assert len(fetched) >= 2
    assert all(len(batch) <= 2 for batch in fetched)
