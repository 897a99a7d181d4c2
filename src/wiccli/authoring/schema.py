"""A JSON Schema (draft 2020-12) of the event file, for editors that check TOML as you type.

Tools such as taplo and Even Better TOML see TOML dates and date-times as
strings, so those are strings here, with a format and a pattern. The schema
states what the loader checks key by key; rules across keys that a schema
cannot state stay with the loader (``wic validate``): ids that must be unique,
references to themes and venues, an end after its start, sessions inside the
event's dates, and whether a time zone name exists.
"""

from __future__ import annotations

from typing import Any

from wiccli.authoring.guestschema import export_defs, field_defs
from wiccli.event.check import (
    COLOUR_RE,
    MAX_FRAB_ID,
    MAX_ZONE,
    SLUG_RE,
    URL_RE,
    UUID_RE,
    ZONE_RE,
)
from wiccli.event.checklevels import MAX_TRAVEL_MINUTES
from wiccli.event.langtag import MAX_TAG, TAG_PATTERN
from wiccli.event.model import LEVELS, STATUSES, SUB_FORUM, WARNING_CLASSES
from wiccli.headers import EMAIL_RE
from wiccli.limits import MAX_NAME

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
CLOCK_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"
LANGUAGE_PATTERN = TAG_PATTERN
# An offset date-time (1979-05-27T07:32:00Z) or a local one, in the event's zone.
LOCAL_DATE_TIME_PATTERN = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
OFFSET_DATE_TIME_PATTERN = (
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})$"
)

Schema = dict[str, Any]


def _doc(schema: Schema, text: str) -> Schema:
    return {**schema, "description": text}


def _string(text: str) -> Schema:
    return _doc({"type": "string"}, text)


def _text(text: str) -> Schema:
    return _doc({"type": "string", "pattern": r"\S"}, f"{text} Must not be empty.")


# A name that goes into a mail header (wiccli/headers.py): one line, no control character,
# no encoded word ("=?"), something to show.
_HEADER_CHAR = r"[^\u0000-\u001f\u007f-\u009f\u2028\u2029]"
HEADER_NAME_PATTERN = rf"^(?!.*=\?){_HEADER_CHAR}*\S{_HEADER_CHAR}*$"


def _name(text: str) -> Schema:
    return _doc({"type": "string", "pattern": HEADER_NAME_PATTERN, "maxLength": MAX_NAME},
                f"{text} On one line, at most {MAX_NAME} characters, without '=?' "
                "(it goes into mail headers).")


def _slug(text: str) -> Schema:
    return _doc({"type": "string", "pattern": SLUG_RE.pattern},
                f"{text} Lower-case letters, digits, '-' and '_', starting with a letter "
                "or digit.")


def _count(text: str) -> Schema:
    return _doc({"type": "integer", "minimum": 0}, text)


def _url(text: str) -> Schema:
    return _doc({"type": "string", "format": "uri", "pattern": URL_RE.pattern}, text)


def _email(text: str) -> Schema:
    return _doc({"type": "string", "format": "email", "pattern": EMAIL_RE.pattern}, text)


def _strings(text: str) -> Schema:
    return _doc({"type": "array", "items": {"type": "string", "pattern": r"\S"}}, text)


def _date(text: str) -> Schema:
    return _doc({"type": "string", "format": "date", "pattern": DATE_PATTERN},
                f"{text} A TOML date: 2018-11-07.")


def _date_time(text: str) -> Schema:
    return _doc(
        {"anyOf": [
            {"type": "string", "format": "date-time", "pattern": OFFSET_DATE_TIME_PATTERN},
            {"type": "string", "pattern": LOCAL_DATE_TIME_PATTERN},
        ]},
        f"{text} A TOML date-time: local (2018-11-07T09:00:00, in the event's time zone) "
        "or with an offset (2018-11-07T01:00:00Z).",
    )


def _language(text: str) -> Schema:
    return _doc({"type": "string", "pattern": LANGUAGE_PATTERN, "maxLength": MAX_TAG},
                f"{text} A BCP 47 language tag: en, de, pt-BR, zh-Hans.")


