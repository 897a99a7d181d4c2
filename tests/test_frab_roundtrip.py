"""frab / pretalx schedules in and out without losing anything: instants at clock changes,
the event id, guids and numeric ids, titles exactly, and the schedule's own days."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Runner, write
from test_clock_change import BERLIN, EXPECTED, LORD_HOWE, utc

GUID = "c0ffee00-0000-4000-8000-{:012d}"


def talk(number: int, date: str, duration: str, title: str = "Talk") -> dict[str, Any]:
    """One event as pretalx writes it into schedule.json."""
    return {"guid": GUID.format(number), "id": number, "date": date, "start": date[11:16],
            "duration": duration, "room": "Hall", "slug": f"my-conf-2020-{number}-talk",
            "title": title, "subtitle": "", "track": "Main", "type": "Talk", "language": "en",
            "abstract": "", "description": "", "persons": [], "links": [],
            "url": f"https://example.org/talk/{number}"}


def schedule(days: dict[str, list[dict[str, Any]]], start: str, end: str) -> dict[str, Any]:
    return {"schedule": {"version": "1", "conference": {
        "acronym": "my-conf-2020", "title": "My Conf 2020", "start": start, "end": end,
        "daysCount": len(days), "timeslot_duration": "00:15", "time_zone_name": "Europe/Berlin",
        "days": [{"index": n, "date": day, "day_start": f"{day}T00:00:00+01:00",
                  "day_end": f"{day}T23:59:00+01:00", "rooms": {"Hall": events}}
                 for n, (day, events) in enumerate(days.items(), 1)]}}}


FALL_BACK = schedule({"2024-10-27": [
    talk(1, "2024-10-27T02:30:00+01:00", "00:30", "The second 02:30"),
    talk(2, "2024-10-27T02:30:00+02:00", "01:00", "From the first to the second"),
    talk(3, "2024-10-27T01:30:00+02:00", "03:00", "Fall back"),
]}, "2024-10-27", "2024-10-27")

# No clock change here: each test below fails for its own fault alone.
PLAIN = schedule({"2025-06-10": [
    talk(1, "2025-06-10T10:00:00+02:00", "00:30", "Two  spaces inside"),
    talk(2, "2025-06-10T11:00:00+02:00", "01:00", "A\u00a0no-break space"),
    talk(3, "2025-06-10T12:00:00+02:00", "00:45", "  Tab\tinside, ends trimmed "),
]}, "2025-06-10", "2025-06-10")


def import_ok(run: Runner, source: Path, target: str) -> str:
    result = run("import", str(source), "-o", target, "--force")
    assert result.code == 0, result.stderr
    return result.stderr


def agenda(run: Runner, event: Path) -> dict[str, dict[str, Any]]:
    result = run("-e", str(event), "agenda", "-f", "json")
    assert result.code == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.stdout)}


def export(run: Runner, event: Path, fmt: str, target: str) -> Path:
    result = run("-e", str(event), "export-frab", "-f", fmt, "-o", target)
    assert result.code == 0, result.stderr
    return event.parent / target if not Path(target).is_absolute() else Path(target)


def frab_events(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for day in document["schedule"]["conference"]["days"]
            for items in day["rooms"].values() for e in items]


# --------------------------------------------------------------------------- clock changes


def test_import_keeps_instants_at_a_clock_change(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "fall.json", json.dumps(FALL_BACK))
    import_ok(run, source, "fall.toml")
    found = {k: (utc(r["start"]), utc(r["end"]), r["duration_minutes"])
             for k, r in agenda(run, tmp_path / "fall.toml").items()}
    assert found == {
        "1-talk": ("2024-10-27T01:30:00Z", "2024-10-27T02:00:00Z", 30),
        "2-talk": ("2024-10-27T00:30:00Z", "2024-10-27T01:30:00Z", 60),
        "3-talk": ("2024-10-26T23:30:00Z", "2024-10-27T02:30:00Z", 180),
    }
    text = (tmp_path / "fall.toml").read_text()
    assert "start = 2024-10-27 02:30:00+01:00" in text  # the second 02:30 says so
    checked = run("validate", "fall.toml")
    assert checked.code == 0, checked.stderr
    assert "clock-change" not in checked.stderr


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("event", [BERLIN, LORD_HOWE], ids=["berlin", "lord-howe"])
def test_dst_suite_round_trips_through_frab(run: Runner, tmp_path: Path, fmt: str,
                                            event: Path) -> None:
    exported = export(run, event, fmt, str(tmp_path / f"schedule.{fmt}"))
    import_ok(run, exported, "back.toml")
    back = agenda(run, tmp_path / "back.toml")
    found = {k: (utc(r["start"]), utc(r["end"]), r["duration_minutes"]) for k, r in back.items()}
    assert found == EXPECTED[event]
    # The event's own id, days and time zone come back too.
    info = run("-e", str(tmp_path / "back.toml"), "info", "-f", "json")
    original = run("-e", str(event), "info", "-f", "json")
    keys = ("id", "timezone", "start", "end")
    assert {k: json.loads(info.stdout)[k] for k in keys} == {
        k: json.loads(original.stdout)[k] for k in keys}


# --------------------------------------------------------------------------- ids


def test_an_acronym_with_dashes_keeps_the_event_id(run: Runner, tmp_path: Path) -> None:
    import_ok(run, write(tmp_path / "pretalx.json", json.dumps(PLAIN)), "first.toml")
    uids = []
    for step in ("first", "second", "third"):
        event = tmp_path / f"{step}.toml"
        calendar = run("-e", str(event), "export-ics")
        assert calendar.code == 0, calendar.stderr
        uids.append(sorted(re.findall(r"^UID:(.*)\r$", calendar.stdout, re.MULTILINE)))
        if step != "third":
            exported = export(run, event, "json", f"{step}.json")
            assert json.loads(exported.read_text())["schedule"]["conference"]["acronym"] \
                == "my_conf_2020"
            import_ok(run, exported, f"{'second' if step == 'first' else 'third'}.toml")
    assert uids[0] == ["1-talk@my-conf-2020.wic", "2-talk@my-conf-2020.wic",
                       "3-talk@my-conf-2020.wic"]
    assert uids[0] == uids[1] == uids[2]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_source_guids_and_ids_survive_a_round_trip(run: Runner, tmp_path: Path,
                                                   fmt: str) -> None:
    source = copy.deepcopy(PLAIN)
    events = source["schedule"]["conference"]["days"][0]["rooms"]["Hall"]
    events.append(talk(4, "2025-06-10T14:00:00+02:00", "00:30"))
    del events[-1]["guid"], events[-1]["id"]  # a session that never had either
    import_ok(run, write(tmp_path / "source.json", json.dumps(source)), "event.toml")
    exported = export(run, tmp_path / "event.toml", fmt, f"out.{fmt}")
    if fmt == "json":
        found = {e["slug"]: (e["guid"], e["id"]) for e in frab_events(json.loads(
            exported.read_text()))}
    else:
        found = {m[3]: (m[2], int(m[1])) for m in re.finditer(
            r'<event id="(\d+)" guid="([^"]+)">.*?<slug>([^<]+)</slug>', exported.read_text(),
            re.DOTALL)}
    for number in (1, 2, 3):
        assert found[f"my_conf_2020-{number}-talk"] == (GUID.format(number), number)
    guid, number = found["my_conf_2020-4-talk"]
    assert guid not in {GUID.format(n) for n in (1, 2, 3)}
    assert number not in (1, 2, 3)
    # And once more: the derived ones are stable too.
    import_ok(run, exported, "again.toml")
    again = export(run, tmp_path / "again.toml", fmt, f"again.{fmt}")
    assert again.read_text().count(guid) == exported.read_text().count(guid) == 1


def test_repeated_or_malformed_guids_are_dropped_with_a_warning(run: Runner,
                                                                tmp_path: Path) -> None:
    source = copy.deepcopy(PLAIN)
    events = source["schedule"]["conference"]["days"][0]["rooms"]["Hall"]
    events[1]["guid"] = events[0]["guid"]
    events[2]["guid"] = "not-a-uuid"
    stderr = import_ok(run, write(tmp_path / "dupes.json", json.dumps(source)), "dupes.toml")
    assert "2 events had a guid that is not a UUID or a guid or id used before" in stderr
    text = (tmp_path / "dupes.toml").read_text()
    assert text.count(f'guid = "{GUID.format(1)}"') == 1
    assert "not-a-uuid" not in text


# --------------------------------------------------------------------------- titles, days


def test_titles_keep_their_inner_whitespace(run: Runner, tmp_path: Path) -> None:
    import_ok(run, write(tmp_path / "titles.json", json.dumps(PLAIN)), "titles.toml")
    titles = {k: r["title"] for k, r in agenda(run, tmp_path / "titles.toml").items()}
    assert titles == {"1-talk": "Two  spaces inside", "2-talk": "A\u00a0no-break space",
                      "3-talk": "Tab\tinside, ends trimmed"}


def test_the_event_has_the_schedules_days(run: Runner, tmp_path: Path) -> None:
    days = {f"2025-06-{d:02d}": [talk(d, f"2025-06-{d:02d}T10:00:00+02:00", "01:00")]
            for d in range(10, 15)}
    days["2025-06-14"].append(talk(99, "2025-06-14T22:00:00+02:00", "04:00", "Closing party"))
    source = write(tmp_path / "five.json", json.dumps(schedule(days, "2025-06-10",
                                                               "2025-06-14")))
    import_ok(run, source, "five.toml")
    info = json.loads(run("-e", str(tmp_path / "five.toml"), "info", "-f", "json").stdout)
    assert (info["start"], info["end"]) == ("2025-06-10", "2025-06-14")
    exported = json.loads(export(run, tmp_path / "five.toml", "json", "five.json").read_text())
    conference = exported["schedule"]["conference"]
    assert conference["daysCount"] == 5
    assert [d["date"] for d in conference["days"]] == list(days)
    party = [e for e in frab_events(exported) if e["title"] == "Closing party"]
    assert [(p["date"], p["duration"]) for p in party] == [("2025-06-14T22:00:00+02:00",
                                                            "04:00")]


def test_local_times_at_a_change_import_as_rfc_5545_says(run: Runner, tmp_path: Path) -> None:
    source = copy.deepcopy(FALL_BACK)
    events = source["schedule"]["conference"]["days"][0]["rooms"]["Hall"]
    events[0]["date"] = "2024-10-27T02:30:00"  # no offset: happens twice, the first counts
    events[1]["date"] = "2024-10-27T05:00:00"
    events[2]["date"] = "2024-10-27T01:00:00"
    stderr = import_ok(run, write(tmp_path / "naive.json", json.dumps(source)), "naive.toml")
    assert "1 event without a UTC offset start in a fold or gap of the clocks" in stderr
    found = {k: (utc(r["start"]), r["duration_minutes"])
             for k, r in agenda(run, tmp_path / "naive.toml").items()}
    assert found == {"1-talk": ("2024-10-27T00:30:00Z", 30),
                     "2-talk": ("2024-10-27T04:00:00Z", 60),
                     "3-talk": ("2024-10-26T23:00:00Z", 180)}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_published_schedule_keeps_its_ids_and_guids(run: Runner, c3voc: Path,
                                                      tmp_path: Path, fmt: str) -> None:
    source = c3voc / "examples" / "pretalx-democon.json"
    original = {e["guid"]: e["id"] for e in frab_events(json.loads(source.read_text()))}
    import_ok(run, source, "democon.toml")
    exported = export(run, tmp_path / "democon.toml", fmt, f"democon.{fmt}")
    import_ok(run, exported, "again.toml")
    again = export(run, tmp_path / "again.toml", "json", "again.json")
    document = json.loads(again.read_text())
    assert {e["guid"]: e["id"] for e in frab_events(document)} == original
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["start"], conference["end"],
            conference["daysCount"]) == ("democon", "2020-12-14", "2020-12-16", 3)


# --------------------------------------------------------------------------- any instant

ZONES = ["Europe/Berlin", "Australia/Lord_Howe", "America/New_York", "UTC"]
SPAN = 2 * 366 * 24 * 60  # minutes from 2024-01-01 UTC


def change_minutes() -> list[int]:
    """The minutes (from 2024-01-01 UTC) where one of ZONES changes its clocks."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    start = datetime(2024, 1, 1, tzinfo=UTC)
    found = []
    for name in ZONES:
        zone = ZoneInfo(name)
        for minute in range(0, SPAN, 30):
            moment = start + timedelta(minutes=minute)
            if (moment.astimezone(zone).utcoffset()
                    != (moment + timedelta(minutes=30)).astimezone(zone).utcoffset()):
                found.append(minute + 30)
    return found


