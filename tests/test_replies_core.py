"""Reading answers: messages as real clients send them, and planning what they change."""

from __future__ import annotations

import base64
import mailbox
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA
from wiccli.errors import DataError
from wiccli.invites.model import Invitation, Message
from wiccli.mail import inbox, itip
from wiccli.mail.imip import invitation_uid
from wiccli.mail.replies import (
    APPLIED,
    BOUNCED,
    PERSON,
    UNCHANGED,
    UNMATCHED,
    parse_uid,
    plan,
)

MAIL = DATA / "mail"
NOW = datetime(2018, 10, 30, 12, 0, tzinfo=UTC)


def recorded(message_id: str, entry_id: str, direction: str, kind: str,
             sequence: int | None = None, dtstamp: datetime | None = None,
             uid: str = "") -> Message:
    return Message(entry_id, direction, kind, message_id, NOW, sequence=sequence,
                   dtstamp=dtstamp, uid=uid)


GUESTS = {
    "ann001": "ann@example.org", "bob002": "bob@example.com", "cem003": "cem@example.net",
    "dan004": "dana@gmail.example", "eve005": "eve@example.org", "gus006": "gus@example.org",
    "hal007": "hal@nowhere.example", "ivy008": "ivy@contoso.example",
    "jon009": "jon@example.org", "kim010": "kim@example.org", "lea011": "lea@example.org",
}
# What each fixture becomes against the ledger above: outcome, entry, status after.
EXPECTED = {
    "thunderbird-accepted.eml": (APPLIED, "ann001", "accepted"),
    "outlook-declined-utf8.eml": (APPLIED, "bob002", "declined"),
    "apple-mail-tentative-latin1.eml": (APPLIED, "cem003", "tentative"),
    "gmail-accepted.eml": (APPLIED, "dan004", "accepted"),
    "reply-without-method-parameter.eml": (APPLIED, "kim010", "accepted"),
    "thunderbird-delegated.eml": (APPLIED, "eve005", "invited"),
    # From another address than the ledger's: the guest's, maybe; a person decides.
    "outlook-accepted-other-address.eml": (PERSON, "jon009", "invited"),
    "attachment-named-dot-dot.eml": (APPLIED, "lea011", "accepted"),
    "plain-text-answer.eml": (PERSON, "gus006", "invited"),
    "postfix-bounce-user-unknown.eml": (BOUNCED, "hal007", "invited"),
    "exchange-ndr-recipient-not-found.eml": (BOUNCED, "ivy008", "invited"),
    "calendar-part-does-not-parse.eml": (PERSON, "", ""),
    "reply-without-attendee.eml": (PERSON, "", ""),
    "forwarded-request-not-a-reply.eml": (PERSON, "", ""),
    "reply-for-another-event.eml": (UNMATCHED, "", ""),
    "reply-unknown-uid.eml": (UNMATCHED, "", ""),
}


INVITED = datetime(2018, 10, 1, 8, 0, tzinfo=UTC)


def sent(entry_id: str, sequence: int = 0) -> Message:
    """The invitation wic sent the guest (SEQUENCE ``sequence``), as the ledger records it."""
    return Message(entry_id, "out", "invitation", f"<sent-{entry_id}-{sequence}@wic2018.example>",
                   INVITED, uid=invitation_uid(entry_id, "wic2018"), sequence=sequence,
                   dtstamp=INVITED, outcome="accepted")


# Every guest was sent an invitation; the answers below answer those.
SENT = [sent(entry_id) for entry_id in GUESTS]


def guest(entry_id: str, status: str = "invited") -> Invitation:
    at = datetime(2018, 10, 1, tzinfo=UTC)
    return Invitation(id=entry_id, name=entry_id.title(), category="experts", country="DE",
                      status=status, created=at, updated=at, email=GUESTS.get(entry_id, ""))


def ledger(**statuses: str) -> list[Invitation]:
    return [guest(i, statuses.get(i, "invited")) for i in GUESTS]


def read(name: str) -> itip.Reading:
    return itip.read_message(name, (MAIL / name).read_bytes())


def readings() -> list[itip.Reading]:
    return [read(name) for name in EXPECTED]


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize(("name", "uid", "partstat", "cn"), [
    ("thunderbird-accepted.eml", "invitation-ann001@wic2018.wic", "ACCEPTED", "Ann Example"),
    ("outlook-declined-utf8.eml", "invitation-bob002@wic2018.wic", "DECLINED", "Björn Åström"),
    ("apple-mail-tentative-latin1.eml", "invitation-cem003@wic2018.wic", "TENTATIVE",
     "Cem Müller"),
    ("gmail-accepted.eml", "invitation-dan004@wic2018.wic", "ACCEPTED", "Dana Example"),
    ("reply-without-method-parameter.eml", "invitation-kim010@wic2018.wic", "ACCEPTED",
     "Kim Example"),
])
def test_replies_from_each_client_are_read(name: str, uid: str, partstat: str, cn: str) -> None:
    reading = read(name)
    assert reading.kind == "reply"
    # Thunderbird and Gmail send the REPLY twice (inline and invite.ics): one answer.
    [answer] = reading.answers
    assert answer.uid == uid
    assert answer.attendees[0].partstat == partstat
    assert answer.attendees[0].name == cn
    assert answer.dtstamp is not None
    assert answer.dtstamp.tzinfo is not None


