"""export-ics at changes of the clocks: the VTIMEZONE against zoneinfo, and three readers.

Every exported file of the DST events is read back by icalendar and by Mozilla's ical.js
(Thunderbird's parser, run with node from tests/js) and must give the very instants wic
holds. The VTIMEZONE is checked against zoneinfo every quarter of an hour over its span.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT, Runner, need_ical_js, write
from test_clock_change import BERLIN, EXPECTED, LORD_HOWE

JS = ROOT / "tests" / "js"
# Zone -> the event's first and last day: both kinds of change, a half-hour change, a zone
# without changes, one that moved its standard offset (Volgograd, +04 to +03 in 2020) and
# one that gave up daylight saving time (Mexico City, after October 2022).
ZONES = {
    "Europe/Berlin": (date(2024, 10, 26), date(2025, 3, 30)),
    "America/New_York": (date(2024, 3, 9), date(2024, 11, 3)),
    "Australia/Lord_Howe": (date(2025, 4, 5), date(2025, 10, 5)),
    "Asia/Shanghai": (date(2024, 3, 30), date(2024, 10, 27)),
    "Europe/Volgograd": (date(2020, 12, 26), date(2020, 12, 27)),
    "America/Mexico_City": (date(2022, 10, 29), date(2023, 4, 2)),
}
QUARTER = timedelta(minutes=15)


def offset(zone: ZoneInfo, moment: datetime) -> timedelta | None:
    return moment.astimezone(zone).utcoffset()


def changes(zone: ZoneInfo, first: date, last: date) -> list[datetime]:
    """zoneinfo's own changes of offset between two days (UTC, to the quarter hour)."""
    moment = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2)
    found = []
    while moment < end:
        if offset(zone, moment + QUARTER) != offset(zone, moment):
            found.append(moment + QUARTER)
        moment += QUARTER
    return found


def zone_event(name: str) -> str:
    """An event in ``name`` with sessions (written in UTC) around each of its changes."""
    first, last = ZONES[name]
    zone = ZoneInfo(name)
    moments = changes(zone, first, last) or [datetime(first.year, first.month, first.day, 12,
                                                      tzinfo=UTC)]
    lines = [f'[event]\nid = "zone"\nname = "Zone"\ntimezone = "{name}"\n'
             f"start = {first}\nend = {last}\n"]
    for n, change in enumerate(moments):
        for k, shift in enumerate((-90, -30, 0, 30)):
            start = change + timedelta(minutes=shift)
            end = start + timedelta(minutes=45)
            lines.append(f'[[sessions]]\nid = "s{n}-{k}"\ntitle = "S"\nkind = "talk"\n'
                         f"start = {start:%Y-%m-%dT%H:%M:%SZ}\nend = {end:%Y-%m-%dT%H:%M:%SZ}\n")
    return "\n".join(lines)


def exported(run: Runner, event: Path, tmp_path: Path) -> str:
    result = run("-e", str(event), "export-ics", "-o", str(tmp_path / "out.ics"))
    assert result.code == 0, result.stderr
    return (tmp_path / "out.ics").read_text(encoding="utf-8")


def truth(run: Runner, event: Path) -> dict[str, tuple[str, str]]:
    """What wic itself holds: session UID -> (start, end) in UTC."""
    result = run("-e", str(event), "agenda", "-f", "json")
    assert result.code == 0, result.stderr
    return {f"{r['id']}@{'zone' if event.name == 'zone.toml' else event.stem}.wic":
            (_z(r["start"]), _z(r["end"])) for r in json.loads(result.stdout)}


