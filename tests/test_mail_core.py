"""Invitation messages: templates, the calendar request (read back by icalendar and by
Mozilla's ical.js), and the e-mail around them (read back by the standard library)."""

from __future__ import annotations

import email
import json
import re
import subprocess
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from conftest import DATA, ROOT, Runner, need_ical_js, write
from wiccli.errors import DataError
from wiccli.event.check import load_zone
from wiccli.event.load import load_event
from wiccli.event.model import Event
from wiccli.invites.model import Invitation, Message
from wiccli.mail.context import dates_text, shared_context
from wiccli.mail.imip import RequestBuilder, invitation_uid, new_invitation_uid, parse_uid
from wiccli.mail.message import Composer, Outgoing
from wiccli.mail.templating import DEFAULTS, TemplateError, TemplateSet

NOW = datetime(2025, 2, 1, 9, 30, tzinfo=UTC)
JS = ROOT / "tests" / "js"
SENDER = """
[invitations]
reply_to = "rsvp@example.org"

[invitations.organizer]
name = "Demo Programme Team"
email = "team@example.org"

[[invitations.categories]]
id = "speakers"
name = "Speakers"

[[invitations.categories]]
id = "press"
name = "Press"
"""


@pytest.fixture
def event(tmp_path: Path) -> Event:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Keynote"', 'title = "Keynote"\nspeakers = ["Ada  LOVELACE"]')
    return load_event(write(tmp_path / "event.toml", text + SENDER))


def guest(entry_id: str = "ada001", name: str = "Ada Lovelace", category: str = "speakers",
          email_address: str = "ada@example.org", **extra: object) -> Invitation:
    return Invitation(id=entry_id, name=name, category=category, country="GB",
                      status="invited", created=NOW, updated=NOW, email=email_address,
                      organization="Analytical Engines", **extra)  # type: ignore[arg-type]


def composer(event: Event, folder: Path | None = None) -> Composer:
    organizer = event.invitations.organizer
    assert organizer is not None
    zone = load_zone(event.timezone)
    assert zone is not None
    return Composer(
        TemplateSet(folder),
        shared_context(event, organizer, zone, date(2025, 2, 1), event.invitations.reply_to),
        RequestBuilder(event, organizer, zone, event.timezone), organizer=organizer,
        reply_to=event.invitations.reply_to, event_id=event.id,
        names=lambda e: ({"speakers": "Speakers", "press": "Press"}[e.category], "United Kingdom"),
        token=lambda: "0123abcd", uid_token=lambda: "5eed" * 8)