def test_outlook_address_in_any_case_is_lower_cased() -> None:
    answer = read("outlook-declined-utf8.eml").answers[0]
    assert answer.attendees[0].address == "bob@example.com"
    assert read("outlook-declined-utf8.eml").sender == "bob@example.com"


def test_delegation_names_the_delegate() -> None:
    [answer] = read("thunderbird-delegated.eml").answers
    eve, frank = answer.attendees
    assert (eve.partstat, eve.delegated_to) == ("DELEGATED", ("frank@example.org",))
    assert (frank.name, frank.delegated_from) == ("Frank Delegate", ("eve@example.org",))


def test_postfix_bounce_names_the_recipient_and_the_returned_invitation() -> None:
    reading = read("postfix-bounce-user-unknown.eml")
    assert reading.kind == "bounce"
    [failure] = reading.failures
    assert (failure.address, failure.status) == ("hal@nowhere.example", "5.1.1")
    assert "User unknown" in failure.diagnostic
    assert reading.original_id == "<sent-hal007-0@wic2018.example>"
    # The returned message holds the REQUEST wic sent: it is not taken for an answer.
    assert reading.answers == ()


def test_exchange_ndr_with_returned_headers_only() -> None:
    reading = read("exchange-ndr-recipient-not-found.eml")
    assert reading.kind == "bounce"
    assert [(f.address, f.status) for f in reading.failures] == [
        ("ivy@contoso.example", "5.1.10")]
    assert reading.original_id == "<sent-ivy008-0@wic2018.example>"


@pytest.mark.parametrize(("name", "kind", "words"), [
    ("plain-text-answer.eml", "plain", ""),
    ("calendar-part-does-not-parse.eml", "problem", "does not parse"),
    ("reply-without-attendee.eml", "problem", "without an ATTENDEE"),
    ("forwarded-request-not-a-reply.eml", "plain", "REQUEST, not a REPLY"),
])
def test_messages_without_an_answer_say_why(name: str, kind: str, words: str) -> None:
    reading = read(name)
    assert reading.kind == kind
    assert words in reading.detail
    assert "\n" not in reading.detail
    assert reading.message_id.startswith("<")
    assert reading.sender


def test_a_message_without_message_id_gets_a_stable_one() -> None:
    raw = (MAIL / "thunderbird-accepted.eml").read_bytes().replace(b"Message-ID:", b"X-Old-Id:")
    first, again = itip.read_message("1", raw), itip.read_message("2", raw)
    assert first.message_id == again.message_id
    assert first.message_id.endswith("@no-message-id.wic.invalid>")
    assert first.kind == "reply"


# --------------------------------------------------------------------------- hostile messages


def nested(depth: int) -> bytes:
    head = b"From: x@example.org\nMessage-ID: <deep@example.org>\nMIME-Version: 1.0\n"
    body = b"Content-Type: text/plain\n\nhello\n"
    for level in range(depth):
        body = (f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n'
                .encode() + body + f"\n--b{level}--\n".encode())
    return head + body


def test_deep_nesting_is_refused_not_followed() -> None:
    reading = itip.read_message("1", nested(200))
    assert reading.kind == "problem"
    assert "nested" in reading.detail
    assert itip.read_message("1", nested(5)).kind == "plain"


def test_mime_nesting_exactly_at_the_limit_is_read_one_past_is_refused() -> None:
    """The message is depth 0; its text part is at depth ``depth``."""
    at_limit = itip.read_message("1", nested(itip.MAX_DEPTH))
    assert (at_limit.kind, at_limit.excerpt) == ("plain", "hello")
    past = itip.read_message("1", nested(itip.MAX_DEPTH + 1))
    assert past.kind == "problem"
    assert past.detail == f"MIME parts nested more than {itip.MAX_DEPTH} deep; not read"


def test_a_huge_calendar_part_is_not_parsed() -> None:
    big = base64.encodebytes(b"BEGIN:VCALENDAR\r\n" + b"X" * (2 * itip.MAX_CALENDAR))
    raw = (b"From: x@example.org\nMessage-ID: <big@example.org>\nMIME-Version: 1.0\n"
           b"Content-Type: text/calendar; method=REPLY\nContent-Transfer-Encoding: base64\n\n"
           + big)
    reading = itip.read_message("1", raw)
    assert reading.kind == "problem"
    assert "over the limit" in reading.detail


def test_a_huge_message_is_not_parsed() -> None:
    reading = itip.read_message("1", b"Subject: x\n\n" + b"a" * (itip.MAX_MESSAGE + 1))
    assert reading.kind == "problem"
    assert "over the limit" in reading.detail


def test_too_many_parts_are_refused() -> None:
    parts = b"".join(b"--b\nContent-Type: text/plain\n\nx\n" for _ in range(itip.MAX_PARTS + 5))
    raw = (b"From: x@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
           b'boundary="b"\n\n' + parts + b"--b--\n")
    reading = itip.read_message("1", raw)
    assert reading.kind == "problem"
    assert "MIME parts" in reading.detail


