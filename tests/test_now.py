"""`wic now`: what runs now and what is next, per venue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, Runner

SMALL = str(DATA / "publish-small.toml")


def test_now_at_ten_on_day_two(run: Runner) -> None:
    result = run("now", "--at", "2018-11-08T10:00", "-f", "json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["state"] == "during"
    assert data["at"] == "2018-11-08T10:00:00+08:00"
    venues = {v["venue"]: v for v in data["venues"]}
    running = {s["id"] for s in venues[None]["now"]}
    assert "sf-artificial-intelligence" in running
    assert "sf-digital-silk-road" in running
    assert "release-development-reports" not in running  # ended at 10:00
    assert all(s["minutes_left"] == 120 for s in venues[None]["now"])
    nxt = venues[None]["next"]
    assert {s["start"] for s in nxt} == {"2018-11-08T14:00:00+08:00"}
    assert all(s["minutes_until"] == 240 for s in nxt)
    assert [s["id"] for s in venues["convention-center"]["now"]] == ["light-of-internet-expo"]


def test_now_text(run: Runner) -> None:
    result = run("now", "--at", "2018-11-08T10:00")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("WIC 2018 · Thursday 8 November 2018 10:00 (Asia/Shanghai)")
    assert "  now   Forum on cybersecurity *  until 12:00, 2 h left" in result.stdout
    assert "  next  Forum on 5G networks *  at 14:00, in 4 h" in result.stdout


def test_offset_in_at_is_honoured(run: Runner) -> None:
    utc = run("now", "--at", "2018-11-08T02:00+00:00", "-f", "json")
    local = run("now", "--at", "2018-11-08T10:00", "-f", "json")
    assert json.loads(utc.stdout) == json.loads(local.stdout)


def test_clock_is_used_without_at(run: Runner) -> None:
    # The test clock says 09:00 in Wuzhen on day 2.
    data = json.loads(run("now", "-f", "json").stdout)
    assert data["at"] == "2018-11-08T09:00:00+08:00"


def test_before_and_after_the_event(run: Runner) -> None:
    before = run("now", "--at", "2018-11-06T09:00")
    assert "WIC 2018 starts Wednesday 7 November 2018 09:00, in 1 d" in before.stdout
    after = run("now", "--at", "2019-01-01T00:00", "-f", "json")
    assert json.loads(after.stdout)["state"] == "after"
    assert json.loads(after.stdout)["venues"] == []
    text = run("now", "--at", "2019-01-01T00:00").stdout
    assert "WIC 2018 is over: it ended Friday 9 November 2018 17:00." in text


def test_cancelled_sessions_are_not_on(run: Runner) -> None:
    data = json.loads(run("-e", SMALL, "now", "--at", "2025-06-10T11:15", "-f", "json").stdout)
    ids = {s["id"] for v in data["venues"] for s in v["now"] + v["next"]}
    assert "cancelled-talk" not in ids
    assert {"parallel-1", "parallel-2"} <= ids


@pytest.mark.parametrize("value", ["tomorrow-ish", "2018-11-08", "2018-13-01T10:00", ""])
def test_bad_at_is_one_error_line(run: Runner, value: str) -> None:
    result = run("now", "--at", value)
    assert result.code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: --at:")
    assert result.stderr.count("\n") == 1


def test_watch_and_at_do_not_go_together(run: Runner) -> None:
    result = run("now", "--watch", "--at", "2018-11-08T10:00")
    assert result.code == 2
    assert "--watch follows the clock" in result.stderr


def test_bad_every_is_one_error_line(run: Runner) -> None:
    result = run("now", "--every", "0")
    assert result.code == 2
    assert result.stderr == "error: --every: '0' is not a number of seconds from 1 to 3600\n"


def test_watch_refreshes_until_interrupted(tmp_path: Path) -> None:
    """On a pipe each refresh is printed after the last; Ctrl-C ends it with exit 130."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "wiccli", "now", "--watch", "--every", "1"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen = ""
    while "is over" not in seen:  # the first refresh (start-up may be slow on a busy machine)
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        seen += line
    time.sleep(2.5)  # at least one more refresh, a second later
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert (seen + out).count("WIC 2018 is over") >= 2  # today's clock: long after 2018
    assert err == "interrupted\n"
