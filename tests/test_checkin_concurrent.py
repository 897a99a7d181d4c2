"""Desks at once on one ledger (SQLite on one machine, PostgreSQL across machines): each
guest is checked in once, by the first admission, and every scan is kept."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import Runner
from doorworld import EVENT, World, build, stats_of, status_of

GUESTS = {f"Sample Guest {n:03}": ("guests", "accepted", 1) for n in range(80)}


def desk(world: World, name: str, tokens: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    feed = tmp_path / f"{name}.txt"
    feed.write_text("".join(t + "\n" for t in tokens))
    with feed.open() as stdin:
        proc = subprocess.Popen(
            [sys.executable, "-m", "wiccli", "-e", str(EVENT), "checkin", "--ledger",
             world.location, "--desk", name, "-f", "jsonl", "-"],
            stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=env, cwd=tmp_path)
    return proc


@pytest.mark.parametrize("desks", [2, 3])
def test_desks_at_once_never_count_a_person_twice(run: Runner, ledger: object,
                                                  tmp_path: Path, desks: int) -> None:
    world = build(ledger.location, tmp_path, GUESTS)  # type: ignore[attr-defined]
    tokens = list(world.token.values())
    shuffled = [random.Random(n).sample(tokens, len(tokens)) for n in range(desks)]
    procs = [desk(world, f"desk-{n}", order, tmp_path) for n, order in enumerate(shuffled)]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    scans = [json.loads(line) for out, _ in outputs for line in out.splitlines()]
    assert len(scans) == desks * len(tokens)  # 0 scans lost
    firsts = Counter(s["entry_id"] for s in scans if s["entry"] == "first entry")
    assert sorted(firsts.values()) == [1] * len(tokens)  # each guest's first entry once
    stats = stats_of(run, world)
    assert stats["totals"]["scans"] == desks * len(tokens)
    assert stats["totals"]["checked_in"] == len(tokens)
    assert status_of(run, world)["totals"]["attended"] == len(tokens)
    assert sum(d["checked_in"] for d in stats["desks"]) == len(tokens)
    for name in GUESTS:
        history = json.loads(run(*world.invites("history", world.ids[name], "-f",
                                                "json")).stdout)
        assert [h["status"] for h in history] == ["accepted", "attended"]