def parse(out: Outgoing) -> EmailMessage:
    msg = email.message_from_bytes(out.data, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def body(msg: EmailMessage, kind: str) -> str:
    part = msg.get_body((kind,))
    assert part is not None
    text: str = part.get_content()
    return text.replace("\r\n", "\n")


def calendar_text(out: Outgoing) -> str:
    part = [p for p in parse(out).walk() if p.get_content_type() == "text/calendar"]
    assert len(part) == 1
    text: str = part[0].get_content()
    return text


# --------------------------------------------------------------------------- templates


def test_default_templates_fill_in_the_guest_the_event_and_their_sessions(event: Event) -> None:
    out = composer(event).compose(guest(), kind="invitation", sequence=0, now=NOW)
    msg = parse(out)
    assert msg["Subject"] == "Invitation: Demo Conference, 29–30 March 2025"
    text = body(msg, "plain")
    assert text.startswith("Dear Ada Lovelace,\n\nDemo Programme Team has the honour")
    assert "representing Analytical Engines" in text
    # Listed as a speaker although the programme spells the name with other spaces and case.
    assert "  - Keynote (speaker), 29 March 2025, 09:00–10:00, Hall A\n" in text
    assert "reply to rsvp@example.org" in text
    html = body(msg, "html")
    assert "<li>Keynote (speaker), 29 March 2025, 09:00–10:00, Hall A</li>" in html


def test_html_escapes_what_the_guest_list_says(event: Event) -> None:
    out = composer(event).compose(guest(name="Bob <script>alert(1)</script>"),
                                  kind="invitation", sequence=0, now=NOW)
    html = body(parse(out), "html")
    assert "<script>" not in html
    assert "Bob &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_category_folder_overrides_and_a_folder_without_html_sends_plain_text(
        event: Event, tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    write(folder / "press" / "invitation.txt", "Hello {{ guest.name }} of the press.\n")
    write(folder / "press" / "invitation.subject.txt", "Press pass: {{ event.name }}\n")
    press = composer(event, folder).compose(guest(category="press"), kind="invitation",
                                            sequence=0, now=NOW)
    msg = parse(press)
    assert msg["Subject"] == "Press pass: Demo Conference"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/calendar"]
    assert body(msg, "plain") == "Hello Ada Lovelace of the press.\n"
    speaker = parse(composer(event, folder).compose(guest(), kind="invitation", sequence=0,
                                                    now=NOW))
    assert speaker["Subject"].startswith("Invitation: ")
    assert [p.get_content_type() for p in speaker.iter_parts()] == [
        "text/plain", "text/html", "text/calendar"]


def test_reminders_have_their_own_template(event: Event) -> None:
    out = composer(event).compose(guest(), kind="reminder", sequence=0, now=NOW)
    msg = parse(out)
    assert msg["Subject"].startswith("Reminder: Demo Conference")
    assert "have not yet received your answer" in body(msg, "plain")
    assert ".reminder.ada001@" in msg["Message-ID"]


@pytest.mark.parametrize(("source", "message"), [
    ("Dear {{ guest.name }},\n\n{{ gust.name }}\n", "invitation.txt:3: unknown placeholder 'gust'"),
    ("Dear {{ guest.name }},\n{{ guest.titel }}\n",
     "invitation.txt:2: unknown placeholder 'guest.titel'"),
    ("{% for s in sessions %}\n{{ s.room }}\n{% endfor %}\n",
     "invitation.txt:2: unknown placeholder 'session.room'"),
    ("Dear\n{% if guest.name %}\n{{ guest.name }\n{% endif %}\n",
     "invitation.txt:3: unexpected '}'"),
    ("{% if guest.name %}\nno end\n", "invitation.txt:2: Unexpected end of template"),
])
def test_template_mistakes_name_the_file_the_line_and_the_name(
        event: Event, tmp_path: Path, source: str, message: str) -> None:
    folder = tmp_path / "templates"
    write(folder / "invitation.txt", source)
    with pytest.raises(TemplateError) as caught:
        composer(event, folder).compose(guest(), kind="invitation", sequence=0, now=NOW)
    assert str(caught.value).startswith(str(folder / message.split(":", 1)[0]))
    assert message.split(":", 1)[1] in str(caught.value)


def test_a_missing_templates_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="templates folder"):
        TemplateSet(tmp_path / "nowhere")


def test_date_ranges_read_as_people_write_them() -> None:
    assert dates_text(date(2018, 11, 7), date(2018, 11, 9)) == "7–9 November 2018"
    assert dates_text(date(2018, 10, 30), date(2018, 11, 2)) == "30 October – 2 November 2018"
    assert dates_text(date(2018, 12, 30), date(2019, 1, 2)) == (
        "30 December 2018 – 2 January 2019")
    assert dates_text(date(2018, 11, 7), date(2018, 11, 7)) == "7 November 2018"


# --------------------------------------------------------------------------- the message