def test_an_attachment_named_dot_dot_writes_nothing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.parent.iterdir())
    reading = read("attachment-named-dot-dot.eml")
    assert reading.kind == "reply"
    assert sorted(tmp_path.parent.iterdir()) == before
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.binary(max_size=2000))
def test_any_bytes_give_a_reading_never_an_exception(data: bytes) -> None:
    reading = itip.read_message("1", data)
    assert reading.kind in ("reply", "bounce", "plain", "problem")


@settings(max_examples=100, deadline=None, derandomize=True)
@given(st.integers(0, 2000), st.binary(min_size=1, max_size=40))
def test_a_cut_or_corrupted_reply_is_reported_not_raised(cut: int, junk: bytes) -> None:
    raw = (MAIL / "outlook-declined-utf8.eml").read_bytes()
    reading = itip.read_message("1", raw[:cut] + junk + raw[cut + len(junk):])
    assert reading.kind in ("reply", "bounce", "plain", "problem")


# --------------------------------------------------------------------------- planning


def test_uids_round_trip() -> None:
    assert parse_uid(invitation_uid("a-b_9", "wic2018")) == ("a-b_9", "wic2018")
    assert parse_uid("040000008200E00074C5B7101A82E008") is None


def test_every_fixture_gets_its_outcome() -> None:
    result = plan(readings(), ledger(), SENT, event_id="wic2018", now=NOW)
    got = {o.key: (o.outcome, o.entry_id, o.status) for o in result.outcomes}
    assert got == EXPECTED
    assert result.counts() == {APPLIED: 7, UNCHANGED: 0, UNMATCHED: 2, PERSON: 5, BOUNCED: 2}
    changes = {c.entry_id: c for c in result.changes}
    assert changes["bob002"].status == "declined"
    assert changes["bob002"].at == datetime(2018, 10, 21, 7, 0, tzinfo=UTC)
    assert changes["bob002"].message_id.startswith("<DB6PR0802MB2533")
    # Outlook sends what the guest wrote as the REPLY's COMMENT: it goes into the history.
    assert changes["bob002"].note == ("reply DECLINED from bob@example.com: Sorry, I am "
                                      "travelling that week.")
    assert changes["eve005"].note.startswith("delegated to frank@example.org")
    assert changes["eve005"].status == "invited"


def test_an_answer_from_another_address_needs_a_person() -> None:
    result = plan([read("outlook-accepted-other-address.eml")], ledger(), SENT,
                  event_id="wic2018", now=NOW)
    [outcome] = result.outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.record) == (PERSON, "jon009", None)
    assert outcome.detail == ("not applied: sent from jon@work.example, not from the guest's "
                              "address jon@example.org")
    assert result.changes == ()


def test_the_same_mailbox_again_changes_nothing() -> None:
    first = plan(readings(), ledger(), SENT, event_id="wic2018", now=NOW)
    known = [recorded(o.message_id, o.record.entry_id, "in", o.record.kind,
                         o.record.sequence, o.record.dtstamp)
                for o in first.outcomes if o.record]
    after = [replace(e, status=next((c.status for c in first.changes if c.entry_id == e.id),
                                    e.status)) for e in ledger()]
    again = plan(readings(), after, SENT + known, event_id="wic2018", now=NOW)
    assert again.changes == ()
    assert again.delegates == ()
    counts = again.counts()
    assert counts[APPLIED] == 0
    assert counts[BOUNCED] == 0
    assert counts[UNCHANGED] == 9  # the 7 replies and 2 bounces recorded the first time


def test_duplicate_message_in_one_mailbox_counts_once() -> None:
    result = plan([read("gmail-accepted.eml")] * 2, ledger(), SENT, event_id="wic2018", now=NOW)
    assert [o.outcome for o in result.outcomes] == [APPLIED, UNCHANGED]
    assert len(result.changes) == 1


def answer_at(name: str, stamp: datetime, sequence: int = 0,
              message_id: str = "") -> itip.Reading:
    reading = read(name)
    answers = tuple(replace(a, dtstamp=stamp, sequence=sequence) for a in reading.answers)
    return replace(reading, answers=answers, message_id=message_id or reading.message_id)


def test_an_older_answer_never_overrides_a_newer_one() -> None:
    declined = read("thunderbird-accepted.eml")
    declined = replace(declined, message_id="<later@example.org>", answers=tuple(
        replace(a, dtstamp=datetime(2018, 10, 25, tzinfo=UTC), attendees=(
            replace(a.attendees[0], partstat="DECLINED"),)) for a in declined.answers))
    accepted = answer_at("thunderbird-accepted.eml", datetime(2018, 10, 20, tzinfo=UTC))
    # The newer one first in the mailbox: answers are taken in the order they were given,
    # so the newer one is the last word and history reads in time order.
    result = plan([declined, accepted], ledger(), SENT, event_id="wic2018", now=NOW)
    assert [(c.status, c.message_id) for c in result.changes] == [
        ("accepted", accepted.message_id), ("declined", "<later@example.org>")]
    assert [o.status for o in result.outcomes] == ["declined", "accepted"]
    # And against what is recorded from an earlier run.
    known = [recorded("<later@example.org>", "ann001", "in", "reply", 0,
                         datetime(2018, 10, 25, tzinfo=UTC))]
    result = plan([accepted], ledger(ann001="declined"), SENT + known, event_id="wic2018",
                  now=NOW)
    assert result.changes == ()
    assert result.outcomes[0].outcome == UNCHANGED
    assert "older" in result.outcomes[0].detail
    assert result.outcomes[0].record is not None
    assert result.outcomes[0].record.kind == "refused"


