"""wic schema: a JSON Schema that agrees with the loader on every per-key rule."""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, Runner
from wiccli.authoring.schema import event_schema
from wiccli.event.check import SLUG_RE, URL_RE, check_event
from wiccli.event.model import STATUSES

jsonschema = pytest.importorskip("jsonschema")

Data = dict[str, Any]
Mutation = Callable[[Data], object]


def as_json(value: Any) -> Any:
    """TOML values as editors (taplo) hand them to a JSON Schema: dates become strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value


def schema_errors(data: Data) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        event_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(as_json(data))]


def loader_errors(data: Data) -> list[str]:
    _, problems = check_event(data, source="test")
    return [f"{p.path}: {p.message}" for p in problems]


def event_files() -> Iterator[Path]:
    yield from sorted((ROOT / "data").glob("*.toml"))
    yield from sorted((ROOT / "examples").glob("*.toml"))
    yield from sorted(DATA.rglob("*.toml"))


def loadable(path: Path) -> Data | None:
    """The parsed file when it is an event file the loader accepts."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    if "event" not in data or loader_errors(data):
        return None
    return data


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = event_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_object_forbids_unknown_keys() -> None:
    def objects(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if node.get("type") == "object":
                yield node
            for value in node.values():
                yield from objects(value)
        elif isinstance(node, list):
            for value in node:
                yield from objects(value)

    every = list(objects(event_schema()))
    # Tables whose keys the user names (fields, profiles, a profile's where and redact):
    # each value checked by a schema of its own.
    named = [o for o in every if isinstance(o["additionalProperties"], dict)]
    found = [o for o in every if o not in named]
    # the file, event, theme, venue, session, day, category, invitations, checks, travel,
    # organizer, a guest field, an export profile
    assert len(found) == 13
    assert len(named) == 4
    assert all(o["additionalProperties"] is False for o in found)


def test_slugs_and_statuses_come_from_the_loader() -> None:
    defs = event_schema()["$defs"]
    for name in ("event", "theme", "venue", "session", "category"):
        assert defs[name]["properties"]["id"]["pattern"] == SLUG_RE.pattern
    assert defs["session"]["properties"]["kind"]["pattern"] == SLUG_RE.pattern
    assert defs["session"]["properties"]["status"]["enum"] == list(STATUSES)
    assert defs["session"]["properties"]["url"]["pattern"] == URL_RE.pattern


def test_every_event_file_the_loader_accepts_passes_the_schema() -> None:
    checked = []
    for path in event_files():
        data = loadable(path)
        if data is not None:
            assert schema_errors(data) == [], path
            checked.append(path.name)
    assert "wic2018.toml" in checked
    assert "minimal.toml" in checked


def test_cli_prints_the_schema(run: Runner) -> None:
    result = run("schema")
    assert result.code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout) == event_schema()


# --------------------------------------------------------------------------- agreement


def base() -> Data:
    data = tomllib.loads((DATA / "minimal.toml").read_text())
    data["invitations"] = {"target": 10, "categories": [{"id": "press", "name": "Press"}]}
    return data


def setter(path: str, value: Any) -> Mutation:
    """``sessions.0.title`` -> set that key to value."""
    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return mutate


def deleter(path: str) -> Mutation:
    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]
    return mutate


