"""Unicode where ASCII was assumed, and one rule per option in every command.

``--day ²`` (a superscript digit passes ``isdigit()``) gave a traceback; ``--day ''``
listed every day in ``agenda`` but was a usage error in ``export-ics``; ``--tz ''``
silently meant the event's zone; a NUL inside a CSV name was stored and exported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import refused, schedule_json

DAY_COMMANDS = [["agenda"], ["forums"], ["grid"], ["export-ics"], ["export-frab"]]
LEDGER = ["invites", "--ledger", "guests.invites.toml"]


@pytest.mark.parametrize("command", DAY_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("day", ["²", "١", "٣"])
def test_day_takes_ascii_digits_only(run: Runner, command: list[str], day: str) -> None:
    err = refused(run(*command, "--day", day), 2)
    assert f"--day: {day!r} is not a date; use YYYY-MM-DD, a day number (1–3)" in err


@pytest.mark.parametrize("command", DAY_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("day", ["", "  "])
def test_an_empty_day_is_a_usage_error_everywhere(
    run: Runner, command: list[str], day: str
) -> None:
    err = refused(run(*command, "--day", day), 2)
    assert "--day: the value is empty; use YYYY-MM-DD" in err


@pytest.mark.parametrize("command", [["agenda"], ["show", "opening-ceremony"], ["grid"],
                                     ["now"], ["site", "--out-dir", "site"]], ids=" ".join)
@pytest.mark.parametrize("zone", ["", " "])
def test_an_empty_tz_is_a_usage_error(run: Runner, command: list[str], zone: str) -> None:
    err = refused(run(*command, "--tz", zone), 2)
    assert "--tz: the value is empty; use an IANA name such as 'Europe/Berlin'" in err


def test_an_empty_timezone_for_import_is_a_usage_error(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "schedule.json", schedule_json())
    err = refused(run("import", str(source), "--timezone", "", "-o", "out.toml"), 2)
    assert "--timezone: the value is empty" in err
    assert not (tmp_path / "out.toml").exists()


@pytest.mark.parametrize(("option", "value"), [
    ("--timezone", ""), ("--timezone", " "), ("--start", ""), ("--end", ""),
])
def test_init_options_follow_the_same_rules(
    run: Runner, tmp_path: Path, option: str, value: str
) -> None:
    args = {"--name": "X", "--start": "2026-01-01", "--end": "2026-01-02", "--timezone": "UTC"}
    args[option] = value
    err = refused(run("init", *(part for pair in args.items() for part in pair)), 2)
    assert err.startswith(f"error: {option}: ")
    assert not (tmp_path / "wic.toml").exists()


@pytest.mark.parametrize(("column", "value"), [
    ("name", "Ann\x00Smith"), ("name", "Ann\x1b[31mSmith"), ("organization", "ACME\x07"),
    ("name", "Ann\nSmith"), ("email", "ann\x00@example.org"), ("note", "a\x00b"),
])
def test_control_characters_in_csv_cells_are_refused(
    run: Runner, tmp_path: Path, column: str, value: str
) -> None:
    quoted = '"' + value + '"'
    row = {"name": "Ann", "organization": "ACME", "email": "ann@example.org", "note": ""}
    row[column] = quoted
    source = tmp_path / "guests.csv"
    source.write_bytes(("name,category,country,organization,email,note\n"
                        f"{row['name']},experts,DE,{row['organization']},{row['email']},"
                        f"{row['note']}\n").encode())
    err = refused(run(*LEDGER, "import", str(source)), 1)
    assert "guests.csv:2:" in err
    assert "control character" in err or "is not an e-mail address" in err
    assert not (tmp_path / "guests.invites.toml").exists()


def test_a_note_may_hold_line_breaks(run: Runner, tmp_path: Path) -> None:
    source = write(tmp_path / "guests.csv", 'name,category,country,note\n'
                                            'Ann,experts,DE,"first line\nsecond line"\n')
    result = run(*LEDGER, "import", str(source))
    assert result.code == 0, result.stderr


@pytest.mark.parametrize(("option", "value"), [
    ("NAME", "Ann\x00"), ("--org", "ACME\x1b]0;x\x07"), ("--note", "a\x00b"),
])
def test_control_characters_in_add_are_refused(
    run: Runner, tmp_path: Path, option: str, value: str
) -> None:
    args = {"NAME": "Ann", "--org": "ACME", "--note": "hi"}
    args[option] = value
    err = refused(run(*LEDGER, "add", args["NAME"], "-c", "experts", "--country", "DE",
                      "--org", args["--org"], "--note", args["--note"]), 2)
    assert f"{option}: contains a control character" in err
    assert not (tmp_path / "guests.invites.toml").exists()


@pytest.mark.parametrize(("option", "value"), [("--every", "²"), ("--every", "٣"),
                                               ("--at", "9999-12-31T23:00")])
def test_now_options_follow_the_same_rules(run: Runner, option: str, value: str) -> None:
    extra = ["--watch"] if option == "--every" else []
    err = refused(run("now", option, value, *extra), 2)
    assert err.startswith(f"error: {option}: ")
