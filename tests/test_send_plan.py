"""The plan of a sending run: who gets what, and who is skipped and why; the pace of
the run. Pure functions of the ledger's entries and messages, so tested as such."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Result, Runner, write
from smtpserver import PASSWORD, Server, smtp_server
from wiccli.errors import DataError, UsageError
from wiccli.invites.model import Invitation, Message
from wiccli.mail.delivery import Pace
from wiccli.mail.message import Outgoing
from wiccli.mail.sending import Job, Rules, parse_rate, past, plan, write_eml, write_maildir

NOW = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)


def guest(entry_id: str, status: str = "invited", email: str | None = None) -> Invitation:
    return Invitation(entry_id, f"Guest {entry_id}", "experts", "DE", status, NOW, NOW,
                      email=f"{entry_id}@example.org" if email is None else email)


def out(entry_id: str | None, n: int, kind: str = "invitation", outcome: str = "accepted",
        sequence: int | None = 0, days_ago: float = 30, **fields: object) -> Message:
    return Message(entry_id, str(fields.pop("direction", "out")), kind, f"<{entry_id}-{n}@x>",
                   NOW - timedelta(days=days_ago), sequence=sequence, outcome=outcome,
                   **fields)  # type: ignore[arg-type]


def jobs(found: list[Job]) -> list[tuple[str, str, int]]:
    return [(j.entry.id, j.kind, j.sequence) for j in found]


# --------------------------------------------------------------------------- the past


def test_the_newest_accepted_sequence_and_reminder_count() -> None:
    found = past([
        out("a", 1, sequence=0), out("a", 2, sequence=2), out("a", 3, sequence=1),
        out("a", 4, sequence=5, outcome="refused"), out("a", 5, sequence=7, kind="reply",
                                                         direction="in"),
        out("a", 6, kind="reminder", sequence=2, days_ago=10),
        out("a", 7, kind="reminder", sequence=2, days_ago=3),
        out("a", 8, kind="reminder", sequence=2, days_ago=6),
        out("a", 9, kind="reminder", sequence=2, days_ago=1, outcome="refused"),
        out("b", 1, sequence=None), out(None, 1, sequence=9),
    ])
    assert set(found) == {"a", "b"}
    assert found["a"].sequence == 2
    assert found["a"].reminded == NOW - timedelta(days=3)
    assert (found["b"].sequence, found["b"].reminded) == (0, None)
    assert (found["a"].unconfirmed, found["a"].bounced) == ([], set())


def test_attempts_never_answered_and_bounced_addresses_are_kept() -> None:
    attempt = out("a", 1, outcome="attempted", sequence=3)
    found = past([attempt, out("a", 2, kind="bounce", direction="in",
                               address="A@EXAMPLE.org"),
                  out("a", 3, kind="bounce", direction="in", address=""),
                  out("b", 1, kind="reply", direction="in", outcome="attempted")])
    assert found["a"].unconfirmed == [attempt]
    assert found["a"].bounced == {"a@example.org"}
    assert found["a"].sequence is None
    assert (found["b"].unconfirmed, found["b"].bounced, found["b"].sequence) == ([], set(), None)


# --------------------------------------------------------------------------- the plan


def test_new_invites_whoever_was_never_sent_an_invitation() -> None:
    entries = [guest("a"), guest("b"), guest("c", "listed")]
    found = plan(entries, past([out("a", 1, sequence=1)]))
    assert jobs(found.jobs) == [("b", "invitation", 0), ("c", "invitation", 0)]
    assert [e.id for e in found.already] == ["a"]


def test_again_sends_the_next_sequence() -> None:
    entries = [guest("a"), guest("b")]
    found = plan(entries, past([out("a", 1, sequence=1)]), Rules("again"))
    assert jobs(found.jobs) == [("a", "invitation", 2), ("b", "invitation", 0)]
    assert found.already == []


def test_who_is_skipped_and_why() -> None:
    entries = [guest("w", "withdrawn"), guest("n", email=""), guest("x", email="not an address"),
               guest("u", email="jos\u00e9@example.org"), guest("b"), guest("ok")]
    sent = past([out("b", 1, kind="bounce", direction="in", address="B@example.org")])
    found = plan(entries, sent)
    assert [e.id for e in found.withdrawn] == ["w"]
    assert [e.id for e in found.no_email] == ["n"]
    assert [(e.id, why) for e, why in found.bad_email] == [
        ("x", "not an e-mail address (name@example.org)"),
        ("u", "the part before the @ is not ASCII")]
    assert [e.id for e in found.bounced] == ["b"]
    assert jobs(found.jobs) == [("ok", "invitation", 0)]


def test_a_bounced_address_is_written_to_again_once_it_changes() -> None:
    sent = past([out("b", 1, kind="bounce", direction="in", address="old@example.org")])
    found = plan([guest("b", email="new@example.org")], sent)
    assert jobs(found.jobs) == [("b", "invitation", 0)]


def test_an_unconfirmed_message_is_listed_and_only_resent_when_asked() -> None:
    attempt = out("a", 1, outcome="attempted", sequence=2)
    sent = past([attempt])
    found = plan([guest("a")], sent)
    assert (found.jobs, found.unconfirmed) == ([], [(guest("a"), attempt)])
    again = plan([guest("a")], sent, Rules(resend_unconfirmed=True))
    assert again.unconfirmed == []
    assert [(j.entry.id, j.kind, j.sequence, j.again_of) for j in again.jobs] == [
        ("a", "invitation", 2, attempt)]
    bare = out("a", 2, outcome="attempted", sequence=None, kind="reminder")
    assert jobs(plan([guest("a")], past([bare]), Rules(resend_unconfirmed=True)).jobs) == [
        ("a", "reminder", 0)]


def test_reminders_go_to_pending_guests_invited_before_and_not_lately() -> None:
    entries = [guest("inv"), guest("ten", "tentative"), guest("acc", "accepted"),
               guest("new"), guest("lately"), guest("week")]
    sent = past([out("inv", 1, sequence=1), out("ten", 1), out("acc", 1), out("lately", 1),
                 out("lately", 2, kind="reminder", days_ago=6.9),
                 out("week", 1), out("week", 2, kind="reminder", days_ago=7)])
    found = plan(entries, sent, Rules("reminder", now=NOW))
    assert jobs(found.jobs) == [("inv", "reminder", 1), ("ten", "reminder", 0),
                                ("week", "reminder", 0)]
    assert [e.id for e in found.not_pending] == ["acc"]
    assert [e.id for e in found.never_sent] == ["new"]
    assert [e.id for e in found.recent] == ["lately"]
    every = plan(entries, sent, Rules("reminder", now=NOW, every=8))
    assert [e.id for e in every.recent] == ["lately", "week"]
    forced = plan(entries, sent, Rules("reminder", now=NOW, remind_again=True))
    assert forced.recent == []
    assert "lately" in [j.entry.id for j in forced.jobs]
    timeless = plan(entries, sent, Rules("reminder"))
    assert timeless.recent == []


def test_a_limit_leaves_the_rest_for_another_run() -> None:
    entries = [guest(f"g{n}") for n in range(5)]
    found = plan(entries, {}, Rules(limit=2))
    assert (jobs(found.jobs), found.later) == ([("g0", "invitation", 0),
                                               ("g1", "invitation", 0)], 3)
    exact = plan(entries, {}, Rules(limit=5))
    assert (len(exact.jobs), exact.later) == (5, 0)


@pytest.mark.parametrize(("rules", "said"), [
    (Rules("sideways"), "unknown sending mode 'sideways'"),
    (Rules(limit=0), "--limit must be 1 or more (at most 10,000,000), got 0"),
    (Rules(limit=10_000_001), "--limit must be 1 or more (at most 10,000,000), got 10000001"),
    (Rules(every=0), "--every must be 1 to 3,650 days, got 0"),
    (Rules(every=3651), "--every must be 1 to 3,650 days, got 3651"),
])
def test_rules_out_of_bounds_are_refused(rules: Rules, said: str) -> None:
    with pytest.raises(UsageError) as refused:
        plan([guest("a")], {}, rules)
    assert refused.value.message == said


@pytest.mark.parametrize("rules", [Rules(limit=1), Rules(limit=10_000_000), Rules(every=1),
                                   Rules(every=3650)])
def test_rules_at_their_bounds_are_taken(rules: Rules) -> None:
    assert len(plan([guest("a")], {}, rules).jobs) == 1


@pytest.mark.parametrize(("text", "per_minute"), [
    (None, None), ("30", 30.0), ("30/min", 30.0), (" 30 / MIN ", 30.0), ("30/m", 30.0),
    ("30/minute", 30.0), ("2/s", 120.0), ("2/sec", 120.0), ("2/second", 120.0),
    ("120/h", 2.0), ("120/hour", 2.0), ("1/h", 1 / 60), ("100000/min", 100_000.0),
])
def test_a_rate_is_read_per_minute(text: str | None, per_minute: float | None) -> None:
    assert parse_rate(text) == (None if per_minute is None else pytest.approx(per_minute))


@pytest.mark.parametrize("text", ["0", "-3/min", "fast", "30/day", "100001/min", "2000/s", ""])
def test_a_rate_out_of_bounds_says_how_to_write_one(text: str) -> None:
    with pytest.raises(UsageError) as refused:
        parse_rate(text)
    assert refused.value.message == (f"--rate: {text!r} is not a rate from 1/h to 100,000/min; "
                                     "write N/min (for example 30/min)")


# --------------------------------------------------------------------------- the pace


class Clock:
    """A clock that only moves when slept on, or when told to."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("per_minute", "interval"), [(30, 2.0), (600, 0.1), (0.5, 120.0),
                                                      (None, 0.0), (0, 0.0)])