def test_a_tie_in_one_mailbox_applies_the_first_and_leaves_the_other_to_a_person() -> None:
    stamp = datetime(2018, 10, 20, tzinfo=UTC)
    accepted = answer_at("thunderbird-accepted.eml", stamp)
    declined = replace(accepted, message_id="<same-moment@example.org>", answers=tuple(
        replace(a, attendees=(replace(a.attendees[0], partstat="DECLINED"),))
        for a in accepted.answers))
    for first, second in [(accepted, declined), (declined, accepted)]:
        result = plan([first, second], ledger(), SENT, event_id="wic2018", now=NOW)
        assert [o.outcome for o in result.outcomes] == [APPLIED, PERSON]
        assert [c.message_id for c in result.changes] == [first.message_id]
        assert result.outcomes[1].record is None
    same = replace(accepted, message_id="<again@example.org>")
    result = plan([accepted, same], ledger(), SENT, event_id="wic2018", now=NOW)
    assert [(o.outcome, o.detail) for o in result.outcomes] == [
        (APPLIED, "invited -> accepted"), (UNCHANGED, "already accepted")]


def test_a_higher_sequence_wins_over_a_later_dtstamp() -> None:
    known = [recorded("<r1@example.org>", "ann001", "in", "reply", 1,
                         datetime(2018, 10, 1, tzinfo=UTC))]
    known += [sent("ann001", 1), sent("ann001", 2)]
    old_invitation = answer_at("thunderbird-accepted.eml", datetime(2018, 10, 29, tzinfo=UTC))
    result = plan([old_invitation], ledger(), SENT + known, event_id="wic2018", now=NOW)
    assert result.outcomes[0].outcome == UNCHANGED
    newer = answer_at("thunderbird-accepted.eml", datetime(2018, 10, 2, tzinfo=UTC), sequence=2)
    assert plan([newer], ledger(), SENT + known, event_id="wic2018",
                now=NOW).outcomes[0].outcome == APPLIED


def test_a_withdrawn_invitation_is_reported_not_applied() -> None:
    result = plan([read("gmail-accepted.eml")], ledger(dan004="withdrawn"), SENT,
                  event_id="wic2018", now=NOW)
    [outcome] = result.outcomes
    assert (outcome.outcome, outcome.status) == (UNCHANGED, "withdrawn")
    assert "withdrawn" in outcome.detail
    assert result.changes == ()


def test_a_change_the_status_rules_refuse_needs_a_person() -> None:
    result = plan([read("apple-mail-tentative-latin1.eml")], ledger(cem003="accepted"), SENT,
                  event_id="wic2018", now=NOW)
    [outcome] = result.outcomes
    assert outcome.outcome == PERSON
    assert "accepted cannot be followed by tentative" in outcome.detail
    assert result.changes == ()
    assert outcome.record is None  # not recorded: listed again until a person acts


def test_the_same_answer_again_is_unchanged() -> None:
    result = plan([read("gmail-accepted.eml")], ledger(dan004="accepted"), SENT,
                  event_id="wic2018", now=NOW)
    assert (result.outcomes[0].outcome, result.outcomes[0].detail) == (
        UNCHANGED, "already accepted")


def test_delegates_are_added_only_when_asked() -> None:
    without = plan([read("thunderbird-delegated.eml")], ledger(), SENT, event_id="wic2018",
                   now=NOW)
    assert without.delegates == ()
    result = plan([read("thunderbird-delegated.eml")], ledger(), SENT, event_id="wic2018",
                  now=NOW, add_delegates=True)
    [delegate] = result.delegates
    assert (delegate.from_entry, delegate.email, delegate.name) == (
        "eve005", "frank@example.org", "Frank Delegate")
    assert "added frank@example.org" in result.outcomes[0].detail


def test_a_bounce_is_matched_by_the_message_wic_sent() -> None:
    result = plan([read("exchange-ndr-recipient-not-found.eml")], ledger(), SENT,
                  event_id="wic2018", now=NOW)
    [outcome] = result.outcomes
    assert (outcome.outcome, outcome.entry_id) == (BOUNCED, "ivy008")
    assert "5.1.10" in outcome.detail
    assert outcome.record is not None
    assert outcome.record.kind == "bounce"


def test_a_bounce_without_a_message_wic_sent_needs_a_person() -> None:
    """Nothing recorded as sent: the report names a guest, but anyone can write one."""
    result = plan([read("exchange-ndr-recipient-not-found.eml")], ledger(), [],
                  event_id="wic2018", now=NOW)
    [outcome] = result.outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.record) == (PERSON, "ivy008", None)
    assert "returns no message wic sent" in outcome.detail


def test_a_bounce_for_nobody_is_unmatched() -> None:
    result = plan([read("exchange-ndr-recipient-not-found.eml")], [guest("ann001")], [],
                  event_id="wic2018", now=NOW)
    assert result.outcomes[0].outcome == UNMATCHED
    assert "ivy@contoso.example" in result.outcomes[0].detail


