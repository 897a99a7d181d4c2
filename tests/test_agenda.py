"""The reading commands through the real entry point: info, themes, forums, agenda, show."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import DATA, Runner, write

CONTRACT = {"id", "title", "kind", "theme", "theme_name", "venue", "venue_name", "start", "end",
            "status", "provisional"}


def test_version(run: Runner) -> None:
    result = run("--version")
    assert result.code == 0
    assert result.stdout.startswith("wic ")


def test_no_arguments_shows_help(run: Runner) -> None:
    result = run()
    assert result.code == 2
    assert "agenda" in result.stdout + result.stderr


def test_bundled_facts(run: Runner) -> None:
    sessions = json.loads(run("agenda", "-f", "json").stdout)
    forums = [s for s in sessions if s["kind"] == "sub-forum"]
    assert len(forums) == 19
    assert {s["theme"] for s in forums} == {
        "innovation", "security", "openness", "better-life", "prosperity"}
    opening = next(s for s in sessions if s["id"] == "opening-ceremony")
    assert opening["start"] == "2018-11-07T10:30:00+08:00"
    assert opening["venue_name"].startswith("Wuzhen International Internet")
    themes = json.loads(run("themes", "-f", "json").stdout)
    assert [t["name"] for t in themes] == [
        "Innovation-driven Development", "Universal Security", "Openness and Inclusiveness",
        "In Pursuit of a Better Life", "Common Prosperity"]
    assert sum(t["sub_forums"] for t in themes) == 19


def test_only_published_forum_name_is_not_provisional_title(run: Runner) -> None:
    forums = json.loads(run("forums", "-f", "json").stdout)
    silk = [f for f in forums if "Digital Silk Road" in f["title"]]
    assert len(silk) == 1
    assert silk[0]["day"] == "2018-11-08"
    # Every bundled forum's time is an estimate, so each says so.
    assert all(f["provisional"] for f in forums)


def test_info_names_the_bundled_file(run: Runner) -> None:
    result = run("info")
    assert result.code == 0
    assert "(bundled)" in result.stdout
    assert "Asia/Shanghai" in result.stdout
    data = json.loads(run("info", "-f", "json").stdout)
    assert data["source"] == "bundled"
    assert data["invitation_target"] == 1500
    assert len(data["invitation_categories"]) == 4
    assert data["days"] == ["2018-11-07", "2018-11-08", "2018-11-09"]
    assert data["sessions_by_kind"]["sub-forum"] == 19


def test_json_contract(run: Runner) -> None:
    result = run("agenda", "--day", "2018-11-08", "-f", "json")
    assert result.code == 0
    assert result.stderr == ""
    sessions = json.loads(result.stdout)
    assert sessions
    for session in sessions:
        assert CONTRACT <= session.keys()
        assert isinstance(session["provisional"], bool)
        assert session["status"] in ("confirmed", "tentative", "cancelled")
        assert session["start"].endswith("+08:00")
    starts = [s["start"] for s in sessions]
    assert starts == sorted(starts)


@pytest.mark.parametrize("command", ["agenda", "forums", "themes"])
def test_jsonl_is_one_object_a_line(run: Runner, command: str) -> None:
    result = run(command, "-f", "jsonl")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert len(lines) == len(json.loads(run(command, "-f", "json").stdout))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_has_header(run: Runner, fmt: str) -> None:
    result = run("agenda", "-d", "2", "-f", fmt)
    assert result.code == 0
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="," if fmt == "csv" else "\t"))
    header = rows[0]
    assert {"id", "title", "start", "end", "theme_name"} <= set(header)
    sessions = json.loads(run("agenda", "-d", "2", "-f", "json").stdout)
    assert [r[header.index("id")] for r in rows[1:]] == [s["id"] for s in sessions]


def test_tsv_cells_have_no_tabs_or_newlines(run: Runner, tmp_path: Path) -> None:
    text = (DATA / "minimal.toml").read_text().replace(
        'title = "Keynote"', 'title = "Key\\tnote\\nline two"')
    event = write(tmp_path / "e.toml", text)
    result = run("-e", str(event), "agenda", "-f", "tsv")
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)


def test_table_piped_has_no_escape_codes(run: Runner) -> None:
    result = run("agenda", "-d", "2")
    assert result.code == 0
    assert "\x1b[" not in result.stdout
    assert "Thursday 8 November 2018" in result.stdout
    assert "Forum on artificial intelligence" in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


COLOUR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7])[;m]")


def test_table_on_terminal_has_style_and_no_colour_with_no_color(run: Runner) -> None:
    styled = run("agenda", "-d", "2", tty=True).stdout
    assert "\x1b[1m" in styled  # bold headings on a terminal
    plain = run("agenda", "-d", "2", tty=True, environ={"NO_COLOR": "1"}).stdout
    assert not COLOUR.search(plain)


@pytest.mark.parametrize(("day", "expected"), [
    ("2018-11-07", "2018-11-07"), ("1", "2018-11-07"), ("3", "2018-11-09"),
    ("today", "2018-11-08"), ("tomorrow", "2018-11-09"),
])
def test_day_forms(run: Runner, day: str, expected: str) -> None:
    sessions = json.loads(run("agenda", "--day", day, "-f", "json").stdout)
    assert sessions
    assert all(s["day"] == expected or s["kind"] == "expo" for s in sessions)


def test_multi_day_session_shows_on_each_day(run: Runner) -> None:
    for day in ("1", "2", "3"):
        ids = [s["id"] for s in json.loads(run("agenda", "-d", day, "-f", "json").stdout)]
        assert "light-of-internet-expo" in ids


@pytest.mark.parametrize("day", ["2018-11-10", "4", "0", "yesterday", "2018-13-01"])
def test_day_outside_event_is_usage_error(run: Runner, day: str) -> None:
    result = run("agenda", "--day", day)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_day_outside_event_names_its_days(run: Runner) -> None:
    result = run("agenda", "--day", "2018-11-10")
    assert "2018-11-07" in result.stderr
    assert "2018-11-09" in result.stderr


def test_today_outside_event(run: Runner) -> None:
    from datetime import UTC, datetime

    result = run("agenda", "--day", "today", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert result.code == 2
    assert "not a day of WIC 2018" in result.stderr


@pytest.mark.parametrize(("value", "theme"), [
    ("security", "security"), ("universal security", "security"), ("UNIV", "security"),
    ("in pursuit", "better-life"), ("comm", "prosperity"),
])
def test_theme_matching(run: Runner, value: str, theme: str) -> None:
    sessions = json.loads(run("agenda", "--theme", value, "-f", "json").stdout)
    assert sessions
    assert {s["theme"] for s in sessions} == {theme}


def test_unknown_theme_lists_choices(run: Runner) -> None:
    result = run("forums", "--theme", "blockchain")
    assert result.code == 2
    assert "unknown theme 'blockchain'" in result.stderr
    assert "innovation" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_kind_and_venue_filters(run: Runner) -> None:
    sessions = json.loads(run("agenda", "--kind", "release", "-f", "json").stdout)
    assert [s["kind"] for s in sessions] == ["release", "release"]
    at_center = json.loads(run("agenda", "--venue", "wuzhen intern", "-f", "json").stdout)
    assert {s["venue"] for s in at_center} == {"convention-center"}
    assert run("agenda", "--kind", "party").code == 2


def test_tz_option(run: Runner) -> None:
    sessions = json.loads(run("agenda", "--tz", "UTC", "-d", "1", "-f", "json").stdout)
    opening = next(s for s in sessions if s["id"] == "opening-ceremony")
    assert opening["start"] == "2018-11-07T02:30:00+00:00"
    result = run("agenda", "--tz", "Mars/Olympus")
    assert result.code == 2
    assert "unknown time zone" in result.stderr


def test_forums_grouped_by_theme(run: Runner) -> None:
    result = run("forums")
    assert result.code == 0
    positions = [result.stdout.index(name) for name in (
        "Innovation-driven Development (4)", "Universal Security (4)",
        "Openness and Inclusiveness (4)", "In Pursuit of a Better Life (4)",
        "Common Prosperity (3)")]
    assert positions == sorted(positions)
    day3 = json.loads(run("forums", "-d", "3", "-f", "json").stdout)
    assert day3
    assert all(s["start"].startswith("2018-11-09T09") for s in day3)


def test_show(run: Runner) -> None:
    result = run("show", "opening-ceremony")
    assert result.code == 0
    assert "10:30" in result.stdout
    assert "provisional" in result.stdout
    data = json.loads(run("show", "opening-ceremony", "-f", "json").stdout)
    assert data["start"] == "2018-11-07T10:30:00+08:00"
    assert data["provisional"] is True


def test_show_unknown_id(run: Runner) -> None:
    result = run("show", "closing-gala")
    assert result.code == 1
    assert result.stderr.startswith("error: no session with id 'closing-gala'")


def test_cancelled_sessions_stay_visible(run: Runner) -> None:
    event = str(DATA / "minimal.toml")
    table = run("-e", event, "agenda").stdout
    assert "CANCELLED: Forum on the Web" in table
    data = json.loads(run("-e", event, "agenda", "-f", "json").stdout)
    assert [s["status"] for s in data] == ["confirmed", "cancelled"]


def test_event_resolution_order(run: Runner, tmp_path: Path) -> None:
    local = write(tmp_path / "wic.toml", (DATA / "minimal.toml").read_text())
    assert json.loads(run("info", "-f", "json").stdout)["id"] == "demo"
    other = write(tmp_path / "other.toml", (DATA / "minimal.toml").read_text().replace(
        'id = "demo"', 'id = "other"'))
    assert json.loads(run("info", "-f", "json", environ={"WIC_EVENT": str(other)})
                      .stdout)["id"] == "other"
    explicit = json.loads(run("-e", str(DATA / "minimal.toml"), "info", "-f", "json",
                              environ={"WIC_EVENT": str(other)}).stdout)
    assert explicit["id"] == "demo"
    local.unlink()
    assert json.loads(run("info", "-f", "json").stdout)["id"] == "wic2018"


def test_broken_event_is_reported_without_traceback(run: Runner, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", "[event]\nid = \n")
    result = run("-e", str(bad), "agenda")
    assert result.code == 1
    assert result.stderr.startswith(f"error: {bad}:2:")
    assert "Traceback" not in result.stderr


def test_debug_shows_traceback(run: Runner, tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", "[event]\nid = \n")
    result = run("--debug", "-e", str(bad), "agenda")
    assert result.code == 1
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert "\nwiccli.errors." in result.stderr
    assert result.stderr.splitlines()[-1].startswith(f"error: {bad}:2:")


@pytest.mark.parametrize(("args", "message"), [
    # Click's words; releases of Click (Typer's, or its own copy) quote the option differently.
    (["agenda", "--bogus"], r"error: No such option(: --bogus| '--bogus'\.) "
                            r"\(see 'wic agenda --help'\)"),
    (["agenda", "-f", "xml"], r"error: Invalid value for '--format' / '-f'"),
    (["show"], r"error: Missing argument 'ID'\."),
    (["nocommand"], r"error: No such command 'nocommand'\."),
])
def test_usage_errors_are_one_line(run: Runner, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.code == 2
    assert result.stdout == ""
    assert re.match(message, result.stderr), result.stderr
    assert len(result.stderr.splitlines()) == 1
