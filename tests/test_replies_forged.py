"""Answers that are not the guest's: forged, or only claiming to be. Each is listed as
needs-a-person with its reason and changes nothing, and the guest's own answer, read
after it, still sets the status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import LedgerUnderTest, Runner, make_ledger
from mailworld import GUESTS, GUESTS_FILE, MAIL, answer, record_sent, report, sent_id, vevent

GENUINE = MAIL / "thunderbird-accepted.eml"  # Ann accepts, DTSTAMP 2018-10-20
EVIL = "Mallory <attacker@evil.org>"


@pytest.fixture
def guests(run: Runner, request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    ledger = make_ledger("sqlite", request, tmp_path)
    assert run(*ledger.args(), "import", str(GUESTS_FILE)).code == 0
    record_sent(ledger.location, tmp_path)
    return ledger


def replies(run: Runner, ledger: LedgerUnderTest, source: Path | str,
            *args: str) -> dict[str, Any]:
    result = run(*ledger.args(), "replies", str(source), *args, "-f", "json")
    assert result.code == 0, result.stderr  # needs-a-person is no failure
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def statuses(run: Runner, ledger: LedgerUnderTest) -> dict[str, str]:
    result = run(*ledger.args(), "list", "-f", "json")
    return {e["id"]: e["status"] for e in json.loads(result.stdout)}


def eml(tmp_path: Path, data: bytes, name: str = "forged.eml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


ANN_DECLINES = ("ann@example.org", "DECLINED", "")
FORGED = {
    "from another address": (answer(sender=EVIL), "sent from attacker@evil.org"),
    "the guest's address as display name": (
        answer(sender='"ann@example.org" <attacker@evil.org>'), "sent from attacker@evil.org"),
    "two From addresses": (answer(sender="ann@example.org, attacker@evil.org"),
                           "2 From addresses"),
    "two From headers": (answer(sender=["ann@example.org", "attacker@evil.org"]),
                         "2 From addresses"),
    "no From": (answer(sender=[]), "0 From addresses"),
    "ATTENDEE changed": (answer(attendees=[("attacker@evil.org", "DECLINED", "")]),
                         "the ATTENDEE is attacker@evil.org"),
    "two ATTENDEEs": (answer(attendees=[ANN_DECLINES, ("bob@example.com", "DECLINED", "")]),
                      "given for 2 attendees"),
    "SEQUENCE 2147483647": (answer(sequence="2147483647"), "SEQUENCE 2147483647 was never"),
    "SEQUENCE higher than sent": (answer(sequence="1"), "SEQUENCE 1 was never sent"),
    "SEQUENCE negative": (answer(sequence="-1"), "SEQUENCE -1 was never sent"),
    "DTSTAMP in 9999": (answer(dtstamp="99991231T000000Z"), "is in the future"),
    "DTSTAMP before the invitation": (answer(dtstamp="20180901T000000Z"),
                                      "before the guest's first invitation"),
    "UID with a random part never sent": (
        answer(uid="invitation-ann001.0123456789abcdef01234567@wic2018.wic"),
        "was never sent to this guest"),
    "a REPLY for another guest's UID": (answer(uid="invitation-bob002@wic2018.wic"),
                                        "not from the guest's address bob@example.com"),
}


@pytest.mark.parametrize("shape", FORGED)
def test_a_forged_answer_needs_a_person_and_the_real_one_applies(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path, shape: str) -> None:
    data, reason = FORGED[shape]
    got = replies(run, guests, eml(tmp_path, data))
    [outcome] = got["messages"]
    assert outcome["outcome"] == "needs-a-person", outcome
    assert outcome["detail"].startswith("not applied: ")
    assert reason in outcome["detail"]
    assert outcome["entry"] in ("ann001", "bob002")
    assert set(statuses(run, guests).values()) == {"invited"}
    # Not recorded: listed again next time, and it locks nothing in.
    assert replies(run, guests, eml(tmp_path, data))["counts"]["needs-a-person"] == 1
    assert replies(run, guests, GENUINE)["counts"]["applied"] == 1
    assert statuses(run, guests)["ann001"] == "accepted"
    history = json.loads(run(*guests.args(), "history", "ann001", "-f", "json").stdout)
    assert history[-1]["note"] == "reply ACCEPTED from ann@example.org"
    assert all("DECLINED" not in (h["note"] or "") for h in history)


def test_one_message_answering_every_guest_applies_to_none(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    events = [vevent(f"invitation-{entry_id}@wic2018.wic", [(email, "DECLINED", "")], "0",
                     "20181025T100000Z") for entry_id, email in GUESTS.items()]
    got = replies(run, guests, eml(tmp_path, answer(events=events)))
    assert got["counts"]["needs-a-person"] == len(GUESTS)
    assert {m["detail"] for m in got["messages"]} == {
        f"not applied: one message answers {len(GUESTS)} invitations; an answer is for one"}
    assert set(statuses(run, guests).values()) == {"invited"}


def test_a_huge_delegation_adds_nobody(run: Runner, guests: LedgerUnderTest,
                                       tmp_path: Path) -> None:
    many = ",".join(f'"mailto:d{n}@evil.org"' for n in range(5000))
    data = answer(sender="Eve Example <eve@example.org>", uid="invitation-eve005@wic2018.wic",
                  attendees=[("eve@example.org", "DELEGATED", f";DELEGATED-TO={many}")])
    got = replies(run, guests, eml(tmp_path, data), "--add-delegates")
    [outcome] = got["messages"]
    assert outcome["outcome"] == "needs-a-person"
    assert "delegates to more than 5 addresses" in outcome["detail"]
    assert len(statuses(run, guests)) == len(GUESTS)
    # A delegation within the limit is applied as before.
    few = ",".join(f'"mailto:d{n}@example.org"' for n in range(5))
    data = answer(sender="Eve Example <eve@example.org>", uid="invitation-eve005@wic2018.wic",
                  attendees=[("eve@example.org", "DELEGATED", f";DELEGATED-TO={few}")],
                  message_id="<eve-delegates@example.org>")
    assert replies(run, guests, eml(tmp_path, data), "--add-delegates")["counts"][
        "applied"] == 1
    assert len(statuses(run, guests)) == len(GUESTS) + 5


# --------------------------------------------------------------------------- ties


def test_two_answers_with_the_same_sequence_and_dtstamp(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    """The first applies; the same answer again is unchanged; a different one given at the
    same moment needs a person (never applied, whichever came first)."""
    first = answer(sender="ann@example.org", message_id="<a1@example.org>")
    assert replies(run, guests, eml(tmp_path, first))["counts"]["applied"] == 1
    same = answer(sender="ann@example.org", message_id="<a2@example.org>")
    [outcome] = replies(run, guests, eml(tmp_path, same))["messages"]
    assert (outcome["outcome"], outcome["detail"]) == ("unchanged", "already declined")
    other = answer(sender="ann@example.org", message_id="<a3@example.org>",
                   attendees=[("ann@example.org", "ACCEPTED", "")])
    [outcome] = replies(run, guests, eml(tmp_path, other))["messages"]
    assert outcome["outcome"] == "needs-a-person"
    assert "the same SEQUENCE and DTSTAMP as the answer already recorded, but it says " \
        "ACCEPTED" in outcome["detail"]
    assert statuses(run, guests)["ann001"] == "declined"
    # One second later is newer: it applies.
    later = answer(sender="ann@example.org", message_id="<a4@example.org>",
                   dtstamp="20181025T100001Z", attendees=[("ann@example.org", "ACCEPTED", "")])
    assert replies(run, guests, eml(tmp_path, later))["counts"]["applied"] == 1
    assert statuses(run, guests)["ann001"] == "accepted"


# --------------------------------------------------------------------------- Authentication-Results


def authenticated(result: str, authserv: str = "mail.wic2018.example",
                  message_id: str = "<auth@example.org>") -> bytes:
    return answer(sender="Ann Example <ann@example.org>", message_id=message_id,
                  headers=[("Authentication-Results", f"{authserv}; {result}")])


@pytest.mark.parametrize(("header", "reason"), [
    ("dmarc=pass header.from=example.org", ""),
    ("dkim=pass (good signature) header.d=example.org; spf=fail", ""),
    ("dkim=pass header.i=@mail.example.org", "not dmarc=pass or aligned dkim=pass"),
    ("dmarc=fail header.from=example.org", "says dmarc=fail"),
    ("dkim=pass header.d=evil.org", "says dkim=pass"),
    ("none", "says nothing"),
])
def test_a_trusted_server_must_vouch_for_the_sender(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path, header: str, reason: str) -> None:
    got = replies(run, guests, eml(tmp_path, authenticated(header)),
                  "--trust-authserv", "mail.wic2018.example")
    [outcome] = got["messages"]
    if not reason:
        assert outcome["outcome"] == "applied", outcome
        assert statuses(run, guests)["ann001"] == "declined"
    else:
        assert outcome["outcome"] == "needs-a-person"
        assert reason in outcome["detail"]
        assert statuses(run, guests)["ann001"] == "invited"


def test_results_from_another_server_are_ignored(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    forged = authenticated("dmarc=pass header.from=example.org", authserv="mx.evil.org")
    got = replies(run, guests, eml(tmp_path, forged), "--trust-authserv",
                  "mail.wic2018.example")
    assert got["messages"][0]["detail"] == ("not applied: no Authentication-Results from "
                                            "mail.wic2018.example")
    table = run(*guests.args(), "replies", str(tmp_path / "forged.eml"), "--trust-authserv",
                "mail.wic2018.example")
    assert table.code == 0  # a message for a person is no failure of the run
    assert "needs-a-person" in table.stdout
    assert "not applied: no" in table.stdout  # the reason, in the Detail column
    # Without a trusted server named, the same message is applied (From, UID, SEQUENCE,
    # DTSTAMP all agree): the option is what makes a forged From stop here.
    assert replies(run, guests, eml(tmp_path, forged))["counts"]["applied"] == 1


def test_the_event_names_the_trusted_server(run: Runner, tmp_path: Path,
                                            request: pytest.FixtureRequest) -> None:
    from conftest import ROOT

    text = (ROOT / "data" / "wic2018.toml").read_text(encoding="utf-8")  # the bundled event
    assert "\n[invitations]\n" in text
    event = tmp_path / "wic.toml"
    event.write_text(text.replace("\n[invitations]\n", '\n[invitations]\nauthserv_id = '
                                  '"mail.wic2018.example"\n', 1), encoding="utf-8")
    ledger = make_ledger("sqlite", request, tmp_path)
    assert run(*ledger.args(), "import", str(GUESTS_FILE)).code == 0
    record_sent(ledger.location, tmp_path)
    got = replies(run, ledger, eml(tmp_path, authenticated("dmarc=fail")))
    assert "says dmarc=fail" in got["messages"][0]["detail"]
    good = authenticated("dmarc=pass", message_id="<good@example.org>")
    assert replies(run, ledger, eml(tmp_path, good))["counts"]["applied"] == 1
    bad = event.read_text(encoding="utf-8").replace('"mail.wic2018.example"', '"a b;c"')
    event.write_text(bad, encoding="utf-8")
    result = run(*ledger.args(), "replies", str(GENUINE))
    assert result.code != 0
    assert "invitations.authserv_id" in result.stderr


def test_a_bad_trust_option_is_refused_before_anything(run: Runner, guests: LedgerUnderTest,
                                                       tmp_path: Path) -> None:
    result = run(*guests.args(), "replies", str(GENUINE), "--trust-authserv", "a b; c")
    assert result.code == 2
    assert "is not an authserv-id" in result.stderr
    assert statuses(run, guests)["ann001"] == "invited"


# --------------------------------------------------------------------------- bounces


def test_a_forged_bounce_does_not_mark_the_guest(run: Runner, guests: LedgerUnderTest,
                                                 tmp_path: Path) -> None:
    got = replies(run, guests, eml(tmp_path, report("ann@example.org")))
    [outcome] = got["messages"]
    assert (outcome["outcome"], outcome["entry"]) == ("needs-a-person", "ann001")
    assert "returns no message wic sent" in outcome["detail"]
    listed = run(*guests.args(), "list", "--bounced", "-f", "json")
    assert json.loads(listed.stdout) == []
    # A made-up Message-ID is no better; nor is a real one for another guest's address.
    for returned, words in [("<made-up@wic2018.example>", "returns no message wic sent"),
                            (sent_id("bob002"), "not for the guest's address")]:
        data = report("ann@example.org", returned, message_id=f"<dsn-{len(words)}@x>")
        assert words in replies(run, guests, eml(tmp_path, data))["messages"][0]["detail"]
    assert json.loads(run(*guests.args(), "list", "--bounced", "-f", "json").stdout) == []
    # The real report returns the invitation wic sent to that address.
    real = report("ann@example.org", sent_id("ann001"), message_id="<real-dsn@x>")
    assert replies(run, guests, eml(tmp_path, real))["counts"]["bounced"] == 1
    bounced = json.loads(run(*guests.args(), "list", "--bounced", "-f", "json").stdout)
    assert [e["id"] for e in bounced] == ["ann001"]


# --------------------------------------------------------------------------- plain answers


def test_a_plain_answer_is_listed_with_its_guest_and_first_lines(
        run: Runner, guests: LedgerUnderTest, tmp_path: Path) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Someone Else <assistant@elsewhere.example>"
    msg["Message-ID"] = "<words@elsewhere.example>"
    msg["In-Reply-To"] = sent_id("kim010")
    msg["Subject"] = "Re: Invitation"
    lines = [f"line {n} \x1b[31mred\x07" for n in range(1, 9)]
    msg.set_content("\n\n".join(lines) + "\n> quoted\n")
    got = replies(run, guests, eml(tmp_path, msg.as_bytes()))
    [outcome] = got["messages"]
    assert (outcome["outcome"], outcome["entry"], outcome["status"]) == (
        "needs-a-person", "kim010", "invited")
    assert outcome["detail"] == ("no calendar answer: a person reads it; it says: line 1 [31mred "
                                 "/ line 2 [31mred / line 3 [31mred / line 4 [31mred / line 5 "
                                 "[31mred")
    assert statuses(run, guests)["kim010"] == "invited"
    table = run(*guests.args(), "replies", str(tmp_path / "forged.eml"))
    assert table.code == 0
    assert "kim010" in table.stdout
    assert "\x1b" not in table.stdout


def test_csv_output_goes_through_the_shared_writer(run: Runner, guests: LedgerUnderTest,
                                                   tmp_path: Path) -> None:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "ann@example.org"
    msg["Subject"] = '=HYPERLINK("http://evil.example","x")'
    msg.set_content("=1+1")
    result = run(*guests.args(), "replies", str(eml(tmp_path, msg.as_bytes())), "-f", "csv")
    assert result.code == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.startswith("message,message_id,outcome,entry")
    assert "needs-a-person,ann001" in row
