"""The checks organisers ask for: a person in two places at once, or without the time to
get from one venue to the next, and an audience larger than its venue; each set to warn,
to fail or to stay quiet in the event's [checks] table."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Runner, write
from wiccli.event import cache
from wiccli.event.load import load_event

VENUES = {"main": None, "annex": 40, "garden": 200, "far": None}


def session(sid: str, venue: str | None, start: str, end: str, **extra: Any) -> str:
    lines = [f'id = "{sid}"', f'title = "Session {sid}"', 'kind = "talk"',
             f"start = 2027-05-14T{start}:00", f"end = 2027-05-14T{end}:00"]
    if venue:
        lines.append(f'venue = "{venue}"')
    for key, value in extra.items():
        lines.append(f"{key} = {json.dumps(value)}")
    return "[[sessions]]\n" + "\n".join(lines) + "\n"


# Made to break every check once, and to pass where it should: (id, venue, times, keys).
SESSIONS = [
    ("opening", "main", "09:00", "10:00", {"hosts": ["Ana Lima"]}),
    # Ana again, written differently, five minutes later in the annex: travel time.
    ("annex-talk", "annex", "10:05", "11:00", {"speakers": ["  ana   LIMA "],
                                                "expected": 60}),  # over the annex's 40
    # Ana in the garden at the same time: two places at once.
    ("garden-panel", "garden", "10:30", "11:30", {"speakers": ["Ana Lima"], "expected": 200}),
    # Bo: twenty minutes between the main hall and the far venue, whose pair needs 30.
    ("bo-first", "main", "12:00", "13:00", {"speakers": ["Bo Chen"]}),
    ("bo-far", "far", "13:20", "14:00", {"speakers": ["Bo Chen"], "expected": 9999}),
    # Cy: twenty minutes, main to garden, where 15 is enough; then the same venue twice.
    ("cy-main", "main", "14:00", "14:40", {"speakers": ["Cy Park"]}),
    ("cy-garden", "garden", "15:00", "15:30", {"speakers": ["Cy Park"]}),
    ("cy-garden-2", "garden", "15:31", "16:00", {"speakers": ["Cy Park"]}),
    # Cancelled: never late, never too full.
    ("cy-cancelled", "annex", "16:05", "17:00", {"speakers": ["Cy Park"], "expected": 500,
                                                 "status": "cancelled"}),
]


def event_text(checks: str = "[checks]\ntravel_minutes = 15\n") -> str:
    parts = ['[event]\nid = "checks"\nname = "Checks"\ntimezone = "Europe/Berlin"\n'
             "start = 2027-05-14\nend = 2027-05-14\n"]
    for vid, capacity in VENUES.items():
        extra = f"capacity = {capacity}\n" if capacity is not None else ""
        parts.append(f'[[venues]]\nid = "{vid}"\nname = "Venue {vid}"\n{extra}')
    parts += [session(sid, venue, start, end, **extra)
              for sid, venue, start, end, extra in SESSIONS]
    return "\n".join(parts) + "\n" + checks


PAIRS = '[[checks.travel]]\nbetween = ["far", "main"]\nminutes = 30\n'


def validate(run: Runner, tmp_path: Path, text: str, *args: str) -> tuple[int, dict[str, Any]]:
    write(tmp_path / "e.toml", text)
    result = run("validate", "e.toml", "-f", "json", *args)
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.code == (0 if report["valid"] else 1), result.stderr
    return result.code, report


def line_of(text: str, marker: str, after: str) -> int:
    """The line of the first ``marker`` after the session ``after``'s id."""
    lines = text.splitlines()
    start = lines.index(f'id = "{after}"')
    return next(n for n, line in enumerate(lines[start:], start + 1) if marker in line)


def by_code(report: dict[str, Any], code: str, key: str = "warnings") -> list[dict[str, Any]]:
    return [w for w in report[key] if w["code"] == code]


def test_each_check_finds_what_breaks_it_with_its_line(run: Runner, tmp_path: Path) -> None:
    text = event_text("[checks]\ntravel_minutes = 15\n" + PAIRS)
    code, report = validate(run, tmp_path, text)
    assert code == 0  # warnings only, by default
    travel = by_code(report, "travel-time")
    assert [w["path"] for w in travel] == ["sessions[1].speakers", "sessions[4].speakers"]
    assert "'ana   LIMA' has 5 min from 'opening'" in travel[0]["message"]
    assert "getting there takes 15 min" in travel[0]["message"]
    assert "'Bo Chen' has 20 min" in travel[1]["message"]
    assert "takes 30 min" in travel[1]["message"]  # the pair's own time, either way round
    assert travel[0]["line"] == line_of(text, "speakers", "annex-talk")
    overlap = by_code(report, "person-overlap")
    assert [w["path"] for w in overlap] == ["sessions[2].speakers"]
    assert "'annex-talk'" in overlap[0]["message"]
    full = by_code(report, "over-capacity")
    assert [w["path"] for w in full] == ["sessions[1].expected"]  # no capacity: no check
    assert full[0]["message"] == "'annex-talk' expects 60 people; venue 'annex' holds 40"
    assert full[0]["line"] == line_of(text, "expected", "annex-talk")
    assert not [w for w in report["warnings"] if "cy-" in w["message"]]