def test_reply_for_another_event_says_which() -> None:
    [outcome] = plan([read("reply-for-another-event.eml")], ledger(), SENT, event_id="wic2018",
                     now=NOW).outcomes
    assert outcome.detail == "a reply for event 'wic2019', not 'wic2018'"


# --------------------------------------------------------------------------- sources


def fill_mbox(path: Path, names: list[str]) -> None:
    box = mailbox.mbox(path)
    for name in names:
        box.add((MAIL / name).read_bytes())
    box.close()


def test_an_mbox_yields_every_message_in_order(tmp_path: Path) -> None:
    fill_mbox(tmp_path / "in.mbox", list(EXPECTED))
    source = inbox.locate("in.mbox", tmp_path)
    assert source.kind == "mbox"
    got = [itip.read_message(raw.key, raw.data) for raw in inbox.read_messages(source)]
    assert [r.message_id for r in got] == [r.message_id for r in readings()]
    assert [r.key for r in got][:2] == ["1", "2"]


def test_a_maildir_and_a_single_message(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "Mail")
    box.add((MAIL / "gmail-accepted.eml").read_bytes())
    box.close()
    source = inbox.locate(str(tmp_path / "Mail"), tmp_path)
    assert source.kind == "maildir"
    [raw] = list(inbox.read_messages(source))
    assert itip.read_message("k", raw.data).kind == "reply"
    source = inbox.locate(str(MAIL / "gmail-accepted.eml"), tmp_path)
    assert source.kind == "message"
    assert [raw.key for raw in inbox.read_messages(source)] == ["gmail-accepted.eml"]


@pytest.mark.parametrize(("content", "words"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not a mailbox"),
    (b"just some words\nin a text file\n", "not a mailbox"),
])
def test_a_file_that_is_not_a_mailbox_is_refused(tmp_path: Path, content: bytes,
                                                 words: str) -> None:
    (tmp_path / "x").write_bytes(content)
    with pytest.raises(DataError, match=words):
        inbox.locate("x", tmp_path)


def test_missing_source_and_plain_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        inbox.locate("nope.mbox", tmp_path)
    (tmp_path / "folder").mkdir()
    with pytest.raises(DataError, match="not a Maildir"):
        inbox.locate("folder", tmp_path)


def test_a_known_message_is_not_parsed_past_its_headers() -> None:
    raw = (MAIL / "outlook-declined-utf8.eml").read_bytes()
    message_id = itip.read_message("1", raw).message_id
    # The body is cut off: only the headers are read, and they say "read before".
    known = itip.read_message("1", raw[:raw.index(b"\n\n") + 2] + b"--junk", {message_id})
    assert (known.kind, known.detail, known.message_id) == ("plain", "read before", message_id)
    assert known.sender == "bob@example.com"
    assert itip.read_message("1", raw, {"<other@x>"}).kind == "reply"


def test_control_characters_never_leave_a_message() -> None:
    raw = (MAIL / "thunderbird-delegated.eml").read_bytes()
    raw = raw.replace(b"Subject: Delegated", b"Subject: \x1b[31mDelegated\x07")
    # A C1 control (CSI) and a right-to-left override in the delegate's name.
    raw = raw.replace(b"CN=Frank Delegate", b"CN=Frank\xc2\x9b2J \xe2\x80\xaeDelegate")
    reading = itip.read_message("1", raw)
    assert reading.subject == "[31mDelegated : Invitation: 5th World Internet Conference"
    frank = reading.answers[0].attendees[1]
    assert frank.name == "Frank 2J Delegate"
    result = plan([reading], ledger(), SENT, event_id="wic2018", now=NOW, add_delegates=True)
    assert result.delegates[0].name == "Frank 2J Delegate"


def test_a_delegate_that_is_no_address_is_not_added() -> None:
    raw = (MAIL / "thunderbird-delegated.eml").read_bytes().replace(
        b'DELEGATED-TO="mailto:frank@example.org"', b'DELEGATED-TO="mailto:frank"')
    result = plan([itip.read_message("1", raw)], ledger(), SENT, event_id="wic2018", now=NOW,
                  add_delegates=True)
    assert result.delegates == ()
    assert "'frank' is not an e-mail address" in result.outcomes[0].detail


# --------------------------------------------------------------------------- Authentication-Results


def test_authentication_results_are_read_as_rfc_8601_writes_them() -> None:
    from wiccli.mail import authres

    header = authres.parse('mx.example.org 1; (comment; with ;) dkim=pass (good) '
                           'header.d=example.org header.s=s1; spf=fail '
                           'smtp.mailfrom=x@y.example; dmarc=pass reason="a; b" '
                           'header.from=example.org')
    assert header is not None
    assert header.authserv_id == "mx.example.org"
    assert [(r.method, r.result) for r in header.results] == [
        ("dkim", "pass"), ("spf", "fail"), ("dmarc", "pass")]
    assert header.results[0].prop("header.d") == "example.org"
    headers = authres.read_all(["evil.example; dmarc=pass", "MX.Example.org; dmarc=fail",
                                "mx.example.org; dmarc=pass"])
    # The topmost header of the trusted server is the one it added; the rest are ignored.
    assert authres.verdict(headers, "mx.example.org", "ann@example.org") == (
        "mx.example.org says dmarc=fail, not dmarc=pass or aligned dkim=pass")
    assert authres.verdict(headers[2:], "mx.example.org", "ann@example.org") == ""
    # Relaxed alignment: a subdomain of the signing domain, never a bare top-level domain.
    dkim = authres.read_all(["mx.example.org; dkim=pass header.d=example.org"])
    assert authres.verdict(dkim, "mx.example.org", "ann@mail.example.org") == ""
    tld = authres.read_all(["mx.example.org; dkim=pass header.d=org"])
    assert authres.verdict(tld, "mx.example.org", "ann@example.org") != ""


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_authentication_results_value_parses_or_is_skipped(value: str) -> None:
    from wiccli.mail import authres

    header = authres.parse(value)
    assert header is None or " " not in header.authserv_id
    assert isinstance(authres.verdict(authres.read_all([value]), "mx.example.org",
                                      "a@example.org"), str)


