"""`wic invites send` and `wic invites letters` through the real entry point, against a real
SMTP server (aiosmtpd with STARTTLS and a login) and the real ledger."""

from __future__ import annotations

import email
import json
import re
from email import policy
from pathlib import Path

import pytest

from conftest import (
    BACKENDS,
    DATA,
    FIXED_NOW,
    Result,
    Runner,
    make_ledger,
    need_weasyprint,
    write,
)
from smtpserver import PASSWORD, Server, free_port, smtp_server

GUESTS = """name,organization,category,country,email,quantity,status,note
Ada Minister,Ministry of Examples,government,GB,ada@example.org,1,,
Bo Envoy,Embassy of Samples,government,SE,,1,,
Cai Scholar,University of Tests,experts,CN,cai@example.org,1,,
Dee Gone,Ministry of Examples,government,DE,dee@example.org,1,withdrawn,
Eve Deputy,Ministry of Samples,government,FR,eve@example.org,2,,
"""


@pytest.fixture
def ledger(tmp_path: Path, run: Runner) -> list[str]:
    """The wic invites arguments of a ledger holding GUESTS, imported as listed."""
    args = ["invites", "--ledger", str(tmp_path / "guests.db")]
    csv = write(tmp_path / "guests.csv", GUESTS)
    result = run(*args, "import", str(csv), "--listed")
    assert result.code == 0, result.stderr
    return args


@pytest.fixture(params=BACKENDS)
def any_ledger(request: pytest.FixtureRequest, tmp_path: Path, run: Runner) -> list[str]:
    """As ``ledger``, once on SQLite and once on PostgreSQL."""
    args = make_ledger(request.param, request, tmp_path).args()
    result = run(*args, "import", str(write(tmp_path / "guests.csv", GUESTS)), "--listed")
    assert result.code == 0, result.stderr
    return args


def entries(run: Runner, ledger: list[str]) -> dict[str, dict[str, object]]:
    result = run(*ledger, "list", "-f", "json")
    assert result.code == 0, result.stderr
    return {e["name"]: e for e in json.loads(result.stdout)}


def smtp_args(server: Server) -> list[str]:
    return ["--smtp", server.user_url(), "--smtp-ca", str(server.ca_file)]


def send(run: Runner, ledger: list[str], server: Server, *extra: str, **options: object
         ) -> Result:
    return run(*ledger, "send", *smtp_args(server), *extra,
               environ={"WIC_SMTP_PASSWORD": PASSWORD}, **options)


def recipients(server: Server) -> list[str]:
    return [rcpt for rcpts, _ in server.inbox.received for rcpt in rcpts]


