"""The starting event file that ``wic init`` writes: valid, commented, easy to extend.

Pure: checked options in, TOML text out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from wiccli.errors import UsageError
from wiccli.event.check import SLUG_RE
from wiccli.event.values import date_option, zone_option
from wiccli.limits import MAX_EVENT_DAYS
from wiccli.text import slugify

DEFAULT_NAME = "My Conference"
DEFAULT_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class Scaffold:
    id: str
    name: str
    start: date
    end: date
    timezone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def id_from_name(name: str) -> str:
    """An event id from its name: ``"PyCon DE 2025"`` -> ``"pycon-de-2025"``."""
    return slugify(name, max_length=40) or "event"


def parse_day(text: str, option: str) -> date:
    return date_option(option, text)


def check_zone(name: str) -> str:
    zone_option("--timezone", name)
    return name


def check_id(value: str) -> str:
    if not SLUG_RE.match(value):
        raise UsageError(f"--id: {value!r} is not a valid id: use lower-case letters, digits, "
                         "'-' and '_', starting with a letter or digit")
    return value


def build(name: str, event_id: str | None, start: date, end: date, timezone: str) -> Scaffold:
    """Checked options; every mistake is a UsageError naming the option."""
    if not name.strip():
        raise UsageError("--name: the event needs a name")
    if end < start:
        raise UsageError(f"--end: {end} is before --start {start}")
    if (end - start).days >= MAX_EVENT_DAYS:
        raise UsageError(f"--end: the event would last {(end - start).days + 1:,} days; "
                         f"wic supports events of at most {MAX_EVENT_DAYS}")
    return Scaffold(check_id(event_id or id_from_name(name)), name.strip(), start, end,
                    check_zone(timezone))


def _s(value: str) -> str:
    """A TOML basic string: JSON's escapes are all valid TOML escapes."""
    return json.dumps(value, ensure_ascii=False)


def render(s: Scaffold) -> str:
    first, last = s.start.isoformat(), s.end.isoformat()
    return f"""\
# {s.name}: the event file read by wic (https://toml.io).
#
# Check it with `wic validate`; see docs/event-format.md for every key.
# Dates are YYYY-MM-DD. Times are date-times, always with seconds (TOML 1.0
# has no time without them): {first}T09:30:00 is local to the event's
# time zone; {first}T07:30:00Z (UTC) and {first}T09:30:00+02:00 carry
# their offset. Ids are lower-case letters, digits, '-' and '_'.
# For checks while typing, run `wic schema > wic.schema.json` and make the
# first line of this file:  #:schema ./wic.schema.json

[event]
id = {_s(s.id)}
name = {_s(s.name)}
# short_name = "Conf 2025"          # shown where space is tight
# tagline = "One line about the event"
timezone = {_s(s.timezone)}
start = {first}
end = {last}
# location = "City, Country"
# organizers = ["Organising body"]
# url = "https://example.org/"

# ---------------------------------------------------------------- themes
# Sub-forums are grouped under themes. Copy the block to add one.

[[themes]]
id = "main-theme"
name = "Main theme"
description = "What the sessions under this theme are about."

# ---------------------------------------------------------------- venues
# Copy the block to add a venue; lat and lon are optional (give both or neither).

[[venues]]
id = "main-hall"
name = "Main hall"
address = "Street 1, City"
# lat = 52.52
# lon = 13.405

# ---------------------------------------------------------------- sessions
# One [[sessions]] block per session; copy one to add another. Required: id,
# title, kind, start, end. A sub-forum (kind = "sub-forum") names its theme.
# status is "confirmed" (the default), "tentative" or "cancelled"; cancel a
# session instead of deleting it so calendars that imported it drop it.
# provisional = true marks a time that is an estimate. After changing a
# session that people have in their calendars, raise its sequence by one
# (`wic diff OLD NEW --bump` does it).

[[sessions]]
id = "opening"
title = "Opening ceremony"
kind = "ceremony"
venue = "main-hall"
start = {first}T09:00:00
end = {first}T09:30:00

[[sessions]]
id = "keynote"
title = "Keynote"
kind = "plenary"
venue = "main-hall"
start = {first}T09:30:00
end = {first}T10:30:00
speakers = ["Speaker Name"]
# hosts = ["Host organisation"]
# description = "What the keynote is about."
# url = "https://example.org/keynote"

[[sessions]]
id = "main-theme-forum"
title = "Forum on the main theme"
kind = "sub-forum"
theme = "main-theme"
venue = "main-hall"
start = {last}T14:00:00
end = {last}T16:00:00
# status = "tentative"
# provisional = true
# sequence = 0

# ---------------------------------------------------------------- invitations
# How many guests to invite, in which categories. Copy a category block to add one.

[invitations]
target = 100
# reply_to = "rsvp@example.org"       # where answers go, when not to the organizer
# templates = "templates"             # your own message and letter templates
# authserv_id = "mail.example.org"    # your mail server: apply only answers it authenticated

# Who `wic invites send` sends as: uncomment and fill in before sending.
# [invitations.organizer]
# name = "The Programme Team"
# email = "programme@example.org"

[[invitations.categories]]
id = "speakers"
name = "Speakers"
# target = 20
"""