def test_hostile_authentication_results_cost_their_length() -> None:
    """Twenty headers of 4,000 quotes and semicolons: one pass each (a look-ahead split
    took 1.5 s here), well under the time of one real message's calendar parsing."""
    import time

    from wiccli.mail import authres

    values = ["x; " + '";' * 2000, "x; " + ";" * 4000, "x; " + "(" * 4000] * 7
    started = time.process_time()
    found = authres.read_all(values)
    assert time.process_time() - started < 0.3
    assert len(found) == authres.MAX_HEADERS


# What each fixture's outcome says in full: the detail a person reads, when the answer
# was given (day, hour, minute, second in October 2018, UTC), who sent it, and the
# kind it is recorded as (None: not recorded, so listed again until a person acts).
DETAILS = {
    "thunderbird-accepted.eml": (
        "invited -> accepted",
        (20, 8, 15, 0), "ann@example.org", "reply"),
    "outlook-declined-utf8.eml": (
        "invited -> declined",
        (21, 7, 0, 0), "bob@example.com", "reply"),
    "apple-mail-tentative-latin1.eml": (
        "invited -> tentative",
        (22, 12, 0, 0), "cem@example.net", "reply"),
    "gmail-accepted.eml": (
        "invited -> accepted",
        (23, 9, 0, 0), "dana@gmail.example", "reply"),
    "reply-without-method-parameter.eml": (
        "invited -> accepted",
        (24, 8, 0, 0), "kim@example.org", "reply"),
    "thunderbird-delegated.eml": (
        "delegated to frank@example.org (reply from eve@example.org)",
        (24, 10, 0, 0), "eve@example.org", "reply"),
    "outlook-accepted-other-address.eml": (
        "not applied: sent from jon@work.example, not from the guest's address "
        "jon@example.org",
        (25, 7, 0, 0), "jon@work.example", None),
    "attachment-named-dot-dot.eml": (
        "invited -> accepted",
        (20, 8, 15, 0), "lea@example.org", "reply"),
    "plain-text-answer.eml": (
        "no calendar answer: a person reads it; it says: Dear organisers, / thank you, I "
        "will gladly come, with one colleague. Can you send the hotel details? / Gus",
        (26, 7, 30, 0), "gus@example.org", None),
    "postfix-bounce-user-unknown.eml": (
        "delivery failed: hal@nowhere.example: 5.1.1 smtp; 550 5.1.1 "
        "<hal@nowhere.example>: Recipient address rejected: User unknown in virtual "
        "mailbox table",
        (20, 8, 15, 2), "mailer-daemon@mail.wic2018.example", "bounce"),
    "exchange-ndr-recipient-not-found.eml": (
        "delivery failed: ivy@contoso.example: 5.1.10 smtp;550 5.1.10 "
        "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        (20, 8, 15, 4), "postmaster@contoso.example", "bounce"),
    "calendar-part-does-not-parse.eml": (
        "calendar part does not parse: Found no components where exactly one is required:"
        " BEGIN:VCALENDAR METHOD:REPLY BEGIN:VEVE",
        (27, 10, 0, 0), "someone@example.org", None),
    "reply-without-attendee.eml": (
        "calendar REPLY for invitation-ann001@wic2018.wic without an ATTENDEE",
        (27, 10, 0, 0), "someone@example.org", None),
    "forwarded-request-not-a-reply.eml": (
        "a calendar REQUEST, not a REPLY; it says: See the calendar part.",
        (27, 10, 0, 0), "someone@example.org", None),
    "reply-for-another-event.eml": (
        "a reply for event 'wic2019', not 'wic2018'",
        (20, 8, 15, 0), "someone@example.org", None),
    "reply-unknown-uid.eml": (
        "UID "
        "040000008200E00074C5B7101A82E00800000000D0F1A2B3C4D5D401000000000000000010000000"
        " is not an invitation wic sent",
        (20, 8, 15, 0), "someone@example.org", None),
}


def test_every_fixture_says_in_full_what_became_of_it() -> None:
    result = plan(readings(), ledger(), SENT, event_id="wic2018", now=NOW)
    got = {o.key: (o.detail, (o.at.day, o.at.hour, o.at.minute, o.at.second) if o.at else None,
                   o.sender, o.record.kind if o.record else None) for o in result.outcomes}
    assert got == DETAILS
    for o in result.outcomes:
        assert o.at is not None
        assert o.at.tzinfo is not None
        assert (o.at.year, o.at.month) == (2018, 10)
        if o.record is not None and o.record.kind == "reply":
            assert (o.record.entry_id, o.record.sequence, o.record.dtstamp) == (
                o.entry_id, 0, o.at)
            assert o.record.uid == invitation_uid(o.entry_id, "wic2018")


def test_a_bounce_that_returns_nothing_wic_sent_says_what_failed() -> None:
    result = plan([read("exchange-ndr-recipient-not-found.eml"),
                   read("postfix-bounce-user-unknown.eml")], ledger(), [], event_id="wic2018",
                  now=NOW)
    assert [(o.outcome, o.entry_id, o.status, o.detail) for o in result.outcomes] == [
        (PERSON, "ivy008", "invited", "delivery failed for ivy@contoso.example: 5.1.10 "
         "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
         "lookup, but the report returns no message wic sent (no Message-ID of one): not "
         "applied"),
        (PERSON, "hal007", "invited", "delivery failed for hal@nowhere.example: 5.1.1 smtp; "
         "550 5.1.1 <hal@nowhere.example>: Recipient address rejected: User unknown in "
         "virtual mailbox table, but the report returns no message wic sent (no Message-ID "
         "of one): not applied")]
    nobody = plan([read("exchange-ndr-recipient-not-found.eml")], [guest("ann001")], [],
                  event_id="wic2018", now=NOW)
    assert [(o.outcome, o.entry_id, o.detail) for o in nobody.outcomes] == [
        (UNMATCHED, "", "delivery failed for ivy@contoso.example: 5.1.10 smtp;550 5.1.10 "
         "RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup; no "
         "entry has that invitation or address")]


def delegating(*to: str) -> itip.Reading:
    """Eve's delegation, passed to ``to`` (Frank, named in the reply, among the rest)."""
    reading = read("thunderbird-delegated.eml")
    answers = tuple(replace(a, attendees=tuple(
        replace(p, delegated_to=to) if p.partstat == "DELEGATED" else p for p in a.attendees))
        for a in reading.answers)
    return replace(reading, answers=answers)


def test_a_delegation_adds_each_new_address_once_and_says_what_it_did() -> None:
    reading = delegating("frank@example.org", "ann@example.org", "not-an-address",
                         "frank@example.org", "nocn@example.org")
    result = plan([reading], ledger(), SENT, event_id="wic2018", now=NOW, add_delegates=True)
    [outcome] = result.outcomes
    at = outcome.at
    assert (outcome.outcome, outcome.entry_id, outcome.status) == (APPLIED, "eve005", "invited")
    note = ("delegated to frank@example.org, ann@example.org, not-an-address, "
            "frank@example.org, nocn@example.org (reply from eve@example.org)")
    assert outcome.detail == (f"{note}; ann@example.org is already in the ledger; "
                              "'not-an-address' is not an e-mail address, not added; "
                              "frank@example.org is already in the ledger; added "
                              "frank@example.org, nocn@example.org")
    assert [(d.from_entry, d.email, d.name, d.at, d.message_id) for d in result.delegates] == [
        ("eve005", "frank@example.org", "Frank Delegate", at, reading.message_id),
        ("eve005", "nocn@example.org", "nocn", at, reading.message_id)]
    assert [(c.entry_id, c.status, c.at, c.note, c.message_id) for c in result.changes] == [
        ("eve005", "invited", at, note, reading.message_id)]


def test_a_delegation_to_no_one_named_says_so() -> None:
    result = plan([delegating()], ledger(), SENT, event_id="wic2018", now=NOW,
                  add_delegates=True)
    assert result.outcomes[0].detail == ("delegated to someone not named (reply from "
                                         "eve@example.org)")
    assert result.delegates == ()


def partstat(reading: itip.Reading, value: str, message_id: str = "") -> itip.Reading:
    answers = tuple(replace(a, attendees=tuple(replace(p, partstat=value) for p in a.attendees))
                    for a in reading.answers)
    return replace(reading, answers=answers, message_id=message_id or reading.message_id)


def test_each_answer_that_is_not_applied_says_why_in_full() -> None:
    accepted = read("gmail-accepted.eml")
    cases = [
        (partstat(accepted, "NEEDS-ACTION"), {}, (PERSON, "invited", None,
                                                  "the reply says PARTSTAT=NEEDS-ACTION")),
        (accepted, {"dan004": "withdrawn"}, (UNCHANGED, "withdrawn", "refused",
                                              "the invitation was withdrawn; the answer is not "
                                              "applied")),
        (accepted, {"dan004": "attended"}, (UNCHANGED, "attended", "reply",
                                            "the answer is accepted, but the guest is already "
                                            "recorded as attended; the event is over for "
                                            "this entry")),
        (accepted, {"dan004": "no-show"}, (UNCHANGED, "no-show", "reply",
                                           "the answer is accepted, but the guest is already "
                                           "recorded as no-show; the event is over for this "
                                           "entry")),
    ]
    for reading, statuses, (outcome, status, kind, detail) in cases:
        [found] = plan([reading], ledger(**statuses), SENT, event_id="wic2018",
                       now=NOW).outcomes
        assert (found.outcome, found.status, found.record.kind if found.record else None,
                found.detail) == (outcome, status, kind, detail), statuses


def test_an_older_answer_or_one_as_old_that_disagrees_says_so_in_full() -> None:
    stamp = datetime(2018, 10, 20, tzinfo=UTC)
    accepted = answer_at("thunderbird-accepted.eml", stamp)
    declined = partstat(answer_at("thunderbird-accepted.eml", stamp), "DECLINED",
                        "<same-moment@example.org>")
    result = plan([accepted, declined], ledger(), SENT, event_id="wic2018", now=NOW)
    assert result.outcomes[1].detail == ("the same SEQUENCE and DTSTAMP as the answer already "
                                         "recorded, but it says DECLINED")
    known = [recorded("<later@example.org>", "ann001", "in", "reply", 0,
                      datetime(2018, 10, 21, tzinfo=UTC))]
    result = plan([declined], ledger(), SENT + known, event_id="wic2018", now=NOW)
    assert [(o.outcome, o.detail) for o in result.outcomes] == [
        (UNCHANGED, "older than the answer already recorded (SEQUENCE/DTSTAMP)")]


def test_an_answer_for_an_entry_not_in_the_ledger_is_unmatched() -> None:
    others = [g for g in ledger() if g.id != "ann001"]
    [outcome] = plan([read("thunderbird-accepted.eml")], others, SENT, event_id="wic2018",
                     now=NOW).outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.record) == (UNMATCHED, "", None)
    assert outcome.detail == ("no entry ann001 (UID "
                              f"{invitation_uid('ann001', 'wic2018')})")


