"""Numbers beyond what the formats hold are refused where they enter.

``sequence = 2147483648`` used to validate and then crash ``export-ics`` (iCalendar
integers are 32-bit); a quantity of 10^23 was stored; ``--stale 99999999``
overflowed Python's dates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import MINIMAL, refused

LEDGER = ["invites", "--ledger", "guests.invites.toml"]


def with_sequence(value: str) -> str:
    return MINIMAL.replace('status = "cancelled"', f'status = "cancelled"\nsequence = {value}')


@pytest.mark.parametrize("command", [["export-ics"], ["agenda"], ["validate", "wic.toml"]])
def test_a_sequence_beyond_32_bits_is_refused_on_load(
    run: Runner, tmp_path: Path, command: list[str]
) -> None:
    write(tmp_path / "wic.toml", with_sequence("2147483648"))
    result = run(*command)
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert "sessions[1].sequence: must be from 0 to 2,147,483,647, got 2147483648" \
        in result.stderr


def test_the_largest_sequence_exports(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "wic.toml", with_sequence("2147483647"))
    result = run("export-ics")
    assert result.code == 0, result.stderr
    assert "SEQUENCE:2147483647" in result.stdout


@pytest.mark.parametrize(("key", "value"), [
    ("target", "100000000000000000000000"), ("target", "-1"),
])
def test_counts_in_the_event_have_a_range(
    run: Runner, tmp_path: Path, key: str, value: str
) -> None:
    write(tmp_path / "wic.toml", MINIMAL + f"\n[invitations]\n{key} = {value}\n")
    err = refused(run("info"), 1)
    assert f"invitations.{key}: must be from 0 to 1,000,000,000, got {value}" in err


def test_a_huge_quantity_is_refused_by_add(run: Runner, tmp_path: Path) -> None:
    err = refused(run(*LEDGER, "add", "Ann", "-c", "experts", "--country", "DE",
                      "--quantity", str(10**23)), 2)
    assert f"quantity must be a whole number from 1 to 10,000, got {10**23}" in err
    assert not (tmp_path / "guests.invites.toml").exists()


@pytest.mark.parametrize("quantity", [str(10**23), "10001", "0"])
def test_a_huge_quantity_is_refused_by_csv_import(
    run: Runner, tmp_path: Path, quantity: str
) -> None:
    source = write(tmp_path / "guests.csv", "name,category,country,quantity\n"
                                            f"Ann,experts,DE,2\nBob,experts,FR,{quantity}\n")
    err = refused(run(*LEDGER, "import", str(source)), 1)
    assert f"guests.csv:3: quantity must be a whole number from 1 to 10,000, got {quantity}" \
        in err
    assert not (tmp_path / "guests.invites.toml").exists()


@pytest.mark.parametrize("days", ["99999999", "36501", "-1"])
def test_stale_has_a_range(run: Runner, days: str) -> None:
    err = refused(run(*LEDGER, "list", "--stale", days), 2)
    assert f"--stale: days must be from 0 to 36,500, got {days}" in err


def test_the_largest_stale_is_accepted(run: Runner) -> None:
    assert run(*LEDGER, "add", "Ann", "-c", "experts", "--country", "DE").code == 0
    result = run(*LEDGER, "list", "--stale", "36500", "-f", "json")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "[]"