def _object(properties: Schema, required: list[str], text: str, **extra: Any) -> Schema:
    return {
        "type": "object",
        "description": text,
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


def _array_of(ref: str, text: str) -> Schema:
    return {"type": "array", "description": text, "items": {"$ref": f"#/$defs/{ref}"}}


def _event() -> Schema:
    return _object(
        {
            "id": _slug("The event's id; calendar UIDs are built from it."),
            "name": _name("The event's full name."),
            "short_name": _string("A short name, shown where space is tight."),
            "tagline": _string("One line about the event."),
            "timezone": _string("The IANA time zone of the venue, such as 'Asia/Shanghai'. "
                                "Local times in the file are in this zone."),
            "start": _date("The first day."),
            "end": _date("The last day (not before start)."),
            "location": _string("Where the event takes place, for people."),
            "organizers": _strings("Who organises the event."),
            "url": _url("The event's web site (http or https)."),
            "updated": _date_time("When the file was last revised."),
            "day_starts": _doc({"type": "string", "pattern": CLOCK_PATTERN},
                               "When each day begins (HH:MM, default 00:00): a day runs "
                               "until that time the next day, so a talk at 01:00 is the "
                               "evening's. Not with [[days]]."),
            "language": _language("The language of the event's own texts (default en)."),
        },
        ["id", "name", "timezone", "start", "end"],
        "What the event is and when.",
    )


def _session() -> Schema:
    return _object(
        {
            "id": _slug("The session's id, unique in the file and stable across revisions."),
            "title": _text("The session's title."),
            "kind": _slug(f"What sort of session: ceremony, plenary, {SUB_FORUM}, expo…"),
            "theme": _string("The id of a theme; required for a sub-forum."),
            "venue": _string("The id of a venue."),
            "start": _date_time("When the session starts."),
            "end": _date_time("When it ends (after the start)."),
            "status": _doc({"type": "string", "enum": list(STATUSES)},
                           "confirmed (the default), tentative or cancelled."),
            "provisional": _doc({"type": "boolean"},
                                "true when the title or time is an estimate."),
            "description": _string("What the session is about."),
            "hosts": _strings("Who hosts the session."),
            "speakers": _strings("Who speaks."),
            "url": _url("A page about the session (http or https)."),
            "sequence": _count("The revision number calendar apps compare: raise it by one "
                               "when the session changes."),
            "guid": _doc({"type": "string", "pattern": UUID_RE.pattern},
                         "The session's frab guid (a UUID), kept from an imported schedule."),
            "frab_id": _doc({"type": "integer", "minimum": 1, "maximum": MAX_FRAB_ID},
                            "The session's numeric frab id, kept from an imported schedule."),
            "expected": _count("How many people are expected; `wic validate` warns when it "
                               "is more than the venue's capacity."),
            "language": _language("The language the session is held in."),
        },
        ["id", "title", "kind", "start", "end"],
        "One session of the programme.",
        **{"if": {"properties": {"kind": {"const": SUB_FORUM}}, "required": ["kind"]},
           "then": {"required": ["theme"]}},
    )


def _minutes(text: str) -> Schema:
    return _doc({"type": "integer", "minimum": 0, "maximum": MAX_TRAVEL_MINUTES}, text)


def _checks() -> Schema:
    level = {"type": "string", "enum": list(LEVELS)}
    levels = {code: _doc(level, f"How `wic validate` takes {code} warnings: warn (the "
                                "default), error (the file fails) or off.")
              for code in WARNING_CLASSES}
    return _object(
        {**levels,
         "travel_minutes": _minutes("Minutes a person needs between sessions in two venues "
                                    "(travel-time warnings); 0, the default, checks nothing."),
         "travel": _array_of("travel", "Travel times for pairs of venues, instead of "
                                       "travel_minutes.")},
        [], "What `wic validate` checks, and how seriously.",
    )


def _defs() -> Schema:
    return {
        "event": _event(),
        "theme": _object(
            {"id": _slug("The theme's id."), "name": _text("The theme's name."),
             "description": _string("What the theme covers.")},
            ["id", "name"], "A theme that sub-forums are grouped under.",
        ),
        "venue": _object(
            {"id": _slug("The venue's id."), "name": _text("The venue's name."),
             "address": _string("The postal address."),
             "lat": _doc({"type": "number", "minimum": -90, "maximum": 90}, "Latitude."),
             "lon": _doc({"type": "number", "minimum": -180, "maximum": 180}, "Longitude."),
             "capacity": _count("How many people the venue holds.")},
            ["id", "name"], "A place where sessions happen.",
            dependentRequired={"lat": ["lon"], "lon": ["lat"]},
        ),
        "session": _session(),
        "day": _object(
            {"date": _date("The day's date."),
             "start": _date_time("When the day begins (on its date)."),
             "end": _date_time("When it ends: after its start, at most 48 hours later, "
                               "not after the next day begins.")},
            ["date", "start", "end"],
            "One day of the event with its own hours, as a schedule lists them.",
        ),
        "category": _object(
            {"id": _slug("The category's id."), "name": _text("The category's name."),
             "target": _count("How many guests of this category to invite."),
             "colour": _doc({"type": "string", "pattern": COLOUR_RE.pattern},
                            "The colour of the category's band on a badge: CSS hex, "
                            "\"#c0392b\"."),
             "zones": _doc({"type": "array", "uniqueItems": True,
                            "items": {"type": "string", "pattern": ZONE_RE.pattern,
                                      "maxLength": MAX_ZONE}},
                           "The access zones its badges show, such as \"press-room\".")},
            ["id", "name"], "A category of guests.",
        ),
        "invitations": _object(
            {"target": _count("How many guests to invite in all."),
             "ledger": _text("The invitation ledger file."),
             "categories": _array_of("category", "The categories of guests."),
             "organizer": {"$ref": "#/$defs/organizer"},
             "reply_to": _email("Where answers go (Reply-To), when not to the organizer."),
             "templates": _text("The folder of message and letter templates "
                                "(`wic invites templates init`), relative to this file."),
             "authserv_id": _doc({"type": "string", "pattern": r"^[A-Za-z0-9._-]+$"},
                                 "The authserv-id of the organiser's mail server: only "
                                 "answers its Authentication-Results vouch for are applied."),
             "fields": {"$ref": "#/$defs/guest_fields"}},
            [], "Whom to invite, and who invites.",
        ),
        "checks": _checks(),
        "travel": _object(
            {"between": _doc({"type": "array", "items": {"type": "string"}, "minItems": 2,
                              "maxItems": 2, "uniqueItems": True}, "Two venue ids."),
             "minutes": _minutes("How long it takes from one to the other, either way.")},
            ["between", "minutes"], "The travel time between two venues.",
        ),
        "organizer": _object(
            {"name": _name("The sender's name (From, ORGANIZER CN)."),
             "email": _email("The sender's address (From, ORGANIZER).")},
            ["name", "email"], "Who sends the invitations.",
        ),
        **field_defs(), **export_defs(),
    }


def event_schema() -> Schema:
    """The schema as a JSON-ready dict."""
    return {
        "$schema": DIALECT,
        "title": "wic event file",
        "description": "A conference event for wic: the event, its themes, venues, sessions "
                       "and invitations. Checked in full by `wic validate`.",
        "type": "object",
        "properties": {
            "event": {"$ref": "#/$defs/event"},
            "themes": _array_of("theme", "The themes ([[themes]])."),
            "venues": _array_of("venue", "The venues ([[venues]])."),
            "sessions": _array_of("session", "The sessions ([[sessions]])."),
            "days": _array_of("day", "The event's days with their own hours ([[days]]), in "
                                     "order; without them, every date from start to end."),
            "invitations": {"$ref": "#/$defs/invitations"},
            "checks": {"$ref": "#/$defs/checks"},
            "exports": {"$ref": "#/$defs/exports"},
        },
        "required": ["event"],
        "additionalProperties": False,
        "$defs": _defs(),
    }
