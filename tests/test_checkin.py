"""`wic checkin TOKEN…` and `-`: the door's rules, every scan recorded, a person counted once."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import FIXED_NOW, Runner
from doorworld import ISSUED, World, build, records, stats_of, status_of
from wiccli.door import tokens


@pytest.fixture
def world(ledger: object, tmp_path: Path) -> World:
    return build(ledger.location, tmp_path)  # type: ignore[attr-defined]


def scan(run: Runner, world: World, *inputs: str, desk: str = "north",
         **kwargs: object) -> tuple[int, list[dict[str, object]], str]:
    done = run(*world.args("--desk", desk, "-f", "jsonl", *inputs), **kwargs)
    return done.code, records(done), done.stderr


def test_each_scan_gets_the_verdict_of_the_rules(run: Runner, world: World) -> None:
    t = world.token
    code, found, err = scan(run, world, t["Grace Hopper"], t["Grace Hopper"],
                            t["Alan Turing"], t["Ken Thompson"], t["Radia Perlman"],
                            t["Edsger Dijkstra"], t["Barbara Liskov"], t["Donald Knuth"],
                            t["Frances Allen"], world.old_token, tokens.new_token(), "hello")
    assert code == 1
    assert err == "error: 7 of 12 scans refused\n"
    seen = [(r["name"], r["verdict"], r["entry"] or r["reason"]) for r in found]
    assert seen == [
        ("Grace Hopper", "admitted", "first entry"),
        ("Grace Hopper", "admitted", "re-entry"),
        ("Alan Turing", "admitted", "first entry"),
        ("Ken Thompson", "admitted", "re-entry"),
        ("Radia Perlman", "admitted", "first entry"),
        ("Edsger Dijkstra", "refused", "declined the invitation"),
        ("Barbara Liskov", "refused", "invitation withdrawn"),
        ("Donald Knuth", "refused", "not accepted (status invited)"),
        ("Frances Allen", "refused", "not accepted (status tentative)"),
        ("Ada Lovelace", "refused", "reprinted: a newer badge replaced this one"),
        (None, "refused", "unknown token"),
        (None, "refused", "malformed input (not a badge token)"),
    ]
    assert found[2]["seats"] == 3
    assert {r["desk"] for r in found} == {"north"}
    assert len({r["id"] for r in found}) == 12


def test_the_first_admission_makes_the_guest_attended_with_its_history(
        run: Runner, world: World) -> None:
    code, _, _ = scan(run, world, world.token["Grace Hopper"], world.token["Grace Hopper"],
                      world.token["Alan Turing"])
    assert code == 0
    history = json.loads(run(*world.invites("history", world.ids["Grace Hopper"], "-f",
                                            "json")).stdout)
    assert [h["status"] for h in history] == ["accepted", "attended"]
    assert history[-1]["note"] == "checked in at desk north"
    status = status_of(run, world)
    assert status["totals"]["attended"] == 1 + 1 + 3  # Ken before; Grace; Alan's three
    stats = stats_of(run, world)
    assert stats["totals"]["checked_in"] == status["totals"]["attended"]
    by_category = {g["group"]: g["attended"] for g in status["groups"]}
    assert {c["group"]: c["checked_in"] for c in stats["categories"]} == by_category
    assert stats["totals"]["inside"] == 4  # Grace and Alan's three came in through a desk
    assert stats["totals"]["scans"] == 3


def test_the_reprinted_badge_is_admitted_and_the_old_one_never(run: Runner,
                                                               world: World) -> None:
    code, found, _ = scan(run, world, world.token["Ada Lovelace"], world.old_token)
    assert code == 1
    assert [(r["verdict"], r["entry"]) for r in found] == [("admitted", "first entry"),
                                                           ("refused", "")]


def test_tokens_are_read_in_any_case_with_spaces(run: Runner, world: World) -> None:
    code, found, _ = scan(run, world, f"  {world.token['Grace Hopper'].lower()} ")
    assert code == 0
    assert found[0]["token"] == world.token["Grace Hopper"]


def test_a_guest_of_another_event_is_unknown_here(run: Runner, world: World,
                                                  tmp_path: Path) -> None:
    from test_store import add, bundled
    from wiccli.invites.store import open_store

    with open_store(bundled(), str(tmp_path / "wic2018.db"), {}, tmp_path) as other:
        entry_id = add(other, "Sample Delegate Elsewhere", "accepted")
        with other.transaction() as tx:
            badge, = tokens.issue(tx.db, [entry_id], ISSUED)
    code, found, _ = scan(run, world, badge.token)
    assert (code, found[0]["reason"], found[0]["entry_id"]) == (1, "unknown token", None)


def test_leaving_needs_an_entry_and_inside_now_follows(run: Runner, world: World) -> None:
    t = world.token
    done = run(*world.args("--desk", "gate", "--exit", "-f", "jsonl", t["Grace Hopper"]))
    assert done.code == 1
    assert records(done)[0]["reason"] == "not checked in: no entry to leave from"
    assert scan(run, world, t["Grace Hopper"], t["Alan Turing"])[0] == 0
    assert stats_of(run, world)["totals"]["inside"] == 4
    later = FIXED_NOW + timedelta(minutes=5)
    done = run(*world.args("--desk", "gate", "--exit", "-f", "jsonl", t["Alan Turing"]),
               now=later)
    assert (done.code, records(done)[0]["entry"]) == (0, "exit")
    stats = stats_of(run, world)
    assert stats["totals"]["inside"] == 1
    assert stats["totals"]["checked_in"] == 1 + 1 + 3  # leaving changes who came: nothing
    desks = {d["desk"]: d for d in stats["desks"]}
    assert (desks["gate"]["exits"], desks["gate"]["refused"]) == (1, 1)
    assert desks["north"]["checked_in"] == 4


def test_a_session_desk_counts_against_the_venue_capacity(run: Runner, world: World) -> None:
    t = world.token
    done = run(*world.args("--session", "nope", t["Grace Hopper"]))
    assert done.code == 2
    assert "no session 'nope'" in done.stderr
    done = run(*world.args("--session", "keynote", "--desk", "hall", "-f", "jsonl",
                           t["Grace Hopper"], t["Ken Thompson"], t["Grace Hopper"]))
    assert done.code == 0, done.stderr
    assert [r["entry"] for r in records(done)] == ["first entry", "first entry", "re-entry"]
    session, = stats_of(run, world)["sessions"]
    assert session == {"session": "keynote", "title": "Keynote", "venue": "Main Hall",
                       "checked_in": 2, "inside": 2, "capacity": 3, "share": 0.6667}
    status = status_of(run, world)
    assert status["totals"]["attended"] == 2  # into a session is into the event too


def test_a_stream_of_garbage_gets_a_refusal_a_line(run: Runner, world: World) -> None:
    lines = ["", "   ", "x" * 1_000_000, "\x00\x01\x1b[2J", "Ünïcödé", "\u202e" + "A" * 25,
             world.token["Grace Hopper"] + "\x07", "12", world.token["Grace Hopper"]]
    done = run(*world.args("-f", "jsonl", "-"), stdin="\n".join(lines) + "\n")
    assert done.code == 1
    found = records(done)
    assert len(found) == len(lines)
    assert [r["verdict"] for r in found] == ["refused"] * 8 + ["admitted"]
    assert found[2]["reason"].startswith("malformed input (a line too long")
    assert len(found[2]["input"]) <= 64
    assert "\x00" not in found[3]["input"]
    assert found[3]["reason"] == "malformed input (control characters)"
    assert found[7]["reason"] == "malformed input (not a badge token)"
    assert done.stderr == "error: 8 of 9 scans refused\n"


def test_every_scan_is_in_the_ledger(run: Runner, world: World) -> None:
    if not world.location.endswith(".db"):
        pytest.skip("read back with sqlite3")
    scan(run, world, world.token["Grace Hopper"], "junk", world.token["Grace Hopper"])
    with sqlite3.connect(world.location) as conn:
        rows = conn.execute("SELECT desk, verdict, reason, input FROM scans ORDER BY at").fetchall()
    assert rows == [("north", "admitted", "", world.token["Grace Hopper"]),
                    ("north", "refused", "malformed input (not a badge token)", "junk"),
                    ("north", "admitted", "", world.token["Grace Hopper"])]


def test_the_table_and_json_formats(run: Runner, world: World) -> None:
    done = run(*world.args("--desk", "north", world.token["Alan Turing"], "nonsense"))
    assert done.code == 1
    assert "admitted" in done.stdout
    assert "Alan Turing" in done.stdout
    assert "refused" in done.stdout
    done = run(*world.args("-f", "json", world.token["Alan Turing"]))
    assert json.loads(done.stdout)[0]["entry"] == "re-entry"


@pytest.mark.parametrize(("args", "message"), [
    (["--desk", ""], "--desk: a name of 1 to 40"),
    (["--desk", "x" * 41], "--desk: a name of 1 to 40"),
    (["--desk", "a\x1bb"], "--desk: a name of 1 to 40"),
    (["--journal", "j.jsonl"], "needs both --journal FILE"),
])
def test_bad_desk_options_are_one_error(run: Runner, world: World, args: list[str],
                                        message: str) -> None:
    done = run(*world.args(*args, world.token["Grace Hopper"]))
    assert done.code == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr


def test_a_mistyped_command_is_not_a_scan(run: Runner, world: World) -> None:
    done = run(*world.args("stat"))
    assert done.code == 2
    assert "No such command 'stat'" in done.stderr


def test_the_interactive_desk_needs_a_terminal(run: Runner, world: World) -> None:
    done = run(*world.args(), stdin="")
    assert done.code == 2
    assert "the interactive desk reads a terminal" in done.stderr


def test_stats_formats_and_watch_needs_a_terminal(run: Runner, world: World) -> None:
    scan(run, world, world.token["Alan Turing"])
    done = run(*world.args("stats", "-f", "csv"))
    assert done.code == 0
    header, *rows = done.stdout.splitlines()
    assert header.startswith("table,key,name,checked_in,said_yes,target")
    assert "category,guests,Guests,3,4,6,,,,,," in rows  # Alan's three; Radia said yes
    assert "total,total,Total,4,7,10,3,,1,,," in rows
    table = run(*world.args("stats"))
    assert "Checked in at Door Conference: 4, inside now 3" in table.stdout
    done = run(*world.args("stats", "--watch"))
    assert (done.code, "--watch redraws a table on a terminal" in done.stderr) == (2, True)


def test_a_desk_never_creates_a_ledger(run: Runner, tmp_path: Path) -> None:
    done = run("checkin", "--ledger", "none.db", tokens.new_token())
    assert done.code == 1
    assert "no ledger here yet" in done.stderr
    assert not (tmp_path / "none.db").exists()
