"""``wic export-frab``: schedule.xml and schedule.json that frab readers accept."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, Runner, write
from wiccli.event.ids import session_guid
from wiccli.event.load import bundled_path, load_event

EVENT = DATA / "frab-event.toml"


def xml_errors(shared: Path, text: str) -> list[str]:
    import xmlschema

    schema = xmlschema.XMLSchema(str(shared / "schemas" / "schedule.xml.xsd"))
    return [str(e).splitlines()[0] for e in schema.iter_errors(text)]


def json_errors(shared: Path, document: Any) -> list[str]:
    import jsonschema

    schema = json.loads((shared / "schemas" / "schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


def events_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    days = document["schedule"]["conference"]["days"]
    return [e for day in days for items in day["rooms"].values() for e in items]


def export_json(run: Runner, *args: str) -> dict[str, Any]:
    result = run("-e", str(EVENT), "export-frab", "-f", "json", *args)
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


# --------------------------------------------------------------------------- validity


@pytest.mark.parametrize("event", [None, EVENT], ids=["bundled", "every-field"])
def test_xml_is_valid_against_the_xsd(run: Runner, shared: Path, event: Path | None) -> None:
    args = ["-e", str(event)] if event else []
    result = run(*args, "export-frab")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert xml_errors(shared, result.stdout) == []
    assert re.fullmatch(r"wrote \d+ sessions in \d days and \d rooms to stdout\n", result.stderr)


@pytest.mark.parametrize("event", [None, EVENT], ids=["bundled", "every-field"])
def test_json_is_valid_against_the_schema(run: Runner, shared: Path, event: Path | None) -> None:
    args = ["-e", str(event)] if event else []
    result = run(*args, "export-frab", "--format", "json")
    assert result.code == 0, result.stderr
    assert json_errors(shared, json.loads(result.stdout)) == []


def test_xml_and_json_carry_the_same_sessions(run: Runner) -> None:
    import defusedxml.ElementTree as SafeTree

    xml = SafeTree.fromstring(run("-e", str(EVENT), "export-frab").stdout)
    from_xml = {e.get("guid"): (e.findtext("title"), e.findtext("date"), e.findtext("room"))
                for e in xml.iter("event")}
    from_json = {e["guid"]: (e["title"], e["date"], e["room"])
                 for e in events_of(export_json(run))}
    assert from_xml == from_json
    assert len(from_xml) == len(load_event(EVENT).sessions)


# --------------------------------------------------------------------------- mapping


def test_every_session_has_its_stable_guid(run: Runner) -> None:
    event = load_event(bundled_path(), bundled=True)
    result = run("export-frab", "-f", "json")
    guids = {e["guid"] for e in events_of(json.loads(result.stdout))}
    assert guids == {session_guid(event.id, s.id) for s in event.sessions}


def test_conference_rooms_tracks_and_days(run: Runner) -> None:
    event = load_event(EVENT)
    conference = export_json(run)["schedule"]["conference"]
    assert conference["acronym"] == "frab_demo"  # hyphens are not allowed there
    assert conference["title"] == event.name
    assert conference["time_zone_name"] == "Europe/Berlin"
    assert conference["daysCount"] == len(event.days)
    assert [t["name"] for t in conference["tracks"]] == [t.name for t in event.themes]
    rooms = [r["name"] for r in conference["rooms"]]
    assert rooms == [v.name for v in event.venues] + ["Venue to be announced"]
    days = conference["days"]
    assert [(d["index"], d["date"]) for d in days] == [(1, "2025-03-29"), (2, "2025-03-30")]
    assert days[0]["day_start"] == "2025-03-29T00:00:00+01:00"
    assert days[1]["day_start"] == "2025-03-30T00:00:00+01:00"  # DST starts that night
    assert days[1]["day_end"] == "2025-03-31T00:00:00+02:00"


def test_session_fields(run: Runner) -> None:
    entries = {e["slug"]: e for e in events_of(export_json(run, "--language", "de"))}
    keynote = entries["frab_demo-keynote"]
    assert keynote["date"] == "2025-03-29T09:00:00+01:00"
    assert (keynote["start"], keynote["duration"]) == ("09:00", "01:00")
    assert keynote["room"] == "Hall A"
    assert keynote["type"] == "plenary"
    assert keynote["language"] == "de"
    assert keynote["track"] is None
    assert keynote["abstract"] == "Opening words.\n\nA second paragraph."
    # Hosts then speakers, each once; person ids and guids derived from the name.
    assert [p["public_name"] for p in keynote["persons"]] == ["Ada Lovelace", "Tim Berners-Lee"]
    assert all(p["id"] > 0 and re.fullmatch(r"[0-9a-f-]{36}", p["guid"])
               for p in keynote["persons"])
    assert keynote["url"] == "https://conf.example.org/keynote"
    assert keynote["links"][0]["url"] == keynote["url"]
    forum = entries["frab_demo--web"]  # a short id is padded to the 4 characters c3voc wants
    assert forum["track"] == "The Web"
    assert forum["url"] == "https://conf.example.org/"  # no page of its own: the event's


def test_session_after_midnight_stays_on_its_start_day(run: Runner) -> None:
    days = export_json(run)["schedule"]["conference"]["days"]
    late = [e for e in days[0]["rooms"]["Hall A"] if e["title"] == "Late show"]
    assert late[0]["date"] == "2025-03-29T23:30:00+01:00"
    assert late[0]["duration"] == "01:30"


def test_statuses_are_said_in_words(run: Runner, shared: Path) -> None:
    entries = {e["title"]: e for e in events_of(export_json(run))}
    cancelled = entries["CANCELLED: Closing"]
    assert cancelled["do_not_record"] is True
    assert "Cancelled" in cancelled["description"]
    assert "Tentative" in entries["Forum on the Web"]["description"]
    assert "Provisional" in entries["Forum on privacy"]["description"]
    assert entries["Forum on privacy"]["room"] == "Venue to be announced"
    assert entries["Keynote"]["description"] == ""
    xml = run("-e", str(EVENT), "export-frab").stdout
    assert "<optout>true</optout>" in xml
    assert xml_errors(shared, xml) == []


def test_cancelled_sessions_can_be_dropped(run: Runner) -> None:
    titles = [e["title"] for e in events_of(export_json(run, "--cancelled", "drop"))]
    assert titles
    assert not any("Closing" in t for t in titles)


def test_version_follows_the_content(run: Runner, tmp_path: Path) -> None:
    first = export_json(run)["schedule"]["version"]
    assert first == export_json(run)["schedule"]["version"]
    assert first.startswith("2025-03-01T12:00:00+00:00 ")
    changed = write(tmp_path / "changed.toml",
                    EVENT.read_text().replace('title = "Keynote"', 'title = "Opening keynote"'))
    result = run("-e", str(changed), "export-frab", "-f", "json")
    assert json.loads(result.stdout)["schedule"]["version"] != first


# --------------------------------------------------------------------------- filters


@pytest.mark.parametrize("args", [
    ["--day", "2"], ["--theme", "web"], ["--venue", "hall-a"], ["--kind", "sub-forum"],
    ["--session", "keynote", "--session", "closing"],
], ids=["day", "theme", "venue", "kind", "session"])
def test_filters_select_like_the_agenda(run: Runner, args: list[str]) -> None:
    exported = {e["title"].removeprefix("CANCELLED: ") for e in events_of(export_json(run, *args))}
    listed = run("-e", str(EVENT), "agenda", "-f", "json",
                 *[a for a in args if a != "--session"]).stdout
    if "--session" in args:
        expected = {s.title for s in load_event(EVENT).sessions if s.id in args}
    else:
        expected = {r["title"] for r in json.loads(listed)}
    assert exported == expected
    assert exported


def test_pick_file(run: Runner, tmp_path: Path) -> None:
    pick = write(tmp_path / "mine.txt", "# my day\nkeynote\nlate-show  # after dinner\n")
    titles = [e["title"] for e in events_of(export_json(run, "--pick", str(pick)))]
    assert sorted(titles) == ["Keynote", "Late show"]


def test_ids_do_not_depend_on_the_filters(run: Runner) -> None:
    everything = {e["guid"]: e["id"] for e in events_of(export_json(run))}
    some = {e["guid"]: e["id"] for e in events_of(export_json(run, "--theme", "web"))}
    assert some
    assert all(everything[guid] == number for guid, number in some.items())
    assert len(set(everything.values())) == len(everything)


def test_a_filtered_day_keeps_its_index(run: Runner) -> None:
    days = export_json(run, "--day", "2025-03-30")["schedule"]["conference"]["days"]
    # The late show runs into day 2, so it is kept, listed under the day it starts.
    assert [(d["index"], d["date"]) for d in days] == [(1, "2025-03-29"), (2, "2025-03-30")]
    assert [e["title"] for items in days[0]["rooms"].values() for e in items] == ["Late show"]
    days = export_json(run, "--day", "1", "--kind", "sub-forum")["schedule"]["conference"]["days"]
    assert [d["index"] for d in days] == [1]


# --------------------------------------------------------------------------- output and errors


def test_writes_a_file(run: Runner, tmp_path: Path, shared: Path) -> None:
    result = run("-e", str(EVENT), "export-frab", "-o", "schedule.xml")
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "wrote 5 sessions in 2 days and 3 rooms to schedule.xml\n"
    assert xml_errors(shared, (tmp_path / "schedule.xml").read_text()) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_no_file_when_the_folder_is_missing(run: Runner, tmp_path: Path) -> None:
    result = run("-e", str(EVENT), "export-frab", "-o", "missing/schedule.xml")
    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--theme", "nope"], "unknown theme 'nope'"),
    (["--format", "yaml"], "'yaml' is not one of"),
    (["--language", ""], "--language"),
    (["--session", "nope"], "no session with id 'nope'"),
])
def test_usage_errors(run: Runner, args: list[str], message: str) -> None:
    result = run("-e", str(EVENT), "export-frab", *args)
    assert result.code in (1, 2)
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_nothing_matches(run: Runner, shared: Path) -> None:
    result = run("-e", str(EVENT), "export-frab", "--theme", "web", "--venue", "hall-a")
    assert result.code == 0
    assert "warning: no sessions match the filters" in result.stderr
    assert xml_errors(shared, result.stdout) == []


def test_text_xml_cannot_carry_and_very_long_sessions(run: Runner, tmp_path: Path,
                                                      shared: Path) -> None:
    event = write(tmp_path / "odd.toml", """
[event]
id = "odd"
name = "Odd Event"  # a control character in a name is refused at load (it reaches mail headers)
timezone = "UTC"
start = 2025-01-01
end = 2025-01-06

[[sessions]]
id = "expo"
title = "Five-day expo \\u0001"
kind = "expo"
start = 2025-01-01T09:00:00
end = 2025-01-06T17:00:00
""")
    result = run("-e", str(event), "export-frab")
    assert result.code == 0, result.stderr
    assert xml_errors(shared, result.stdout) == []
    assert "<title>Five-day expo </title>" in result.stdout
    assert "<duration>99:59</duration>" in result.stdout
    assert ("warning: 1 session last 100 hours or more; schedule.xml says 99:59 "
            "(schedule.json has the real end)") in result.stderr
    document = json.loads(run("-e", str(event), "export-frab", "-f", "json").stdout)
    assert events_of(document)[0]["duration"] == "128:00"
    assert json_errors(shared, document) == []
