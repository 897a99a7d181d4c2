"""`wic invites replies` message by message: a message that cannot be recorded stands
alone, the dry run tells the truth, options are checked before any change, messages are
read within bounds, filing catches up with earlier runs, and TLS failures say what to do.
Against the real ledger (SQLite and PostgreSQL), Dovecot and aiosmtpd."""

from __future__ import annotations

import base64
import hashlib
import json
import mailbox
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LedgerUnderTest, Runner, make_ledger
from imapserver import PASSWORD, ImapServer, imap_server_fixture  # noqa: F401
from mailworld import MAIL, invited, sent_id
from smtpserver import PASSWORD as SMTP_PASSWORD
from smtpserver import Server, smtp_server
from wiccli.mail import answers, inbox, itip, reader
from wiccli.mail.inbox import Raw

ACCEPT = MAIL / "gmail-accepted.eml"  # dan004 accepts
DECLINE = MAIL / "outlook-declined-utf8.eml"  # bob002 declines
ACCEPT_ANN = MAIL / "thunderbird-accepted.eml"  # ann001 accepts
# The REPLY calendar of ACCEPT (its inline part, CRLF line ends).
CALENDAR = ACCEPT.read_bytes().split(b"7bit\n\n", 1)[1].split(b"\n--", 1)[0]


@pytest.fixture
def sqlite_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    return make_ledger("sqlite", request, tmp_path)


def statuses(run: Runner, ledger: LedgerUnderTest) -> dict[str, str]:
    result = run(*ledger.args(), "list", "-f", "json")
    assert result.code == 0, result.stderr
    return {e["id"]: e["status"] for e in json.loads(result.stdout)}


def with_id(path: Path, message_id: str) -> bytes:
    """The message in ``path`` with another Message-ID."""
    raw = path.read_bytes()
    return re.sub(rb"(?mi)^Message-ID:.*$", f"Message-ID: {message_id}".encode(), raw, count=1)


def mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


def replies(run: Runner, ledger: LedgerUnderTest, *args: str, **kwargs: Any) -> dict[str, Any]:
    result = run(*ledger.args(), "replies", *args, "-f", "json", **kwargs)
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def outcomes(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(m["message_id"], m["outcome"], m["entry"]) for m in document["messages"]]


# --------------------------------------------------------------------------- each message alone


def test_a_message_with_the_id_of_one_wic_sent_is_reported_and_the_rest_applied(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, ledger)
    ours = sent_id("ann001")
    box = str(mbox(tmp_path / "in.mbox", [with_id(ACCEPT, ours), DECLINE.read_bytes()]))
    dry = replies(run, ledger, box, "--dry-run")
    real = replies(run, ledger, box)
    assert dry["messages"] == real["messages"]
    assert outcomes(real)[0] == (ours, "needs-a-person", "")
    assert ours in real["messages"][0]["detail"]
    assert "wic sent" in real["messages"][0]["detail"]
    assert outcomes(real)[1][1:] == ("applied", "bob002")
    assert statuses(run, ledger)["bob002"] == "declined"
    assert statuses(run, ledger)["dan004"] == "invited"
    # Again: the applied one is known, the other is still for a person.
    again = replies(run, ledger, box)
    assert [m["outcome"] for m in again["messages"]] == ["needs-a-person", "unchanged"]


