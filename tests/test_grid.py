"""`wic grid`: the day's timetable with venues across and time down."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from conftest import DATA, Runner, write
from wiccli.cli.state import State
from wiccli.env import Env
from wiccli.event.load import load_event
from wiccli.output.table import text_width
from wiccli.publish.layout import day_grid

SMALL = str(DATA / "publish-small.toml")
DAY2_MORNING = ["Forum on artificial", "Forum on big data", "Forum on cybersecurity",
                "International", "Common Prosperity", "Universal Security"]


def line_of(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(label))


def test_sub_forums_side_by_side(run: Runner) -> None:
    result = run("grid", "--day", "2018-11-08", environ={"COLUMNS": "260"})
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert "Thursday 8 November 2018 · day 2" in result.stdout
    header = result.stdout.splitlines()[1]
    assert "No venue given" in header
    assert "Wuzhen International" in header
    nine = line_of(result.stdout, "09:00 ")
    for title in DAY2_MORNING:  # every morning sub-forum starts on the same line
        assert title in nine
    assert "Forum on 5G" in line_of(result.stdout, "14:00 ")
    assert "Forum on 5G" not in result.stdout.split("14:00 ")[0]


def test_blocks_span_their_rows(run: Runner) -> None:
    result = run("-e", SMALL, "grid", "-d", "1", "--slot", "30", environ={"COLUMNS": "120"})
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    rows = {line[:5]: line for line in lines if line[:2].isdigit() and line[2] == ":"}
    assert "Parallel one" in rows["10:00"]
    assert "10:00–11:30" in rows["11:00"]  # three rows: title, blank, time on the last
    assert "Parallel two" in rows["10:30"]
    assert "10:30–12:00" in rows["11:30"]
    # Overlapping sessions of one venue in lanes: both visible on one line.
    assert rows["11:00"].count("│") >= 2


def test_fits_80_columns_with_12_venues(run: Runner, big_event_file: Path) -> None:
    result = run("-e", str(big_event_file), "grid", environ={"COLUMNS": "80"})
    assert result.code == 0, result.stderr
    widths = [text_width(line) for line in result.stdout.splitlines()]
    assert max(widths) <= 80
    assert "venues page 2 of" in result.stdout  # paged by venues rather than squeezed


def test_venue_option_keeps_one_column(run: Runner) -> None:
    result = run("-e", SMALL, "grid", "-d", "1", "--venue", "hall-b")
    assert result.code == 0, result.stderr
    assert "Hall B" in result.stdout
    assert "Hall A" not in result.stdout
    assert "Keynote" not in result.stdout


def test_plain_on_a_pipe_and_keys_in_the_legend(run: Runner) -> None:
    result = run("-e", SMALL, "grid", "-d", "1", environ={"COLUMNS": "120"})
    assert "\x1b[" not in result.stdout
    assert "1 The Web & <Friends>" in result.stdout
    assert "2 Data" in result.stdout
    assert "✗ A cancelled talk" in result.stdout
    assert "数字经济论坛" in result.stdout
    assert "* provisional" in result.stdout


def test_colour_on_a_terminal_and_no_color(run: Runner) -> None:
    coloured = run("-e", SMALL, "grid", "-d", "1", tty=True, environ={"TERM": "xterm"})
    assert coloured.code == 0, coloured.stderr
    assert "\x1b[36m" in coloured.stdout  # the first theme's colour (cyan)
    assert "9m" in coloured.stdout  # cancelled: struck through
    plain = run("-e", SMALL, "grid", "-d", "1", tty=True,
                environ={"TERM": "xterm", "NO_COLOR": "1"})
    assert "\x1b[36m" not in plain.stdout
    assert "1 The Web" in plain.stdout  # without colour the keys tell themes apart


def test_tz_moves_the_rows(run: Runner) -> None:
    result = run("grid", "-d", "2018-11-08", "--tz", "UTC", environ={"COLUMNS": "260"})
    assert result.code == 0, result.stderr
    assert "Forum on big data" in line_of(result.stdout, "01:00 ")


@pytest.mark.parametrize(("args", "message"), [
    (["--day", "2018-12-01"], "2018-12-01 is not a day of WIC 2018"),
    (["--venue", "nowhere"], "unknown venue 'nowhere'"),
    (["--slot", "7"], "--slot: 7 does not divide an hour"),
    (["--slot", "0"], "--slot: 0 does not divide an hour"),
    (["--slot", "half"], "--slot: 'half' is not a whole number of minutes"),
    (["--tz", "Mars/Base"], "unknown time zone"),
])
def test_bad_input_is_one_error_line(run: Runner, args: list[str], message: str) -> None:
    result = run("grid", *args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_layout_rows_and_lanes_on_a_big_event(big_event_file: Path) -> None:
    event = load_event(big_event_file)
    zone = State(env=Env()).zone(event.timezone)
    seen = set()
    for day in event.days:
        grid = day_grid(event, day, zone, 15)
        taken: dict[tuple[int, int], str] = {}
        for block in grid.blocks:
            seen.add(block.session.id)
            if not block.continued:
                assert grid.row_time(block.row) <= block.start
                assert block.start - grid.row_time(block.row) < timedelta(minutes=15)
            column = grid.columns[block.column]
            assert column.first_lane <= block.lane < column.first_lane + column.lanes
            assert column.venue == (block.session.venue or "")
            for row in range(block.row, block.row + block.rows):
                assert (row, block.lane) not in taken, (block.session.id, taken[row, block.lane])
                taken[row, block.lane] = block.session.id
    assert seen == {s.id for s in event.sessions}


def test_grid_starts_light(tmp_path: Path) -> None:
    from test_imports import imported_by, top_level

    found = top_level(imported_by(tmp_path, "grid", "--day", "2"))
    assert sorted(found & {"pydantic", "jinja2", "rich", "icalendar", "weasyprint"}) == []


def test_control_characters_never_reach_the_terminal(run: Runner, tmp_path: Path) -> None:
    text = (DATA / "publish-small.toml").read_text(encoding="utf-8")
    evil = text.replace('title = "Parallel one"', 'title = "Parallel \\u001b[2J one"')
    (tmp_path / "evil.toml").write_text(evil, encoding="utf-8")
    for argv in (["grid", "-d", "1"], ["now", "--at", "2025-06-10T10:15"]):
        result = run("-e", "evil.toml", *argv, environ={"COLUMNS": "120"})
        assert result.code == 0, result.stderr
        assert "Parallel" in result.stdout
        assert "\x1b" not in result.stdout


BACK_TO_BACK = """
[event]
id = "lanes"
name = "Lanes"
timezone = "Europe/Berlin"
start = 2025-06-10
end = 2025-06-10