def test_a_rate_is_an_interval_between_messages(per_minute: float | None,
                                                interval: float) -> None:
    assert Pace(per_minute).interval() == pytest.approx(interval)


def test_the_first_message_goes_at_once_and_the_next_after_the_interval() -> None:
    clock = Clock()
    pace = Pace(30, clock.sleep, clock)
    first = pace.wait(None)
    assert (first, clock.slept) == (100.0, [])
    clock.now += 0.5  # sending the first took half a second
    second = pace.wait(first)
    assert clock.slept == [pytest.approx(1.5)]
    assert second == pytest.approx(102.0)
    clock.now += 5.0  # the second took longer than the interval: no wait for the third
    third = pace.wait(second)
    assert third == pytest.approx(107.0)
    clock.now += 2.0  # the third took exactly the interval: the fourth is due now
    fourth = pace.wait(third)
    clock.now += 1.75  # a quarter of a second to wait for the fifth
    pace.wait(fourth)
    assert clock.slept == [pytest.approx(1.5), pytest.approx(0.25)]


def test_without_a_rate_nothing_waits() -> None:
    clock = Clock()
    pace = Pace(None, clock.sleep, clock)
    assert [pace.wait(last) for last in (None, 100.0, 100.0)] == [100.0, 100.0, 100.0]
    assert clock.slept == []


