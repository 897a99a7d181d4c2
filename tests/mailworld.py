"""The world the answer tests run in: guests invited on 1 October 2018 (the ledger in
tests/data/mail), the invitations wic recorded as sent to them, and answers written the
way a mail program writes them, or the way a forger would."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from conftest import DATA, LedgerUnderTest, Runner

MAIL = DATA / "mail"
GUESTS_FILE = MAIL / "ledger-invited-guests.toml"
GUESTS = {
    "ann001": "ann@example.org", "bob002": "bob@example.com", "cem003": "cem@example.net",
    "dan004": "dana@gmail.example", "eve005": "eve@example.org", "gus006": "gus@example.org",
    "hal007": "hal@nowhere.example", "ivy008": "ivy@contoso.example",
    "jon009": "jon@example.org", "kim010": "kim@example.org", "lea011": "lea@example.org",
}
INVITED = datetime(2018, 10, 1, 8, 0, tzinfo=UTC)


def sent_id(entry_id: str, sequence: int = 0) -> str:
    """The Message-ID of the invitation wic sent (the bounce fixtures return these)."""
    return f"<sent-{entry_id}-{sequence}@wic2018.example>"


def record_sent(location: str, cwd: Path, sequences: Sequence[int] = (0,)) -> None:
    """Record in the ledger at ``location`` that every guest was sent an invitation with
    the UID the fixtures answer (the shape wic wrote before UIDs had a random part)."""
    from wiccli.cli.state import State
    from wiccli.invites.model import Message
    from wiccli.invites.store import open_store

    with open_store(State().event(), location, {}, cwd) as store, store.transaction() as tx:
        for entry_id in GUESTS:
            for sequence in sequences:
                tx.record_message(Message(
                    entry_id, "out", "invitation", sent_id(entry_id, sequence), INVITED,
                    uid=f"invitation-{entry_id}@wic2018.wic", sequence=sequence,
                    dtstamp=INVITED, outcome="accepted"))


def invited(run: Runner, ledger: LedgerUnderTest) -> None:
    """The guests of tests/data/mail imported into ``ledger``, each sent the invitation
    the fixtures answer (on 1 October 2018)."""
    result = run(*ledger.args(), "import", str(GUESTS_FILE))
    assert result.code == 0, result.stderr
    record_sent(ledger.location, Path.cwd())


Attendee = tuple[str, str, str]  # address, PARTSTAT, extra parameters (";DELEGATED-TO=…")


def vevent(uid: str, attendees: Sequence[Attendee], sequence: str, dtstamp: str) -> str:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}", f"DTSTAMP:{dtstamp}",
             "DTSTART:20181107T010000Z", "DTEND:20181109T100000Z",
             "ORGANIZER:mailto:invitations@wic2018.example"]
    lines += [f"ATTENDEE;PARTSTAT={partstat}{extra}:mailto:{address}"
              for address, partstat, extra in attendees]
    return "\r\n".join([*lines, "END:VEVENT"])


def answer(*, sender: str | Sequence[str] = "Ann Example <ann@example.org>",
           uid: str = "invitation-ann001@wic2018.wic", sequence: str = "0",
           dtstamp: str = "20181025T100000Z",
           attendees: Sequence[Attendee] = (("ann@example.org", "DECLINED", ""),),
           events: Sequence[str] = (), headers: Sequence[tuple[str, str]] = (),
           message_id: str = "<forged-1@evil.example>") -> bytes:
    """A REPLY as Thunderbird sends one (text, then the calendar); ``events`` replaces
    the one VEVENT, ``sender`` may be several From headers."""
    msg = EmailMessage()
    for name, value in headers:
        msg[name] = value
    senders = [sender] if isinstance(sender, str) else list(sender)
    if senders:
        msg["From"] = senders[0]
    msg["To"] = "invitations@wic2018.example"
    msg["Subject"] = "Declined: 5th World Internet Conference"
    msg["Message-ID"] = message_id
    msg["Date"] = "Thu, 25 Oct 2018 10:00:00 +0000"
    msg.set_content("The guest has answered.")
    body = "\r\n".join(events) or vevent(uid, attendees, sequence, dtstamp)
    calendar = ("BEGIN:VCALENDAR\r\nPRODID:-//test//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\n"
                f"{body}\r\nEND:VCALENDAR\r\n")
    msg.add_alternative(calendar, subtype="calendar", params={"method": "REPLY"})
    more = b"".join(f"From: {one}\n".encode() for one in senders[1:])  # EmailMessage allows one
    return more + msg.as_bytes()


def report(recipient: str, returned_id: str = "",
           message_id: str = "<forged-dsn@evil.example>") -> bytes:
    """A delivery-status notification for ``recipient``, returning the headers of a
    message with ``returned_id`` (none: headers without a Message-ID)."""
    returned = ("From: invitations@wic2018.example\n" f"To: {recipient}\n"
                "Subject: Invitation\n" + (f"Message-ID: {returned_id}\n" if returned_id else ""))
    return ("From: MAILER-DAEMON@mail.evil.example\nTo: invitations@wic2018.example\n"
            f"Subject: Undelivered Mail Returned to Sender\nMessage-ID: {message_id}\n"
            "MIME-Version: 1.0\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
            "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
            "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; evil.example\n\n"
            f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: 5.1.1\n\n"
            f"--B\nContent-Type: text/rfc822-headers\n\n{returned}\n--B--\n").encode()
