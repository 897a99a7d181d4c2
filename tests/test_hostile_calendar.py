"""The ends of the calendar: wic supports 1900-01-01 to 2999-12-31, events of a year.

Dates near year 1 or 9999 used to pass validation and then overflow in
``agenda --day``, ``--tz``, ``export-ics``, ``export-frab`` and ``import``; an event
spanning thousands of years made ``export-frab`` run for more than 40 minutes.
The range is checked when the file is loaded, so no command ever sees such a date.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import event_with, refused, schedule_json, schedule_xml

FAR_EVENTS = {
    "year 1": {"event_start": "start = 0001-01-01", "event_end": "end = 0001-01-02",
                   "keynote_start": "start = 0001-01-01T09:00:00",
                   "keynote_end": "end = 0001-01-01T10:00:00"},
    "year 9999": {"event_start": "start = 9999-12-30", "event_end": "end = 9999-12-31",
                      "keynote_start": "start = 9999-12-31T22:00:00",
                      "keynote_end": "end = 9999-12-31T23:59:00"},
}
COMMANDS = [
    ["agenda", "--day", "1"], ["agenda", "--tz", "Pacific/Kiritimati"],
    ["export-ics"], ["export-frab"], ["validate"],
]


@pytest.mark.parametrize("far", FAR_EVENTS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_dates_at_the_ends_of_the_calendar_are_refused_on_load(
    run: Runner, tmp_path: Path, far: str, command: list[str]
) -> None:
    path = write(tmp_path / "wic.toml", event_with(**FAR_EVENTS[far]))
    result = run(*command, "wic.toml") if command == ["validate"] else run(*command)
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "is outside the dates wic supports (1900-01-01 to 2999-12-31)" in result.stderr
    assert path.exists()


def test_the_first_and_last_supported_days_work(run: Runner, tmp_path: Path) -> None:
    text = event_with(event_start="start = 2999-12-30", event_end="end = 2999-12-31",
                      keynote_start="start = 2999-12-31T22:00:00",
                      keynote_end="end = 2999-12-31T23:59:00")
    write(tmp_path / "wic.toml", text.replace("2025-03-30T", "2999-12-30T"))
    for command in COMMANDS[:-1]:
        result = run(*command)
        assert result.code == 0, (command, result.stderr)


def test_an_event_spanning_thousands_of_years_is_refused_quickly(
    run: Runner, tmp_path: Path
) -> None:
    write(tmp_path / "wic.toml", event_with(event_start="start = 1900-01-01",
                                            event_end="end = 2999-12-31"))
    began = time.monotonic()
    err = refused(run("export-frab"), 1)
    assert time.monotonic() - began < 5
    assert "the event lasts 401,767 days; wic supports events of at most 366" in err


def test_an_updated_stamp_far_out_is_refused(run: Runner, tmp_path: Path) -> None:
    text = event_with(event_end="end = 2025-03-30\nupdated = 9999-12-31T23:59:59Z")
    write(tmp_path / "wic.toml", text)
    err = refused(run("export-ics"), 1)
    assert "event.updated: 9999-12-31 is outside the dates wic supports" in err


@pytest.mark.parametrize("option", ["--start", "--end"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_init_refuses_a_day_outside_the_calendar(run: Runner, option: str, day: str) -> None:
    args = ["--start", "2026-01-01", "--end", "2026-01-02"]
    args[args.index(option) + 1] = day
    err = refused(run("init", *args, "--timezone", "UTC", "--name", "X"), 2)
    assert f"{option}: {day} is outside the dates wic supports" in err


def test_init_refuses_an_event_longer_than_a_year(run: Runner) -> None:
    err = refused(run("init", "--start", "2026-01-01", "--end", "2028-01-01",
                      "--timezone", "UTC", "--name", "X"), 2)
    assert "wic supports events of at most 366" in err


@pytest.mark.parametrize("make", [schedule_json, schedule_xml], ids=["json", "xml"])
@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_import_of_a_schedule_at_the_ends_of_the_calendar(
    run: Runner, tmp_path: Path, make: object, date: str
) -> None:
    assert callable(make)
    source = write(tmp_path / "schedule", make(date=date))
    err = refused(run("import", str(source), "-o", "out.toml"), 1)
    assert "no events" in err or "not a usable schedule" in err
    assert not (tmp_path / "out.toml").exists()
