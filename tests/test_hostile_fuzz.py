"""Generated event files, guest CSVs and schedules, valid and broken, fed to every command
that reads them, in process. Whatever the input, wic:

- exits 0, 1, 2 or 130;
- prints no traceback, and every error line on stderr starts with ``error:``;
- changes no file outside the output path it was given;
- leaves nothing in the output folder but complete files (no temporary, no half file).

Profiles: ``wic-fuzz-ci`` (the default; derandomised, 100 examples a test, so every CI
run tries the same 300 inputs) and ``wic-fuzz-long`` for a search by hand:
``WIC_FUZZ=long pytest tests/test_hostile_fuzz.py`` (3,000 a test, new ones each run).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Result, _run

settings.register_profile(
    "wic-fuzz-ci", max_examples=100, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "wic-fuzz-long", max_examples=3000, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(f"wic-fuzz-{os.environ.get('WIC_FUZZ', 'ci')}")

# A line Python itself would print for an uncaught exception, or its own words.
PYTHON_LINE = re.compile(r"^(\w+\.)*\w+(Error|Exception|Interrupt)\b|invalid literal|"
                         r"object has no attribute|NoneType|\[Errno \d+\]")

# --------------------------------------------------------------------------- values

EDGE_DAYS = [date(1, 1, 1), date(1899, 12, 31), date(1900, 1, 1), date(2024, 3, 31),
             date(2025, 3, 29), date(2025, 10, 26), date(2999, 12, 31), date(3000, 1, 1),
             date(9999, 12, 31)]
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates())
EDGE_INTS = [0, 1, -1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, -(2**63), 10**23]
ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-(10**30), 10**30))
texts = st.one_of(st.text(max_size=24), st.sampled_from(
    ["", " ", "\x00", "a\x1b[31mb", "²", "٣", "Ann\nSmith", "<p>" * 80, "[{" * 40, "x" * 300]))
slugs = st.one_of(st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True), texts)
zones = st.sampled_from(["Europe/Berlin", "UTC", "Asia/Shanghai", "Pacific/Kiritimati",
                         "America/St_Johns", "Australia/Lord_Howe", "Nowhere/City", "",
                         "../../etc/passwd", "Europe/Berlin\x00"])
scalars = st.one_of(texts, ints, st.booleans(), st.floats(), days)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)


@st.composite
def moments(draw: st.DrawFn, around: date) -> datetime | str:
    """A local date-time, or one written as text with an offset."""
    day = draw(st.one_of(st.just(around), days))
    clock = draw(st.one_of(st.sampled_from([time(0), time(2, 30), time(9), time(23, 59)]),
                           st.times()))
    moment = datetime.combine(day, clock)
    if draw(st.booleans()):
        return moment
    return moment.isoformat() + draw(st.sampled_from(["Z", "+01:00", "-05:30", "+14:00"]))


def maybe(draw: st.DrawFn, value: Any, sane: bool) -> Any:
    """``value``; in a hostile example, sometimes anything at all in its place."""
    return draw(values) if not sane and draw(st.integers(0, 3)) == 0 else value


# Well-formed values: most examples are valid files with at most one hostile value, so
# the commands get past the loader and the whole of each command is tried.
words = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P", "S"]),
                min_size=1, max_size=20).filter(str.strip)
good_slugs = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
good_zones = st.sampled_from(["Europe/Berlin", "UTC", "Asia/Shanghai", "America/St_Johns",
                              "Australia/Lord_Howe", "Pacific/Kiritimati"])


@st.composite
def event_docs(draw: st.DrawFn) -> dict[str, Any]:
    sane = draw(st.integers(0, 9)) < 7
    start = draw(st.dates(date(1990, 1, 1), date(2100, 12, 31)) if sane else days)
    end = _plus(start, draw(st.integers(0, 3))) if sane else draw(
        st.one_of(st.just(start), days, st.integers(0, 3).map(lambda n: _plus(start, n))))
    name, slug = (words, good_slugs) if sane else (texts, slugs)
    themes = [{"id": f"t{i}", "name": draw(name)} for i in range(draw(st.integers(0, 2)))]
    venues = [{"id": f"v{i}", "name": draw(name)} for i in range(draw(st.integers(0, 2)))]
    sessions = []
    for index in range(draw(st.integers(1 if sane else 0, 5))):
        begins = datetime.combine(_plus(start, draw(st.integers(0, max(0, (end - start).days)))),
                                  draw(st.times()).replace(microsecond=0))
        session: dict[str, Any] = {
            "id": "keynote" if index == 0 else draw(slug), "title": draw(name),
            "kind": draw(st.sampled_from((["talk", "plenary"] + ["sub-forum"] * bool(themes))
                                         if sane else ["talk", "sub-forum", "x y", ""])),
            "start": begins if sane else draw(moments(start)),
            "end": begins + timedelta(minutes=draw(st.integers(1, 600))) if sane
            else draw(moments(start)),
        }
        if themes and (session["kind"] == "sub-forum" or draw(st.booleans())):
            session["theme"] = themes[0]["id"]
        if venues and draw(st.booleans()):
            session["venue"] = venues[-1]["id"]
        if draw(st.booleans()):
            session["sequence"] = draw(st.integers(0, 5) if sane else ints)
        sessions.append({k: maybe(draw, v, sane) for k, v in session.items()})
    event = {"id": draw(slug), "name": draw(name),
             "timezone": draw(good_zones if sane else zones), "start": start, "end": end}
    doc: dict[str, Any] = {"event": {k: maybe(draw, v, sane) for k, v in event.items()},
                           "themes": themes, "venues": venues, "sessions": sessions}
    if draw(st.booleans()):
        doc["invitations"] = {"target": draw(st.integers(0, 2000) if sane else ints)}
    if sane and draw(st.integers(0, 2)) == 2:  # one hostile value somewhere
        table = draw(st.sampled_from([doc["event"], *sessions, *themes, *venues]))
        table[draw(st.sampled_from(sorted(table)))] = draw(values)
    elif not sane and draw(st.integers(0, 4)) == 0:
        doc[draw(st.text(min_size=1, max_size=8))] = draw(values)
    return doc


def _plus(day: date, n: int) -> date:
    try:
        return day + timedelta(days=n)
    except OverflowError:
        return day


def toml_text(doc: dict[str, Any]) -> str:
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):  # something TOML cannot hold: write what can be
        return tomli_w.dumps({"event": {"id": "x"}})


@st.composite
def broken(draw: st.DrawFn, text: str) -> bytes:
    """``text`` as bytes, or with one of the damages files suffer."""
    data = text.encode("utf-8")
    where = draw(st.integers(0, len(data)))
    damage = draw(st.sampled_from(["none"] * 6 + ["cut", "insert", "deep", "bytes", "bom"]))
    if damage == "cut":
        return data[:where]
    if damage == "insert":
        return data[:where] + draw(st.text(max_size=8)).encode() + data[where:]
    if damage == "deep":
        depth = draw(st.sampled_from([63, 64, 65, 1000, 5000]))
        return data[:where] + b"[" * depth + data[where:]
    if damage == "bytes":
        return data[:where] + draw(st.binary(min_size=1, max_size=6)) + data[where:]
    if damage == "bom":
        return b"\xef\xbb\xbf" + data
    return data


@st.composite
def event_files(draw: st.DrawFn) -> bytes:
    return draw(broken(toml_text(draw(event_docs()))))


GUEST_COLUMNS = ["name", "category", "country", "organization", "email", "quantity", "status",
                 "note", "id", "bogus", ""]
cells = st.one_of(texts, st.sampled_from(
    ["Ann", "experts", "government", "DE", "Germany", "ZZ", "ann@example.org", "a@b", "1",
     "10000", "10001", "²", str(10**23), "accepted", "no-show", "'=1+1", "=cmd|' /c calc'!A0"]))


good_cells = {
    "name": words, "category": st.sampled_from(["experts", "government", "Experts", "exp"]),
    "country": st.sampled_from(["DE", "CN", "Germany", "fr", "GBR"]),
    "organization": words, "email": st.emails(), "quantity": st.integers(1, 10).map(str),
    "status": st.sampled_from(["", "invited", "accepted", "declined", "no-show"]),
    "note": st.text(max_size=20),
}


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 9)) < 7:  # a good list, with at most one hostile cell
        header = ["name", "category", "country", *draw(st.lists(
            st.sampled_from(["organization", "email", "quantity", "status", "note"]),
            unique=True, max_size=5))]
        rows = [[draw(good_cells[c]) for c in header] for _ in range(draw(st.integers(1, 6)))]
        if draw(st.integers(0, 2)) == 2:
            draw(st.sampled_from(rows))[draw(st.integers(0, len(header) - 1))] = draw(cells)
    else:
        header = draw(st.lists(st.sampled_from(GUEST_COLUMNS), min_size=1, max_size=6))
        rows = draw(st.lists(st.lists(cells, max_size=len(header) + 1), max_size=5))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerows([header, *rows])
    return draw(broken(buffer.getvalue()))


@st.composite
def schedule_docs(draw: st.DrawFn) -> dict[str, Any]:
    sane = draw(st.integers(0, 9)) < 7
    day = draw(st.dates(date(1990, 1, 1), date(2100, 12, 31)) if sane else days)
    text = words if sane else texts
    events = []
    for number in range(draw(st.integers(0 if not sane else 1, 4))):
        clock = draw(st.times()).replace(second=0, microsecond=0)
        offset = draw(st.sampled_from(["+00:00", "+01:00", "+02:00", "-04:00", "+05:45"]))
        event = {
            "id": number + 1 if sane else draw(ints), "guid": draw(st.uuids()).hex,
            "date": f"{day.isoformat()}T{clock:%H:%M}:00{offset}" if sane
            else str(draw(moments(day))),
            "start": f"{clock:%H:%M}", "duration": draw(st.sampled_from(
                ["00:30", "01:00", "02:15"] if sane else ["01:00", "999:59", "00:00", "x"])),
            "room": draw(st.sampled_from(["Hall", "Saal 1"])) if sane else draw(texts),
            "title": draw(text), "type": draw(st.sampled_from(["talk", "workshop", ""])),
            "track": draw(st.sampled_from(["Web", "Security", ""])) if sane else draw(texts),
            "abstract": draw(st.one_of(text, st.integers(1, 2000).map(
                lambda n: "<div>" * n + "deep" + "</div>" * n))),
            "persons": [{"public_name": draw(text)}],
        }
        events.append({k: maybe(draw, v, sane) for k, v in event.items()})
    if sane and events and draw(st.integers(0, 2)) == 2:  # one hostile value
        event = draw(st.sampled_from(events))
        event[draw(st.sampled_from(sorted(event)))] = draw(values)
    conference = {"title": draw(text), "acronym": draw(good_slugs if sane else texts),
                  "start": day.isoformat(), "end": day.isoformat(),
                  "time_zone_name": draw(good_zones if sane else zones),
                  "days": [{"index": 1, "date": day.isoformat(),
                            "rooms": {"Hall": events}}]}
    return {"schedule": {k: maybe(draw, v, sane) for k, v in
                         {"version": "1", "conference": conference}.items()}}


def schedule_xml(doc: dict[str, Any]) -> str:
    """The same schedule as frab XML (whatever of it has the expected shape)."""
    schedule = doc.get("schedule")
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        return "<schedule/>"
    head = "".join(f"<{k}>{escape(str(conference.get(k)))}</{k}>"
                   for k in ("title", "acronym", "start", "end", "time_zone_name"))
    rooms = ""
    for day in conference.get("days") or []:
        for name, events in (day.get("rooms") or {}).items():
            body = "".join(
                f"<event id={quoteattr(str(e.get('id')))}>" + "".join(
                    f"<{k}>{escape(str(e.get(k)))}</{k}>" if k != "abstract"
                    else f"<abstract>{e.get(k)}</abstract>"
                    for k in ("date", "start", "duration", "title", "type", "abstract"))
                + "</event>" for e in events)
            rooms += f"<day date={quoteattr(str(day.get('date')))}>" \
                     f"<room name={quoteattr(str(name))}>{body}</room></day>"
    return f"<schedule><conference>{head}</conference>{rooms}</schedule>"


@st.composite
def schedule_files(draw: st.DrawFn) -> tuple[str, bytes]:
    doc = draw(schedule_docs())
    if draw(st.booleans()):
        return "schedule.json", draw(broken(json.dumps(doc, default=str)))
    return "schedule.xml", draw(broken(schedule_xml(doc)))


# --------------------------------------------------------------------------- checking


@contextmanager
def workspace() -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """(input folder, output folder, environment), fresh for each example."""
    with tempfile.TemporaryDirectory() as top:
        folder, out = Path(top) / "in", Path(top) / "out"
        folder.mkdir()
        out.mkdir()
        environ = {"XDG_CACHE_HOME": str(Path(top) / "cache"),
                   "XDG_DATA_HOME": str(Path(top) / "data")}
        yield folder, out, environ


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def complete(path: Path) -> None:
    """The file is whole: it parses as what its name says."""
    data = path.read_bytes()
    assert not re.search(r"\.tmp$|~$|\.part$", path.name), f"left behind: {path.name}"
    if path.suffix == ".ics":
        assert data.startswith(b"BEGIN:VCALENDAR")
        assert data.endswith(b"END:VCALENDAR\r\n")
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".xml":
        ElementTree.fromstring(data)
    elif path.suffix == ".toml":
        tomllib.loads(data.decode("utf-8"))
    elif path.suffix == ".html":
        assert data.rstrip().endswith(b"</html>"), path.name
    elif path.suffix == ".db" and data:
        assert data.startswith(b"SQLite format 3\x00")
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def check(result: Result, folder: Path, before: dict[str, bytes], out: Path) -> None:
    assert result.code in (0, 1, 2, 130), (result.code, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    for line in lines:
        assert not PYTHON_LINE.search(line), line
        if line[:5].lower() == "error":
            assert line.startswith("error: "), line
    if result.code in (1, 2):  # says why (validate --strict fails on warnings alone)
        assert any(line.startswith(("error: ", "warning: ")) for line in lines), result.stderr
    assert snapshot(folder) == before, "a file outside the output path changed"
    for path in out.rglob("*"):
        if path.is_file():
            complete(path)


def run_on(write: Callable[[Path], list[str]], stdin: str = "") -> None:
    with workspace() as (folder, out, environ):
        argv = write(folder)
        argv = [a.replace("OUT", str(out)) for a in argv]
        before = snapshot(folder)
        result = _run(argv, environ=environ, cwd=folder, stdin=stdin)
        check(result, folder, before, out)


EVENT_COMMANDS = [
    ["agenda"], ["agenda", "--day", "1"], ["agenda", "--day", "2025-03-29", "--tz", "UTC"],
    ["forums", "-f", "json"], ["themes", "-f", "csv"], ["info", "-f", "json"],
    ["show", "keynote"], ["grid"], ["now", "--at", "2025-03-29T09:30"],
    ["export-ics", "-o", "OUT/calendar.ics"],
    ["export-ics", "--split", "day", "--out-dir", "OUT/calendars"],
    ["export-frab", "-o", "OUT/schedule.xml"], ["export-frab", "-f", "json", "-o", "OUT/s.json"],
    ["site", "--out-dir", "OUT/site"], ["validate", "--strict", "wic.toml"],
    ["diff", "wic.toml", "wic.toml"],
]


@PROFILE
@given(event_files(), st.sampled_from(EVENT_COMMANDS))
def test_event_files(data: bytes, command: list[str]) -> None:
    def write(folder: Path) -> list[str]:
        (folder / "wic.toml").write_bytes(data)
        reads_file = command[0] in ("validate", "diff")
        return command if reads_file else ["-e", str(folder / "wic.toml"), *command]

    run_on(write)


@PROFILE
@given(csv_files(), st.sampled_from([[], ["--dry-run"], ["--listed"], ["--force"]]))
def test_guest_csv_files(data: bytes, options: list[str]) -> None:
    def write(folder: Path) -> list[str]:
        (folder / "guests.csv").write_bytes(data)
        return ["invites", "--ledger", "OUT/guests.db", "import", *options,
                str(folder / "guests.csv")]

    run_on(write)


@PROFILE
@given(schedule_files(), st.sampled_from([[], ["--timezone", "Europe/Berlin"], ["stdin"]]))
def test_schedule_files(named: tuple[str, bytes], options: list[str]) -> None:
    name, data = named
    stdin = data.decode("utf-8", "replace") if options == ["stdin"] else ""

    def write(folder: Path) -> list[str]:
        (folder / name).write_bytes(data)
        source = "-" if stdin else str(folder / name)
        extra = [] if stdin else options
        return ["import", source, *extra, "-o", "OUT/event.toml"]

    run_on(write, stdin=stdin)
