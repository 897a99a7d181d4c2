"""Sessions at a change of the clocks: elapsed durations, folds and gaps, explicit offsets."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import DATA, Runner, write
from wiccli.event import clock

BERLIN = DATA / "dst-berlin.toml"
LORD_HOWE = DATA / "dst-lord-howe.toml"
# Every instant and elapsed minute of the DST suite, checked against zoneinfo by hand.
EXPECTED = {
    BERLIN: {
        "across-midnight": ("2024-10-26T21:00:00Z", "2024-10-26T23:00:00Z", 120),
        "fall-back": ("2024-10-26T23:30:00Z", "2024-10-27T02:30:00Z", 180),
        "second-half-past-two": ("2024-10-27T01:30:00Z", "2024-10-27T02:15:00Z", 45),
        "spring-forward": ("2025-03-30T00:30:00Z", "2025-03-30T01:30:00Z", 60),
        "after-the-change": ("2025-03-30T01:30:00Z", "2025-03-30T02:30:00Z", 60),
    },
    LORD_HOWE: {
        "fall-back": ("2025-04-05T14:00:00Z", "2025-04-05T16:00:00Z", 120),
        "second-quarter-to-two": ("2025-04-05T15:15:00Z", "2025-04-05T15:45:00Z", 30),
        "across-midnight": ("2025-10-04T12:00:00Z", "2025-10-04T14:00:00Z", 120),
        "spring-forward": ("2025-10-04T15:00:00Z", "2025-10-04T16:00:00Z", 60),
    },
}

GAP_EVENT = """\
[event]
id = "gap"
name = "Gap"
timezone = "Europe/Berlin"
start = 2025-03-30
end = 2025-03-30

[[sessions]]
id = "nothing"
title = "Nothing"
kind = "talk"
start = 2025-03-30T02:30:00
end = 2025-03-30T03:30:00
"""


def utc(text: str) -> str:
    """An ISO time with offset as the same instant in UTC, ``Z``-suffixed."""
    from datetime import UTC, datetime

    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def records(run: Runner, event: Path) -> dict[str, dict[str, Any]]:
    result = run("-e", str(event), "agenda", "-f", "json")
    assert result.code == 0, result.stderr
    return {r["id"]: r for r in json.loads(result.stdout)}


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize("event", [BERLIN, LORD_HOWE], ids=["berlin", "lord-howe"])
def test_durations_are_elapsed_time(run: Runner, event: Path) -> None:
    found = {key: (utc(r["start"]), utc(r["end"]), r["duration_minutes"])
             for key, r in records(run, event).items()}
    assert found == EXPECTED[event]


def test_frab_duration_agrees_with_its_own_end(run: Runner) -> None:
    result = run("-e", str(BERLIN), "export-frab", "-f", "json")
    assert result.code == 0, result.stderr
    days = json.loads(result.stdout)["schedule"]["conference"]["days"]
    entries = {e["slug"].split("-", 1)[1]: e for d in days for r in d["rooms"].values()
               for e in r}
    assert entries["fall-back"]["duration"] == "03:00"
    assert entries["spring-forward"]["duration"] == "01:00"
    for key, (start, end, minutes) in EXPECTED[BERLIN].items():
        entry = entries[key]
        assert (utc(entry["date"]), utc(entry["end"])) == (start, end)
        hours, mins = entry["duration"].split(":")
        assert int(hours) * 60 + int(mins) == minutes


# --------------------------------------------------------------------------- gaps, folds


def test_a_session_that_collapses_in_a_gap_is_an_error(run: Runner, tmp_path: Path) -> None:
    result = run("validate", str(write(tmp_path / "gap.toml", GAP_EVENT)))
    assert result.code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert "sessions[0].end: 2025-03-30T03:30:00+02:00 is not after the start, " \
           "2025-03-30T03:30:00+02:00" in errors[0]
    assert "2025-03-30T02:30 does not exist in Europe/Berlin" in errors[0]
    loaded = run("-e", str(tmp_path / "gap.toml"), "agenda")
    assert loaded.code == 1
    assert loaded.stdout == ""


def test_gap_and_fold_times_warn_with_the_instant_used(run: Runner, tmp_path: Path) -> None:
    text = (GAP_EVENT.replace("end = 2025-03-30\n", "end = 2025-10-26\n")
            .replace("start = 2025-03-30T02:30:00", "start = 2025-03-30T02:15:00")
            + '\n[[sessions]]\nid = "twice"\ntitle = "Twice"\nkind = "talk"\n'
              "start = 2025-10-26T02:30:00\nend = 2025-10-26T04:00:00\n")
    write(tmp_path / "clock.toml", text)
    result = run("validate", "clock.toml")
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: clock.toml:12: sessions[0].start: 2025-03-30T02:15 does not exist in "
        "Europe/Berlin (the clocks go forward): wic reads it with the offset before the "
        "change, as 2025-03-30T03:15:00+02:00 (01:15 UTC); write an offset to mean another "
        "instant",
        "warning: clock.toml:19: sessions[1].start: 2025-10-26T02:30 occurs twice in "
        "Europe/Berlin (the clocks go back): wic uses the first, 2025-10-26T02:30:00+02:00 "
        "(00:30 UTC); write 2025-10-26T02:30:00+01:00 for the second",
    ]
    assert result.stderr.splitlines()[-1].endswith("valid, 2 warnings (2 clock-change)")
    strict = run("validate", "--strict", "clock.toml")
    assert strict.code == 1
    found = records(run, tmp_path / "clock.toml")
    assert found["nothing"]["duration_minutes"] == 15
    assert found["twice"]["duration_minutes"] == 150  # 00:30 UTC to 03:00 UTC


def test_explicit_offsets_choose_between_equal_local_times(run: Runner) -> None:
    found = records(run, BERLIN)
    assert found["second-half-past-two"]["start"] == "2024-10-27T02:30:00+01:00"
    # Sorted by instant: the first 02:30 (inside 'fall-back') comes before the second.
    assert list(found) == ["across-midnight", "fall-back", "second-half-past-two",
                           "spring-forward", "after-the-change"]
    clean = run("validate", "--strict", str(BERLIN))
    assert clean.code == 0, clean.stderr
    assert clean.stderr.splitlines()[-1].endswith("valid, no warnings")


# --------------------------------------------------------------------------- event/clock.py

@pytest.fixture
def far_local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone set far from UTC (+12:45 in winter): nothing may depend on it."""
    monkeypatch.setenv("TZ", "Pacific/Chatham")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