def test_a_message_read_before_says_so() -> None:
    result = plan([read("gmail-accepted.eml")] * 2, ledger(), SENT, event_id="wic2018",
                  now=NOW)
    assert [(o.outcome, o.detail) for o in result.outcomes] == [
        (APPLIED, "invited -> accepted"), (UNCHANGED, "read before (same Message-ID)")]


def test_a_bounce_for_an_address_the_guest_no_longer_has_needs_a_person() -> None:
    moved = [replace(g, email="hal@new.example") if g.id == "hal007" else g for g in ledger()]
    [outcome] = plan([read("postfix-bounce-user-unknown.eml")], moved, SENT,
                     event_id="wic2018", now=NOW).outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.status, outcome.record) == (
        PERSON, "hal007", "invited", None)
    assert outcome.detail == (
        "delivery failed for hal@nowhere.example: 5.1.1 smtp; 550 5.1.1 "
        "<hal@nowhere.example>: Recipient address rejected: User unknown in virtual mailbox "
        "table, not for the guest's address hal@new.example: not applied")


def test_words_from_someone_unknown_are_for_a_person_tied_to_no_guest() -> None:
    reading = replace(read("plain-text-answer.eml"), sender="stranger@example.net")
    [outcome] = plan([reading], ledger(), SENT, event_id="wic2018", now=NOW).outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.status) == (PERSON, "", "")
    assert outcome.detail.startswith("no calendar answer: a person reads it; it says: Dear "
                                     "organisers")


