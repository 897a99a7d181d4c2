"""Offline desks: a snapshot taken before, a journal per desk, merged once however often."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import FIXED_NOW, Runner
from doorworld import World, build, records, stats_of, status_of


@pytest.fixture
def world(ledger: object, tmp_path: Path) -> World:
    return build(ledger.location, tmp_path)  # type: ignore[attr-defined]


def offline(run: Runner, world: World, journal: str, *tokens: str, minutes: int = 0,
            desk: str = "far") -> tuple[int, list[dict[str, object]]]:
    done = run(*world.args("--desk", desk, "--snapshot", "snap.json", "--journal", journal,
                           "-f", "jsonl", *tokens), now=FIXED_NOW + timedelta(minutes=minutes))
    assert "Traceback" not in done.stderr
    return done.code, records(done)


def snapshot(run: Runner, world: World) -> None:
    done = run(*world.args("snapshot", "-o", "snap.json"))
    assert done.code == 0, done.stderr
    assert "a snapshot of 9 guests" in done.stderr


def test_two_offline_desks_merged_twice_count_each_person_once(
        run: Runner, world: World, tmp_path: Path) -> None:
    snapshot(run, world)
    assert stat.S_IMODE((tmp_path / "snap.json").stat().st_mode) == 0o600
    t = world.token
    code, east = offline(run, world, "east.jsonl", t["Grace Hopper"], t["Alan Turing"],
                         t["Edsger Dijkstra"], world.old_token, "junk", minutes=1, desk="east")
    assert code == 1
    assert [r["verdict"] for r in east] == ["admitted", "admitted", "refused", "refused",
                                            "refused"]
    code, west = offline(run, world, "west.jsonl", t["Alan Turing"], t["Grace Hopper"],
                         minutes=2, desk="west")
    assert code == 0  # the west desk never saw the east one: first entries to it
    assert [r["entry"] for r in west] == ["first entry", "first entry"]
    before = status_of(run, world)["totals"]["attended"]
    assert before == 1  # nothing reached the ledger yet

    done = run(*world.args("merge", "east.jsonl", "west.jsonl"))
    assert done.code == 0, done.stderr
    assert done.stderr == ("merged 7 scans from 2 journals: 7 added, 0 already in the ledger; "
                           "4 people checked in\n")
    again = run(*world.args("merge", "west.jsonl", "east.jsonl"))
    assert again.stderr == ("merged 7 scans from 2 journals: 0 added, 7 already in the ledger; "
                            "0 people checked in\n")
    stats = stats_of(run, world)
    assert stats["totals"]["scans"] == 7  # 0 scans lost, none twice
    assert stats["totals"]["checked_in"] == status_of(run, world)["totals"]["attended"] == 5
    desks = {d["desk"]: d for d in stats["desks"]}
    assert desks["east"]["checked_in"] == 4  # the earlier desk admitted them first
    assert desks["west"]["checked_in"] == 0
    history = json.loads(run(*world.invites("history", world.ids["Alan Turing"],
                                            "-f", "json")).stdout)
    assert [h["status"] for h in history] == ["accepted", "attended"]  # once


def test_a_restarted_offline_desk_reads_its_journal_back(run: Runner, world: World) -> None:
    snapshot(run, world)
    offline(run, world, "j.jsonl", world.token["Grace Hopper"])
    code, again = offline(run, world, "j.jsonl", world.token["Grace Hopper"], minutes=1)
    assert (code, again[0]["entry"]) == (0, "re-entry")
    lines = Path("j.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["event"] == "doorcon"
    assert len(lines) == 3


def test_a_torn_last_line_is_left_out_and_the_rest_merged(run: Runner, world: World) -> None:
    snapshot(run, world)
    offline(run, world, "j.jsonl", world.token["Grace Hopper"], world.token["Alan Turing"])
    with open("j.jsonl", "ab") as handle:
        handle.write(b'{"id": "half')  # the desk stopped while writing
    done = run(*world.args("merge", "j.jsonl"))
    assert done.code == 0, done.stderr
    assert "2 added" in done.stderr


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format": "wic-checkin-journal", "version": 1, "event": "wic2018"}\n',
     "a journal of event 'wic2018', not of 'doorcon'"),
    (b"not json\n", "j.jsonl:1: not a JSON file"),
    (b'{"format": "wic-checkin-journal", "version": 1, "event": "doorcon"}\n{"id": 1}\n',
     "j.jsonl:2: "),
    (b'{"format": "something else"}\n', "not a check-in journal"),
    (b'{"format": "wic-checkin-journal", "version": 1, "event": "doorcon"}\n'
     b'{"event": "wic2018", "id": "x"}\n', "j.jsonl:2: a scan of event 'wic2018'"),
    (b'{"format": "wic-checkin-journal", "version": 1, "event": "doorcon"}\n'
     b'{"id": "x", "at": "2018-11-08T01:00:00+00:00", "desk": "\\u001b[2Jevil", '
     b'"direction": "in", "session": "", "input": "", "token": null, "entry_id": null, '
     b'"verdict": "refused", "reason": ""}\n', "j.jsonl:2: a malformed value"),
])
def test_a_bad_journal_is_refused_whole(run: Runner, world: World, content: bytes,
                                        message: str) -> None:
    Path("j.jsonl").write_bytes(content)
    done = run(*world.args("merge", "j.jsonl"))
    assert done.code == 1
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
    assert stats_of(run, world)["totals"]["scans"] == 0


def test_a_journal_that_is_no_regular_file_is_refused(run: Runner, world: World) -> None:
    os.mkfifo("pipe.jsonl")
    done = run(*world.args("merge", "pipe.jsonl"))
    assert done.code == 1
    assert "pipe.jsonl: is a named pipe" in done.stderr


def test_a_snapshot_of_another_event_or_none_at_all(run: Runner, world: World) -> None:
    Path("snap.json").write_text(json.dumps({"format": "wic-checkin-snapshot", "version": 1,
                                             "event": "wic2018"}))
    done = run(*world.args("--snapshot", "snap.json", "--journal", "j.jsonl",
                           world.token["Grace Hopper"]))
    assert done.code == 1
    assert done.stderr == ("error: snap.json: a snapshot of event 'wic2018', not of 'doorcon' "
                           "(the event in use); nothing was read\n")
    assert not Path("j.jsonl").exists()  # refused before the journal was begun
    Path("snap.json").write_text("[1, 2")
    done = run(*world.args("--snapshot", "snap.json", "--journal", "j.jsonl", "-"), stdin="")
    assert (done.code, "snap.json: not a JSON file" in done.stderr) == (1, True)


def test_an_offline_scan_of_a_guest_who_declined_since_is_kept_and_said(
        run: Runner, world: World) -> None:
    snapshot(run, world)
    offline(run, world, "j.jsonl", world.token["Grace Hopper"])
    assert run(*world.invites("decline", world.ids["Grace Hopper"])).code == 0
    done = run(*world.args("merge", "j.jsonl"))
    assert done.code == 0
    assert "was admitted at desk far" in done.stderr
    assert "but is declined in the ledger" in done.stderr
    assert stats_of(run, world)["totals"]["scans"] == 1


def test_the_paper_list_ticked_imports_once(run: Runner, world: World) -> None:
    ids = world.ids
    text = (f"# ticked at the north door\n{ids['Grace Hopper']}\n\n{ids['Alan Turing']}, x\n"
            f"{ids['Edsger Dijkstra']}\nnobody\n{ids['Donald Knuth'][:3]}\n")
    Path("ticked.txt").write_text(text)
    done = run(*world.args("-f", "jsonl", "ticked", "ticked.txt"))
    assert done.code == 1
    assert [(r["desk"], r["verdict"]) for r in records(done)] == [
        ("paper", "admitted"), ("paper", "admitted"), ("paper", "refused"),
        ("paper", "refused"), ("paper", "refused")]
    assert records(done)[3]["reason"] == "no guest with this id"
    assert records(done)[4]["reason"] == "no guest with this id"  # a start of an id: no
    assert "4 people checked in" in done.stderr
    again = run(*world.args("ticked", "-"), stdin=text)
    assert again.code == 0
    assert "0 recorded, 5 recorded before; 0 people checked in" in again.stderr
    assert status_of(run, world)["totals"]["attended"] == 5
