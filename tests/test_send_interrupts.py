"""At most once: the real ``wic invites send`` stopped at random moments, again and again.

An SMTP server (aiosmtpd, in a thread) stores each message on disk before it answers
250. ``wic`` runs as a process of its own and is sent SIGINT, SIGTERM or SIGKILL at a
random moment (seeded) while it sends, then run again. At the end the server's files
are counted by recipient and Message-ID: a graceful stop (Ctrl-C, SIGTERM) never
duplicates and never leaves a message in doubt; a kill leaves at most the one
message in flight ``attempted``, which the next run lists as unconfirmed and does not
send again unless asked with ``--resend-unconfirmed`` (with the same Message-ID).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from conftest import BACKENDS, Runner, make_ledger, write
from smtpserver import DiskInbox, disk_server

EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}


def guest_list(tmp_path: Path, count: int) -> Path:
    rows = [f"Guest {n:03d},Org {n:03d},experts,DE,guest{n:03d}@example.org"
            for n in range(count)]
    return write(tmp_path / "guests.csv", "name,organization,category,country,email\n"
                 + "\n".join(rows) + "\n")


def in_doubt(db: Path) -> set[str]:
    """The Message-IDs the ledger has as attempted and never answered."""
    with sqlite3.connect(db) as conn:
        return {r[0] for r in conn.execute(
            "SELECT message_id FROM messages WHERE outcome = 'attempted'")}


class Sender:
    """``wic invites send`` as a process, against the server, with the ledger ``db``."""

    def __init__(self, tmp_path: Path, db: Path | str, url: str) -> None:
        self.args = [sys.executable, "-m", "wiccli", "invites", "--ledger", str(db), "send",
                     "--smtp", url]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
        self.env |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
        self.cwd = tmp_path

    def start(self, *extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen([*self.args, *extra], cwd=self.cwd, env=self.env, text=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def complete(self, *extra: str) -> tuple[int, str]:
        proc = self.start(*extra)
        _, err = proc.communicate(timeout=120)
        return proc.returncode, err


def interrupt(proc: subprocess.Popen[str], box: DiskInbox, signum: int,
              rng: random.Random) -> tuple[int, str]:
    """Stop ``proc`` with ``signum`` once the server has a few more messages from it."""
    wanted, deadline = box.count + rng.randint(1, 3), time.monotonic() + 60
    while box.count < wanted and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(rng.uniform(0, 0.04))  # anywhere: MAIL, RCPT, the record, DATA, the 250
    if proc.poll() is None:
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def unconfirmed_listed(stderr: str) -> set[str]:
    return {line.split()[4] for line in stderr.splitlines() if line.startswith("unconfirmed: ")}


def stop_and_rerun(run: Runner, tmp_path: Path, guests: int, stops: list[int],
                   seed: int) -> None:
    db = tmp_path / "guests.db"
    assert run("invites", "--ledger", str(db), "import", str(guest_list(tmp_path, guests)),
               "--listed").code == 0
    rng = random.Random(seed)
    rng.shuffle(stops)
    with disk_server(tmp_path / "server") as (url, box):
        sender = Sender(tmp_path, db, url)
        doubt: set[str] = set()
        for signum in stops:
            code, err = interrupt(sender.start(), box, signum, rng)
            assert code in (EXIT[signum], 0), err
            assert "Traceback" not in err, err
            assert unconfirmed_listed(err) >= doubt  # every earlier ambiguity, listed again
            now = in_doubt(db)
            if signum != signal.SIGKILL:  # a graceful stop leaves nothing in doubt
                assert now == doubt, err
            assert len(now - doubt) <= 1  # a kill: at most the one message in flight
            doubt = now
        code, err = sender.complete()
        assert code == 0, err
        assert unconfirmed_listed(err) == doubt
        stored = box.stored()
        per_guest = Counter(rcpt for rcpt, _ in stored)
        assert [r for r, n in per_guest.items() if n > 1] == []  # nobody got two
        missing = {f"guest{n:03d}@example.org" for n in range(guests)} - set(per_guest)
        assert len(missing) <= len(doubt)  # only an attempt a kill cut short may be missing
        code, err = sender.complete("--resend-unconfirmed")
        assert code == 0, err
        assert in_doubt(db) == set()
        resent = box.stored()[len(stored):]
        assert {mid for _, mid in resent} == doubt  # the same Message-IDs: dedupable
    everyone = {rcpt for rcpt, _ in box.stored()}
    assert len(everyone) == guests
    assert len({mid for _, mid in box.stored()}) == guests  # one Message-ID per guest


def test_stops_at_random_moments_never_duplicate(run: Runner, tmp_path: Path) -> None:
    stops = [signal.SIGINT] * 3 + [signal.SIGTERM] * 3 + [signal.SIGKILL] * 2
    stop_and_rerun(run, tmp_path, guests=30, stops=stops, seed=2018)


@pytest.mark.long
def test_fifty_stops_at_random_moments_never_duplicate(run: Runner, tmp_path: Path) -> None:
    stops = [signal.SIGINT] * 20 + [signal.SIGTERM] * 20 + [signal.SIGKILL] * 10
    stop_and_rerun(run, tmp_path, guests=160, stops=stops, seed=1107)


def accepted(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM messages WHERE outcome = 'accepted'")
                   .fetchone()[0])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_while_the_server_answers_waits_for_the_answer(
        run: Runner, tmp_path: Path, signum: int) -> None:
    db = tmp_path / "guests.db"
    assert run("invites", "--ledger", str(db), "import", str(guest_list(tmp_path, 3)),
               "--listed").code == 0
    with disk_server(tmp_path / "server", pause=1.0) as (url, box):
        sender = Sender(tmp_path, db, url)
        proc = sender.start()
        assert box.arrived.wait(60)  # the first message is stored; its 250 is a second away
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == EXIT[signum], err
        assert (accepted(db), in_doubt(db), box.count) == (1, set(), 1)  # recorded as sent
        box.pause = 0
        code, err = sender.complete()
        assert code == 0, err
    assert sorted(Counter(r for r, _ in box.stored()).values()) == [1, 1, 1]


def test_a_second_ctrl_c_stops_at_once_and_leaves_the_message_unconfirmed(
        run: Runner, tmp_path: Path) -> None:
    db = tmp_path / "guests.db"
    assert run("invites", "--ledger", str(db), "import", str(guest_list(tmp_path, 2)),
               "--listed").code == 0
    with disk_server(tmp_path / "server", pause=30.0) as (url, box):
        sender = Sender(tmp_path, db, url)
        proc = sender.start()
        assert box.arrived.wait(60)
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert time.monotonic() - started < 10  # not the 30 s the server takes to answer
        assert proc.returncode == 130, err
        [doubt] = in_doubt(db)
        box.pause = 0
        code, err = sender.complete()
        assert code == 0, err
        assert unconfirmed_listed(err) == {doubt}
    assert len(box.stored()) == 2  # the one in doubt was not sent again


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_runs_at_once_never_mail_a_guest_twice(
        run: Runner, tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    """Both plan the same guests; each guest goes to whichever records its attempt first."""
    ledger = make_ledger(backend, request, tmp_path)
    assert run(*ledger.args(), "import", str(guest_list(tmp_path, 24)), "--listed").code == 0
    with disk_server(tmp_path / "server", pause=0.01) as (url, box):
        sender = Sender(tmp_path, ledger.location, url)
        runs = [sender.start(), sender.start()]
        done = [proc.communicate(timeout=120)[1] for proc in runs]
        assert [proc.returncode for proc in runs] == [0, 0], done
    sent = [int(err.splitlines()[-1].split()[1].rstrip(",")) for err in done]
    assert sum(sent) == 24, done  # what one left to the other, the other sent
    per_guest = Counter(rcpt for rcpt, _ in box.stored())
    assert sorted(per_guest.values()) == [1] * 24
