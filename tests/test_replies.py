"""`wic invites replies`: answers from mbox, Maildir, .eml, stdin and IMAP into the ledger."""

from __future__ import annotations

import json
import mailbox
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import LedgerUnderTest, Runner, make_ledger
from imapserver import PASSWORD, ImapServer, imap_server_fixture, lone_imap_server_fixture  # noqa: F401
from mailworld import MAIL, invited

ALL = sorted(p.name for p in MAIL.glob("*.eml"))
AFTER = {"ann001": "accepted", "bob002": "declined", "cem003": "tentative",
         "dan004": "accepted", "eve005": "invited", "gus006": "invited", "hal007": "invited",
         "ivy008": "invited", "jon009": "invited", "kim010": "accepted", "lea011": "accepted"}
FIRST = {"applied": 7, "unchanged": 0, "unmatched": 2, "needs-a-person": 5, "bounced": 2}
AGAIN = {"applied": 0, "unchanged": 9, "unmatched": 2, "needs-a-person": 5, "bounced": 0}


@pytest.fixture
def sqlite_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    return make_ledger("sqlite", request, tmp_path)


def statuses(run: Runner, ledger: LedgerUnderTest, *filters: str) -> dict[str, str]:
    result = run(*ledger.args(), "list", *filters, "-f", "json")
    assert result.code == 0, result.stderr
    return {e["id"]: e["status"] for e in json.loads(result.stdout)}


def mbox(path: Path, names: list[str]) -> Path:
    box = mailbox.mbox(path)
    for name in names:
        box.add((MAIL / name).read_bytes())
    box.close()
    return path


def replies(run: Runner, ledger: LedgerUnderTest, *args: str, **kwargs: Any) -> dict[str, Any]:
    result = run(*ledger.args(), "replies", *args, "-f", "json", **kwargs)
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_a_mailbox_updates_exactly_the_answered_entries_once(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, ledger)
    box = str(mbox(tmp_path / "answers.mbox", ALL))
    first = replies(run, ledger, box)
    assert first["counts"] == FIRST
    assert statuses(run, ledger) == AFTER
    by_entry = {m["entry"]: m for m in first["messages"] if m["entry"]}
    assert by_entry["jon009"]["outcome"] == "needs-a-person"
    assert "not applied: sent from jon@work.example" in by_entry["jon009"]["detail"]
    assert by_entry["gus006"]["detail"].endswith("it says: Dear organisers, / thank you, I will "
                                                 "gladly come, with one colleague. Can you "
                                                 "send the hotel details? / Gus")
    assert by_entry["hal007"]["outcome"] == "bounced"
    # History: the time the guest answered, and the Message-ID of the answer.
    history = run(*ledger.args(), "history", "bob002", "-f", "json")
    last = json.loads(history.stdout)[-1]
    assert last["status"] == "declined"
    assert last["at"] == "2018-10-21T07:00:00+00:00"
    assert last["message_id"].startswith("<DB6PR0802MB2533C8B0A1D2E3F4")
    assert "Sorry, I am travelling that week." in last["note"]
    # The same mailbox again: nothing changes, and it says so.
    snapshot = run(*ledger.args(), "export", "-f", "json").stdout
    again = replies(run, ledger, box)
    assert again["counts"] == AGAIN
    assert run(*ledger.args(), "export", "-f", "json").stdout == snapshot