def calendar_of(msg: email.message.EmailMessage) -> str:
    from icalendar import Calendar

    [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
    cal = Calendar.from_ical(part.get_content())
    [vevent] = cal.walk("VEVENT")
    return f"{vevent['UID']} {vevent['SEQUENCE']}"


# --------------------------------------------------------------------------- dry run


def test_dry_run_writes_one_message_per_guest_and_records_nothing(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    before = entries(run, ledger)
    result = run(*ledger, "send", "--category", "government", "--dry-run", "--out-dir", "out")
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    files = sorted((tmp_path / "out").iterdir())
    assert len(files) == 2
    wanted = {before["Ada Minister"]["id"], before["Eve Deputy"]["id"]}
    assert {f.stem for f in files} == wanted
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        entry_id = path.stem
        assert re.fullmatch(rf"invitation-{entry_id}\.[0-9a-f]{{32}}@wic2018\.wic 0",
                            calendar_of(msg))  # type: ignore[arg-type]
        assert msg["From"] == '"WIC 2018 Secretariat (sample)" <invitations@example.org>'
    lines = result.stderr.splitlines()
    assert f"no e-mail: {before['Bo Envoy']['id']} Bo Envoy, Embassy of Samples (government)" \
        in lines
    assert lines[-1] == ("wrote 2 messages to out (dry run: nothing sent, nothing recorded), "
                         "skipped 1 without e-mail, 1 withdrawn")
    assert entries(run, ledger) == before


def test_dry_run_into_a_maildir(run: Runner, ledger: list[str], tmp_path: Path) -> None:
    import mailbox

    result = run(*ledger, "send", "-c", "experts", "--dry-run", "--maildir", "box")
    assert result.code == 0, result.stderr
    box = mailbox.Maildir(tmp_path / "box", create=False)
    [msg] = list(box)
    assert msg["To"] == "Cai Scholar <cai@example.org>"


# --------------------------------------------------------------------------- sending


def test_send_delivers_records_and_refuses_to_send_twice(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    ids = {name: e["id"] for name, e in entries(run, ledger).items()}
    with smtp_server(tmp_path) as server:
        first = send(run, ledger, server, "--category", "government")
        assert first.code == 0, first.stderr  # type: ignore[attr-defined]
        assert sorted(recipients(server)) == ["ada@example.org", "eve@example.org"]
        assert first.stderr.splitlines()[-1] == (  # type: ignore[attr-defined]
            "sent 2, skipped 1 without e-mail, 1 withdrawn")
        for _, msg in server.inbox.received:
            assert calendar_of(msg).endswith(" 0")
        after = entries(run, ledger)
        assert after["Ada Minister"]["status"] == "invited"
        assert after["Bo Envoy"]["status"] == "listed"
        assert after["Cai Scholar"]["status"] == "listed"
        history = run(*ledger, "history", str(ids["Ada Minister"]), "-f", "json")
        last = json.loads(history.stdout)[-1]
        sent_id = server.inbox.received[0][1]["Message-ID"]
        assert (last["status"], last["message_id"]) in {("invited", sent_id),
                                                        ("invited", server.inbox.received[1][1]
                                                         ["Message-ID"])}

        again = send(run, ledger, server, "--category", "government")
        assert again.code == 0, again.stderr  # type: ignore[attr-defined]
        assert len(server.inbox.received) == 2
        assert again.stderr.splitlines()[-1] == (  # type: ignore[attr-defined]
            "sent 0, skipped 1 without e-mail, 2 sent before (--again sends again), "
            "1 withdrawn")

        resend = send(run, ledger, server, str(ids["Ada Minister"]), "--again")
        assert resend.code == 0, resend.stderr  # type: ignore[attr-defined]
        assert recipients(server)[-1] == "ada@example.org"
        first_uid = next(calendar_of(m) for _, m in server.inbox.received[:2]
                         if m["To"].addresses[0].addr_spec == "ada@example.org").split()[0]
        assert calendar_of(server.inbox.received[-1][1]) == f"{first_uid} 1"  # the same item

        remind = send(run, ledger, server, "--reminder", "-c", "government")
        assert remind.code == 0, remind.stderr  # type: ignore[attr-defined]
        reminders = server.inbox.received[3:]
        assert sorted(r for rcpts, _ in reminders for r in rcpts) == [
            "ada@example.org", "eve@example.org"]
        for _, msg in reminders:
            assert msg["Subject"].startswith("Reminder: ")
        by_to = {msg["To"].addresses[0].addr_spec: msg for _, msg in reminders}
        assert calendar_of(by_to["ada@example.org"]).endswith(" 1")  # a reminder keeps it
        assert calendar_of(by_to["eve@example.org"]).endswith(" 0")


def test_a_refused_recipient_is_reported_and_a_rerun_sends_only_to_them(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    with smtp_server(tmp_path, refuse={"eve@example.org"}) as server:
        result = send(run, ledger, server, "-c", "government")
        assert result.code == 1, result.stderr  # type: ignore[attr-defined]
        assert recipients(server) == ["ada@example.org"]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert any(line.startswith("refused: ") and "<eve@example.org>: 550 5.1.1" in line
               for line in lines)
    assert lines[-2:] == ["sent 1, skipped 1 without e-mail, 1 withdrawn, failed 1",
                          "error: 1 message refused (listed above); the rest were sent and "
                          "recorded"]
    assert entries(run, ledger)["Eve Deputy"]["status"] == "listed"
    with smtp_server(tmp_path) as fixed:
        rerun = send(run, ledger, fixed, "-c", "government")
        assert rerun.code == 0, rerun.stderr  # type: ignore[attr-defined]
        assert recipients(fixed) == ["eve@example.org"]
    assert entries(run, ledger)["Eve Deputy"]["status"] == "invited"


def test_a_server_that_hangs_up_during_data_leaves_one_message_unconfirmed_never_resent(
        run: Runner, any_ledger: list[str], tmp_path: Path) -> None:
    ledger = any_ledger
    with smtp_server(tmp_path, drop_after=1) as server:
        result = send(run, ledger, server)
        assert len(server.inbox.received) == 1
    assert result.code == 1  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1
    assert "1 sent and recorded, 2 not sent: run the same command again" in errors[0]
    [doubt] = [ln for ln in lines if ln.startswith("unconfirmed: ")]
    first = recipients(server)
    invited = [n for n, e in entries(run, ledger).items() if e["status"] == "invited"]
    assert len(invited) == 1
    with smtp_server(tmp_path) as fixed:
        rerun = send(run, ledger, fixed)
        assert rerun.code == 0, rerun.stderr  # type: ignore[attr-defined]
        # The one in doubt is listed, with its address and Message-ID, and not sent again.
        [listed] = [ln for ln in rerun.stderr.splitlines()  # type: ignore[attr-defined]
                    if ln.startswith("unconfirmed: ")]
        assert listed.startswith(doubt.split(":")[0] + ": " + doubt.split()[1])
        assert "(sent at 2018-11-08 01:00:00 UTC?)" in listed
        assert "--resend-unconfirmed" in listed
        assert len(fixed.inbox.received) == 1
        assert rerun.stderr.splitlines()[-1] == (  # type: ignore[attr-defined]
            "sent 1, skipped 1 without e-mail, 1 unconfirmed (--resend-unconfirmed sends "
            "again), 1 sent before (--again sends again), 1 withdrawn")
        doubted_id = listed.split()[4]
        asked = send(run, ledger, fixed, "--resend-unconfirmed")
        assert asked.code == 0, asked.stderr  # type: ignore[attr-defined]
        assert len(fixed.inbox.received) == 2
        assert fixed.inbox.received[-1][1]["Message-ID"] == doubted_id  # the same: dedupable
        after = send(run, ledger, fixed, "--resend-unconfirmed")
        assert len(fixed.inbox.received) == 2, after.stderr  # type: ignore[attr-defined]
    assert sorted(first + recipients(fixed)) == [
        "ada@example.org", "cai@example.org", "eve@example.org"]
    assert {e["status"] for e in entries(run, ledger).values() if e["email"]} == {
        "invited", "withdrawn"}


def test_a_reminder_goes_at_most_once_per_every_days_unless_again(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    from datetime import timedelta

    with smtp_server(tmp_path) as server:
        assert send(run, ledger, server, "-c", "government").code == 0
        first = send(run, ledger, server, "--reminder", "-c", "government")
        assert first.code == 0, first.stderr
        assert len(server.inbox.received) == 4
        twice = send(run, ledger, server, "--reminder", "-c", "government")
        assert twice.code == 0, twice.stderr
        assert len(server.inbox.received) == 4  # the same day: nobody gets a second one
        assert twice.stderr.splitlines()[-1] == (
            "sent 0, skipped 1 without e-mail, 1 withdrawn, 2 reminded in the last --every "
            "days (--again reminds again)")
        later = FIXED_NOW + timedelta(days=8)
        assert send(run, ledger, server, "--reminder", "-c", "government", "--every", "10",
                    now=later).stderr.startswith("no e-mail")
        assert len(server.inbox.received) == 4
        week = send(run, ledger, server, "--reminder", "-c", "government", now=later)
        assert week.code == 0, week.stderr
        assert len(server.inbox.received) == 6  # a week later (--every 7, the default)
        again = send(run, ledger, server, "--reminder", "--again", "-c", "government",
                     now=later)
        assert again.code == 0, again.stderr
        assert len(server.inbox.received) == 8
    subjects = [msg["Subject"].startswith("Reminder: ") for _, msg in server.inbox.received]
    assert subjects == [False, False] + [True] * 6


def bounce_for(address: str, message_id: str, tmp_path: Path) -> Path:
    """A Postfix bounce (a real one's shape) of the message ``message_id`` to ``address``."""
    text = (DATA / "mail" / "postfix-bounce-user-unknown.eml").read_text(encoding="utf-8")
    text = text.replace("hal@nowhere.example", address).replace(
        "<sent-hal007-0@wic2018.example>", message_id)
    return write(tmp_path / "bounce.eml", text)


def test_a_bounced_address_is_skipped_counted_and_shown_until_it_changes(
        run: Runner, any_ledger: list[str], tmp_path: Path) -> None:
    ledger = any_ledger
    ids = {name: e["id"] for name, e in entries(run, ledger).items()}
    ada = str(ids["Ada Minister"])
    with smtp_server(tmp_path) as server:
        assert send(run, ledger, server, "-c", "government").code == 0
        [sent_id] = [m["Message-ID"] for rcpts, m in server.inbox.received
                     if rcpts == ["ada@example.org"]]
        read = run(*ledger, "replies", str(bounce_for("ada@example.org", sent_id, tmp_path)))
        assert read.code == 0, read.stderr
        remind = send(run, ledger, server, "--reminder", "-c", "government")
        assert remind.code == 0, remind.stderr
        assert recipients(server)[2:] == ["eve@example.org"]
        lines = remind.stderr.splitlines()
        assert (f"bounced: {ada} Ada Minister, Ministry of Examples (government) "
                "<ada@example.org>: skipped until the address changes") in lines
        assert lines[-1] == "sent 1, skipped 1 without e-mail, 1 bounced, 1 withdrawn"
        status = json.loads(run(*ledger, "status", "-f", "json").stdout)
        assert status["totals"]["bounced"] == 1
        assert [g["bounced"] for g in status["groups"] if g["group"] == "government"] == [1]
        history = json.loads(run(*ledger, "history", ada, "-f", "json").stdout)
        [bounce] = [h for h in history if h["status"] == "bounced"]
        assert bounce["note"].startswith("<ada@example.org> delivery failed: ")
        assert "5.1.1" in bounce["note"]
        moved = write(tmp_path / "moved.csv", "id,name,category,country,email\n"
                      f"{ada},Ada Minister,government,GB,ada@new.example.org\n")
        listed = json.loads(run(*ledger, "list", "--bounced", "-f", "json").stdout)
        assert [e["id"] for e in listed] == [ada]
        assert run(*ledger, "import", str(moved)).code == 0
        assert json.loads(run(*ledger, "list", "--bounced", "-f", "json").stdout) == []
        fixed = send(run, ledger, server, "--reminder", "--again", ada)
        assert fixed.code == 0, fixed.stderr
        assert recipients(server)[-1] == "ada@new.example.org"
    status = json.loads(run(*ledger, "status", "-f", "json").stdout)
    assert status["totals"]["bounced"] == 0


def test_the_default_of_every_is_the_one_the_plan_uses() -> None:
    from wiccli.cli.commands.invites import send
    from wiccli.mail import sending

    assert send.EVERY_DAYS == sending.EVERY_DAYS == 7  # docs/sending.md says 7


def test_a_dry_run_imports_no_smtp_code(tmp_path: Path, run: Runner, ledger: list[str]) -> None:
    from test_imports import imported_by

    loaded = imported_by(tmp_path, *ledger, "send", "--dry-run", "--out-dir", "out")
    assert len(list((tmp_path / "out").iterdir())) == 3
    assert {"smtplib", "ssl", "wiccli.mail.smtp", "wiccli.mail.delivery"} & loaded == set()


def test_a_ledger_of_schema_2_keeps_what_was_sent(run: Runner, tmp_path: Path) -> None:
    """Messages recorded before the attempted/address columns still count as sent."""
    import sqlite3

    from test_ledger import build_at

    db = tmp_path / "old.db"
    build_at(db, 2)
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO entries (id, name, category, country, status, created, "
                     "updated, email, email_key, quantity, name_key) VALUES ('old001', 'Kept', "
                     "'experts', 'DE', 'invited', '2018-09-01T09:00:00+00:00', "
                     "'2018-09-01T09:00:00+00:00', 'kept@example.org', 'kept@example.org', 1, "
                     "'kept\x1f')")
        conn.execute("INSERT INTO messages (entry_id, direction, kind, message_id, sequence, "
                     "at, outcome) VALUES ('old001', 'out', 'invitation', '<old@example.org>', "
                     "0, '2018-09-01T09:00:00+00:00', 'accepted')")
    conn.close()
    args = ["invites", "--ledger", str(db), "send", "--dry-run"]
    again = run(*args, "--out-dir", "new")
    assert again.stderr.splitlines()[-1].endswith("skipped 1 sent before (--again sends again)")
    remind = run(*args, "--reminder", "--out-dir", "remind")
    assert remind.code == 0, remind.stderr
    assert [p.name for p in (tmp_path / "remind").iterdir()] == ["old001-reminder.eml"]


# --------------------------------------------------------------------------- bad input


def test_an_absent_server_changes_nothing(run: Runner, ledger: list[str]) -> None:
    before = entries(run, ledger)
    port = free_port()
    result = run(*ledger, "send", "--smtp", f"smtp://sender@127.0.0.1:{port}",
                 environ={"WIC_SMTP_PASSWORD": PASSWORD})
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1].startswith(
        f"error: smtp://sender@127.0.0.1:{port}: cannot connect: ")
    assert entries(run, ledger) == before


def test_no_server_creates_no_ledger(run: Runner, tmp_path: Path) -> None:
    result = run("invites", "--ledger", str(tmp_path / "new.db"), "send")
    assert (result.code, result.stderr.startswith("error: no mail server")) == (2, True)
    assert not (tmp_path / "new.db").exists()


def test_a_wrong_password_is_one_error_and_sends_nothing(
        run: Runner, ledger: list[str], tmp_path: Path) -> None:
    with smtp_server(tmp_path) as server:
        result = run(*ledger, "send", *smtp_args(server), environ={"WIC_SMTP_PASSWORD": "no"})
        assert server.inbox.received == []
    assert result.code == 1
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1
    assert "refused the login" in errors[0]


def test_an_unknown_placeholder_stops_everything_before_sending(
        run: Runner, tmp_path: Path) -> None:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8") + """
[invitations]
templates = "tpl"

[invitations.organizer]
name = "Demo Team"
email = "team@example.org"

[[invitations.categories]]
id = "speakers"
name = "Speakers"
"""
    event = write(tmp_path / "event.toml", text)
    write(tmp_path / "tpl" / "invitation.txt", "Dear {{ guest.name }},\n\n{{ guest.titel }}\n")
    args = ["-e", str(event), "invites", "--ledger", str(tmp_path / "l.db")]
    assert run(*args, "add", "Ada", "-c", "speakers", "--country", "GB",
               "--email", "ada@example.org").code == 0
    with smtp_server(tmp_path) as server:
        result = run(*args, "send", *smtp_args(server), environ={"WIC_SMTP_PASSWORD": PASSWORD})
        assert server.inbox.received == []
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {tmp_path / 'tpl' / 'invitation.txt'}:3: unknown placeholder 'guest.titel'",
        "error: nothing was sent"]


@pytest.mark.parametrize(("args", "message", "code"), [
    (["--smtp", "mail.example.org"], "is not an SMTP URL", 2),
    (["--smtp", "smtp://u:pw@mail.example.org"], "must not hold a password", 2),
    ([], "no mail server", 2),
    (["--dry-run"], "give --out-dir DIR or --maildir DIR", 2),
    (["--reminder", "--every", "0", "--dry-run", "--out-dir", "o"], "--every must be", 2),
    (["--dry-run", "--out-dir", "o", "--rate", "fast"], "--rate", 2),
    (["--dry-run", "--out-dir", "o", "--limit", "0"], "--limit must be 1 or more", 2),
    (["--dry-run", "--out-dir", "taken"], "is a file, not a folder", 1),
    (["--smtp", "smtp://u@mail.example.org", "--timeout", "1e12"], "at most 3600 seconds", 2),
    (["--smtp", "smtp://u@mail.example.org", "--timeout", "nan"], "--timeout must be", 2),
    (["--dry-run", "--out-dir", "o", "--limit", "99999999999"], "--limit must be", 2),
])
def test_bad_input_is_one_error_line(run: Runner, ledger: list[str], tmp_path: Path,
                                     args: list[str], message: str, code: int) -> None:
    write(tmp_path / "taken", "a file where the folder would go\n")
    before = entries(run, ledger)
    result = run(*ledger, "send", *args)
    assert result.code == code, result.stderr
    assert result.stdout == ""
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert entries(run, ledger) == before


def test_an_event_without_a_sender_is_an_error(run: Runner, tmp_path: Path) -> None:
    result = run("-e", str(DATA / "minimal.toml"), "invites", "--ledger",
                 str(tmp_path / "l.db"), "send", "--dry-run", "--out-dir", "o")
    assert result.code == 1
    assert result.stderr == (f"error: {DATA / 'minimal.toml'} names no sender: add "
                             "[invitations.organizer] with name and email to the event file\n")


# --------------------------------------------------------------------------- letters


def test_letters_one_pdf_each_or_combined(run: Runner, ledger: list[str], tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    need_weasyprint()
    result = run(*ledger, "letters", "-c", "experts", "--out-dir", "pdf")
    assert result.code == 0, result.stderr
    [path] = result.stdout.splitlines()
    assert Path(path).name.endswith("-cai-scholar.pdf")
    assert "Dear Cai Scholar" in pypdf.PdfReader(path).pages[0].extract_text()
    combined = run(*ledger, "letters", "-c", "government", "--visa", "--combine",
                   "--out-dir", "pdf", "--date", "2018-09-20")
    assert combined.code == 0, combined.stderr
    reader = pypdf.PdfReader(tmp_path / "pdf" / "visa-letters.pdf")
    # Every selected guest, with an e-mail address or not; not the withdrawn one.
    assert len(reader.pages) == 3
    assert "Passport number" in reader.pages[0].extract_text()
    assert "20 September 2018" in reader.pages[0].extract_text()
    assert combined.stderr.strip().endswith("(combined into one PDF) to pdf")


def test_letters_refuse_a_bad_date_and_an_empty_selection(run: Runner, ledger: list[str]) -> None:
    bad = run(*ledger, "letters", "--date", "20.9.2018")
    assert (bad.code, bad.stdout) == (2, "")
    assert bad.stderr == "error: --date: '20.9.2018' is not a date (YYYY-MM-DD)\n"
    old = run(*ledger, "letters", "--date", "0001-01-01")
    assert old.code == 2
    assert old.stderr == ("error: --date: 0001-01-01 is outside the dates wic supports "
                          "(1900-01-01 to 2999-12-31)\n")
    empty = run(*ledger, "letters", "--search", "nobody at all")
    assert empty.code == 1
    assert empty.stderr.startswith("error: no invitation matches")


def test_the_example_guest_list_by_category(run: Runner, tmp_path: Path) -> None:
    """The tour: import the bundled example list, then one message per government guest."""
    from conftest import ROOT

    args = ["invites", "--ledger", str(tmp_path / "wic.db")]
    assert run(*args, "import", str(ROOT / "examples" / "wic2018-guests.csv")).code == 0
    listed = json.loads(run(*args, "list", "-c", "government", "-f", "json").stdout)
    wanted = {e["id"] for e in listed if e["status"] != "withdrawn" and e["email"]}
    result = run(*args, "send", "--category", "government", "--dry-run", "--out-dir", "out")
    assert result.code == 0, result.stderr
    written = {p.stem for p in (tmp_path / "out").iterdir()}
    assert written == wanted
    assert len(written) > 400
    withdrawn = sum(e["status"] == "withdrawn" for e in listed)
    assert result.stderr.splitlines()[-1] == (
        f"wrote {len(wanted)} messages to out (dry run: nothing sent, nothing recorded), "
        f"skipped {withdrawn} withdrawn")
    # Every category, on a terminal: a progress bar on stderr, nothing on stdout.
    everyone = run(*args, "send", "--dry-run", "--out-dir", "all", tty=True)
    assert everyone.code == 0, everyone.stderr
    assert everyone.stdout == ""
    assert "preparing" in everyone.stderr
    assert len(list((tmp_path / "all").iterdir())) > 1000


def test_a_server_that_never_answers_times_out_and_changes_nothing(
        run: Runner, ledger: list[str]) -> None:
    from smtpserver import silent_server

    before = entries(run, ledger)
    with silent_server() as port:
        result = run(*ledger, "send", "--smtp", f"smtp://127.0.0.1:{port}", "--timeout", "0.5")
    assert result.code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: smtp://127.0.0.1:{port}: cannot connect: the server did not answer in time")
    assert entries(run, ledger) == before


def test_addresses_servers_cannot_take_are_listed_and_skipped(
        run: Runner, tmp_path: Path) -> None:
    args = ["invites", "--ledger", str(tmp_path / "l.db")]
    for name, address in (("Jörg Müller", "müller@example.org"), ("Ana Idn", "ana@exämple.org")):
        added = run(*args, "add", name, "-c", "experts", "--country", "DE", "--email", address)
        assert added.code == 0, added.stderr
    result = run(*args, "send", "--dry-run", "--out-dir", "out")
    assert result.code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith("unusable e-mail: ") and line.endswith(
        "Jörg Müller (experts) <müller@example.org>: the part before the @ is not ASCII")
        for line in lines)
    assert lines[-1].endswith("skipped 1 with an unusable e-mail")
    [path] = (tmp_path / "out").iterdir()
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "ana@xn--exmple-cua.org"