# --------------------------------------------------------------------------- a dry run


def outgoing(entry_id: str, kind: str = "invitation") -> Outgoing:
    data = (f"From: wic@example.org\r\nTo: {entry_id}@example.org\r\nSubject: {kind}\r\n"
            f"Message-ID: <{entry_id}-{kind}@x>\r\n\r\nHello {entry_id}\r\n").encode()
    return Outgoing(entry_id, kind, "wic@example.org", f"{entry_id}@example.org",
                    f"<{entry_id}-{kind}@x>", f"invitation-{entry_id}@wic2018.wic", 0, NOW, data)


def test_a_dry_run_writes_one_eml_per_message_and_counts_them(tmp_path: Path) -> None:
    messages = [outgoing("a"), outgoing("a", "reminder"), outgoing("b")]
    done: list[int] = []
    written = write_eml(messages, tmp_path / "new", done.append)
    assert [p.name for p in written] == ["a.eml", "a-reminder.eml", "b.eml"]
    assert [p.read_bytes() for p in written] == [m.data for m in messages]
    assert done == [1, 2, 3]


def test_a_dry_run_into_a_maildir_delivers_each_and_counts_them(tmp_path: Path) -> None:
    import mailbox

    messages = [outgoing("a"), outgoing("b")]
    done: list[int] = []
    assert write_maildir(messages, tmp_path / "box", done.append) == 2
    assert done == [1, 2]
    box = mailbox.Maildir(tmp_path / "box", create=False)
    assert sorted(m["To"] for m in box) == ["a@example.org", "b@example.org"]


