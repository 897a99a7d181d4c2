"""The calendar invitation in every message: an iTIP REQUEST (RFC 5546) for iMIP (RFC 6047).

One VEVENT for the whole conference, in the event's time zone with its VTIMEZONE,
the organiser and exactly one attendee: the guest, asked to answer (RSVP=TRUE).
Its UID is made once per entry, ``invitation-<entry id>.<32 hex digits>@<event id>.wic``
(128 random bits, so nobody can write a REPLY for a guest without having their
invitation), and kept: a resend (SEQUENCE + 1) updates the same item in the guest's
calendar. Guests invited before the random part keep their ``invitation-<entry
id>@<event id>.wic``; both shapes name the entry a REPLY answers. Built with icalendar;
the VTIMEZONE is the one ``export-ics`` writes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from wiccli.errors import DataError
from wiccli.event.model import Event, Organizer

UID_RE = re.compile(r"^invitation-(?P<entry>[A-Za-z0-9_-]{1,32})"
                    r"(?:\.(?P<token>[0-9a-f]{24,64}))?@(?P<event>[a-z0-9][a-z0-9_-]*)\.wic$")
UID_BYTES = 16  # the random part of a new invitation UID: 128 bits
END = b"END:VCALENDAR\r\n"
BEGIN_VEVENT, END_VEVENT = b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n"
# A parameter value may hold no control character (RFC 5545 3.1); a double quote, a caret
# and a line break are written as RFC 6868 says (^', ^^, ^n), by icalendar, as in every
# parameter wic writes (a name such as Jo "Q" Smith keeps its quotes).
_PARAM_UNSAFE = re.compile(r'[\x00-\x1f\x7f]')


def invitation_uid(entry_id: str, event_id: str, token: str = "") -> str:
    """The UID of a guest's invitation; ``token`` is its random part (none: the shape
    wic wrote before, kept by guests who have it)."""
    return f"invitation-{entry_id}{'.' + token if token else ''}@{event_id}.wic"


def new_invitation_uid(entry_id: str, event_id: str,
                       token: Callable[[], str] = lambda: secrets.token_hex(UID_BYTES)
                       ) -> str:
    """A UID for a guest who has none yet: unguessable, and still says whose it is."""
    return invitation_uid(entry_id, event_id, token())


def parse_uid(uid: str, event_id: str) -> str | None:
    """The entry id an invitation UID names, or None when it is not one of this event's."""
    found = UID_RE.match(uid.strip())
    if found is None or found["event"] != event_id:
        return None
    return found["entry"]


@dataclass(frozen=True, slots=True)
class Request:
    """What varies from one guest's request to the next."""

    uid: str
    sequence: int
    stamp: datetime  # DTSTAMP: when the request was made
    attendee_name: str
    attendee_email: str
    description: str = ""


def span(event: Event, zone: tzinfo) -> tuple[datetime, datetime]:
    """The conference from its first session's start to its last one's end (in ``zone``),
    or from midnight of its first day to midnight after its last without sessions."""
    if event.sessions:
        return (min(s.start for s in event.sessions).astimezone(zone),
                max(s.end for s in event.sessions).astimezone(zone))
    return (datetime.combine(event.start, time(0), zone),
            datetime.combine(event.end + timedelta(days=1), time(0), zone))


class RequestBuilder:
    """Builds the REQUEST of each guest; the parts common to all are made once."""

    def __init__(self, event: Event, organizer: Organizer, zone: tzinfo, tzid: str) -> None:
        from wiccli.ics import PRODID
        from wiccli.vtimezone import vtimezone

        self.event = event
        self.organizer = organizer
        self.prodid = PRODID
        self.start, self.end = span(event, zone)
        self.timezone = (None if tzid.upper() == "UTC" else
                         vtimezone(zone, tzid, self.start.year, self.end.year))
        self.location = event.location
        self.head = self._head()
        self.shared = self._shared()

    def _head(self) -> bytes:
        """The calendar up to its VEVENT (the same for every guest): made once a run."""
        from icalendar import Calendar

        cal = Calendar()
        cal.add("prodid", self.prodid)
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "REQUEST")
        if self.timezone is not None:
            cal.add_component(self.timezone)
        whole: bytes = cal.to_ical()
        assert whole.endswith(END)
        return whole[: -len(END)]

    def build(self, request: Request) -> bytes:
        """The calendar as RFC 5545 bytes (CRLF, folded): METHOD:REQUEST, one VEVENT.

        The VEVENT's lines that are the same for every guest (times, place, organiser)
        are made once a run; each guest's own (UID, SEQUENCE, attendee, …) are added to
        them. The order of a component's properties carries no meaning (RFC 5545 3.6).
        """
        own: bytes = self._vevent(self._own(request)).to_ical()
        assert own.endswith(END_VEVENT)
        return self.head + own[: -len(END_VEVENT)] + self.shared + END_VEVENT + END

    def _vevent(self, props: list[tuple[str, object]]) -> Any:
        from icalendar import Event as VEvent

        vevent = VEvent()
        for key, value in props:
            vevent.add(key, value)
        return vevent

    def _shared(self) -> bytes:
        """The VEVENT lines every guest's request has, between BEGIN and END."""
        from wiccli.ics import _text

        event = self.event
        props: list[tuple[str, object]] = [
            ("dtstart", self.start),
            ("dtend", self.end),
            ("summary", _text(event.name)),
            ("status", "CONFIRMED"),
            ("transp", "OPAQUE"),
            ("organizer", self._address(self.organizer.email, self.organizer.name)),
        ]
        if self.location:
            props.append(("location", _text(self.location)))
        if event.url:
            props.append(("url", event.url))
        whole: bytes = self._vevent(props).to_ical()
        return whole[len(BEGIN_VEVENT): -len(END_VEVENT)]

    def _own(self, request: Request) -> list[tuple[str, object]]:
        from wiccli.ics import _text

        props: list[tuple[str, object]] = [
            ("uid", request.uid),
            ("dtstamp", request.stamp.astimezone(UTC).replace(microsecond=0)),
            ("sequence", request.sequence),
            ("attendee", self._attendee(request)),
        ]
        if request.description:
            props.append(("description", _text(request.description)))
        return props

    def _address(self, email: str, name: str) -> object:
        from icalendar import vCalAddress

        address = vCalAddress(f"mailto:{email}")
        clean = _PARAM_UNSAFE.sub(" ", name).strip()
        if clean:
            address.params["CN"] = clean
        return address

    def _attendee(self, request: Request) -> object:
        if not request.attendee_email:
            raise DataError(f"{request.uid}: an invitation needs the guest's e-mail address")
        attendee = self._address(request.attendee_email, request.attendee_name)
        params = attendee.params  # type: ignore[attr-defined]
        params["CUTYPE"] = "INDIVIDUAL"
        params["ROLE"] = "REQ-PARTICIPANT"
        params["PARTSTAT"] = "NEEDS-ACTION"
        params["RSVP"] = "TRUE"
        return attendee
