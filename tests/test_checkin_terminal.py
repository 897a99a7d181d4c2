"""The interactive desk in a real terminal (a pseudo-terminal driven by pexpect): a scanner
typing ten tokens a second, garbage, very long lines, control characters, names picked
by number, and Ctrl-C, which ends the desk with one line and loses no scan."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from conftest import Runner
from doorworld import EVENT, ISSUED, World, build, stats_of
from wiccli.event.load import load_event
from wiccli.invites.store import open_store

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the terminal (the test extra)")


@pytest.fixture
def world(ledger: object, tmp_path: Path) -> World:
    return build(ledger.location, tmp_path)  # type: ignore[attr-defined]


def open_desk(world: World, tmp_path: Path, *more: str) -> object:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), TERM="xterm-256color")
    env.pop("COLUMNS", None)
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "wiccli", "-e", str(EVENT), "checkin",
                                           "--ledger", world.location, "--desk", "north",
                                           *more],
                          env=env, cwd=str(tmp_path), encoding="utf-8", timeout=30,
                          dimensions=(40, 100), codec_errors="replace")
    child.expect("Scan a badge")
    return child


def close(child: object) -> str:
    child.sendintr()  # type: ignore[attr-defined]
    child.expect(r"closed after [^\r\n]*")  # type: ignore[attr-defined]
    line = str(child.after)  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]
    rest = str(child.before)  # type: ignore[attr-defined]
    child.close()  # type: ignore[attr-defined]
    assert child.exitstatus == 0  # type: ignore[attr-defined]
    return line + rest


def pause(child: object, seconds: float) -> None:
    """Wait, reading what the desk draws meanwhile (as a terminal does)."""
    child.expect(pexpect.TIMEOUT, timeout=seconds)  # type: ignore[attr-defined]


def test_a_scanner_at_ten_scans_a_second(run: Runner, world: World, tmp_path: Path) -> None:
    child = open_desk(world, tmp_path)
    t = world.token
    feed = [t["Grace Hopper"], t["Alan Turing"], t["Edsger Dijkstra"]] * 10
    started = time.monotonic()
    for token in feed:
        child.sendline(token)  # type: ignore[attr-defined]
        pause(child, 0.1)
    for _ in range(20):
        if stats_of(run, world)["totals"]["scans"] == len(feed):
            break
        pause(child, 0.25)
    assert time.monotonic() - started < 10
    tail = close(child)
    assert f"closed after {len(feed)} scans (20 admitted, 10 refused)" in tail
    stats = stats_of(run, world)
    assert stats["totals"]["scans"] == len(feed)
    assert stats["totals"]["checked_in"] == 1 + 1 + 3  # Ken before; Grace, Alan's three


def test_garbage_long_lines_and_control_characters_get_a_verdict_each(
        run: Runner, world: World, tmp_path: Path) -> None:
    child = open_desk(world, tmp_path)
    garbage = ["x" * 3000, "\x1b[A\x1b[B", "\x01\x02\x05", "%s%n{}", "🙂🙂🙂🙂", "a'b\"c;--",
               world.token["Grace Hopper"][:-1]]
    for line in garbage:
        child.sendline(line)  # type: ignore[attr-defined]
        child.expect("REFUSED|█")  # type: ignore[attr-defined]
    child.sendline(world.token["Grace Hopper"])  # type: ignore[attr-defined]
    child.expect("Grace Hopper")  # type: ignore[attr-defined]
    child.expect("first entry")  # type: ignore[attr-defined]
    tail = close(child)
    assert "Traceback" not in tail
    assert "closed after 8 scans (1 admitted, 7 refused)" in tail
    assert stats_of(run, world)["totals"]["scans"] == 8


def test_a_name_typed_lists_matches_to_pick_by_number(run: Runner, world: World,
                                                      tmp_path: Path) -> None:
    with open_store(load_event(EVENT), world.location, {}, tmp_path) as store, \
            store.transaction() as tx:  # a name that looks like Rich's markup stays a name
        tx.add({"name": "[/bold] Lovelace [red]", "category": "guests", "country": "DE",
                "status": "accepted"}, now=ISSUED, random_bytes=os.urandom)
    child = open_desk(world, tmp_path, "--desk", "[/north]")
    child.sendline("ad")  # type: ignore[attr-defined]
    child.expect("three letters of a name")  # type: ignore[attr-defined]
    child.sendline("lovelace")  # type: ignore[attr-defined]
    child.expect("Pick by number")  # type: ignore[attr-defined]
    child.expect("Ada Lovelace")  # type: ignore[attr-defined]
    child.expect_exact("[/bold] Lovelace [red]")  # type: ignore[attr-defined]
    child.sendline("1")  # type: ignore[attr-defined]
    child.expect("first entry")  # type: ignore[attr-defined]
    child.sendline("Nobody Here")  # type: ignore[attr-defined]
    child.expect("no guest by that name")  # type: ignore[attr-defined]
    child.expect_exact("\a")  # type: ignore[attr-defined]  # the bell of a refusal
    tail = close(child)
    assert "closed after 3 scans (1 admitted, 2 refused)" in tail
    stats = stats_of(run, world)
    assert stats["totals"]["checked_in"] == 2


def test_ctrl_c_mid_scan_loses_nothing(run: Runner, world: World, tmp_path: Path) -> None:
    child = open_desk(world, tmp_path)
    feed = list(world.token.values()) * 20
    for token in feed:
        child.sendline(token)  # type: ignore[attr-defined]
    pause(child, 0.2)
    tail = close(child)
    shown = int(tail.split("closed after ")[1].split(" scans")[0])
    assert 1 <= shown < len(feed), shown  # stopped mid-stream
    assert stats_of(run, world)["totals"]["scans"] == shown  # each shown verdict recorded


def test_ctrl_d_ends_the_desk_too(run: Runner, world: World, tmp_path: Path) -> None:
    child = open_desk(world, tmp_path)
    child.sendeof()  # type: ignore[attr-defined]
    child.expect("closed after 0 scans")  # type: ignore[attr-defined]
    child.expect(pexpect.EOF)  # type: ignore[attr-defined]


def test_ctrl_c_ends_a_stream_after_a_whole_scan(run: Runner, world: World,
                                                 tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    child = pexpect.spawn(sys.executable, ["-m", "wiccli", "-e", str(EVENT), "checkin",
                                           "--ledger", world.location, "-f", "jsonl", "-"],
                          env=env, cwd=str(tmp_path), encoding="utf-8", timeout=30)
    child.sendline(world.token["Grace Hopper"])
    child.expect('"verdict": "admitted"')
    child.sendintr()
    child.expect("error: interrupted after 1 scan, each recorded")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert stats_of(run, world)["totals"]["scans"] == 1


def test_stats_watch_redraws_until_ctrl_c(run: Runner, world: World, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    child = pexpect.spawn(sys.executable, ["-m", "wiccli", "-e", str(EVENT), "checkin",
                                           "--ledger", world.location, "stats", "--watch"],
                          env=env, cwd=str(tmp_path), encoding="utf-8", timeout=30,
                          dimensions=(50, 100))
    child.expect("Checked in at Door Conference: 1, inside now 0")
    done = run(*world.args(world.token["Alan Turing"]))
    assert done.code == 0, done.stderr
    child.expect("Checked in at Door Conference: 4, inside now 3")  # redrawn
    child.sendintr()
    child.expect("stopped watching")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_an_offline_desk_at_a_terminal_keeps_its_journal(run: Runner, world: World,
                                                         tmp_path: Path) -> None:
    assert run(*world.args("snapshot", "-o", "snap.json")).code == 0
    child = open_desk(world, tmp_path, "--snapshot", "snap.json", "--journal", "north.jsonl")
    child.sendline(world.token["Alan Turing"])  # type: ignore[attr-defined]
    child.expect("first entry")  # type: ignore[attr-defined]
    child.sendline("perlman")  # type: ignore[attr-defined]
    child.expect("Radia Perlman")  # type: ignore[attr-defined]
    child.sendline("1")  # type: ignore[attr-defined]
    child.expect("first entry")  # type: ignore[attr-defined]
    assert "closed after 2 scans (2 admitted, 0 refused)" in close(child)
    assert stats_of(run, world)["totals"]["scans"] == 0  # offline: nothing in the ledger
    done = run(*world.args("merge", "north.jsonl"))
    assert done.code == 0, done.stderr
    assert "2 added, 0 already in the ledger; 4 people checked in" in done.stderr