REJECTED_BY_BOTH: dict[str, Mutation] = {
    "unknown top-level key": setter("extra", 1),
    "unknown key in event": setter("event.colour", "blue"),
    "unknown key in a theme": setter("themes.0.colour", "blue"),
    "unknown key in a venue": setter("venues.0.rooms", 3),
    "unknown key in a session": setter("sessions.0.room", "A"),
    "unknown key in invitations": setter("invitations.budget", 3),
    "unknown key in a category": setter("invitations.categories.0.color", "red"),
    "a category colour that is a name": setter("invitations.categories.0.colour", "red"),
    "a category colour of 4 digits": setter("invitations.categories.0.colour", "#abcd"),
    "a zone with a space": setter("invitations.categories.0.zones", ["press room"]),
    "a zone named twice": setter("invitations.categories.0.zones", ["vip", "vip"]),
    "zones not an array": setter("invitations.categories.0.zones", "vip"),
    "an organizer without e-mail": setter("invitations.organizer", {"name": "Org"}),
    "an organizer address that is not one": setter(
        "invitations.organizer", {"name": "Org", "email": "org at example.org"}),
    "an organizer name on two lines": setter(
        "invitations.organizer", {"name": "Org\nBcc: x@example.org", "email": "o@example.org"}),
    "unknown key in the organizer": setter(
        "invitations.organizer", {"name": "Org", "email": "o@example.org", "phone": "1"}),
    "a reply-to with a display name": setter("invitations.reply_to", "Org <o@example.org>"),
    "empty templates folder": setter("invitations.templates", " "),
    "event name not a string": setter("event.name", 5),
    "session title not a string": setter("sessions.0.title", 5),
    "themes not an array": setter("themes", 5),
    "hosts not an array": setter("sessions.0.hosts", "Jane"),
    "empty host": setter("sessions.0.hosts", ["Jane", " "]),
    "lat as a string": setter("venues.0.lat", "52.5"),
    "provisional not a boolean": setter("sessions.0.provisional", "yes"),
    "sequence as a string": setter("sessions.0.sequence", "1"),
    "sequence a boolean": setter("sessions.0.sequence", True),
    "no event table": deleter("event"),
    "event without id": deleter("event.id"),
    "event without time zone": deleter("event.timezone"),
    "session without start": deleter("sessions.0.start"),
    "theme without name": deleter("themes.0.name"),
    "category without name": deleter("invitations.categories.0.name"),
    "upper-case event id": setter("event.id", "Demo"),
    "session id starting with a dash": setter("sessions.0.id", "-keynote"),
    "kind with a space": setter("sessions.0.kind", "sub forum"),
    "unknown status": setter("sessions.1.status", "postponed"),
    "negative sequence": setter("sessions.0.sequence", -1),
    "negative invitation target": setter("invitations.target", -5),
    "empty event name": setter("event.name", "   "),
    "non-http url": setter("sessions.0.url", "ftp://example.org/x"),
    "url with a space": setter("event.url", "https://example.org/a b"),
    "latitude above 90": setter("venues.0.lat", 91),
    "longitude below -180": setter("venues.0.lon", -181.5),
    "lat without lon": deleter("venues.0.lon"),
    "sub-forum without a theme": deleter("sessions.1.theme"),
    "session start as a date": setter("sessions.0.start", date(2025, 3, 29)),
    "event start as a date-time": setter("event.start", datetime(2025, 3, 29, 9)),
    "updated as a date": setter("event.updated", date(2025, 3, 1)),
    "session end as a time": setter("sessions.0.end", time(10)),
    "expected a string": setter("sessions.0.expected", "many"),
    "expected below zero": setter("sessions.0.expected", -1),
    "an unknown check level": setter("checks", {"person-overlap": "fatal"}),
    "an unknown check": setter("checks", {"speaker-overlap": "error"}),
    "travel minutes below zero": setter("checks", {"travel_minutes": -5}),
    "travel minutes over a day": setter("checks", {"travel_minutes": 24 * 60 + 1}),
    "a travel pair of one venue": setter(
        "checks", {"travel": [{"between": ["hall-a"], "minutes": 5}]}),
    "a travel pair of the same venue twice": setter(
        "checks", {"travel": [{"between": ["hall-a", "hall-a"], "minutes": 5}]}),
    "a travel pair without minutes": setter(
        "checks", {"travel": [{"between": ["hall-a", "hall-b"]}]}),
    "a guest field of an unknown type": setter("invitations.fields", {"x": {"type": "colour"}}),
    "a guest field named like a column": setter("invitations.fields", {"email": {"type": "text"}}),
    "a guest field with a capital": setter("invitations.fields", {"Diet": {"type": "text"}}),
    "unknown key in a guest field": setter("invitations.fields", {"x": {"type": "text",
                                                                      "colour": 1}}),
    "a private flag as text": setter("invitations.fields", {"x": {"type": "text",
                                                                "private": "yes"}}),
    "unknown key in a profile": setter("exports", {"p": {"columns": ["name"], "mail": 1}}),
    "a profile of an unknown format": setter("exports", {"p": {"columns": ["name"],
                                                               "format": "docx"}}),
    "a profile of an unknown status": setter("exports", {"p": {"columns": ["name"],
                                                               "status": ["maybe"]}}),
    "a profile redacting another way": setter("exports", {"p": {"columns": ["name"],
                                                                "redact": {"name": "blur"}}}),
}

