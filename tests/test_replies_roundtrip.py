"""The whole loop: `send` to a real SMTP server, guests answer each message the way their
mail programs do (REPLYs built from the invitation they got, a plain answer, a bounce),
the answers land in a real IMAP mailbox, `replies` reads them, and the statuses match."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from conftest import FIXED_NOW, Runner, write
from imapserver import PASSWORD as IMAP_PASSWORD
from imapserver import ImapServer, imap_server_fixture  # noqa: F401
from smtpserver import PASSWORD as SMTP_PASSWORD
from smtpserver import smtp_server

GUESTS = """name,organization,category,country,email,quantity,status,note
Ada Minister,Ministry of Examples,government,GB,ada@example.org,1,,
Bo Envoy,Embassy of Samples,government,SE,bo@example.org,1,,
Cai Scholar,University of Tests,experts,CN,cai@example.org,1,,
Eve Deputy,Ministry of Samples,government,FR,eve@example.org,2,,
Fay Gone,Ministry of Examples,government,DE,fay@nowhere.example,1,,
Gil Quiet,Ministry of Quiet,government,IT,gil@example.org,1,,
"""


def reply_calendar(request: EmailMessage, partstat: str) -> str:
    """The REPLY a calendar program makes from the REQUEST in ``request``."""
    from icalendar import Calendar, Event

    [part] = [p for p in request.walk() if p.get_content_type() == "text/calendar"]
    [asked] = Calendar.from_ical(part.get_content()).walk("VEVENT")
    answer = Event()
    for key in ("UID", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER"):
        answer[key] = asked[key]
    answer.add("DTSTAMP", asked["DTSTAMP"].dt + timedelta(hours=1))  # answered an hour later
    attendee = asked["ATTENDEE"]
    attendee.params["PARTSTAT"] = partstat
    attendee.params.pop("RSVP", None)
    answer["ATTENDEE"] = attendee
    calendar = Calendar()
    calendar.add("PRODID", "-//test mail client//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("METHOD", "REPLY")
    calendar.add_component(answer)
    return calendar.to_ical().decode()


def answer_to(request: EmailMessage, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = request["To"]
    msg["To"] = request["From"]
    msg["Subject"] = f"{subject}: {request['Subject']}"
    msg["Message-ID"] = make_msgid(domain="guest.example")
    msg["In-Reply-To"] = request["Message-ID"]
    return msg


def outlook_reply(request: EmailMessage, partstat: str) -> bytes:
    """multipart/alternative: text, then the calendar, both base64."""
    msg = answer_to(request, partstat.title())
    msg.set_content("See the calendar.", cte="base64")
    msg.add_alternative(reply_calendar(request, partstat), subtype="calendar",
                        params={"method": "REPLY"}, cte="base64")
    return msg.as_bytes()


def thunderbird_reply(request: EmailMessage, partstat: str) -> bytes:
    """multipart/mixed: (text | calendar) and the same calendar as invite.ics."""
    msg = answer_to(request, partstat.title())
    calendar = reply_calendar(request, partstat)
    msg.set_content(f"The guest has answered {partstat.lower()}.")
    msg.add_alternative(calendar, subtype="calendar", params={"method": "REPLY"})
    msg.add_attachment(calendar.encode(), maintype="application", subtype="ics",
                       filename="invite.ics")
    return msg.as_bytes()


def apple_reply(request: EmailMessage, partstat: str) -> bytes:
    """multipart/mixed: text and the calendar as an attachment in ISO-8859-1, QP."""
    msg = answer_to(request, partstat.title())
    msg.set_content("")
    calendar = reply_calendar(request, partstat).replace("Eve Deputy", "Ève Députée")
    assert "CN=Ève Députée" in calendar or 'CN="Ève Députée"' in calendar
    msg.add_attachment(calendar, subtype="calendar", charset="iso-8859-1",
                       cte="quoted-printable", params={"method": "REPLY"},
                       filename="iCal-20181101-120000.ics")
    return msg.as_bytes()


def plain_answer(request: EmailMessage) -> bytes:
    msg = answer_to(request, "Re")
    msg.set_content("Thank you, I will come. Is there a shuttle from the airport?")
    return msg.as_bytes()


def postfix_bounce(request: EmailMessage) -> bytes:
    """The report Postfix sends when the guest's server refuses the address: a notice,
    the delivery status, and the invitation returned whole."""
    rcpt = request["To"].addresses[0].addr_spec
    status = (f"Reporting-MTA: dns; mail.wic2018.example\n\nFinal-Recipient: rfc822; {rcpt}\n"
              f"Original-Recipient: rfc822;{rcpt}\nAction: failed\nStatus: 5.1.1\n"
              f"Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: User unknown\n")
    return (f"From: MAILER-DAEMON@mail.wic2018.example (Mail Delivery System)\n"
            f"To: {request['From']}\nSubject: Undelivered Mail Returned to Sender\n"
            f"Message-ID: {make_msgid(domain='mail.wic2018.example')}\nMIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B0"\n\n'
            f"--B0\nContent-Type: text/plain\n\n<{rcpt}>: host mx said: 550 User unknown\n\n"
            f"--B0\nContent-Type: message/delivery-status\n\n{status}\n"
            f"--B0\nContent-Type: message/rfc822\n\n{request.as_string()}\n--B0--\n"
            ).encode()


def test_send_answer_read_and_count(run: Runner, tmp_path: Path,
                                    imap_server: ImapServer) -> None:
    ledger = ["invites", "--ledger", str(tmp_path / "guests.db")]
    assert run(*ledger, "import", str(write(tmp_path / "g.csv", GUESTS)), "--listed").code == 0
    with smtp_server(tmp_path) as smtp:
        sent = run(*ledger, "send", "--category", "government", "--smtp", smtp.user_url(),
                   "--smtp-ca", str(smtp.ca_file), environ={"WIC_SMTP_PASSWORD": SMTP_PASSWORD})
        assert sent.code == 0, sent.stderr
        got = {rcpts[0]: msg for rcpts, msg in smtp.inbox.received}
    assert sorted(got) == ["ada@example.org", "bo@example.org", "eve@example.org",
                           "fay@nowhere.example", "gil@example.org"]
    for msg in got.values():  # 128 random bits: nobody answers without the invitation
        [part] = [p for p in msg.walk() if p.get_content_type() == "text/calendar"]
        assert re.search(r"^UID:invitation-[A-Za-z0-9_-]+\.[0-9a-f]{32}@wic2018\.wic\r?$",
                         part.get_content(), re.M)
    for raw in (outlook_reply(got["ada@example.org"], "ACCEPTED"),
                thunderbird_reply(got["bo@example.org"], "DECLINED"),
                apple_reply(got["eve@example.org"], "TENTATIVE"),
                plain_answer(got["gil@example.org"]),
                postfix_bounce(got["fay@nowhere.example"])):
        imap_server.append(raw)

    env = {"WIC_IMAP_PASSWORD": IMAP_PASSWORD, "SSL_CERT_FILE": str(imap_server.ca_file)}
    later = FIXED_NOW + timedelta(days=1)  # the answers are read the next day
    result = run(*ledger, "replies", imap_server.url(), "--move-to", "Done", "-f", "json",
                 environ=env, now=later)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {
        "applied": 3, "unchanged": 0, "unmatched": 0, "needs-a-person": 1, "bounced": 1}
    statuses = {e["name"]: e["status"] for e in json.loads(
        run(*ledger, "list", "-f", "json").stdout)}
    assert statuses == {"Ada Minister": "accepted", "Bo Envoy": "declined",
                        "Eve Deputy": "tentative", "Gil Quiet": "invited",
                        "Fay Gone": "invited", "Cai Scholar": "listed"}
    bounced = json.loads(run(*ledger, "list", "--bounced", "-f", "json").stdout)
    assert [e["name"] for e in bounced] == ["Fay Gone"]
    summary = json.loads(run(*ledger, "status", "--by", "status", "-f", "json").stdout)
    totals = summary["totals"]  # quantities: Eve Deputy's delegation is two people
    assert (totals["accepted"], totals["declined"], totals["tentative"], totals["listed"]) == (
        1, 1, 2, 1)
    # Left in the inbox: what was not applied (the plain answer, the bounce).
    assert len(imap_server.listing()) == 2
    assert len(imap_server.listing("Done")) == 3

    snapshot = run(*ledger, "export", "-f", "json").stdout
    for mailbox in ("INBOX", "Done"):
        again = run(*ledger, "replies", imap_server.url(mailbox), "-f", "json", environ=env,
                    now=later)
        assert again.code == 0, again.stderr
        assert json.loads(again.stdout)["counts"]["applied"] == 0
    assert run(*ledger, "export", "-f", "json").stdout == snapshot
