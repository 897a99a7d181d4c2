"""The loader: every bad-input class gives one clear error naming the file and the key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, Runner, write
from wiccli.errors import DataError, EventFileError
from wiccli.event.check import build_event
from wiccli.event.load import load_event, parse_toml

MINIMAL = (DATA / "minimal.toml").read_text()


def fails(run: Runner, path: Path) -> list[str]:
    result = run("-e", str(path), "agenda")
    assert result.code == 1, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert all(line.startswith("error: ") for line in lines)
    return lines


def test_missing_file(run: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    assert fails(run, missing) == [f"error: {missing}: no such event file"]


def test_folder(run: Runner, tmp_path: Path) -> None:
    assert "is a folder" in fails(run, tmp_path)[0]


def test_empty_file(run: Runner, tmp_path: Path) -> None:
    assert "is empty" in fails(run, write(tmp_path / "e.toml", "  \n"))[0]


def test_binary_file(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert "binary file" in fails(run, path)[0]


def test_not_utf8(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_bytes("[event]\nname = 'Caf\u00e9'\n".encode("latin-1"))
    assert "not UTF-8" in fails(run, path)[0]


def test_utf8_bom_is_accepted(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "e.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert run("-e", str(path), "agenda").code == 0


def test_syntax_error_names_line_and_column(run: Runner, tmp_path: Path) -> None:
    path = write(tmp_path / "e.toml", MINIMAL.replace('name = "Hall A"', 'name = "Hall A'))
    [line] = fails(run, path)
    assert line.startswith(f"error: {path}:15:15: ")


def test_all_problems_reported_at_once(run: Runner, tmp_path: Path) -> None:
    text = (MINIMAL.replace('timezone = "Europe/Berlin"', 'timezone = "Europe/Nowhere"')
            .replace('kind = "plenary"', 'kind = "plenary"\nroom = "A"')
            .replace('theme = "web"', 'theme = "mobile"'))
    lines = fails(run, write(tmp_path / "e.toml", text))
    joined = "\n".join(lines)
    assert "event.timezone: unknown time zone 'Europe/Nowhere'" in joined
    assert "sessions[0].room: unknown key" in joined
    assert "sessions[1].theme: no theme with id 'mobile'" in joined


@pytest.mark.parametrize(("change", "message"), [
    (('start = 2025-03-29T09:00:00', 'start = "nine"'),
     "sessions[0].start: 'nine' is not a date-time"),
    (('start = 2025-03-29T09:00:00', 'start = 9'), "sessions[0].start: expected a date-time"),
    (('title = "Keynote"\n', ''), "sessions[0].title: missing required key"),
    (('id = "web-forum"', 'id = "keynote"'), "sessions[1].id: duplicate id 'keynote'"),
    (('venue = "hall-a"\nstart = 2025-03-29', 'venue = "hall-b"\nstart = 2025-03-29'),
     "sessions[0].venue: no venue with id 'hall-b'"),
    (('end = 2025-03-29T10:00:00', 'end = 2025-03-29T08:00:00'), "sessions[0].end:"),
    (('start = 2025-03-29T09:00:00', 'start = 2025-03-27T09:00:00'),
     "is outside the event (2025-03-29 to 2025-03-30)"),
    (('theme = "web"\n', ''), "sessions[1].theme: a sub-forum must name a theme"),
    (('status = "cancelled"', 'status = "postponed"'), "sessions[1].status: unknown status"),
    (('id = "demo"', 'id = "Demo Conf"'), "event.id: 'Demo Conf' is not a valid id"),
    (('lat = 52.5', 'lat = 152.5'), "venues[0].lat: must be between -90 and 90"),
    (('lat = 52.5', 'lat = 52.5\ncapacity = -1'), "venues[0].capacity: must be from 0 to"),
    (('lat = 52.5', 'lat = 52.5\ncapacity = "many"'), "venues[0].capacity: expected an integer"),
    (('name = "The Web"', 'name = "The Web"\ncolour = "red"'), "themes[0].colour: unknown key"),
    (('[event]', 'version = 2\n[event]'), "version: unknown key"),
    (('end = 2025-03-30\n', 'end = 2025-03-28\n'), "event.end: 2025-03-28 is before the start"),
    (('timezone = "Europe/Berlin"\n', ''), "event.timezone: missing required key"),
])
def test_each_problem_names_its_key_path(
    run: Runner, tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    assert old in MINIMAL
    lines = fails(run, write(tmp_path / "e.toml", MINIMAL.replace(old, new, 1)))
    assert any(message in line for line in lines), lines
    assert all(line.startswith(f"error: {tmp_path / 'e.toml'}: ") for line in lines)


def test_offset_times_are_kept(tmp_path: Path) -> None:
    text = MINIMAL.replace("start = 2025-03-29T09:00:00", "start = 2025-03-29T08:00:00Z")
    event = load_event(write(tmp_path / "e.toml", text))
    keynote = event.session("keynote")
    assert keynote is not None
    assert keynote.start.isoformat() == "2025-03-29T08:00:00+00:00"
    assert keynote.end.isoformat() == "2025-03-29T10:00:00+01:00"


def test_a_venue_keeps_its_capacity(tmp_path: Path) -> None:
    text = MINIMAL.replace("lat = 52.5", "lat = 52.5\ncapacity = 300")
    event = load_event(write(tmp_path / "e.toml", text))
    assert event.venues[0].capacity == 300
    again = load_event(write(tmp_path / "e.toml", MINIMAL))
    assert again.venues[0].capacity is None


def test_local_times_follow_daylight_saving(tmp_path: Path) -> None:
    event = load_event(write(tmp_path / "e.toml", MINIMAL))
    # Europe/Berlin switches to summer time on 30 March 2025.
    assert event.sessions[0].start.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    assert event.sessions[1].start.utcoffset().total_seconds() == 7200  # type: ignore[union-attr]


def test_problem_list_is_capped() -> None:
    data = parse_toml(MINIMAL, "e.toml")
    data["sessions"] = [{"id": f"s{i}", "bogus": 1} for i in range(80)]
    with pytest.raises(EventFileError) as info:
        build_event(data, source="e.toml")
    assert len(info.value.problems) > 80
    assert len(info.value.details) == EventFileError.MAX_SHOWN
    assert "more problems" in info.value.details[-1]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_crashes_on_any_text(text: str) -> None:
    """Whatever the file holds, the user reads an event or errors that each name the file."""
    try:
        event = build_event(parse_toml(text, "x.toml"), source="x.toml")
    except DataError as exc:
        for line in [exc.message, *exc.details]:
            assert line.startswith("x.toml"), line
            assert "\n" not in line
    else:
        assert event.id


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "title", "kind", "start", "end", "theme",
                                        "status", "sequence", "hosts", "x"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.booleans(),
                                 st.lists(st.text(max_size=5), max_size=3)),
                       max_size=8))
def test_session_tables_never_crash(session: dict[str, object]) -> None:
    data = parse_toml(MINIMAL, "x.toml")
    data["sessions"] = [session]
    try:
        event = build_event(data, source="x.toml")
    except DataError as exc:  # each problem names the session's key that is wrong
        for line in [exc.message, *exc.details]:
            assert line.startswith("x.toml: sessions[0]"), line
    else:
        assert [s.id for s in event.sessions] == [session["id"]]