def test_bounced_entries_are_listed(run: Runner, sqlite_ledger: LedgerUnderTest,
                                    tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    box = mbox(tmp_path / "in.mbox", ["postfix-bounce-user-unknown.eml",
                                      "exchange-ndr-recipient-not-found.eml"])
    replies(run, sqlite_ledger, str(box))
    assert statuses(run, sqlite_ledger, "--bounced") == {"hal007": "invited",
                                                         "ivy008": "invited"}


def test_dry_run_reports_the_same_and_changes_nothing(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    box = str(mbox(tmp_path / "in.mbox", ALL))
    result = run(*sqlite_ledger.args(), "replies", box, "--dry-run", "-f", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == FIRST
    assert "dry run" in result.stderr
    assert set(statuses(run, sqlite_ledger).values()) == {"invited"}
    assert replies(run, sqlite_ledger, box)["counts"] == FIRST


def test_the_table_lists_messages_then_the_counts(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    result = run(*sqlite_ledger.args(), "replies",
                 str(mbox(tmp_path / "in.mbox", ["gmail-accepted.eml",
                                                 "plain-text-answer.eml"])))
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Msg", "Outcome", "Entry", "Status", "From", "Detail"]
    assert lines[1].split()[:4] == ["1", "applied", "dan004", "accepted"]
    assert lines[2].split()[:2] == ["2", "needs-a-person"]
    assert "Summary" in result.stdout
    assert [line.split() for line in lines[-5:]] == [
        ["applied", "1"], ["unchanged", "0"], ["unmatched", "0"], ["needs-a-person", "1"],
        ["bounced", "0"]]


def test_maildir_eml_and_stdin(run: Runner, sqlite_ledger: LedgerUnderTest,
                               tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    folder = mailbox.Maildir(tmp_path / "Mail")
    folder.add((MAIL / "gmail-accepted.eml").read_bytes())
    folder.close()
    assert replies(run, sqlite_ledger, str(tmp_path / "Mail"))["counts"]["applied"] == 1
    eml = str(MAIL / "outlook-declined-utf8.eml")
    assert replies(run, sqlite_ledger, eml)["counts"]["applied"] == 1
    stdin = (MAIL / "apple-mail-tentative-latin1.eml").read_text("latin-1")
    got = replies(run, sqlite_ledger, "-", stdin=stdin)
    assert got["counts"]["applied"] == 1
    assert got["source"] == "standard input"
    assert statuses(run, sqlite_ledger)["cem003"] == "tentative"


def test_delegates_are_added_when_asked(run: Runner, sqlite_ledger: LedgerUnderTest) -> None:
    invited(run, sqlite_ledger)
    replies(run, sqlite_ledger, str(MAIL / "thunderbird-delegated.eml"), "--add-delegates")
    result = run(*sqlite_ledger.args(), "list", "--status", "listed", "-f", "json")
    [frank] = json.loads(result.stdout)
    assert (frank["name"], frank["status"], frank["category"], frank["country"]) == (
        "Frank Delegate", "listed", "experts", "FR")
    assert "delegate of Eve Example (eve005)" in frank["note"]


@pytest.mark.parametrize(("content", "words"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not a mailbox"),
    (None, "no such file"),
])
def test_a_source_that_cannot_be_read_is_one_error(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path, content: bytes | None,
        words: str) -> None:
    invited(run, sqlite_ledger)
    if content is not None:
        (tmp_path / "box").write_bytes(content)
    result = run(*sqlite_ledger.args(), "replies", str(tmp_path / "box"))
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.count("error:") == 1
    assert words in result.stderr
    assert set(statuses(run, sqlite_ledger).values()) == {"invited"}


def test_corrupt_messages_are_reported_and_the_rest_applied(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    path = tmp_path / "in.mbox"
    box = mailbox.mbox(path)
    box.add(b"Message-ID: <junk@x>\nContent-Type: multipart/mixed; boundary=\n\n\xff\xfe--")
    box.add((MAIL / "calendar-part-does-not-parse.eml").read_bytes())
    box.add((MAIL / "gmail-accepted.eml").read_bytes())
    box.close()
    got = replies(run, sqlite_ledger, str(path))
    assert [m["outcome"] for m in got["messages"]] == ["needs-a-person", "needs-a-person",
                                                        "applied"]


def test_a_hostile_attachment_name_writes_no_file(
        run: Runner, sqlite_ledger: LedgerUnderTest, tmp_path: Path) -> None:
    invited(run, sqlite_ledger)
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    got = replies(run, sqlite_ledger, str(MAIL / "attachment-named-dot-dot.eml"), cwd=work)
    assert got["counts"]["applied"] == 1
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before and "xdg" not in str(p)
            and not p.name.startswith("guests.invites.db")] == []


def test_filing_options_need_imap(run: Runner, sqlite_ledger: LedgerUnderTest) -> None:
    invited(run, sqlite_ledger)
    result = run(*sqlite_ledger.args(), "replies", str(MAIL / "gmail-accepted.eml"),
                 "--mark-seen")
    assert result.code == 2
    assert "IMAP mailbox only" in result.stderr


# --------------------------------------------------------------------------- IMAP


def imap_env(server: ImapServer) -> dict[str, str]:
    return {"WIC_IMAP_PASSWORD": PASSWORD, "WIC_CA": str(server.ca_file)}


def test_imap_applies_files_only_the_applied_and_reruns_change_nothing(
        run: Runner, sqlite_ledger: LedgerUnderTest, imap_server: ImapServer) -> None:
    invited(run, sqlite_ledger)
    for name in ["gmail-accepted.eml", "plain-text-answer.eml",
                 "postfix-bounce-user-unknown.eml", "outlook-declined-utf8.eml"]:
        imap_server.append((MAIL / name).read_bytes())
    env = imap_env(imap_server)
    got = replies(run, sqlite_ledger, imap_server.url(), "--mark-seen", "--move-to",
                  "Answers/Done", environ=env)
    assert got["counts"] == {"applied": 2, "unchanged": 0, "unmatched": 0,
                             "needs-a-person": 1, "bounced": 1}
    left = imap_server.listing()
    assert left == [("<gus-answers-in-words@example.org>", False),
                    ("<20181020081502.9D1E3F4B2A@mail.wic2018.example>", False)]
    done = imap_server.listing("Answers/Done")
    assert [seen for _, seen in done] == [True, True]
    assert statuses(run, sqlite_ledger)["dan004"] == "accepted"
    again = replies(run, sqlite_ledger, imap_server.url(), "--mark-seen", "--move-to",
                    "Answers/Done", environ=env)
    assert again["counts"]["applied"] == 0
    assert imap_server.listing() == left


def test_imap_with_starttls_and_dry_run_leaves_the_mailbox_alone(
        run: Runner, sqlite_ledger: LedgerUnderTest, imap_server: ImapServer) -> None:
    invited(run, sqlite_ledger)
    imap_server.append((MAIL / "gmail-accepted.eml").read_bytes())
    got = replies(run, sqlite_ledger, imap_server.url(tls=False), "--dry-run", "--mark-seen",
                  "--move-to", "Done", environ=imap_env(imap_server))
    assert got["counts"]["applied"] == 1
    assert imap_server.listing() == [("<000000000000b3c4d5e6f7a8b9c0d1e2f3a4@google.com>",
                                      False)]
    assert statuses(run, sqlite_ledger)["dan004"] == "invited"


def test_imap_wrong_password_is_exit_1(run: Runner, sqlite_ledger: LedgerUnderTest,
                                       lone_imap_server: ImapServer) -> None:
    invited(run, sqlite_ledger)
    env = {**imap_env(lone_imap_server), "WIC_IMAP_PASSWORD": "wrong"}
    result = run(*sqlite_ledger.args(), "replies", lone_imap_server.url(), environ=env)
    assert result.code == 1
    assert "login failed" in result.stderr
    assert PASSWORD not in result.stderr


def test_an_empty_ledger_is_named_in_a_warning(run: Runner, tmp_path: Path) -> None:
    ledger = ["invites", "--ledger", str(tmp_path / "other.db")]
    result = run(*ledger, "replies", str(MAIL / "gmail-accepted.eml"), "-f", "json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["unmatched"] == 1
    assert "warning: the ledger" in result.stderr
    assert "has no guests" in result.stderr


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=600), min_size=1, max_size=4), st.sampled_from(ALL))
def test_a_mailbox_of_junk_and_one_answer_never_fails(run: Runner, tmp_path: Path,
                                                      junk: list[bytes], name: str) -> None:
    """Whatever the other messages hold, the command reports each and exits 0."""
    path = tmp_path / "fuzz.mbox"
    box = mailbox.mbox(path)
    box.clear()
    for data in [*junk, (MAIL / name).read_bytes()]:
        box.add(data)
    box.close()
    result = run("invites", "--ledger", str(tmp_path / "fuzz.db"), "replies", str(path),
                 "--dry-run", "-f", "json")
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["messages"]) >= len(junk) + 1