def _z(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- the VTIMEZONE


def vtimezone_offsets(text: str) -> list[tuple[datetime, timedelta]]:
    """(onset in UTC, offset after) for each observance, as RFC 5545 defines the onset."""
    from icalendar import Calendar

    [timezone] = Calendar.from_ical(text).walk("VTIMEZONE")
    found = []
    for block in timezone.subcomponents:
        assert "RDATE" not in block  # one block per change: what every reader gets right
        assert "RRULE" not in block
        before = block["TZOFFSETFROM"].td
        onset = block["DTSTART"].dt.replace(tzinfo=UTC) - before  # local on the old clock
        found.append((onset, block["TZOFFSETTO"].td))
    return sorted(found)


@pytest.mark.parametrize("name", list(ZONES))
def test_vtimezone_agrees_with_zoneinfo(run: Runner, tmp_path: Path, name: str) -> None:
    text = exported(run, write(tmp_path / "zone.toml", zone_event(name)), tmp_path)
    observances = vtimezone_offsets(text)
    zone = ZoneInfo(name)
    first, last = ZONES[name]
    moment = datetime(first.year, 1, 1, tzinfo=zone).astimezone(UTC)
    end = datetime(last.year + 1, 1, 1, tzinfo=zone).astimezone(UTC)
    assert observances[0][0] == moment
    while moment < end:
        said = [offset for onset, offset in observances if onset <= moment][-1]
        assert said == offset(zone, moment), moment
        moment += QUARTER


def test_berlin_changes_at_one_utc(run: Runner, tmp_path: Path) -> None:
    text = exported(run, BERLIN, tmp_path).replace("\r\n", "\n")
    # The spring change at 02:00 on the old clock (01:00 UTC), the autumn one at 03:00.
    assert ("BEGIN:DAYLIGHT\nDTSTART:20240331T020000\nTZNAME:CEST\nTZOFFSETFROM:+0100\n"
            "TZOFFSETTO:+0200\nEND:DAYLIGHT\n") in text
    assert ("BEGIN:STANDARD\nDTSTART:20241027T030000\nTZNAME:CET\nTZOFFSETFROM:+0200\n"
            "TZOFFSETTO:+0100\nEND:STANDARD\n") in text


# --------------------------------------------------------------------------- folds in UTC


def test_times_in_a_fold_are_written_in_utc(run: Runner, tmp_path: Path) -> None:
    lines = exported(run, BERLIN, tmp_path).splitlines()
    assert "DTSTART:20241027T013000Z" in lines  # the second 02:30 (+01:00)
    assert "DTEND;TZID=Europe/Berlin:20241027T031500" in lines
    assert "DTSTART;TZID=Europe/Berlin:20241027T013000" in lines  # 01:30 happens once
    lord_howe = exported(run, LORD_HOWE, tmp_path).splitlines()
    assert "DTSTART:20250405T151500Z" in lord_howe  # the second 01:45 (+10:30)


# --------------------------------------------------------------------------- readers


def node_and_ical_js() -> str:
    return need_ical_js()


def ical_js(node: str, text: str) -> dict[str, tuple[str, str]]:
    done = subprocess.run([node, str(JS / "read-ical.mjs")], input=text, capture_output=True,
                          text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    events: list[dict[str, Any]] = json.loads(done.stdout)["events"]
    return {e["uid"]: (e["start"].replace(".000Z", "Z"), e["end"].replace(".000Z", "Z"))
            for e in events}


def icalendar_reads(text: str) -> dict[str, tuple[str, str]]:
    from icalendar import Calendar

    return {str(v["UID"]): (_z(v["DTSTART"].dt.isoformat()), _z(v["DTEND"].dt.isoformat()))
            for v in Calendar.from_ical(text).walk("VEVENT")}


DST_FILES = [BERLIN, LORD_HOWE, *ZONES]


def event_file(tmp_path: Path, which: Path | str) -> Path:
    if isinstance(which, Path):
        return which
    return write(tmp_path / "zone.toml", zone_event(which))


@pytest.mark.parametrize("which", DST_FILES, ids=lambda w: Path(str(w)).stem)
def test_ical_js_reads_every_instant(run: Runner, tmp_path: Path, which: Path | str) -> None:
    node = node_and_ical_js()
    event = event_file(tmp_path, which)
    assert ical_js(node, exported(run, event, tmp_path)) == truth(run, event)


@pytest.mark.parametrize("which", DST_FILES, ids=lambda w: Path(str(w)).stem)
def test_icalendar_reads_every_instant(run: Runner, tmp_path: Path, which: Path | str) -> None:
    event = event_file(tmp_path, which)
    assert icalendar_reads(exported(run, event, tmp_path)) == truth(run, event)


def test_the_suite_holds_the_expected_instants(run: Runner) -> None:
    for event in (BERLIN, LORD_HOWE):
        held = truth(run, event)
        assert {uid.split("@")[0]: times for uid, times in held.items()} == {
            key: (start, end) for key, (start, end, _) in EXPECTED[event].items()}


@pytest.mark.parametrize("split", ["day", "session"])
def test_ical_js_reads_every_split_file(run: Runner, tmp_path: Path, split: str) -> None:
    node = node_and_ical_js()
    result = run("-e", str(BERLIN), "export-ics", "--split", split, "--out-dir", "parts")
    assert result.code == 0, result.stderr
    files = sorted((tmp_path / "parts").glob("*.ics"))
    assert len(files) == (3 if split == "day" else 5)  # 26 Oct, 27 Oct, 30 Mar
    held = truth(run, BERLIN)
    for path in files:
        found = ical_js(node, path.read_text(encoding="utf-8"))
        assert found
        assert found == {uid: held[uid] for uid in found}, path.name