def test_a_refusal_of_the_ledger_itself_undoes_only_that_message(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the check that foresees it, the database's UNIQUE Message-ID refuses the
    message: that message alone is left out, the plan made again, the rest applied."""
    invited(run, ledger)
    ours = sent_id("ann001")
    monkeypatch.setattr(answers, "_unrecordable", lambda readings, recorded: readings)
    box = str(mbox(tmp_path / "in.mbox", [
        ACCEPT_ANN.read_bytes(), with_id(DECLINE, ours), ACCEPT.read_bytes()]))
    dry = replies(run, ledger, box, "--dry-run")
    assert statuses(run, ledger)["ann001"] == "invited"
    real = replies(run, ledger, box)
    assert dry["messages"] == real["messages"]
    assert [m["outcome"] for m in real["messages"]] == ["applied", "needs-a-person", "applied"]
    assert "not applied" in real["messages"][1]["detail"]
    assert ours in real["messages"][1]["detail"]
    got = statuses(run, ledger)
    assert (got["ann001"], got["bob002"], got["dan004"]) == ("accepted", "invited", "accepted")
    history = json.loads(run(*ledger.args(), "history", "bob002", "-f", "json").stdout)
    assert [h["status"] for h in history] == ["invited"]


def test_options_are_checked_before_anything_changes(
        run: Runner, sqlite_ledger: LedgerUnderTest, imap_server: ImapServer,
        tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    imap_server.append(ACCEPT.read_bytes())
    env = {"WIC_IMAP_PASSWORD": PASSWORD, "WIC_CA": str(imap_server.ca_file)}
    for option, words in [("Bad\nName", "is not a mailbox name"),
                          ("INBOX", "is the mailbox being read")]:
        result = run(*sqlite_ledger.args(), "replies", imap_server.url(), "--move-to", option,
                     environ=env)
        assert result.code == 2, result.stderr
        assert words in result.stderr
        assert result.stderr.count("error:") == 1
    assert statuses(run, sqlite_ledger)["dan004"] == "invited"
    # A CA file that cannot be read: one error, and no ledger is created.
    fresh = tmp_path / "fresh.db"
    result = run("invites", "--ledger", str(fresh), "replies", imap_server.url(),
                 "--ca", str(tmp_path / "missing.pem"), environ=env)
    assert result.code == 1
    assert "--ca" in result.stderr
    assert "missing.pem" in result.stderr
    assert not fresh.exists()


def test_move_to_also_files_what_an_earlier_run_applied(
        run: Runner, sqlite_ledger: LedgerUnderTest, imap_server: ImapServer) -> None:
    invited(run, sqlite_ledger)
    imap_server.append(ACCEPT.read_bytes())
    imap_server.append((MAIL / "plain-text-answer.eml").read_bytes())
    env = {"WIC_IMAP_PASSWORD": PASSWORD, "WIC_CA": str(imap_server.ca_file)}
    first = replies(run, sqlite_ledger, imap_server.url(), environ=env)
    assert first["counts"]["applied"] == 1
    assert len(imap_server.listing()) == 2
    dry = run(*sqlite_ledger.args(), "replies", imap_server.url(), "--move-to", "Done",
              "--dry-run", environ=env)
    assert "would move to Done: 1 message (1 applied on an earlier run)" in dry.stderr
    assert len(imap_server.listing()) == 2
    again = run(*sqlite_ledger.args(), "replies", imap_server.url(), "--move-to", "Done",
                "--mark-seen", environ=env)
    assert again.code == 0, again.stderr
    assert "1 applied on an earlier run" in again.stderr
    assert imap_server.listing() == [("<gus-answers-in-words@example.org>", False)]
    assert imap_server.listing("Done") == [
        ("<000000000000b3c4d5e6f7a8b9c0d1e2f3a4@google.com>", True)]


# --------------------------------------------------------------------------- bounds


def test_a_message_over_the_limit_is_reported_by_its_message_id_and_the_rest_applied(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox, "MAX_MESSAGE", 20_000)
    monkeypatch.setattr(reader, "MAX_MESSAGE", 20_000)
    invited(run, sqlite_ledger)
    big = with_id(DECLINE, "<big@example.org>") + b"\n" + b"padding line\n" * 2000
    broken = (MAIL / "calendar-part-does-not-parse.eml").read_bytes()
    box = str(mbox(tmp_path / "in.mbox", [big, ACCEPT.read_bytes(), broken]))
    got = replies(run, sqlite_ledger, box)
    assert outcomes(got)[:2] == [
        ("<big@example.org>", "needs-a-person", ""),
        ("<000000000000b3c4d5e6f7a8b9c0d1e2f3a4@google.com>", "applied", "dan004")]
    first, _, third = got["messages"]
    assert "over the" in first["detail"]
    assert "(Message-ID <big@example.org>)" in first["detail"]
    assert first["from"] == "bob@example.com"
    # A message that does not parse is named by its Message-ID in the table too.
    assert third["outcome"] == "needs-a-person"
    assert f"(Message-ID {third['message_id']})" in third["detail"]


def test_a_calendar_part_is_measured_decoded(run: Runner, sqlite_ledger: LedgerUnderTest,
                                             tmp_path: Path) -> None:
    """A 7bit REPLY of 1.2 MB is under the raw check (1 MB * 4/3) but over the 1 MB the
    decoded part may hold."""
    invited(run, sqlite_ledger)
    padding = b"X-PADDING:" + b"x" * 64 + b"\r\n"
    calendar = CALENDAR.replace(b"END:VEVENT\r\n", padding * 16_500 + b"END:VEVENT\r\n")
    big = (b"Message-ID: <padded@example.org>\nFrom: dana@gmail.example\n"
           b"Content-Type: text/calendar; method=REPLY\nContent-Transfer-Encoding: 7bit\n\n"
           + calendar)
    assert 1.1 * 2**20 < len(big) < 1.3 * 2**20
    got = replies(run, sqlite_ledger, str(mbox(tmp_path / "in.mbox", [big])))
    [message] = got["messages"]
    assert message["outcome"] == "needs-a-person"
    assert "over the limit" in message["detail"]
    assert statuses(run, sqlite_ledger)["dan004"] == "invited"


def test_a_big_message_of_short_lines_is_read_without_its_bodies(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path) -> None:
    """An answer with a 3 MB attachment of short lines: the REPLY is applied, and the
    parser is never given the attachment (the cut message is a few kB)."""
    invited(run, sqlite_ledger)
    raw = ACCEPT.read_bytes()
    boundary = b"--000000000000c1d2e3f4a5b6c7d8--"
    attachment = (b"--000000000000c1d2e3f4a5b6c7d8\nContent-Type: text/plain\n\n"
                  + b"ab\n" * 1_000_000 + b"\n" + boundary)
    big = raw.replace(boundary, attachment)
    assert len(big) > 3_000_000
    sliced, notes = reader.slimmed(big)
    assert len(sliced) < 5000
    assert notes == []
    got = replies(run, sqlite_ledger, str(mbox(tmp_path / "in.mbox", [big, big])))
    assert [m["outcome"] for m in got["messages"]] == ["applied", "unchanged"]


BOUNDARY_SHAPES = [
    # a preamble and an epilogue, CRLF line ends, a boundary that starts another one
    (b"Message-ID: <shape1@x>\r\nContent-Type: multipart/mixed; boundary=\"ab\"\r\n\r\n"
     b"preamble\r\n--abc\r\nnot a boundary\r\n--ab\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
     b"--ab  \r\nContent-Type: text/calendar; method=REPLY\r\n\r\n"
     + CALENDAR
     + b"\r\n--ab--\r\nepilogue\r\n"),
    # no Message-ID: the id made from the content is that of the whole message
    b"From: a@example.org\nSubject: no id\n\n" + b"words\n" * 100,
    # a multipart without a boundary parameter, and one never closed
    b"Content-Type: multipart/mixed\n\n--x\n\nbody\n",
    b"Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: text/plain\n\nopen\n",
    # the guest's words come after a forwarded message that has words of its own, and
    # a digest's parts are messages even without a Content-Type
    (b"Message-ID: <fwd@x>\nContent-Type: multipart/mixed; boundary=m\n\n--m\n"
     b"Content-Type: message/rfc822\n\nSubject: inner\n\nnot the guest's words\n--m\n"
     b"Content-Type: text/plain\n\nYes, I will come.\nBest, Ann\n--m\n"
     b"Content-Type: text/plain\n\na second text\n--m--\n"),
    (b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: inner\n\ninner\n"
     b"--d\nContent-Type: text/plain\n\nafter the digest part\n--d--\n"),
    # a calendar part over its limit, beside a text and alone
    (b"Message-ID: <cal@x>\nContent-Type: multipart/mixed; boundary=c\n\n--c\n"
     b"Content-Type: text/plain\n\nhi\n--c\nContent-Type: text/calendar; method=REPLY\n\n"
     + CALENDAR * 1000 + b"\n--c--\n"),
    b"Message-ID: <cal2@x>\nContent-Type: text/calendar\n\n" + CALENDAR * 1000,
]


@pytest.mark.parametrize("raw", [
    *[p.read_bytes() for p in sorted(MAIL.glob("*.eml"))],
    *[p.read_bytes().replace(b"\n", b"\r\n") for p in sorted(MAIL.glob("*.eml"))],
    *BOUNDARY_SHAPES,
], ids=lambda raw: str(len(raw)))
def test_cutting_out_the_unread_bodies_changes_nothing_read(
        raw: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = itip.read_message("1", raw)
    monkeypatch.setattr(reader, "SLIM_ABOVE", 0)
    assert reader.read(Raw("1", raw, len(raw))) == whole


def test_too_many_parts_and_too_deep_are_still_reported_when_cut(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "SLIM_ABOVE", 0)
    many = (b"Content-Type: multipart/mixed; boundary=b\n\n"
            + b"--b\nContent-Type: text/plain\n\nx\n" * 600 + b"--b--\n")
    deep = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i)
                    for i in range(40)) + b"\nend\n"
    for raw, words in [(many, "more than 500 MIME parts"), (deep, "nested more than")]:
        reading = reader.read(Raw("1", raw, len(raw)))
        assert reading == itip.read_message("1", raw)
        assert (reading.kind, words in reading.detail) == ("problem", True)


def test_an_mbox_is_split_as_the_standard_library_splits_it(tmp_path: Path) -> None:
    pieces = [b"From a\n", b"\n", b"x\n", b"From ", b"\r\n", b"y", b">From c\n", b"\n\n"]
    import random

    rng = random.Random(7)
    for _ in range(300):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        path = tmp_path / "t.mbox"
        path.write_bytes(data)
        theirs = mailbox.mbox(path, create=False)
        expected = [theirs.get_file(key).read() for key in theirs.keys()]
        theirs.close()
        assert [raw.data for raw in inbox.read_messages(inbox.Source("mbox", path))] == expected


def test_base64_attachments_keep_their_calendar_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A REPLY sent as a base64 invite.ics beside a large base64 attachment."""
    calendar = CALENDAR
    raw = (b"Message-ID: <b64@x>\nMIME-Version: 1.0\n"
           b"Content-Type: multipart/mixed; boundary=\"zz\"\n\n--zz\n"
           b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
           + base64.encodebytes(b"%PDF" * 200_000) + b"--zz\n"
           b"Content-Type: application/ics; name=\"invite.ics\"\n"
           b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(calendar) + b"--zz--\n")
    assert len(raw) > reader.SLIM_ABOVE
    reading = reader.read(Raw("1", raw, len(raw)))
    assert reading == itip.read_message("1", raw)
    assert reading.kind == "reply"


# --------------------------------------------------------------------------- TLS


def test_imap_tls_trusts_the_ca_given_and_says_how_when_it_fails(
        run: Runner, sqlite_ledger: LedgerUnderTest, imap_server: ImapServer) -> None:
    invited(run, sqlite_ledger)
    imap_server.append(ACCEPT.read_bytes())
    password = {"WIC_IMAP_PASSWORD": PASSWORD}
    for url in (imap_server.url(), imap_server.url(tls=False)):
        result = run(*sqlite_ledger.args(), "replies", url, environ=password)
        assert result.code == 1
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith(f"error: {url.rsplit('/', 1)[0].replace('//', '//')}")
        assert "127.0.0.1" in line
        assert "TLS failed" in line
        assert "--ca FILE or $WIC_CA" in line
    via_option = replies(run, sqlite_ledger, imap_server.url(tls=False), "--dry-run",
                         "--ca", str(imap_server.ca_file), environ=password)
    assert via_option["counts"]["applied"] == 1
    via_env = replies(run, sqlite_ledger, imap_server.url(),
                      environ={**password, "WIC_CA": str(imap_server.ca_file)})
    assert via_env["counts"]["applied"] == 1


def smtp_send(run: Runner, ledger: LedgerUnderTest, server: Server, *extra: str,
              environ: dict[str, str] | None = None) -> Any:
    return run(*ledger.args(), "send", "ann001", "--again", "--smtp", server.user_url(),
               *extra, environ={"WIC_SMTP_PASSWORD": SMTP_PASSWORD, **(environ or {})})


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "smtps"])
def test_smtp_tls_trusts_the_ca_given_and_says_how_when_it_fails(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path,
        implicit_tls: bool) -> None:
    invited(run, sqlite_ledger)
    with smtp_server(tmp_path, implicit_tls=implicit_tls) as server:
        result = smtp_send(run, sqlite_ledger, server)
        assert result.code == 1
        [line] = result.stderr.splitlines()
        assert line.startswith(f"error: {server.user_url()}")
        assert "TLS failed" in line
        assert "--ca FILE or $WIC_CA" in line
        assert server.inbox.received == []
        assert smtp_send(run, sqlite_ledger, server, "--ca", str(server.ca_file)).code == 0
        assert smtp_send(run, sqlite_ledger, server,
                         environ={"WIC_CA": str(server.ca_file)}).code == 0
        # the older names, kept working
        assert smtp_send(run, sqlite_ledger, server, "--smtp-ca", str(server.ca_file)).code == 0
        assert smtp_send(run, sqlite_ledger, server,
                         environ={"WIC_SMTP_CA": str(server.ca_file)}).code == 0
        both = smtp_send(run, sqlite_ledger, server, "--ca", str(server.ca_file),
                         "--smtp-ca", str(server.ca_file))
        assert both.code == 2
        assert len(server.inbox.received) == 4


