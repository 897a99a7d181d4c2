"""The benchmark harness on tiny sizes: inputs wic accepts, a report with every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, Runner

BENCH = ROOT / "benchmarks"


def script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCH / name), *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=300)


def test_generated_event_loads_with_every_feature(run: Runner, tmp_path: Path) -> None:
    done = script("generate.py", "event", "--sessions", "120", "--days", "2", "-o", "e.toml",
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = run("-e", "e.toml", "agenda", "-f", "json")
    assert result.code == 0, result.stderr
    sessions = json.loads(result.stdout)
    assert len(sessions) == 120
    assert {s["day"] for s in sessions} == {"2018-11-07", "2018-11-08"}
    assert {s["status"] for s in sessions} == {"confirmed", "tentative", "cancelled"}
    assert any(s["provisional"] for s in sessions)
    assert any(s["speakers"] for s in sessions)
    assert all(s["hosts"] for s in sessions)
    assert any("论坛" in s["title"] for s in sessions)
    again = script("generate.py", "event", "--sessions", "120", "--days", "2", cwd=tmp_path)
    assert again.stdout == (tmp_path / "e.toml").read_text(encoding="utf-8")  # deterministic


def test_generated_ledger_is_accepted(run: Runner, tmp_path: Path) -> None:
    done = script("generate.py", "ledger", "--entries", "50", "--event-id", "wic2018",
                  "-o", "l.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = run("invites", "--ledger", "l.toml", "list", "-f", "json")
    assert result.code == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 50
    changed = run("invites", "--ledger", "l.toml", "set", "inv-00001", "accepted")
    assert changed.code == 0, changed.stderr


def test_generated_mailbox_answers_the_generated_ledger(run: Runner, tmp_path: Path) -> None:
    for argv in (["ledger", "--entries", "40", "--event-id", "wic2018", "-o", "l.toml"],
                 ["mbox", "--messages", "60", "--entries", "40", "--event-id", "wic2018",
                  "--ledger", "l.toml", "-o", "a.mbox"]):
        done = script("generate.py", *argv, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert run("invites", "--ledger", "l.db", "import", "l.toml").code == 0
    done = script("record_sent.py", "l.db", cwd=tmp_path)  # answers apply to what was sent
    assert done.returncode == 0, done.stderr
    result = run("invites", "--ledger", "l.db", "replies", "a.mbox", "-f", "json")
    assert result.code == 0, result.stderr
    counts = json.loads(result.stdout)["counts"]
    assert sum(counts.values()) == 60
    assert counts["applied"] > 0
    assert counts["needs-a-person"] > 0
    assert counts["bounced"] > 0


def test_icalendar_only_writes_one_event_per_session(tmp_path: Path) -> None:
    assert script("generate.py", "event", "--sessions", "30", "-o", "e.toml",
                  cwd=tmp_path).returncode == 0
    done = subprocess.run([sys.executable, str(BENCH / "icalendar_only.py"), "e.toml"],
                          cwd=tmp_path, capture_output=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(b"BEGIN:VEVENT\r\n") == 30
    assert done.stdout.count(b"BEGIN:VTIMEZONE\r\n") == 1
    assert b"DTSTART;TZID=Asia/Shanghai:" in done.stdout


def test_smoke_run_reports_every_command(tmp_path: Path) -> None:
    """The report of the cases below; .ci/run runs the whole smoke run (publishing and mail
    too: two thirds of its time), whose exit status says whether any command crashed."""
    done = script("run.py", "--smoke", "--runs", "1", "--warmup", "0", "--sizes", "15",
                  "--ledger-size", "20", "--json", "--only",
                  "help,agenda,forums,peer,export,invites,checkin", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    results = {r["key"]: r for r in report["results"]}
    for key in ("floor", "help", "agenda-bundled", "agenda-15", "agenda-json-15",
                "forums-15", "peer-15", "agenda-tty-bundled", "agenda-tty-15"):
        assert results[key]["status"] == "ok", results[key]
        assert results[key]["median_s"] > 0
        assert results[key]["peak_rss_mib"] > 1
    for key in ("export-15", "invites-status", "invites-set", "invites-accept", "invites-add",
                "invites-import", "invites-replies", "checkin-stats", "invites-report-tty",
                "invites-report-json", "invites-report-pdf"):
        assert results[key]["status"] in ("ok", "missing"), results[key]
    assert [r["target"] for r in report["ratios"]][0] == "agenda, bundled event / floor"
    assert report["ratios"][0]["ratio"] > 0
    on_terminal = {r["target"]: r for r in report["ratios"]}
    assert on_terminal["agenda on a terminal, bundled event / floor"]["ratio"] > 0
    assert report["memory"][0]["sessions"] == 15
    assert list(tmp_path.iterdir()) == []  # every file it wrote was in a temporary folder


def test_bad_sizes_are_a_usage_error(tmp_path: Path) -> None:
    done = script("run.py", "--sizes", "ten", cwd=tmp_path)
    assert done.returncode == 2
    assert "--sizes" in done.stderr
    assert done.stdout == ""