ACCEPTED_BY_BOTH: dict[str, Mutation] = {
    "the base event": lambda data: None,
    "a sequence": setter("sessions.0.sequence", 3),
    "tentative": setter("sessions.0.status", "tentative"),
    "provisional": setter("sessions.0.provisional", True),
    "a session url": setter("sessions.0.url", "https://example.org/keynote"),
    "updated with an offset": setter("event.updated", datetime.fromisoformat(
        "2025-03-01T12:00:00+00:00")),
    "a start with an offset": setter("sessions.0.start", datetime.fromisoformat(
        "2025-03-29T08:00:00+01:00")),
    "a start as a string": setter("sessions.0.start", "2025-03-29T09:00:00"),
    "hosts and speakers": setter("sessions.0.speakers", ["Ada", "Grace"]),
    "organizers": setter("event.organizers", ["Org"]),
    "a venue without coordinates": lambda data: [deleter(f"venues.0.{k}")(data)
                                                 for k in ("lat", "lon")],
    "no themes, venues or sessions": lambda data: [data.pop(k) for k in
                                                   ("themes", "venues", "sessions")],
    "a category target": setter("invitations.categories.0.target", 4),
    "a category colour and zones": lambda data: data["invitations"]["categories"][0].update(
        colour="#C0392B", zones=["plenary", "press-room"]),
    "a short category colour": setter("invitations.categories.0.colour", "#c33"),
    "the sender, reply-to and templates": lambda data: data["invitations"].update(
        organizer={"name": "Press Office", "email": "press@example.org"},
        reply_to="rsvp@example.org", templates="templates"),
    "a short name and tagline": setter("event.short_name", "Demo"),
    "an expected audience": setter("sessions.0.expected", 120),
    "every check level": setter("checks", {"person-overlap": "error", "provisional": "off",
                                           "over-capacity": "warn", "travel_minutes": 15}),
    "guest fields and a profile": lambda data: (data["invitations"].update(fields={
        "dietary": {"type": "choice", "choices": ["none", "vegan"], "label": "Diet"},
        "nights": {"type": "integer", "min": 0, "max": 9}, "visa": {"type": "boolean"},
        "passport": {"type": "text", "max": 20, "private": True}}), data.update(exports={
            "caterer": {"totals": ["dietary"], "status": ["accepted"]},
            "hotel": {"format": "xlsx", "columns": ["name", "nights"], "where": {"visa": True},
                      "sort": ["-nights"], "redact": {"name": "initials"}}})),
}

# Rules across keys that a JSON Schema cannot state: the loader alone checks them.
LOADER_ONLY: dict[str, Mutation] = {
    "unknown theme reference": setter("sessions.1.theme", "mobile"),
    "unknown venue reference": setter("sessions.0.venue", "hall-z"),
    "end before start": setter("sessions.0.end", datetime(2025, 3, 29, 8)),
    "event end before its start": setter("event.end", date(2025, 3, 1)),
    "session outside the event": setter("sessions.0.start", datetime(2025, 3, 20, 9)),
    "duplicate session id": setter("sessions.1.id", "keynote"),
    "unknown time zone": setter("event.timezone", "Europe/Atlantis"),
    # JSON has one number type: to a schema, 1.0 is an integer; TOML and the loader tell them apart.
    "an integer written as a float": setter("sessions.0.sequence", 1.0),
    "a travel pair naming an unknown venue": setter(
        "checks", {"travel": [{"between": ["hall-a", "hall-z"], "minutes": 5}]}),
    "a profile naming a column that is not there": setter("exports", {"p": {
        "columns": ["shoe"]}}),
    "a profile with both columns and totals": setter("exports", {"p": {
        "columns": ["name"], "totals": ["status"]}}),
}


def mutated(mutation: Mutation) -> Data:
    data = copy.deepcopy(base())
    mutation(data)
    return data


@pytest.mark.parametrize("name", list(REJECTED_BY_BOTH))
def test_rejected_by_schema_and_loader(name: str) -> None:
    data = mutated(REJECTED_BY_BOTH[name])
    assert loader_errors(data), f"loader accepted: {name}"
    assert schema_errors(data), f"schema accepted: {name}"


@pytest.mark.parametrize("name", list(ACCEPTED_BY_BOTH))
def test_accepted_by_schema_and_loader(name: str) -> None:
    data = mutated(ACCEPTED_BY_BOTH[name])
    assert loader_errors(data) == []
    assert schema_errors(data) == []


@pytest.mark.parametrize("name", list(LOADER_ONLY))
def test_cross_key_rules_are_loader_only(name: str) -> None:
    data = mutated(LOADER_ONLY[name])
    assert loader_errors(data), f"loader accepted: {name}"
    assert schema_errors(data) == []