[[venues]]
id = "hall"
name = "Hall"
{sessions}"""


def session_toml(session_id: str, start: str, end: str) -> str:
    return (f'\n[[sessions]]\nid = "{session_id}"\ntitle = "Session {session_id}"\nkind = "talk"\n'
            f'venue = "hall"\nstart = 2025-06-10T{start}:00\nend = 2025-06-10T{end}:00\n')


@pytest.mark.parametrize(("sessions", "lanes"), [
    # One ends at 10:00 as the next starts: one lane.
    ({"first": ("09:00", "10:00"), "second": ("10:00", "11:00")},
     {"first": 0, "second": 0}),
    # With a third across the hour, the 10:00 one still takes the lane freed at 10:00.
    ({"first": ("09:00", "10:00"), "across": ("09:30", "10:30"), "second": ("10:00", "11:00")},
     {"first": 0, "across": 1, "second": 0}),
])
def test_back_to_back_sessions_share_a_lane(tmp_path: Path, sessions: dict[str, tuple[str, str]],
                                            lanes: dict[str, int]) -> None:
    text = BACK_TO_BACK.format(sessions="".join(
        session_toml(i, start, end) for i, (start, end) in sessions.items()))
    event = load_event(write(tmp_path / "lanes.toml", text))
    grid = day_grid(event, event.days[0], State(env=Env()).zone(event.timezone), 30)
    assert [(c.venue, c.lanes) for c in grid.columns] == [("hall", max(lanes.values()) + 1)]
    assert {b.session.id: b.lane for b in grid.blocks} == lanes