def test_a_maildir_that_cannot_be_written_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "box").write_text("a file where the Maildir would go\n")
    with pytest.raises(DataError) as refused:
        write_maildir([outgoing("a")], tmp_path / "box" / "inner")
    assert refused.value.message == (f"{tmp_path / 'box' / 'inner'}: cannot write the Maildir: "
                                     "Not a directory")


# --------------------------------------------------------------------------- through a server

GUESTS = """name,category,country,email
Ada Minister,government,GB,ada@example.org
Cai Scholar,experts,CN,cai@example.org
Eve Deputy,government,FR,eve@example.org
"""


@pytest.fixture
def ledger(tmp_path: Path, run: Runner) -> list[str]:
    args = ["invites", "--ledger", str(tmp_path / "guests.db")]
    result = run(*args, "import", str(write(tmp_path / "guests.csv", GUESTS)), "--listed")
    assert result.code == 0, result.stderr
    return args


def send(run: Runner, ledger: list[str], server: Server, *extra: str) -> Result:
    return run(*ledger, "send", "--smtp", server.user_url(), "--smtp-ca", str(server.ca_file),
               *extra, environ={"WIC_SMTP_PASSWORD": PASSWORD})


def test_a_rate_spaces_the_messages_of_a_run(run: Runner, ledger: list[str],
                                             tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        started = time.monotonic()
        result = send(run, ledger, server, "--rate", "120/min")
        took = time.monotonic() - started
        assert len(server.inbox.received) == 3
    assert result.code == 0, result.stderr
    assert took >= 1.0  # two pauses of half a second between three messages


def test_a_server_that_answers_busy_and_hangs_up_stops_the_run_saying_why(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    with smtp_server(tmp_path, busy_after=1) as server:
        result = send(run, ledger, server)
        assert len(server.inbox.received) == 1
    assert result.code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error: ")]
    assert errors[0].startswith("error: the server closed the connection: 421 4.3.2 too busy")
    assert "1 sent and recorded, 2 not sent" in errors[0]
    listed = json.loads(run(*ledger, "list", "-f", "json").stdout)
    assert sorted(e["status"] for e in listed) == ["invited", "listed", "listed"]


def test_a_dry_runs_files_are_the_owners_only(tmp_path: Path) -> None:
    written = write_eml([outgoing("a"), outgoing("b", "reminder")], tmp_path / "out")
    assert [p.stat().st_mode & 0o777 for p in written] == [0o600, 0o600]


def test_a_dry_run_that_cannot_write_a_file_names_it_as_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out" / "b.eml").mkdir(parents=True)
    with pytest.raises(DataError) as refused:
        write_eml([outgoing("a"), outgoing("b")], Path("out"))
    assert refused.value.message.startswith(f"{Path('out') / 'b.eml'}: ")
    assert (tmp_path / "out" / "a.eml").read_bytes() == outgoing("a").data
