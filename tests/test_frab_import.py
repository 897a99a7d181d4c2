"""``wic import``: frab / c3voc schedules (XML and JSON) become wic event files."""

from __future__ import annotations

import json
import time
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, Runner, write
from test_frab_export import json_errors, xml_errors
from wiccli.event.load import load_event

DEMOCON = Path("examples") / "pretalx-democon.json"


def agenda(run: Runner, event_file: Path, *args: str) -> list[dict[str, Any]]:
    result = run("-e", str(event_file), "agenda", "-f", "json", *args)
    assert result.code == 0, result.stderr
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


def essentials(records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What a round trip keeps: ids, titles, times, rooms, tracks, people, status."""
    return sorted((r["id"], r["title"], r["start"], r["end"], r["venue_name"], r["theme_name"],
                   r["kind"], r["hosts"] + r["speakers"], r["status"], r["provisional"])
                  for r in records)


def import_ok(run: Runner, source: Path | str, target: str, *args: str) -> str:
    result = run("import", str(source), "-o", target, *args)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    return result.stderr


def assert_one_error(result: Any, *fragments: str) -> None:
    assert result.code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


# --------------------------------------------------------------------------- pretalx


def test_pretalx_demo_schedule(run: Runner, c3voc: Path, tmp_path: Path) -> None:
    source = c3voc / DEMOCON
    stderr = import_ok(run, source, "democon.toml")
    assert "carry a UTC offset (UTC+01:00) other than UTC's" in stderr
    assert stderr.endswith("imported 36 sessions, 2 venues and 2 themes "
                           f"from {source} to democon.toml\n")
    document = json.loads(source.read_text())
    originals = [e for day in document["schedule"]["conference"]["days"]
                 for items in day["rooms"].values() for e in items]
    records = agenda(run, tmp_path / "democon.toml")
    assert sorted(r["title"] for r in records) == sorted(e["title"] for e in originals)
    by_title = {r["title"]: r for r in records}
    for original in originals:
        record = by_title[original["title"]]
        start = datetime.fromisoformat(original["date"])
        assert datetime.fromisoformat(record["start"]) == start  # the same instant
        assert record["venue_name"] == original["room"]
        assert record["theme_name"] == original["track"]
        assert record["kind"] == original["type"].lower()
        assert record["speakers"] == [p["public_name"] for p in original["persons"]]
        assert record["url"] == original["url"]
        assert original["abstract"] in record["description"]


def test_imported_event_works_with_every_command(run: Runner, c3voc: Path,
                                                 tmp_path: Path) -> None:
    import_ok(run, c3voc / DEMOCON, "democon.toml")
    event = tmp_path / "democon.toml"
    for args in (["info"], ["themes"], ["agenda", "--day", "2"], ["agenda", "--theme", "Phased"],
                 ["agenda", "--kind", "workshop", "--venue", "tan-room"],
                 ["show", "25-focused-5thgeneration-hardware"], ["validate"]):
        result = run("-e", str(event), *args)
        assert result.code == 0, (args, result.stderr)
        assert result.stdout.strip(), args
    phased = agenda(run, event, "--theme", "phased")
    assert phased
    assert {r["theme_name"] for r in phased} == {"Phased"}
    result = run("-e", str(event), "export-ics", "-o", "democon.ics")
    assert result.code == 0, result.stderr
    assert (tmp_path / "democon.ics").read_text().count("BEGIN:VEVENT") == 36


def test_exports_of_an_imported_event_are_valid(run: Runner, c3voc: Path,
                                                tmp_path: Path) -> None:
    import_ok(run, c3voc / DEMOCON, "democon.toml")
    event = str(tmp_path / "democon.toml")
    xml = run("-e", event, "export-frab")
    assert xml.code == 0
    assert xml_errors(c3voc, xml.stdout) == []
    document = json.loads(run("-e", event, "export-frab", "-f", "json").stdout)
    assert json_errors(c3voc, document) == []


def test_tracks_as_forums(run: Runner, c3voc: Path, tmp_path: Path) -> None:
    import_ok(run, c3voc / DEMOCON, "forums.toml", "--tracks-as-forums")
    result = run("-e", str(tmp_path / "forums.toml"), "forums", "-f", "json")
    assert result.code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 36
    plain = import_ok(run, c3voc / DEMOCON, "plain.toml")
    assert plain
    result = run("-e", str(tmp_path / "plain.toml"), "forums", "-f", "json")
    assert json.loads(result.stdout) == []


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("origin", ["democon", "bundled", "every-field", "pentabarf"])
def test_round_trip(run: Runner, c3voc: Path, tmp_path: Path, fmt: str, origin: str) -> None:
    """import -> export-frab -> import gives the same sessions."""
    if origin == "democon":
        import_ok(run, c3voc / DEMOCON, "first.toml")
    elif origin == "pentabarf":
        import_ok(run, DATA / "frab-pentabarf.xml", "first.toml", "--timezone", "Europe/Brussels")
    else:
        args = ["-e", str(DATA / "frab-event.toml")] if origin == "every-field" else []
        assert run(*args, "export-frab", "-f", fmt, "-o", f"origin.{fmt}").code == 0
        import_ok(run, tmp_path / f"origin.{fmt}", "first.toml")
    first = tmp_path / "first.toml"
    exported = run("-e", str(first), "export-frab", "-f", fmt, "-o", f"again.{fmt}")
    assert exported.code == 0, exported.stderr
    import_ok(run, tmp_path / f"again.{fmt}", "second.toml")
    second = tmp_path / "second.toml"
    assert essentials(agenda(run, second)) == essentials(agenda(run, first))
    assert [r["description"] for r in agenda(run, second)] == \
        [r["description"] for r in agenda(run, first)]
    assert load_event(second).timezone == load_event(first).timezone


def test_bundled_event_survives_import(run: Runner, tmp_path: Path) -> None:
    """The statuses and flags wic writes into a schedule come back on import."""
    assert run("export-frab", "-f", "json", "-o", "wic.json").code == 0
    import_ok(run, tmp_path / "wic.json", "wic.toml")
    original = {r["id"]: r for r in agenda(run, Path(str(load_bundled())))}
    imported = {r["id"]: r for r in agenda(run, tmp_path / "wic.toml")}
    assert imported.keys() == original.keys()
    for sid, record in imported.items():
        assert (record["title"], record["start"], record["status"], record["provisional"],
                record["theme"], record["description"]) == (
            original[sid]["title"], original[sid]["start"], original[sid]["status"],
            original[sid]["provisional"], original[sid]["theme"], original[sid]["description"])


def load_bundled() -> Path:
    from wiccli.event.load import bundled_path

    return bundled_path()


# --------------------------------------------------------------------------- messy schedules


def test_messy_schedule(run: Runner, tmp_path: Path) -> None:
    stderr = import_ok(run, DATA / "frab-messy.xml", "messy.toml")
    assert ("warning: ignored 4 elements the schedule format does not define: "
            "event <hashtag> ×2, <sponsor> ×1, event <video_stream> ×1") in stderr
    assert "warning: renamed 1 session whose id was taken already" in stderr
    # The schedule's days run 06:00 to 05:59: a talk at 01:30 is no other day.
    assert "another date than its <day>" not in stderr
    assert "outside the hours" not in stderr
    assert "warning: turned HTML into plain text in 1 event" in stderr
    records = {r["id"]: r for r in agenda(run, tmp_path / "messy.toml")}
    # Duplicate slugs: both kept, the second renamed.
    assert records["lightning"]["title"] == "Lightning talks"
    assert records["lightning-2"]["title"] == "Lightning talks, round two"
    # After midnight: the event's own time counts, on the <day> whose hours hold it.
    party = records["104-late-night-party"]
    assert (party["day"], party["start"]) == ("2024-05-10", "2024-05-11T01:30:00+02:00")
    # HTML turned into paragraphs of plain text.
    assert records["101-opening"]["description"] == (
        "Welcome to MessyCon & friends.\n\nSecond paragraph\nwith a break.")
    # No track: no theme, and a kind that is not a sub-forum.
    assert records["101-opening"]["theme"] is None
    assert records["101-opening"]["kind"] == "talk"
    # "CANCELLED: " in a title is the status.
    workshop = records["201-cancelled-workshop"]
    assert (workshop["title"], workshop["status"]) == ("Soldering workshop", "cancelled")
    assert records["lightning"]["kind"] == "lightning-talk"


def test_pentabarf_schedule(run: Runner, tmp_path: Path) -> None:
    stderr = import_ok(run, DATA / "frab-pentabarf.xml", "penta.toml")
    assert "no time zone and no UTC offsets: times are taken as UTC" in stderr
    assert "1 event had no title: named 'Untitled'" in stderr
    records = {r["title"]: r for r in agenda(run, tmp_path / "penta.toml")}
    # 00:30 listed in day 1 (day change 04:00) is the next morning.
    assert records["Midnight hacking"]["start"] == "2009-02-08T00:30:00+00:00"
    assert records["Welcome"]["description"] == "Opening words\n\nThe conference opens."
    assert records["Welcome"]["url"] == "http://example.org/welcome"
    import_ok(run, DATA / "frab-pentabarf.xml", "brussels.toml", "--timezone", "Europe/Brussels")
    brussels = {r["title"]: r for r in agenda(run, tmp_path / "brussels.toml")}
    assert brussels["Welcome"]["start"] == "2009-02-07T10:00:00+01:00"


def test_offsets_without_a_zone_name(run: Runner, tmp_path: Path) -> None:
    stderr = import_ok(run, DATA / "frab-offsets-only.json", "nozone.toml")
    assert "using Etc/GMT-8, a fixed offset of UTC+08:00" in stderr
    assert "skipped 2 events: not a JSON object (1), no readable start date and time (1)" in stderr
    assert "1 event had no usable duration: each lasts 10 minutes" in stderr
    assert load_event(tmp_path / "nozone.toml").timezone == "Etc/GMT-8"
    records = {r["title"]: r for r in agenda(run, tmp_path / "nozone.toml")}
    assert records["Welcome"]["start"] == "2024-09-02T09:00:00+08:00"
    # A sub-forum needs a theme: without a track the type is not kept as one.
    assert records["Welcome"]["kind"] == "session"
    assert records["Welcome"]["description"] == "- Coffee\n- Tea"
    assert records["Welcome"]["speakers"] == ["Li Wei"]


def test_large_schedule_is_fast(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "big.json", json.dumps(generated_schedule(1200)))
    began = time.perf_counter()
    stderr = import_ok(run, source, "big.toml")
    elapsed = time.perf_counter() - began
    assert elapsed < 10, f"import of 1,200 events took {elapsed:.2f} s"
    assert "imported 1,200 sessions, 12 venues and 8 themes" in stderr
    assert "renamed 100 sessions whose id was taken already" in stderr
    data = tomllib.loads((tmp_path / "big.toml").read_text())
    assert len({s["id"] for s in data["sessions"]}) == 1200
    assert len(agenda(run, tmp_path / "big.toml", "--day", "3")) == 400


def test_large_schedule_on_a_terminal(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "big.json", json.dumps(generated_schedule(600)))
    result = run("import", str(source), "-o", "big.toml", tty=True)
    assert result.code == 0, result.stderr
    assert "imported 600 sessions" in result.stderr
    assert len(tomllib.loads((tmp_path / "big.toml").read_text())["sessions"]) == 600


def generated_schedule(count: int) -> dict[str, Any]:
    """A pretalx-like schedule.json: 3 days, 12 rooms, 8 tracks, every 12th slug repeated."""
    start = datetime.fromisoformat("2030-06-01T09:00:00+02:00")
    days: list[dict[str, Any]] = []
    for index in range(count):
        day_number = index * 3 // count
        if len(days) <= day_number:
            day = (start + timedelta(days=day_number)).date().isoformat()
            days.append({"index": day_number + 1, "date": day, "rooms": {},
                         "day_start": f"{day}T04:00:00+02:00",
                         "day_end": f"{day}T23:59:00+02:00"})
        begins = start + timedelta(days=day_number, minutes=30 * (index % 20))
        room = f"Room {index % 12 + 1}"
        slug = f"bigcon-{index - 1 if index % 12 == 11 else index}-talk"
        days[day_number]["rooms"].setdefault(room, []).append({
            "guid": f"00000000-0000-4000-8000-{index:012d}", "id": index + 1,
            "date": begins.isoformat(), "start": f"{begins:%H:%M}", "duration": "00:25",
            "room": room, "slug": slug, "url": f"https://bigcon.example.org/{index}",
            "title": f"Talk number {index}", "subtitle": "", "track": f"Track {index % 8}",
            "type": "Talk", "language": "en", "abstract": f"<p>About {index}.</p>",
            "description": "", "persons": [{"public_name": f"Speaker {index % 50}", "id": 1}],
            "links": [],
        })
    return {"schedule": {"version": "1", "conference": {
        "acronym": "bigcon", "title": "BigCon", "start": days[0]["date"],
        "end": days[-1]["date"], "daysCount": len(days), "timeslot_duration": "00:05",
        "time_zone_name": "Europe/Berlin", "days": days}}}


# --------------------------------------------------------------------------- input and output


def test_stdin(run: Runner, tmp_path: Path) -> None:
    text = (DATA / "frab-messy.xml").read_text()
    result = run("import", "-", stdin=text)
    assert result.code == 0, result.stderr
    data = tomllib.loads(result.stdout)
    assert data["event"]["id"] == "messycon"
    assert len(data["sessions"]) == 5
    assert "from <stdin> to stdout" in result.stderr


def test_refuses_to_overwrite(run: Runner, tmp_path: Path) -> None:
    existing = write(tmp_path / "event.toml", "# mine\n")
    result = run("import", str(DATA / "frab-messy.xml"), "-o", "event.toml")
    assert_one_error(result, "event.toml: exists already; use --force")
    assert existing.read_text() == "# mine\n"
    import_ok(run, DATA / "frab-messy.xml", "event.toml", "--force")
    assert load_event(existing).id == "messycon"


@pytest.mark.parametrize(("name", "text", "fragments"), [
    ("plain.txt", "just some words\n", ["not a frab schedule: expected schedule.xml"]),
    ("broken.xml", "<schedule><day></schedule>", ["broken.xml:1:", "not well-formed XML"]),
    ("broken.json", '{"schedule": {', ["broken.json:1:", "not valid JSON"]),
    ("list.json", "[1, 2]", ['expected a JSON object with a "schedule" object, got an array']),
    ("other.json", '{"events": []}', ['"schedule" object, got an object']),
    ("noconf.json", '{"schedule": {"version": "1"}}', ['"schedule.conference" is null']),
    ("days.json", '{"schedule": {"conference": {"days": 3}}}', ["is a number, not an array"]),
    ("badday.json", '{"schedule": {"conference": {"days": ["x"]}}}', ["day 1 is a string"]),
    ("feed.xml", "<rss><channel/></rss>", ["the root element is <rss>, not <schedule>"]),
    ("empty.json", '{"schedule": {"conference": {"days": []}}}',
     ["no events and no conference dates"]),
    ("latin1.json", "{}", ["is not UTF-8"]),
])
def test_bad_input(run: Runner, tmp_path: Path, name: str, text: str,
                   fragments: list[str]) -> None:
    path = tmp_path / name
    if name == "latin1.json":
        path.write_bytes('{"schedule": "café"}'.encode("latin-1"))
    else:
        write(path, text)
    result = run("import", str(path), "-o", "out.toml")
    assert_one_error(result, *fragments)
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.parametrize(("fixture", "fragment"), [
    ("frab-billion-laughs.xml", "refused: the XML declares an entity ('lol')"),
    ("frab-external-entity.xml", "refused: the XML declares an external entity "
                                 "('secret' -> file:///etc/passwd)"),
])
def test_malicious_xml_is_refused(run: Runner, tmp_path: Path, fixture: str,
                                  fragment: str) -> None:
    result = run("import", str(DATA / fixture), "-o", "out.toml")
    assert_one_error(result, fragment)
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.parametrize(("args", "fragment"), [
    (["nowhere.xml"], "nowhere.xml: no such schedule file"),
    (["."], "is a folder"),
    (["-"], "<stdin>: no schedule on standard input"),
])
def test_unreadable_sources(run: Runner, args: list[str], fragment: str) -> None:
    assert_one_error(run("import", *args), fragment)


def test_format_option_and_bad_zone(run: Runner) -> None:
    forced = run("import", str(DATA / "frab-messy.xml"), "--format", "frab-json")
    assert_one_error(forced, "not valid JSON")
    zone = run("import", str(DATA / "frab-messy.xml"), "--timezone", "Mars/Olympus")
    assert zone.code == 2
    assert zone.stderr.startswith("error: --timezone: unknown time zone 'Mars/Olympus'")


# --------------------------------------------------------------------------- never crash

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=6,
)
EVENT_FIELDS = ["date", "start", "duration", "end", "room", "slug", "url", "title", "subtitle",
                "track", "type", "abstract", "description", "persons", "links", "id", "guid"]
CONFERENCE_FIELDS = ["acronym", "title", "start", "end", "time_zone_name", "url",
                     "timeslot_duration", "tracks", "rooms"]


def one_event_schedule() -> dict[str, Any]:
    document = generated_schedule(3)
    return document


def attempt(data: bytes, **options: Any) -> tuple[dict[str, Any] | None, str]:
    """The imported data, or None and the error a user reads; anything else is a crash."""
    from wiccli.errors import WicError
    from wiccli.frab.importer import ImportOptions, convert, read_schedule

    settings = ImportOptions(**options)
    try:
        return convert(read_schedule(data, "fuzz", settings.format), "fuzz", settings).data, ""
    except WicError as exc:
        return None, exc.message


def outcome(data: bytes, **options: Any) -> dict[str, Any] | None:
    """The imported data, or None for a clean refusal that names the file."""
    data_, message = attempt(data, **options)
    if data_ is None:
        assert message.startswith("fuzz"), message
        assert "\n" not in message
    return data_


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(EVENT_FIELDS), value=JSON_VALUES)
def test_any_event_value_is_imported_or_refused(field: str, value: Any) -> None:
    document = one_event_schedule()
    rooms = document["schedule"]["conference"]["days"][0]["rooms"]
    next(iter(rooms.values()))[0][field] = value
    data = outcome(json.dumps(document).encode())
    assert data is not None  # one bad event is skipped or repaired, never fatal
    assert 2 <= len(data["sessions"]) <= 3


@settings(max_examples=100, deadline=None)
@given(field=st.sampled_from(CONFERENCE_FIELDS), value=JSON_VALUES)
def test_any_conference_value_is_imported_or_refused(field: str, value: Any) -> None:
    document = one_event_schedule()
    document["schedule"]["conference"][field] = value
    data, message = attempt(json.dumps(document).encode())
    if data is None:  # refused: one line naming the file and the field at fault
        assert message.startswith("fuzz: "), message
        assert "\n" not in message
        assert field in message or "schedule" in message, message
    else:  # imported: the conference's sessions all arrive, each a loadable session
        assert len(data["sessions"]) == 3
        assert all(s["id"] and s["title"] and s["start"] < s["end"] for s in data["sessions"])


XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=150, deadline=None)
@given(tag=st.sampled_from(["date", "start", "duration", "room", "slug", "url", "title",
                            "track", "type", "abstract", "persons", "links", "novel"]),
       text=XML_TEXT)
def test_any_xml_text_is_imported_or_refused(tag: str, text: str) -> None:
    from xml.etree.ElementTree import tostring

    import defusedxml.ElementTree as SafeTree

    root = SafeTree.fromstring((DATA / "frab-messy.xml").read_bytes())
    event = next(root.iter("event"))
    node = event.find(tag)
    if node is None:
        node = event.makeelement(tag, {})
        event.append(node)
    node.text = text
    data = outcome(tostring(root, encoding="utf-8"))
    assert data is not None
    assert len(data["sessions"]) in (4, 5)


@given(text=st.text(max_size=80))
def test_slugify_gives_a_valid_id_or_nothing(text: str) -> None:
    from wiccli.event.check import SLUG_RE
    from wiccli.text import slugify

    slug = slugify(text)
    assert slug == "" or SLUG_RE.match(slug)
    assert len(slug) <= 64


@given(text=st.text(max_size=200))
def test_html_to_text_never_fails(text: str) -> None:
    from wiccli.frab.text import html_to_text

    result = html_to_text(text)
    assert "\n\n\n" not in result
    assert result == result.strip()