def test_travel_time_is_off_until_set(run: Runner, tmp_path: Path) -> None:
    _, report = validate(run, tmp_path, event_text(checks=""))
    assert by_code(report, "travel-time") == []
    assert len(by_code(report, "over-capacity")) == 1
    _, pairs_only = validate(run, tmp_path, event_text("[checks]\n" + PAIRS))
    assert [w["path"] for w in by_code(pairs_only, "travel-time")] == ["sessions[4].speakers"]


def test_a_class_set_to_error_fails_and_off_is_quiet(run: Runner, tmp_path: Path) -> None:
    checks = ('[checks]\ntravel_minutes = 15\n"person-overlap" = "error"\n'
              '"over-capacity" = "off"\n')
    text = event_text(checks)
    code, report = validate(run, tmp_path, text)
    assert code == 1
    assert report["valid"] is False
    (error,) = report["errors"]
    assert error["code"] == "person-overlap"
    assert error["path"] == "sessions[2].speakers"
    assert error["line"] == line_of(text, "speakers", "garden-panel")
    assert "is an error here: see [checks]" in error["message"]
    assert by_code(report, "over-capacity") == []
    assert len(by_code(report, "travel-time")) == 1
    result = run("validate", "e.toml")
    assert result.stderr.startswith(f"error: e.toml:{error['line']}: sessions[2].speakers: ")
    assert result.stderr.rstrip().endswith("e.toml: invalid, 1 error")


def test_every_warning_class_can_be_silenced(run: Runner, tmp_path: Path) -> None:
    from wiccli.event.model import WARNING_CLASSES

    quiet = "[checks]\ntravel_minutes = 15\n" + "".join(
        f'"{code}" = "off"\n' for code in WARNING_CLASSES)
    code, report = validate(run, tmp_path, event_text(quiet), "--strict")
    assert code == 0
    assert report["warnings"] == report["errors"] == []


@pytest.mark.parametrize(("checks", "path", "message"), [
    ('[checks]\n"person-overlap" = "fatal"\n', "checks.person-overlap",
     "unknown level 'fatal' (choose from warn, error, off)"),
    ('[checks]\nspeaker-overlap = "warn"\n', "checks.speaker-overlap", "unknown key"),
    ("[checks]\ntravel_minutes = -1\n", "checks.travel_minutes", "must be from 0 to 1,440"),
    ('[checks]\ntravel_minutes = "15"\n', "checks.travel_minutes", "expected an integer"),
    ('[[checks.travel]]\nbetween = ["main", "moon"]\nminutes = 5\n', "checks.travel[0].between",
     "no venue with id 'moon' (known: annex, far, garden, main)"),
    ('[[checks.travel]]\nbetween = ["main"]\nminutes = 5\n', "checks.travel[0].between",
     "expected two different venue ids"),
    ('[[checks.travel]]\nbetween = ["main", "far"]\n', "checks.travel[0].minutes",
     "missing required key"),
    (PAIRS + '[[checks.travel]]\nbetween = ["main", "far"]\nminutes = 5\n',
     "checks.travel[1].between", "given twice (first at checks.travel[0])"),
])
def test_a_bad_checks_table_is_an_error_naming_its_key(run: Runner, tmp_path: Path, checks: str,
                                                       path: str, message: str) -> None:
    _, report = validate(run, tmp_path, event_text(checks))
    assert [e["path"] for e in report["errors"]] == [path]
    assert message in report["errors"][0]["message"]
    assert report["errors"][0]["line"] is not None
    agenda = run("-e", "e.toml", "agenda")  # every command refuses the file the same way
    assert agenda.code == 1
    assert agenda.stderr.count("\n") == 1
    assert f"{path}: " in agenda.stderr


def test_the_cache_keeps_the_checks_and_the_audience(tmp_path: Path) -> None:
    path = write(tmp_path / "e.toml", event_text("[checks]\ntravel_minutes = 15\n"
                                                 '"provisional" = "off"\n' + PAIRS))
    event = dataclasses.replace(load_event(path), source="")
    assert event.checks.travel_time("main", "far") == 30
    assert event.sessions[1].expected == 60
    back = cache.decode(json.loads(json.dumps(cache.encode(event))))
    assert repr(back) == repr(event)


def test_the_bundled_event_has_no_new_warnings(run: Runner) -> None:
    result = run("validate", str(ROOT / "data" / "wic2018.toml"), "-f", "json")
    report = json.loads(result.stdout)
    assert result.code == 0
    assert {w["code"] for w in report["warnings"]} == {
        "venue-overlap", "sub-forum-without-venue", "provisional"}
