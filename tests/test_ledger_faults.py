"""The ledger under stress, on both backends: many writers at once, writers killed at
random moments, a full disk, two organisers changing one guest at the same time."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BACKENDS, DATA, ROOT, LedgerUnderTest, Runner, make_ledger
from wiccli.invites.backend import ConflictError
from wiccli.invites.store import Store, open_store

TESTS = Path(__file__).resolve().parent
GUESTS = ROOT / "examples" / "wic2018-guests.csv"


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(TESTS)]))
    return env


def listed(run: Runner, ledger: LedgerUnderTest) -> dict[str, dict[str, object]]:
    result = run(*ledger.args(), "export", "-f", "json")
    assert result.code == 0, result.stderr
    return {e["id"]: e for e in json.loads(result.stdout)}


def kept(run: Runner, ledger: LedgerUnderTest) -> dict[str, dict[str, Any]]:
    """Every entry with its history, from one TOML export (the whole ledger, to keep)."""
    result = run(*ledger.args(), "export", "-f", "toml")
    assert result.code == 0, result.stderr
    return {e["id"]: e for e in tomllib.loads(result.stdout).get("invitations", [])}


@pytest.fixture(params=BACKENDS)
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> LedgerUnderTest:
    return make_ledger(request.param, request, tmp_path)


# --------------------------------------------------------------------------- many writers


def test_fifty_writers_at_once_all_land(ledger: LedgerUnderTest, run: Runner,
                                        tmp_path: Path) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-m", "wiccli", *ledger.args(), "add",
                          f"Sample Delegate {n:02d}", "-c", "experts", "--country", "DE",
                          "--email", f"d{n}@example.org"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=child_env(tmp_path), cwd=tmp_path)
        for n in range(50)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0] * 50, [err for _, err in outputs]
    printed = {out.decode().strip() for out, _ in outputs}
    found = listed(run, ledger)
    assert set(found) == printed
    assert len({e["name"] for e in found.values()}) == 50


def test_the_same_guest_added_by_many_at_once_lands_once(ledger: LedgerUnderTest, run: Runner,
                                                         tmp_path: Path) -> None:
    procs = [
        subprocess.Popen([sys.executable, "-m", "wiccli", *ledger.args(), "add",
                          f"Name {n}", "-c", "experts", "--country", "DE",
                          "--email", "same@example.org"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=child_env(tmp_path), cwd=tmp_path)
        for n in range(8)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0] + [1] * 7, [err for _, err in outputs]
    for (_, err), proc in zip(outputs, procs, strict=True):
        if proc.returncode:
            assert err.decode().startswith("error: ")
            assert err.decode().count("\n") == 1
            assert "Traceback" not in err.decode()
    assert len(listed(run, ledger)) == 1


# --------------------------------------------------------------------------- one guest, two


@pytest.fixture(params=BACKENDS)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    from wiccli.cli.state import State

    where = make_ledger(request.param, request, tmp_path).location
    event = State().event()
    with open_store(event, where, {}, tmp_path) as one, \
            open_store(event, where, {}, tmp_path) as two:
        yield one, two


def test_accept_and_decline_at_once_one_wins_the_other_is_told(
        stores: tuple[Store, Store]) -> None:
    from datetime import UTC, datetime

    one, two = stores
    now = datetime(2018, 11, 1, tzinfo=UTC)
    with one.transaction() as tx:
        guest = tx.add({"name": "Sample", "category": "experts", "country": "DE"}, now=now,
                       random_bytes=os.urandom).id
    if one.where.startswith("postgresql"):
        # Both begin and read the guest; the decline commits first; the accept, made on
        # what it read, is refused, and nothing of it is kept.
        def accept_after_a_decline() -> None:
            with one.transaction() as mine:
                mine.find(guest)
                with two.transaction() as theirs:
                    theirs.set_status(guest, "declined", note="", now=now, force=False)
                mine.set_status(guest, "accepted", note="", now=now, force=False)

        with pytest.raises(ConflictError, match="another organiser changed the same guests"):
            accept_after_a_decline()
    else:
        # SQLite: a writer holds the file's write lock from its first statement; the other
        # waits for it and then sees its change (here, not waiting: a short timeout).
        with one.transaction() as mine:
            mine.set_status(guest, "declined", note="", now=now, force=False)
            two.backend.conn.execute("PRAGMA busy_timeout = 50")  # type: ignore[attr-defined]
            with pytest.raises(ConflictError, match="still locked by another wic"):
                with two.transaction() as theirs:
                    theirs.set_status(guest, "accepted", note="", now=now, force=False)
    with two.transaction(write=False) as tx:
        entry = tx.get(guest)
    assert [c.status for c in entry.history] == ["invited", "declined"]
    assert entry.status == "declined"


def test_two_organisers_racing_on_one_guest_never_half_apply(ledger: LedgerUnderTest,
                                                             run: Runner,
                                                             tmp_path: Path) -> None:
    guest = run(*ledger.args(), "add", "Sample", "-c", "experts", "--country", "DE").stdout
    procs = [subprocess.Popen([sys.executable, "-m", "wiccli", *ledger.args(), verb,
                               guest.strip()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=child_env(tmp_path), cwd=tmp_path)
             for verb in ("accept", "decline")]
    errors = [p.communicate(timeout=120)[1].decode() for p in procs]
    landed = [p.returncode == 0 for p in procs]
    assert any(landed)
    for ok, err in zip(landed, errors, strict=True):
        assert ok or "another organiser changed the same guests" in err, err
    history = json.loads(run(*ledger.args(), "history", guest.strip(), "-f", "json").stdout)
    assert len(history) == 1 + sum(landed)
    assert listed(run, ledger)[guest.strip()]["status"] == history[-1]["status"]


# --------------------------------------------------------------------------- kill -9


def kill_loop(ledger: LedgerUnderTest, run: Runner, tmp_path: Path, rounds: int) -> None:
    rng = random.Random(int(os.environ.get("TEST_LEDGER_SEED", "15")))
    reported: list[tuple[str, str]] = []
    for n in range(rounds):
        proc = subprocess.Popen([sys.executable, str(TESTS / "ledger_writer.py"),
                                 ledger.location, f"Writer {n}"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=child_env(tmp_path), cwd=tmp_path)
        time.sleep(rng.uniform(0.2, 0.8))  # start-up, opening, mid-transaction, committing
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL, err.decode()
        # Only whole lines count: a kill may cut the last report short.
        lines = out.decode().split("\n")[:-1]
        reported += [(w, i) for w, i in (line.split(" ", 1) for line in lines)]
        if ledger.backend == "sqlite" and Path(ledger.location).exists():
            with sqlite3.connect(ledger.location) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            conn.close()
    found = kept(run, ledger)  # opens, every time; one export holds every history
    for what, entry in reported:
        assert entry in found, f"{what} {entry} was reported done but is not in the ledger"
        if what == "accepted":
            assert "accepted" in [h["status"] for h in found[entry]["history"]]
    assert reported, "no writer ever got a change done; the loop tested nothing"


def test_writers_killed_at_random_moments_lose_nothing_reported(
        ledger: LedgerUnderTest, run: Runner, tmp_path: Path) -> None:
    kill_loop(ledger, run, tmp_path, rounds=int(os.environ.get("TEST_LEDGER_KILLS", "15")))


@pytest.mark.long
def test_two_hundred_killed_writers_lose_nothing_reported(
        ledger: LedgerUnderTest, run: Runner, tmp_path: Path) -> None:
    kill_loop(ledger, run, tmp_path, rounds=200)


# --------------------------------------------------------------------------- full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB file system (tmpfs); skipped where mounting is not permitted."""
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs",
                           str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or 'not root'}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_during_import_leaves_nothing_half_written(run: Runner,
                                                                small_disk: Path) -> None:
    ledger = LedgerUnderTest("sqlite", str(small_disk / "guests.db"))
    assert run(*ledger.args(), "import", str(DATA / "guests-bom-crlf.csv")).code == 0
    before = listed(run, ledger)
    filler = small_disk / "filler"  # what else is on the disk: all but ~200 KB of it
    filler.write_bytes(b"\0" * (4 * 1024 * 1024 - Path(ledger.location).stat().st_size - 200_000))
    result = run(*ledger.args(), "import", str(GUESTS))
    assert result.code == 1
    assert result.stderr.startswith(f"error: {ledger.location}: cannot write the ledger")
    assert result.stderr.endswith("nothing was changed\n")
    assert result.stderr.count("\n") == 1
    filler.unlink()
    with sqlite3.connect(ledger.location) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
    assert listed(run, ledger) == before
    assert run(*ledger.args(), "import", str(GUESTS)).code == 0  # room again: it all lands