def test_the_message_is_multipart_alternative_with_a_calendar_request(event: Event) -> None:
    out = composer(event).compose(guest(), kind="invitation", sequence=0, now=NOW)
    assert b"\r\n" in out.data
    assert b"\n" not in out.data.replace(b"\r\n", b"")
    assert max(len(line) for line in out.data.split(b"\r\n")) <= 998
    out.data.decode("ascii")  # 7-bit: no server needs 8BITMIME
    msg = parse(out)
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["From"] == "Demo Programme Team <team@example.org>"
    assert msg["To"] == "Ada Lovelace <ada@example.org>"
    assert msg["Reply-To"] == "rsvp@example.org"
    assert msg["Message-ID"] == out.message_id == "<0123abcd.invitation.ada001@example.org>"
    assert email.utils.parsedate_to_datetime(msg["Date"]) == NOW
    calendar = list(msg.iter_parts())[-1]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert (out.recipient, out.sender) == ("ada@example.org", "team@example.org")


def test_headers_cannot_be_smuggled_in_through_a_name(event: Event) -> None:
    """A name from a ledger written before names were checked: not composed at all."""
    from wiccli.mail.message import UnsafeMessage

    with pytest.raises(UnsafeMessage, match=r"guest ada001: name: contains a control "
                                            r"character \(U\+000D\); that message is not sent"):
        composer(event).compose(guest(name="Eve\r\nBcc: victim@example.org"),
                                kind="invitation", sequence=0, now=NOW)


# --------------------------------------------------------------------------- the request


