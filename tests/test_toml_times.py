"""Times as TOML allows them: a time without seconds is a syntax error in TOML 1.0, and
wic says what to write instead, with the line and the column where the time starts."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import DATA, Runner, write
from wiccli.event.tomltime import time_hint

MINIMAL = (DATA / "minimal.toml").read_text(encoding="utf-8")
START = "start = 2025-03-29T09:00:00"  # the keynote's start: line 25 of minimal.toml
LINE = MINIMAL.splitlines().index(START) + 1



def _reads_toml_1_1() -> bool:
    try:
        tomllib.loads("t = 2027-05-14T09:30")
    except tomllib.TOMLDecodeError:
        return False
    return True  # pragma: no cover


if _reads_toml_1_1():  # pragma: no cover
    pytest.skip("this Python's tomllib reads TOML 1.1, where seconds are optional",
                allow_module_level=True)


def event_with(tmp_path: Path, value: str) -> Path:
    return write(tmp_path / "e.toml", MINIMAL.replace(START, f"start = {value}"))


@pytest.mark.parametrize(("written", "column", "fixed"), [
    ("2027-05-14T09:30", 9, "2027-05-14T09:30:00"),
    ("2027-05-14 09:30", 9, "2027-05-14 09:30:00"),
    ("2027-05-14T09:30+02:00", 9, "2027-05-14T09:30:00+02:00"),
    ("2027-05-14T09:30Z", 9, "2027-05-14T09:30:00Z"),
    ("09:30", 9, "09:30:00"),
    ("[2027-05-14T09:30]", 10, "2027-05-14T09:30:00"),
    ("2027-05-14T9:30:00", 9, "2027-05-14T09:30:00"),
])
def test_a_time_without_seconds_says_what_to_write(run: Runner, tmp_path: Path, written: str,
                                                    column: int, fixed: str) -> None:
    event_with(tmp_path, written)
    result = run("-e", "e.toml", "agenda")
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"error: e.toml:{LINE}:{column}: a time needs ")
    assert result.stderr.rstrip().endswith(f": write {fixed}")
    # What it says to write is TOML that reads.
    assert tomllib.loads(f"t = {fixed}")["t"]


def test_validate_reports_it_with_line_and_column(run: Runner, tmp_path: Path) -> None:
    event_with(tmp_path, "2027-05-14T09:30")
    result = run("validate", "e.toml", "-f", "json")
    assert result.code == 1
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["line"], error["column"]) == (LINE, 9)
    assert error["message"] == ("a time needs seconds in TOML 1.0: "
                                "write 2027-05-14T09:30:00")


@pytest.mark.parametrize("line", [
    'title = "Meet at 09:30',       # an unclosed string: about the string, not the time
    "start = 2027-05-14T09:30:00 x",  # a good time, then something else
    "start = 2027-05-14T09:30:00:00",
])
def test_other_syntax_errors_keep_tomllib_s_message(run: Runner, tmp_path: Path,
                                                    line: str) -> None:
    write(tmp_path / "e.toml", MINIMAL.replace(START, line))
    result = run("-e", "e.toml", "agenda")
    assert result.code == 1
    assert "needs seconds" not in result.stderr
    assert "two-digit" not in result.stderr


def test_init_shows_the_accepted_forms_and_they_validate(run: Runner, tmp_path: Path) -> None:
    assert run("init", "--name", "Demo", "--start", "2027-05-14", "--end", "2027-05-15").code == 0
    text = (tmp_path / "wic.toml").read_text(encoding="utf-8")
    forms = re.findall(r"2027-05-14T[\d:]+(?:Z|[+-]\d\d:\d\d)?", text.split("[event]")[0])
    assert {f[-1] for f in forms} >= {"0", "Z"}  # local, with an offset, in UTC
    assert any("+" in f for f in forms)
    for form in forms:
        assert tomllib.loads(f"t = {form}")["t"]


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["", "Z", "+05:30", "-08:00"]),
       st.sampled_from(["T", " "]), st.booleans())
def test_every_short_time_gets_a_suggestion_that_parses(hour: int, minute: int, offset: str,
                                                        sep: str, dated: bool) -> None:
    written = f"{'2027-05-14' + sep if dated else ''}{hour:02d}:{minute:02d}{offset}"
    if not dated and offset:
        return  # not a TOML form with or without seconds
    text = f"a = 1\nkey = {written}\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        position = re.search(r"line (\d+), column (\d+)", str(exc))
        assert position
        hint = time_hint(text, int(position[1]), int(position[2]))
        assert hint is not None
        message, line, column = hint
        assert (line, column) == (2, 7)
        fixed = message.rsplit("write ", 1)[1]
        assert tomllib.loads(f"t = {fixed}")["t"]
    else:  # pragma: no cover
        pytest.fail(f"{written} should not parse in TOML 1.0")


def test_a_hand_written_ledger_gets_the_same_advice(run: Runner, tmp_path: Path) -> None:
    text = (DATA / "ledger-hand-written.toml").read_text(encoding="utf-8")
    ledger = write(tmp_path / "guests.toml",
                   text.replace("created = 2018-09-01T09:00:00Z", "created = 2018-09-01T09:00Z",
                                1))
    result = run("invites", "--ledger", str(tmp_path / "g.db"), "import", str(ledger))
    assert result.code == 1
    assert result.stderr == (f"error: {ledger}:11:11: a time needs seconds in TOML 1.0: "
                             "write 2018-09-01T09:00:00Z\n")
    assert not (tmp_path / "g.db").exists()
