"""``wic export-ics``: RFC 5545 bytes, stable UIDs, split files that stay in their folder.

The golden files are exact bytes. After an intended change, regenerate them with

    WIC_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_ics.py -k golden

and review ``git diff tests/data/*.ics`` before committing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, Result, Runner, write
from wiccli import __version__, ics
from wiccli.errors import DataError
from wiccli.event.ids import session_uid
from wiccli.output.files import MAX_STEM, inside, safe_file_name, unique_file_names, write_atomic

# Read at import: the `run` fixture clears WIC_* variables before each test.
REGEN = os.environ.get("WIC_REGEN_GOLDEN") == "1"
EPOCH = {"SOURCE_DATE_EPOCH": "1541557800"}  # 2018-11-07T02:30:00Z
MINIMAL = str(DATA / "minimal.toml")
TEXT = str(DATA / "ics-text.toml")
RESERVED = str(DATA / "ics-reserved-ids.toml")


def raw(result: Result) -> bytes:
    assert result.code == 0, result.stderr
    return result.stdout.encode("utf-8")


def events_of(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def lines_of(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data[:-2].split(b"\r\n")


def check_golden(data: bytes, name: str) -> None:
    golden = DATA / name
    if REGEN:
        golden.write_bytes(data)
    expected = golden.read_bytes()
    assert lines_of(data) == lines_of(expected)  # a readable diff first
    assert data == expected


# --------------------------------------------------------------------------- golden files


def test_golden_bundled_event(run: Runner) -> None:
    result = run("export-ics", environ=EPOCH)
    check_golden(raw(result), "wic2018.ics")
    assert result.stderr == "wrote 24 events to stdout\n"


def test_golden_minimal_with_alarm_and_name(run: Runner) -> None:
    result = run("-e", MINIMAL, "export-ics", "--alarm", "15", "--name", "Demo, my plan",
                 environ=EPOCH)
    check_golden(raw(result), "minimal-alarm.ics")
    assert b"\r\nNAME:Demo\\, my plan\r\nX-WR-CALNAME:Demo\\, my plan\r\n" in raw(result)


def test_same_bytes_whatever_the_clock(run: Runner) -> None:
    first = run("export-ics", environ=EPOCH, now=datetime(2030, 1, 1, tzinfo=UTC))
    second = run("export-ics", environ=EPOCH, now=datetime(2018, 1, 1, tzinfo=UTC))
    assert raw(first) == raw(second)
    assert b"DTSTAMP:20181107T023000Z\r\n" in raw(first)


def test_stamp_falls_back_to_updated_then_now(run: Runner) -> None:
    bundled = raw(run("export-ics"))
    assert b"DTSTAMP:20261128T000000Z\r\n" in bundled  # the event's `updated`
    assert b"LAST-MODIFIED:20261128T000000Z\r\n" in bundled
    minimal = raw(run("-e", MINIMAL, "export-ics"))  # no `updated`: the (fixed) clock
    assert b"DTSTAMP:20181108T010000Z\r\n" in minimal


@pytest.mark.parametrize("value", ["yesterday", "-5", "1.5", "99999999999999999999"])
def test_bad_source_date_epoch(run: Runner, value: str) -> None:
    result = run("export-ics", "-o", "out.ics", environ={"SOURCE_DATE_EPOCH": value})
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: SOURCE_DATE_EPOCH")
    assert result.stderr.count("\n") == 1
    assert not Path("out.ics").exists()


# --------------------------------------------------------------------------- the calendar


def test_calendar_properties(run: Runner) -> None:
    data = raw(run("export-ics", "--theme", "security"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == f"-//wic//wic {__version__}//EN"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "WIC 2018 · Universal Security"
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert "5th World Internet Conference" in str(calendar["X-WR-CALDESC"])
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert b"TZID:UTC" not in data


def test_utc_event_has_no_timezone_block(run: Runner) -> None:
    data = raw(run("-e", RESERVED, "export-ics"))
    assert b"VTIMEZONE" not in data
    assert b"DTSTART:20250110T090000Z\r\n" in data


def test_daylight_saving_zone_and_times_in_the_event_zone(run: Runner) -> None:
    data = raw(run("-e", TEXT, "export-ics"))
    assert data.count(b"BEGIN:VTIMEZONE") == 1
    assert b"BEGIN:DAYLIGHT" in data
    # Given as 08:00Z; written in the event's zone, on the day the clocks change.
    assert b"DTSTART;TZID=Europe/Berlin:20250330T100000\r\n" in data
    vevent = vobject.readOne(data.decode("utf-8")).vevent_list[1]
    assert vevent.dtstart.value.astimezone(UTC) == datetime(2025, 3, 30, 8, tzinfo=UTC)


def test_opening_ceremony_parsed_back_by_two_parsers(run: Runner) -> None:
    data = raw(run("export-ics"))
    opening_utc = datetime(2018, 11, 7, 2, 30, tzinfo=UTC)
    found = events_of(data)["opening-ceremony@wic2018.wic"]
    assert found.decoded("DTSTART").astimezone(UTC) == opening_utc
    assert str(found["SUMMARY"]) == "Opening ceremony"
    parsed = vobject.readOne(data.decode("utf-8"))
    by_uid = {e.uid.value: e for e in parsed.vevent_list}
    assert len(by_uid) == 24
    assert by_uid["opening-ceremony@wic2018.wic"].dtstart.value.astimezone(UTC) == opening_utc


def test_event_fields(run: Runner) -> None:
    found = events_of(raw(run("-e", TEXT, "export-ics")))
    panel = found["escapes@text-demo.wic"]
    assert int(panel["SEQUENCE"]) == 3
    assert str(panel["STATUS"]) == "TENTATIVE"
    assert str(panel["LOCATION"]) == "Hall A, Messeplatz 1, 14055 Berlin"
    assert (panel["GEO"].latitude, panel["GEO"].longitude) == (52.5, 13.27)
    assert [str(c) for c in panel["CATEGORIES"].cats] == [
        "Escapes, Semicolons; and Backslashes", "panel"]
    assert str(panel["URL"]) == "https://example.org/sessions/escapes?a=1&b=2"
    assert str(panel["DESCRIPTION"]) == (
        "Theme: Escapes, Semicolons; and Backslashes\nHosts: Ana; Host; Bo, Host\n"
        "Speakers: Chen Wei (陈伟)")
    assert panel.decoded("LAST-MODIFIED") == datetime(2025, 3, 1, 12, tzinfo=UTC)
    chinese = found["chinese@text-demo.wic"]
    assert "GEO" not in chinese  # the annex has no coordinates
    assert str(chinese["DESCRIPTION"]).endswith(ics.PROVISIONAL_LINE)
    assert str(chinese["DESCRIPTION"]).count("A second paragraph line.") == 1


def test_session_without_venue_gets_event_location(run: Runner) -> None:
    plenary = events_of(raw(run("export-ics", "-s", "plenary")))["plenary@wic2018.wic"]
    assert str(plenary["LOCATION"]) == "Wuzhen, Zhejiang, China"
    assert str(plenary["URL"]) == "http://www.wuzhenwic.org/"


def test_cancelled_session_is_kept_and_marked(run: Runner) -> None:
    data = raw(run("-e", MINIMAL, "export-ics", "--kind", "sub-forum"))
    (forum,) = events_of(data).values()
    assert str(forum["STATUS"]) == "CANCELLED"
    assert str(forum["SUMMARY"]) == "Forum on the Web"  # no prefix


def test_sessions_in_time_order(run: Runner) -> None:
    data = raw(run("export-ics"))
    starts = [e.decoded("DTSTART") for e in icalendar.Calendar.from_ical(data).walk("VEVENT")]
    assert starts == sorted(starts)


# --------------------------------------------------------------------------- RFC 5545 text


def test_lines_crlf_folded_at_75_octets_on_character_boundaries(run: Runner) -> None:
    data = raw(run("-e", TEXT, "export-ics"))
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = lines_of(data)
    assert max(len(line) for line in lines) == 75  # the long lines are folded, to the limit
    for line in lines:
        assert len(line) <= 75
        line.decode("utf-8")  # a character cut in two would fail here
    continuation = [line for line in lines if line.startswith(b" ")]
    assert len(continuation) >= 8
    assert any(re.search(rb"[\x80-\xff]", line) for line in continuation)


def test_long_chinese_title_round_trips(run: Runner) -> None:
    data = raw(run("-e", TEXT, "export-ics"))
    title = ("世界互联网大会乌镇峰会：创造互信共治的数字世界——携手共建网络空间命运共同体，"
             "分论坛与发布会全程直播")
    assert str(events_of(data)["chinese@text-demo.wic"]["SUMMARY"]) == title
    parsed = vobject.readOne(data.decode("utf-8"))
    assert parsed.vevent_list[1].summary.value == title
    assert "🙂 emoji too.\nA second paragraph" in parsed.vevent_list[1].description.value


def test_special_characters_escaped_and_round_trip(run: Runner) -> None:
    data = raw(run("-e", TEXT, "export-ics", "-s", "escapes"))
    title = "Panel, Q&A; paths like C:\\temp\\wic and a\nsecond line"
    assert b"SUMMARY:Panel\\, Q&A\\; paths like C:\\\\temp\\\\wic and a\\nsecond line\r\n" in data
    assert str(events_of(data)["escapes@text-demo.wic"]["SUMMARY"]) == title
    assert vobject.readOne(data.decode("utf-8")).vevent.summary.value == title


@pytest.mark.parametrize("text", ["C:\\New\\Name", "a literal \\N and \\n", "\\", "x\\;y\\,"])
def test_backslashes_are_kept_exactly(tmp_path: Path, run: Runner, text: str) -> None:
    """icalendar alone would turn a literal backslash-N into a line break."""
    source = (DATA / "minimal.toml").read_text(encoding="utf-8")
    quoted = text.replace("\\", "\\\\")
    event = write(tmp_path / "bs.toml", source.replace('title = "Keynote"', f'title = "{quoted}"'))
    data = raw(run("-e", str(event), "export-ics", "-s", "keynote"))
    assert str(events_of(data)["keynote@demo.wic"]["SUMMARY"]) == text
    assert vobject.readOne(data.decode("utf-8")).vevent.summary.value == text


def test_carriage_returns_become_newlines(tmp_path: Path, run: Runner) -> None:
    text = (DATA / "minimal.toml").read_text(encoding="utf-8")
    event = write(tmp_path / "cr.toml", text.replace('title = "Keynote"',
                                                     'title = "Key\\r\\nnote\\rend"'))
    data = raw(run("-e", str(event), "export-ics", "-s", "keynote"))
    assert b"SUMMARY:Key\\nnote\\nend\r\n" in data


# --------------------------------------------------------------------------- UIDs, filters


def test_uids_equal_across_filtered_and_full_exports(run: Runner) -> None:
    full = events_of(raw(run("export-ics")))
    assert set(full) == {session_uid("wic2018", e["UID"].split("@")[0]) for e in full.values()}
    write(Path("picks.txt"), "# my day\nopening-ceremony\n\nsf-cybersecurity  # keynote\n")
    for args in (["--theme", "security"], ["--day", "2"], ["--kind", "ceremony"],
                 ["--pick", "picks.txt"], ["-s", "plenary", "-s", "opening-ceremony"]):
        part = events_of(raw(run("export-ics", *args)))
        assert part, args
        for uid, vevent in part.items():
            assert vevent.to_ical() == full[uid].to_ical(), args


def test_pick_file_selects_like_the_session_option(run: Runner) -> None:
    write(Path("picks.txt"), "opening-ceremony\nplenary # afternoon\n")
    picked = raw(run("export-ics", "--pick", "picks.txt", "--name", "x", environ=EPOCH))
    named = raw(run("export-ics", "-s", "plenary", "-s", "opening-ceremony", "--name", "x",
                    environ=EPOCH))
    assert picked == named


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (None, 1, "no such pick file"),
        ("# nothing here\n\n", 2, "lists no session ids"),
        ("opening-ceremony\nno-such-session\n", 1, "no session with id 'no-such-session'"),
    ],
)
def test_bad_pick_file(run: Runner, content: str | None, code: int, message: str) -> None:
    if content is not None:
        write(Path("picks.txt"), content)
    result = run("export-ics", "--pick", "picks.txt", "-o", "out.ics")
    assert result.code == code
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert not Path("out.ics").exists()


# --------------------------------------------------------------------------- options


def test_default_name_names_the_filters(run: Runner) -> None:
    def name(*args: str) -> str:
        parsed = vobject.readOne(raw(run("export-ics", *args)).decode("utf-8"))
        assert parsed.contents["name"][0].value == parsed.contents["x-wr-calname"][0].value
        return str(parsed.contents["x-wr-calname"][0].value)

    assert name() == "WIC 2018"
    assert name("--theme", "security", "--day", "2") == \
        "WIC 2018 · Universal Security · 8 November 2018"
    assert name("-s", "opening-ceremony") == "WIC 2018 · Opening ceremony"
    assert name("--name", "My WIC; plan, 2\\3") == "My WIC; plan, 2\\3"


def test_empty_name_is_a_usage_error(run: Runner) -> None:
    result = run("export-ics", "--name", " ")
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "error: --name must not be empty\n"


def test_alarm_before_each_session_but_not_cancelled_ones(run: Runner) -> None:
    found = events_of(raw(run("-e", MINIMAL, "export-ics", "--alarm", "30")))
    (alarm,) = found["keynote@demo.wic"].walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm["TRIGGER"].to_ical() == b"-PT30M"
    assert str(alarm["DESCRIPTION"]) == "Keynote"
    assert found["web-forum@demo.wic"].walk("VALARM") == []
    assert b"VALARM" not in raw(run("-e", MINIMAL, "export-ics"))


def test_output_file_or_stdout(run: Runner) -> None:
    to_stdout = run("export-ics", environ=EPOCH)
    to_dash = run("export-ics", "-o", "-", environ=EPOCH)
    to_file = run("export-ics", "-o", "agenda.ics", environ=EPOCH)
    assert to_file.code == 0
    assert to_file.stdout == ""
    assert to_file.stderr == "wrote 24 events to agenda.ics\n"
    assert Path("agenda.ics").read_bytes() == raw(to_stdout) == raw(to_dash)
    assert [p.name for p in Path().iterdir()] == ["agenda.ics"]  # no temporary file left


def test_writing_into_a_missing_folder_fails_cleanly(run: Runner) -> None:
    result = run("export-ics", "-o", "missing/agenda.ics")
    assert result.code == 1
    assert result.stderr == "error: missing/agenda.ics: cannot write: its folder does not exist\n"
    assert result.stderr.count("\n") == 1


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = write(tmp_path / "agenda.ics", "old")

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("wiccli.output.files.os.replace", broken)
    with pytest.raises(DataError, match="No space left on device"):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["agenda.ics"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "theme"], "--split needs --out-dir"),
        (["--split", "day", "--out-dir", "d", "-o", "x.ics"], "do not go together"),
        (["--out-dir", "d"], "--out-dir is for --split"),
        (["--split", "day", "--out-dir", ""], "--out-dir: give a folder name"),
        (["-o", ""], "-o/--output: give a file name"),
        (["--theme", "nope"], "unknown theme 'nope'"),
        (["--day", "2019-01-01"], "is not a day of WIC 2018"),
    ],
)
def test_usage_errors(run: Runner, args: list[str], message: str) -> None:
    result = run("export-ics", *args)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert list(Path().iterdir()) == []


@pytest.mark.parametrize("args", [["--alarm", "-1"], ["--split", "week", "--out-dir", "d"]])
def test_bad_option_values(run: Runner, args: list[str]) -> None:
    result = run("export-ics", *args)
    assert result.code == 2
    assert result.stdout == ""
    assert list(Path().iterdir()) == []


def test_agenda_does_not_import_icalendar() -> None:
    code = ("import sys\nfrom wiccli.cli.main import main\n"
            "main(['agenda', '-f', 'json'])\n"
            "print('icalendar' in sys.modules, 'wiccli.ics' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "NO_COLOR": "1"})
    assert done.stderr.strip() == "False False"


# --------------------------------------------------------------------------- --split


def split(run: Runner, *args: str, event: str | None = None) -> tuple[Result, dict[str, bytes]]:
    result = run(*(["-e", event] if event else []), "export-ics", *args, environ=EPOCH)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    files = {p.name: p.read_bytes() for p in Path("out").iterdir()}
    assert [p.name for p in Path().iterdir()] == ["out"]  # nothing beside --out-dir
    return result, files


def test_split_by_theme(run: Runner) -> None:
    result, files = split(run, "--split", "theme", "--out-dir", "out")
    assert sorted(files) == ["better-life.ics", "innovation.ics", "no-theme.ics",
                             "openness.ics", "prosperity.ics", "security.ics"]
    assert result.stderr == "wrote 24 events to 6 files in out\n"
    security = icalendar.Calendar.from_ical(files["security.ics"])
    assert str(security["X-WR-CALNAME"]) == "WIC 2018 · Universal Security"
    full = events_of(raw(run("export-ics", "--theme", "security", environ=EPOCH)))
    assert events_of(files["security.ics"]).keys() == full.keys()
    assert sum(len(events_of(data)) for data in files.values()) == 24


def test_split_by_day_puts_a_multi_day_session_on_each_day(run: Runner) -> None:
    _, files = split(run, "--split", "day", "--out-dir", "out", "--kind", "expo",
                     "--kind", "ceremony")
    assert sorted(files) == ["2018-11-07.ics", "2018-11-08.ics", "2018-11-09.ics"]
    for data in files.values():
        assert "light-of-internet-expo@wic2018.wic" in events_of(data)
    name = icalendar.Calendar.from_ical(files["2018-11-08.ics"])["X-WR-CALNAME"]
    assert str(name) == "WIC 2018 · ceremony + expo · 8 November 2018"


def test_split_by_session(run: Runner) -> None:
    _, files = split(run, "--split", "session", "--out-dir", "out", "--day", "1")
    assert sorted(files) == ["light-of-internet-expo.ics", "opening-ceremony.ics",
                             "plenary.ics"]
    assert list(events_of(files["plenary.ics"])) == ["plenary@wic2018.wic"]


def test_split_with_reserved_and_long_ids_stays_in_out_dir(run: Runner) -> None:
    _, files = split(run, "--split", "session", "--out-dir", "out", event=RESERVED)
    assert {"con_.ics", "aux_.ics", "com1_.ics"} <= set(files)
    assert len(files) == 4
    assert all(len(name) <= 90 for name in files)
    _, themes = split(run, "--split", "theme", "--out-dir", "out", event=RESERVED)
    assert {"nul_.ics", "lpt1_.ics", "no-theme.ics"} <= set(themes)


def test_split_into_a_file_is_an_error(run: Runner) -> None:
    write(Path("out"), "not a folder")
    result = run("export-ics", "--split", "day", "--out-dir", "out")
    assert result.code == 1
    assert result.stderr == "error: out: is a file, not a folder\n"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("../x", "x.ics"),
        ("/etc/passwd", "etc_passwd.ics"),
        ("a\\b", "a_b.ics"),
        ("CON", "con_.ics"),
        ("nul", "nul_.ics"),
        ("Com1", "com1_.ics"),
        ("LPT9", "lpt9_.ics"),
        ("con.txt", "con_txt.ics"),
        ("", "unnamed.ics"),
        ("..", "unnamed.ics"),
        ("...", "unnamed.ics"),
        ("  ", "unnamed.ics"),
        ("C:\\Windows\\system32", "c_windows_system32.ics"),
        ("a\x00b", "a_b.ics"),
        ("乌镇", "unnamed.ics"),
        ("Café-Forum", "cafe-forum.ics"),
        ("2018-11-08", "2018-11-08.ics"),
    ],
)
def test_safe_file_name(stem: str, expected: str) -> None:
    assert safe_file_name(stem, ".ics") == expected


def test_long_file_names_are_cut_and_stay_distinct() -> None:
    first = safe_file_name("x" * 300 + "a", ".ics")
    second = safe_file_name("x" * 300 + "b", ".ics")
    assert first != second
    assert len(first) <= MAX_STEM + len(".ics")


def test_clashing_names_are_numbered() -> None:
    assert unique_file_names(["a/b", "a_b", "A-B", "a-b"], ".ics") == [
        "a_b.ics", "a_b-2.ics", "a-b.ics", "a-b-2.ics"]


@given(st.text())
def test_any_stem_gives_a_plain_name_inside_the_folder(stem: str) -> None:
    name = safe_file_name(stem, ".ics")
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.ics", name)
    assert name.split(".")[0] not in {"con", "prn", "aux", "nul", "com1", "lpt1"}
    folder = Path("/tmp/out-dir")
    assert inside(folder, name).parent == folder


@pytest.mark.parametrize("name", ["../x.ics", "/etc/passwd", "a\\b.ics", "", "..", "a/b"])
def test_inside_refuses_names_that_leave_the_folder(tmp_path: Path, name: str) -> None:
    with pytest.raises(DataError, match="refusing to write"):
        inside(tmp_path, name)


def test_inside_refuses_a_symlink_pointing_out(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "x.ics").symlink_to(tmp_path / "elsewhere.ics")
    with pytest.raises(DataError, match="outside"):
        inside(folder, "x.ics")


def test_a_symlink_stays_a_link(run: Runner) -> None:
    write(Path("real.ics"), "old")
    Path("link.ics").symlink_to("real.ics")
    result = run("export-ics", "-o", "link.ics", environ=EPOCH)
    assert result.code == 0
    assert Path("link.ics").is_symlink()
    assert Path("real.ics").read_bytes() == raw(run("export-ics", environ=EPOCH))


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, b"BEGIN:VCALENDAR\r\n")
    reader.join(timeout=10)
    assert received == [b"BEGIN:VCALENDAR\r\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(",;:\\\n\"")


@given(title=st.text(TEXT_CHARS, min_size=1, max_size=200),
       about=st.text(TEXT_CHARS, max_size=400))
def test_any_text_is_folded_and_round_trips(title: str, about: str) -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from wiccli.event.model import Event, Session

    start = datetime(2025, 3, 29, 9, tzinfo=UTC)
    session = Session(id="s", title=title, kind="talk", start=start,
                      end=start.replace(hour=10), description=about)
    event = Event(id="demo", name="Demo", timezone="UTC", start=date(2025, 3, 29),
                  end=date(2025, 3, 29), sessions=(session,))
    spec = ics.CalendarSpec(name=title, description="d", stamp=start)
    data = ics.calendar_bytes(event, [session], spec, ZoneInfo("UTC"))
    for line in lines_of(data):
        assert len(line) <= 75
        assert b"\r" not in line
        assert b"\n" not in line
        line.decode("utf-8")
    (vevent,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    if about.strip():
        assert str(vevent["DESCRIPTION"]) == about.strip()
    parsed = vobject.readOne(data.decode("utf-8"))
    assert parsed.vevent.summary.value == title
    assert parsed.contents["x-wr-calname"][0].value == title


def test_sessions_without_theme_never_join_a_theme_called_no_theme() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from wiccli.event.model import Event, Session, Theme

    start = datetime(2025, 3, 29, 9, tzinfo=UTC)
    themed = Session(id="a", title="A", kind="talk", start=start, end=start.replace(hour=10),
                     theme="no-theme")
    loose = Session(id="b", title="B", kind="talk", start=start, end=start.replace(hour=10))
    event = Event(id="e", name="E", timezone="UTC", start=date(2025, 3, 29),
                  end=date(2025, 3, 29), themes=(Theme("no-theme", "Called no-theme"),),
                  sessions=(themed, loose))
    parts = ics.split_sessions(event, [themed, loose], "theme", ZoneInfo("UTC"))
    assert [(p.label, [s.id for s in p.sessions]) for p in parts] == [
        ("Called no-theme", ["a"]), ("Other sessions", ["b"])]
    assert unique_file_names((p.stem for p in parts), ".ics") == ["no-theme.ics", "no-theme-2.ics"]


def test_export_is_one_call_that_reports_what_it_wrote(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from wiccli.event.load import load_event
    from wiccli.event.query import Filters
    from wiccli.publish.calendars import Request, export

    event = load_event(DATA / "publish-small.toml")
    sessions = list(event.sessions)
    place = {"zone": ZoneInfo(event.timezone), "cwd": tmp_path, "environ": {},
             "now": lambda: datetime(2025, 6, 1, tzinfo=UTC)}
    out = export(event, Request(sessions, Filters()), **place)
    assert (out.events, out.files, out.where) == (len(sessions), (), "stdout")
    assert out.data is not None
    assert out.data.count(b"BEGIN:VEVENT\r\n") == len(sessions)
    assert list(tmp_path.iterdir()) == []
    split = export(event, Request(sessions, Filters(), split="theme", out_dir="by-theme"), **place)
    assert split.data is None
    assert split.where == "by-theme"
    assert sorted(split.files) == sorted(f"by-theme/{p.name}"
                                         for p in (tmp_path / "by-theme").iterdir())
    one = export(event, Request(sessions, Filters(), output="all.ics"), **place)
    assert (one.files, (tmp_path / "all.ics").read_bytes()) == (("all.ics",), out.data)