BERLIN_ZONE = ZoneInfo("Europe/Berlin")


@pytest.mark.usefixtures("far_local_zone")
def test_fixed_keeps_the_instant_with_its_own_offset() -> None:
    first = clock.fixed(datetime(2024, 10, 27, 0, 30, tzinfo=UTC), BERLIN_ZONE)
    second = clock.fixed(datetime(2024, 10, 27, 1, 30, tzinfo=UTC), BERLIN_ZONE)
    assert (first.isoformat(), second.isoformat()) == (
        "2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00")
    assert (first.fold, second.fold) == (0, 0)
    assert first.tzinfo == timezone(timedelta(hours=2))
    assert clock.fixed(datetime(2024, 6, 1, 12, tzinfo=UTC), ZoneInfo("UTC")).tzinfo is UTC
    assert clock.elapsed(first, second) == timedelta(hours=1)
    assert clock.elapsed(second.astimezone(ZoneInfo("Asia/Tokyo")), first) == -timedelta(hours=1)


@pytest.mark.usefixtures("far_local_zone")
def test_at_change_and_what_a_person_reads() -> None:
    fold = datetime(2024, 10, 27, 2, 30)
    gap = datetime(2025, 3, 30, 2, 30)
    assert clock.at_change(datetime(2024, 10, 27, 0, 30, tzinfo=UTC), BERLIN_ZONE)
    assert not clock.at_change(datetime(2024, 10, 27, 3, 30, tzinfo=UTC), BERLIN_ZONE)
    folded, gapped = clock.resolve(fold, BERLIN_ZONE), clock.resolve(gap, BERLIN_ZONE)
    assert (folded.case, gapped.case, clock.resolve(gap.replace(hour=4), BERLIN_ZONE).case) == (
        clock.FOLD, clock.GAP, clock.NORMAL)
    assert clock.note(fold, folded, "Europe/Berlin") == (
        "2024-10-27T02:30 occurs twice in Europe/Berlin (the clocks go back): wic uses the "
        "first, 2024-10-27T02:30:00+02:00 (00:30 UTC); write 2024-10-27T02:30:00+01:00 for "
        "the second")
    assert clock.note(gap, gapped, "Europe/Berlin") == (
        "2025-03-30T02:30 does not exist in Europe/Berlin (the clocks go forward): wic reads "
        "it with the offset before the change, as 2025-03-30T03:30:00+02:00 (01:30 UTC); "
        "write an offset to mean another instant")
    assert clock.note(gap, folded._replace(other=None), "X").startswith(
        "2025-03-30T02:30 does not exist in X")


@pytest.mark.parametrize(("offset", "text"), [
    (None, "+00:00"), (timedelta(0), "+00:00"), (timedelta(hours=1), "+01:00"),
    (timedelta(hours=10, minutes=30), "+10:30"), (timedelta(hours=-5), "-05:00"),
    (timedelta(hours=-3, minutes=-30), "-03:30"), (timedelta(minutes=-30), "-00:30"),
    (timedelta(hours=12, minutes=45), "+12:45"), (timedelta(hours=-12), "-12:00"),
])
def test_offset_text(offset: timedelta | None, text: str) -> None:
    assert clock.offset_text(offset) == text