# Half the examples land within 75 minutes of a change of the clocks, where the faults were.
MINUTES = st.one_of(st.integers(0, SPAN), st.sampled_from(change_minutes()).flatmap(
    lambda m: st.integers(m - 75, m + 75)))


@settings(max_examples=300)
@given(zone=st.sampled_from(ZONES), minute=MINUTES,
       length=st.integers(1, 600), offset_hours=st.sampled_from([None, 0, 5]))
def test_any_instant_survives_import_and_the_event_file(zone: str, minute: int, length: int,
                                                        offset_hours: int | None) -> None:
    """A schedule time, with the zone's offset, another or none, is the same instant and
    duration after import, after writing the event file and after reading it back."""
    import tomllib
    from datetime import UTC, datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    from wiccli.event.check import build_event
    from wiccli.frab.importer import ImportOptions, convert, read_schedule, to_toml

    instant = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minute)
    shown = instant.astimezone(ZoneInfo(zone) if offset_hours is None
                               else timezone(timedelta(hours=offset_hours)))
    date = shown.isoformat() if offset_hours is not None else \
        shown.replace(tzinfo=None).isoformat()  # local: the first of two, as RFC 5545 says
    day = shown.date().isoformat()
    event = talk(1, date, f"{length // 60:02d}:{length % 60:02d}")
    document = schedule({day: [event]}, day, day)
    document["schedule"]["conference"]["time_zone_name"] = zone
    raw = read_schedule(json.dumps(document).encode(), "any.json")
    result = convert(raw, "any.json", ImportOptions())
    text = to_toml(result.data, "any.json")
    [session] = build_event(tomllib.loads(text), source="any.toml").sessions
    expected = instant
    if offset_hours is None:  # a local time in a fold means its first occurrence
        from wiccli.event.clock import resolve

        expected = resolve(shown.replace(tzinfo=None), ZoneInfo(zone)).moment
    assert session.start == expected
    assert session.duration == timedelta(minutes=length)