def _leaf(kind: str, body: bytes) -> bytes:
    return b"Content-Type: " + kind.encode() + b"\n\n" + body


_LEAVES = st.sampled_from([
    _leaf("text/plain", b"Yes, I will come.\n> quoted\n"),
    _leaf("text/html", b"<p>yes</p>\n"),
    _leaf("text/calendar; method=REPLY", CALENDAR),
    _leaf("text/calendar; method=REQUEST", CALENDAR.replace(b"METHOD:REPLY", b"METHOD:REQUEST")),
    b"Content-Type: application/ics; name=invite.ics\nContent-Transfer-Encoding: base64\n\n"
    + base64.encodebytes(CALENDAR),
    b"Content-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
    + base64.encodebytes(b"%PDF-1.4" * 40),
    _leaf("message/delivery-status", b"Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; "
          b"ann@example.org\nAction: failed\nStatus: 5.1.1\n"),
    _leaf("text/rfc822-headers", b"Message-ID: <sent-ann001-0@wic2018.example>\n"),
    b"\nno headers at all\n",
])


def _tree(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    multipart = st.tuples(
        st.sampled_from(["mixed", "alternative", "report", "digest"]),
        st.lists(children, min_size=0, max_size=4), st.booleans(), st.booleans())

    def build(args: tuple[str, list[bytes], bool, bool]) -> bytes:
        subtype, parts, preamble, closed = args
        # a boundary of its own: the parts hold their own boundaries, so it differs from them
        boundary = hashlib.sha1(subtype.encode() + b"|".join(parts)).hexdigest()[:16].encode()
        out = b"Content-Type: multipart/" + subtype.encode() + b"; boundary=" + boundary
        out += b"\n\n" + (b"a preamble\n" if preamble else b"")
        out += b"".join(b"--" + boundary + b"\n" + part + b"\n" for part in parts)
        return out + (b"--" + boundary + b"--\nan epilogue\n" if closed else b"")

    attached = children.map(lambda inner: b"Content-Type: message/rfc822\n\n" + inner)
    return st.one_of(multipart.map(build), attached)


@settings(max_examples=300, deadline=None)
@given(st.recursive(_LEAVES, _tree, max_leaves=12),
       st.sampled_from([b"", b"Message-ID: <tree@example.org>\nFrom: ann@example.org\n"]),
       st.booleans())
def test_any_mime_tree_reads_the_same_cut_or_whole(tree: bytes, head: bytes,
                                                    crlf: bool) -> None:
    raw = head + tree
    if crlf:
        raw = raw.replace(b"\n", b"\r\n")
    whole = itip.read_message("1", raw)
    original, reader.SLIM_ABOVE = reader.SLIM_ABOVE, 0
    try:
        assert reader.read(Raw("1", raw, len(raw))) == whole
    finally:
        reader.SLIM_ABOVE = original
