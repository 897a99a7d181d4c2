"""Listings that stream: `wic invites list` writes each entry as the ledger sends it, with
the filters in the query, and a reader that goes away (`| head`) ends wic quietly with
exit 0, whatever was written before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import ROOT, LedgerUnderTest, Runner
from test_ledger_tampered import tamper

GUESTS = 1200  # a few batches of rows (the store fetches 512 at a time on SQLite)


def guests_toml(folder: Path, entries: int = GUESTS) -> Path:
    """A generated ledger of the bundled event: every status, changes over two years."""
    target = folder / "guests.toml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "ledger",
                    "--entries", str(entries), "--event-id", "wic2018", "-o", str(target)],
                   check=True, capture_output=True)
    return target


def filled(run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> list[dict[str, object]]:
    done = run(*ledger.args(), "import", str(guests_toml(tmp_path)))
    assert done.code == 0, done.stderr
    listed = run(*ledger.args(), "list", "-f", "jsonl")
    return [json.loads(line) for line in listed.stdout.splitlines()]


def wic_into_closed_pipe(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    """Run wic as a process whose stdout is a pipe nobody reads any more."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before wic writes its first byte
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), XDG_DATA_HOME=str(tmp_path / "data"))
    try:
        return subprocess.run([sys.executable, "-m", "wiccli", *argv], stdout=write,
                              stderr=subprocess.PIPE, cwd=tmp_path, env=env, check=False,
                              timeout=120)
    finally:
        os.close(write)


@pytest.mark.parametrize("argv", [["agenda"], ["agenda", "-f", "json"], ["forums"],
                                  ["agenda", "-f", "csv", "--day", "2"]])
def test_a_closed_pipe_ends_quietly_with_exit_0(argv: list[str], tmp_path: Path) -> None:
    done = wic_into_closed_pipe(argv, tmp_path)
    assert (done.returncode, done.stderr) == (0, b"")


def test_a_closed_pipe_after_a_big_listing_ends_the_same(big_event_file: Path,
                                                         tmp_path: Path) -> None:
    for argv in (["agenda"], ["agenda", "-f", "jsonl"]):  # Click's own EPIPE exit is 1
        done = wic_into_closed_pipe(["-e", str(big_event_file), *argv], tmp_path)
        assert (done.returncode, done.stderr) == (0, b""), argv


def test_a_closed_pipe_still_ends_a_listing_of_the_ledger(run: Runner, tmp_path: Path) -> None:
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "guests.invites.db"))
    filled(run, ledger, tmp_path)
    for fmt in ("jsonl", "json", "csv", "tsv", "table"):
        done = wic_into_closed_pipe([*ledger.args(), "list", "-f", fmt], tmp_path)
        assert (done.returncode, done.stderr) == (0, b""), fmt


def test_a_bad_row_late_in_the_listing_stops_it_there(run: Runner, ledger: LedgerUnderTest,
                                                      tmp_path: Path) -> None:
    """Rows are written as they come (a batch at a time): most of those before a row that
    breaks a rule are out already when it is reached; then the one error, exit 1."""
    entries = filled(run, ledger, tmp_path)
    bad = entries[-5]["id"]
    tamper(ledger, f"UPDATE entries SET status = 'hacked' WHERE id = '{bad}'")
    result = run(*ledger.args(), "list", "-f", "jsonl")
    assert result.code == 1
    assert result.stderr.startswith(f"error: {ledger.location}: entry {bad!r}: status: ")
    assert len(result.stderr.splitlines()) == 1
    written = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert 0 < len(written) < len(entries) - 5
    assert written == [e["id"] for e in entries[:len(written)]]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "markdown", "table"])
def test_the_filters_in_the_query_keep_what_the_model_keeps(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path, fmt: str) -> None:
    """Every filter (and --stale with a status it cannot keep) gives the entries
    and the exact text the whole list, filtered here, gives."""
    entries = filled(run, ledger, tmp_path)
    some = entries[7]
    later = datetime(2019, 6, 1, tzinfo=UTC)  # the generated changes run to 2020
    word = str(some["name"]).split()[-1].upper()  # any case, folded
    cases: list[tuple[list[str], object]] = [
        (["--status", "invited"], lambda e: e["status"] == "invited"),
        (["-c", str(some["category"]), "--country", str(some["country"])],
         lambda e: (e["category"], e["country"]) == (some["category"], some["country"])),
        (["--search", word], lambda e: word.casefold() in "\n".join(
            str(e[k]) for k in ("name", "organization", "email", "note")).casefold()),
        (["--stale", "30"], lambda e: e["status"] in ("invited", "tentative")
         and datetime.fromisoformat(str(e["updated"])) < later - timedelta(days=30)),
        (["--stale", "0", "--status", "accepted"], lambda e: False),
    ]
    for options, keeps in cases:
        kept = [e["id"] for e in entries if keeps(e)]  # type: ignore[operator]
        listed = run(*ledger.args(), "list", *options, "-f", "jsonl", now=later)
        assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == kept, options
        assert 0 < len(kept) < len(entries) or options[-1] == "accepted", options
        ids = run(*ledger.args(), "list", *options, "-f", fmt, now=later)
        assert ids.code == 0, ids.stderr
        for entry_id in kept:
            assert str(entry_id) in ids.stdout, (options, fmt)