def test_each_outcome_keeps_the_subject_it_came_with() -> None:
    result = plan(readings(), ledger(), SENT, event_id="wic2018", now=NOW)
    assert [o.subject for o in result.outcomes] == [r.subject for r in readings()]
    assert all(o.subject for o in result.outcomes)


def test_a_bounce_names_every_failure_and_a_guest_without_an_address() -> None:
    from wiccli.mail.dsn import Failure

    reading = read("postfix-bounce-user-unknown.eml")
    two = replace(reading, failures=(Failure("hal@nowhere.example", "5.1.1", "no such user"),
                                     Failure("other@nowhere.example", "4.2.2", "full")))
    [outcome] = plan([two], ledger(), SENT, event_id="wic2018", now=NOW).outcomes
    assert outcome.detail == ("delivery failed: hal@nowhere.example: 5.1.1 no such user; "
                              "other@nowhere.example: 4.2.2 full")
    nameless = [replace(g, email="") if g.id == "hal007" else g for g in ledger()]
    [outcome] = plan([reading], nameless, SENT, event_id="wic2018", now=NOW).outcomes
    assert outcome.outcome == PERSON
    assert outcome.detail.endswith(", not for the guest's address (none): not applied")


def test_words_answering_an_invitation_are_tied_to_its_guest_whoever_sends_them() -> None:
    invitation = next(m.message_id for m in SENT if m.entry_id == "ann001")
    reading = replace(read("plain-text-answer.eml"), sender="assistant@example.net",
                      refs=(invitation,))
    [outcome] = plan([reading], ledger(), SENT, event_id="wic2018", now=NOW).outcomes
    assert (outcome.outcome, outcome.entry_id, outcome.status) == (PERSON, "ann001", "invited")


def test_an_answer_without_a_dtstamp_is_dated_by_its_message() -> None:
    reading = read("gmail-accepted.eml")
    undated = replace(reading, answers=tuple(replace(a, dtstamp=None) for a in reading.answers))
    [outcome] = plan([undated], ledger(), SENT, event_id="wic2018", now=NOW).outcomes
    assert outcome.at == reading.date
    assert reading.date is not None
    nothing = replace(undated, date=None)
    [outcome] = plan([nothing], ledger(), SENT, event_id="wic2018", now=NOW).outcomes
    assert outcome.at == NOW