def test_the_request_is_an_itip_request_for_one_attendee(event: Event) -> None:
    from icalendar import Calendar

    out = composer(event).compose(guest(), kind="invitation", sequence=3, now=NOW)
    cal = Calendar.from_ical(calendar_text(out))
    assert cal["METHOD"] == "REQUEST"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == out.uid == f"invitation-ada001.{'5eed' * 8}@demo.wic"
    assert vevent["SEQUENCE"] == out.sequence == 3
    assert vevent["DTSTAMP"].dt == NOW
    assert str(vevent["ORGANIZER"]) == "mailto:team@example.org"
    assert vevent["ORGANIZER"].params["CN"] == "Demo Programme Team"
    attendee = vevent["ATTENDEE"]
    assert not isinstance(attendee, list)  # exactly one
    assert str(attendee) == "mailto:ada@example.org"
    assert dict(attendee.params) == {"CN": "Ada Lovelace", "CUTYPE": "INDIVIDUAL",
                                     "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION",
                                     "RSVP": "TRUE"}
    assert vevent["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert vevent["DTSTART"].dt == datetime(2025, 3, 29, 8, 0, tzinfo=UTC)
    assert vevent["DTEND"].dt == datetime(2025, 3, 30, 10, 0, tzinfo=UTC)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(vevent["DESCRIPTION"]) == "Invitation: Demo Conference, 29–30 March 2025"


def test_uids_name_the_entry_and_the_event() -> None:
    old = invitation_uid("Ab-9_x", "wic2018")  # the shape guests invited before keep
    assert old == "invitation-Ab-9_x@wic2018.wic"
    new = new_invitation_uid("Ab-9_x", "wic2018")
    assert re.fullmatch(r"invitation-Ab-9_x\.[0-9a-f]{32}@wic2018\.wic", new)  # 128 bits
    assert new != new_invitation_uid("Ab-9_x", "wic2018")
    for uid in (old, new):
        assert parse_uid(uid, "wic2018") == "Ab-9_x"
        assert parse_uid(uid, "other") is None
    assert parse_uid("opening-ceremony@wic2018.wic", "wic2018") is None
    assert parse_uid("invitation-Ab-9_x.XYZ@wic2018.wic", "wic2018") is None


def test_a_guest_keeps_the_uid_of_their_first_invitation(event: Event) -> None:
    """A resend updates the item already in the guest's calendar: old shape or new."""
    make = composer(event)
    first = make.compose(guest(), kind="invitation", sequence=0, now=NOW)
    assert first.uid == f"invitation-ada001.{'5eed' * 8}@demo.wic"
    again = composer(event)
    again.keep_uids([Message("ada001", "out", "invitation", "<m1@x>", NOW,
                             uid="invitation-ada001@demo.wic", sequence=0)])
    resend = again.compose(guest(), kind="invitation", sequence=1, now=NOW)
    assert resend.uid == "invitation-ada001@demo.wic"


def test_quotes_in_a_name_do_not_break_the_attendee(event: Event) -> None:
    """RFC 6868, as for every parameter wic writes: a double quote is ^', a caret ^^."""
    from icalendar import Calendar

    out = composer(event).compose(guest(name='Ada "The Countess" Love^lace'),
                                  kind="invitation", sequence=0, now=NOW)
    text = calendar_text(out)
    assert 'CN="Ada ^\'The Countess^\' Love^^lace"' in text.replace("\r\n ", "")
    [vevent] = Calendar.from_ical(text).walk("VEVENT")
    assert vevent["ATTENDEE"].params["CN"] == 'Ada "The Countess" Love^lace'
    assert vevent["ATTENDEE"].params["RSVP"] == "TRUE"


def test_mozilla_ical_js_reads_the_request(event: Event) -> None:
    node = need_ical_js()
    out = composer(event).compose(guest(name="Zhang Wei 张伟"), kind="invitation", sequence=1,
                                  now=NOW)
    done = subprocess.run([node, str(JS / "read-ical.mjs")], input=calendar_text(out),
                          capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["method"] == "REQUEST"
    assert found["timezones"] == ["Europe/Berlin"]
    [vevent] = found["events"]
    assert vevent["uid"] == f"invitation-ada001.{'5eed' * 8}@demo.wic"
    assert vevent["sequence"] == 1
    assert vevent["tzid"] == "Europe/Berlin"
    # 09:00 CET on 29 March and 12:00 CEST on 30 March: the VTIMEZONE carries the change.
    assert vevent["start"] == "2025-03-29T08:00:00.000Z"
    assert vevent["end"] == "2025-03-30T10:00:00.000Z"
    assert vevent["organizer"]["value"] == "mailto:team@example.org"
    assert vevent["attendees"] == [{
        "value": "mailto:ada@example.org", "cn": "Zhang Wei 张伟", "role": "REQ-PARTICIPANT",
        "partstat": "NEEDS-ACTION", "rsvp": "TRUE"}]


# --------------------------------------------------------------------------- templates init


def test_templates_init_copies_the_defaults_and_keeps_edits(run: Runner, tmp_path: Path) -> None:
    result = run("invites", "templates", "init", "mine")
    assert result.code == 0, result.stderr
    written = result.stdout.splitlines()
    assert str(tmp_path / "mine" / "invitation.txt") in written
    assert {Path(p).name for p in written} >= {
        "invitation.subject.txt", "invitation.txt", "invitation.html", "reminder.txt",
        "letter.html", "letter.css", "visa.html"}
    assert (tmp_path / "mine" / "invitation.txt").read_bytes() == (
        DEFAULTS / "invitation.txt").read_bytes()
    assert "wrote " in result.stderr
    (tmp_path / "mine" / "invitation.txt").write_text("edited\n")
    again = run("invites", "templates", "init", "mine")
    assert again.code == 1
    assert again.stdout == ""
    assert again.stderr.startswith("error: ")
    assert "--force" in again.stderr
    assert len(again.stderr.splitlines()) == 1
    assert (tmp_path / "mine" / "invitation.txt").read_text() == "edited\n"
    forced = run("invites", "templates", "init", "mine", "--force")
    assert forced.code == 0, forced.stderr
    assert (tmp_path / "mine" / "invitation.txt").read_bytes() == (
        DEFAULTS / "invitation.txt").read_bytes()


def test_templates_init_writes_where_the_event_file_says(run: Runner, tmp_path: Path) -> None:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    write(tmp_path / "conf" / "event.toml", text + '\n[invitations]\ntemplates = "tpl"\n')
    result = run("-e", str(tmp_path / "conf" / "event.toml"), "invites", "templates", "init")
    assert result.code == 0, result.stderr
    assert (tmp_path / "conf" / "tpl" / "invitation.txt").is_file()
    assert not (tmp_path / "templates").exists()
