"""Helpers shared by the hostile-input tests (test_hostile_*.py)."""

from __future__ import annotations

import json

from conftest import DATA, Result

MINIMAL = (DATA / "minimal.toml").read_text(encoding="utf-8")


def refused(result: Result, code: int) -> str:
    """The one error a refused command printed: exit ``code``, nothing on stdout, no
    traceback, every stderr line an ``error:`` line. Returns stderr."""
    assert result.code == code, (result.code, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines, "no error message"
    assert all(line.startswith("error: ") for line in lines), result.stderr
    return result.stderr


def event_with(**replace: str) -> str:
    """The minimal event with some of its lines replaced: key "event_start" -> the
    ``start = …`` line of [event], and so on."""
    text = MINIMAL
    for key, line in replace.items():
        old = {
            "event_start": "start = 2025-03-29\n",
            "event_end": "end = 2025-03-30\n",
            "keynote_start": "start = 2025-03-29T09:00:00\n",
            "keynote_end": "end = 2025-03-29T10:00:00\n",
        }[key]
        assert old in text
        text = text.replace(old, line + "\n", 1)
    return text


def schedule_json(abstract: str = "A talk.", date: str = "2024-05-02",
                  extra: str = "") -> str:
    """A one-event frab schedule.json; ``extra`` is spliced into the event object."""
    return (
        '{"schedule": {"version": "1", "conference": {"title": "Demo", "acronym": "demo", '
        f'"start": "{date}", "end": "{date}", "time_zone_name": "Europe/Berlin", '
        f'"days": [{{"index": 1, "date": "{date}", "day_start": "{date}T08:00:00+02:00", '
        f'"day_end": "{date}T20:00:00+02:00", "rooms": {{"Hall": [{{"id": 1, '
        f'"guid": "0b0e3b3e-0000-4000-8000-000000000001", "date": "{date}T10:00:00+02:00", '
        '"start": "10:00", "duration": "01:00", "room": "Hall", "slug": "talk", '
        f'"title": "Talk", "type": "talk", "abstract": {json.dumps(abstract)}{extra}, '
        '"persons": []}]}}]}}}'
    )


def schedule_xml(abstract: str = "A talk.", date: str = "2024-05-02") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<schedule><version>1</version><conference>'
        f"<title>Demo</title><acronym>demo</acronym><start>{date}</start><end>{date}</end>"
        "<days>1</days><time_zone_name>Europe/Berlin</time_zone_name></conference>"
        f'<day index="1" date="{date}" start="{date}T08:00:00+02:00" '
        f'end="{date}T20:00:00+02:00"><room name="Hall"><event id="1" '
        'guid="0b0e3b3e-0000-4000-8000-000000000001">'
        f"<date>{date}T10:00:00+02:00</date><start>10:00</start><duration>01:00</duration>"
        "<room>Hall</room><slug>talk</slug><title>Talk</title><type>talk</type>"
        f"<abstract>{abstract}</abstract><persons/></event></room></day></schedule>\n"
    )
