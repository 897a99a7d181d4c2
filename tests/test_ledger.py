"""The ledger file: where it lives, how it is checked, and that writes never lose data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tomli_w

from conftest import DATA, ROOT, Runner, write
from wiccli.invites import ledger as store
from wiccli.invites.model import Change, Invitation, Ledger

EVENT_WITH_CATEGORIES = """\
[event]
id = "forum"
name = "Sample Forum"
timezone = "Europe/Berlin"
start = 2025-03-29
end = 2025-03-30

[invitations]
target = 10
{ledger}
[[invitations.categories]]
id = "speakers"
name = "Speakers"
target = 4
"""


def add(run: Runner, *args: str, name: str = "Sample Delegate", **kwargs: object) -> str:
    result = run(*args, "add", name, "-c", "experts", "--country", "DE", **kwargs)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def load(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


# --------------------------------------------------------------------------- location


def test_bundled_event_keeps_its_ledger_in_the_user_data_folder(run: Runner,
                                                                tmp_path: Path) -> None:
    add(run, "invites")
    ledger = tmp_path / "xdg-data" / "wic" / "wic2018.invites.toml"
    assert ledger.is_file()
    assert load(ledger)["event"] == "wic2018"


def test_a_users_event_keeps_its_ledger_beside_it(run: Runner, tmp_path: Path) -> None:
    event = write(tmp_path / "events" / "forum.toml", EVENT_WITH_CATEGORIES.format(ledger=""))
    result = run("-e", str(event), "invites", "add", "Sample", "-c", "spe", "--country", "FR")
    assert result.code == 0, result.stderr
    assert (tmp_path / "events" / "forum.invites.toml").is_file()
    status = json.loads(run("-e", str(event), "invites", "status", "-f", "json").stdout)
    assert status["groups"][0]["target"] == 4
    assert status["groups"][0]["progress"] == 0.25


def test_the_event_file_can_name_its_ledger(run: Runner, tmp_path: Path) -> None:
    event = write(tmp_path / "events" / "forum.toml",
                  EVENT_WITH_CATEGORIES.format(ledger='ledger = "../data/guests.toml"\n'))
    result = run("-e", str(event), "invites", "add", "Sample", "-c", "speakers",
                 "--country", "FR")
    assert result.code == 0, result.stderr
    assert (tmp_path / "data" / "guests.toml").is_file()


def test_wic_ledger_and_the_option(run: Runner, tmp_path: Path) -> None:
    add(run, "invites", environ={"WIC_LEDGER": "from-env.toml"})
    assert (tmp_path / "from-env.toml").is_file()
    add(run, "invites", "--ledger", "sub/from-option.toml", name="Other",
        environ={"WIC_LEDGER": "from-env.toml"})
    assert (tmp_path / "sub" / "from-option.toml").is_file()
    assert len(load(tmp_path / "from-env.toml")["invitations"]) == 1  # type: ignore[arg-type]


# --------------------------------------------------------------------------- checking


def test_a_missing_ledger_reads_as_empty(run: Runner, tmp_path: Path) -> None:
    result = run("invites", "--ledger", "none.toml", "list", "-f", "json")
    assert (result.code, json.loads(result.stdout)) == (0, [])
    assert not (tmp_path / "none.toml").exists()


def test_a_ledger_of_another_event_is_refused(run: Runner, tmp_path: Path) -> None:
    ledger = tmp_path / "other.toml"
    shutil.copy(DATA / "ledger-other-event.toml", ledger)
    before = ledger.read_bytes()
    result = run("invites", "--ledger", str(ledger), "add", "Sample", "-c", "experts",
                 "--country", "DE")
    assert result.code == 1
    assert "'demo'" in result.stderr
    assert "'wic2018'" in result.stderr
    assert ledger.read_bytes() == before


@pytest.mark.parametrize(("text", "message"), [
    ('schema = 1\nevent = "wic2018"\n[[invitations]\nid = "x"\n', ":3:"),
    ("schema = 9\nevent = 'wic2018'\n", "newer wic"),
    ("event = 'wic2018'\n", "schema:"),
])
def test_a_corrupt_ledger_is_reported_and_left_untouched(run: Runner, tmp_path: Path,
                                                         text: str, message: str) -> None:
    ledger = write(tmp_path / "broken.toml", text)
    before = ledger.read_bytes()
    result = run("invites", "--ledger", str(ledger), "add", "Sample", "-c", "experts",
                 "--country", "DE")
    assert result.code == 1
    assert result.stdout == ""
    assert str(ledger) in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert ledger.read_bytes() == before
    assert not ledger.with_name("broken.toml.bak").exists()


def test_a_bad_value_is_named_by_its_key_path(run: Runner, tmp_path: Path) -> None:
    ledger = tmp_path / "bad.toml"
    shutil.copy(DATA / "ledger-bad-country.toml", ledger)
    before = ledger.read_bytes()
    for args in (["status"], ["accept", "aaaaaa"]):
        result = run("invites", "--ledger", str(ledger), *args)
        assert result.code == 1
        assert f"{ledger}: invitations[1].country: 'Germany' is not an ISO" in result.stderr
    assert ledger.read_bytes() == before


def test_a_hand_written_ledger_is_read_and_rewritten_in_order(run: Runner,
                                                              tmp_path: Path) -> None:
    ledger = tmp_path / "hand.toml"
    shutil.copy(DATA / "ledger-hand-written.toml", ledger)
    listed = json.loads(run("invites", "--ledger", str(ledger), "list", "-f", "json").stdout)
    assert [(e["id"], e["status"], e["quantity"]) for e in listed] == [
        ("old001", "accepted", 1), ("old002", "withdrawn", 2)]
    history = run("invites", "--ledger", str(ledger), "history", "old002", "-f", "json")
    assert json.loads(history.stdout)[-1] == {
        "at": "2018-09-12T09:00:00+00:00", "status": "withdrawn", "note": "travel cancelled"}
    assert ledger.read_bytes() == (DATA / "ledger-hand-written.toml").read_bytes()
    assert run("invites", "--ledger", str(ledger), "set", "old001", "attended").code == 0
    data = load(ledger)
    assert data["schema"] == store.SCHEMA
    assert ledger.read_text(encoding="utf-8") == tomli_w.dumps(data)
    assert ledger.with_name("hand.toml.bak").read_bytes() == (
        DATA / "ledger-hand-written.toml").read_bytes()


# --------------------------------------------------------------------------- writing


def test_every_write_keeps_the_previous_version(run: Runner, tmp_path: Path) -> None:
    args = ("invites", "--ledger", str(tmp_path / "l.toml"))
    first = add(run, *args, name="Sample 1")
    assert not (tmp_path / "l.toml.bak").exists()
    one = (tmp_path / "l.toml").read_bytes()
    add(run, *args, name="Sample 2")
    assert (tmp_path / "l.toml.bak").read_bytes() == one
    two = (tmp_path / "l.toml").read_bytes()
    assert run(*args, "accept", first).code == 0
    assert (tmp_path / "l.toml.bak").read_bytes() == two
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_output_is_sorted_stable_and_plain_tomli_w(run: Runner, tmp_path: Path) -> None:
    args = ("invites", "--ledger", str(tmp_path / "l.toml"))
    for n in range(5):
        add(run, *args, name=f"Sample {n}")
    text = (tmp_path / "l.toml").read_text(encoding="utf-8")
    data = load(tmp_path / "l.toml")
    ids = [e["id"] for e in data["invitations"]]  # type: ignore[attr-defined]
    assert ids == sorted(ids)
    assert text == tomli_w.dumps(data)
    assert list(data["invitations"][0]) == [  # type: ignore[index]
        "id", "name", "category", "country", "quantity", "status", "created", "updated",
        "history"]
    assert run(*args, "accept", ids[2]).code == 0
    after = (tmp_path / "l.toml").read_text(encoding="utf-8").split("[[invitations]]")
    before = text.split("[[invitations]]")
    assert [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b] == [3]


def test_dumps_reuses_the_text_of_untouched_entries() -> None:
    now = datetime(2018, 11, 8, tzinfo=UTC)
    entries = [Invitation(f"id{n}", f"Name {n}", "experts", "DE", "invited", now, now,
                          note='quote " and \n newline', history=(Change(now, "invited"),))
               for n in range(3)]
    ledger = Ledger("wic2018", tuple(entries))
    text = store.dumps(ledger)
    assert text == tomli_w.dumps({"schema": store.SCHEMA, "event": "wic2018",
                                  "invitations": [store.entry_table(e) for e in entries]})
    blocks = store.split_texts(text.encode(), ledger)
    assert set(blocks) == {"id0", "id1", "id2"}
    assert store.dumps(ledger, blocks) == text


def test_a_hand_edit_is_seen_despite_the_cache(run: Runner, tmp_path: Path) -> None:
    args = ("invites", "--ledger", str(tmp_path / "l.toml"))
    add(run, *args)
    path = tmp_path / "l.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sample Delegate", "Edited"),
                    encoding="utf-8")
    listed = json.loads(run(*args, "list", "-f", "json").stdout)
    assert listed[0]["name"] == "Edited"
    add(run, *args, name="Another")
    assert "Edited" in path.read_text(encoding="utf-8")


def test_the_file_mode_is_kept(run: Runner, tmp_path: Path) -> None:
    args = ("invites", "--ledger", str(tmp_path / "l.toml"))
    add(run, *args, name="Sample 1")
    os.chmod(tmp_path / "l.toml", 0o640)
    add(run, *args, name="Sample 2")
    assert (tmp_path / "l.toml").stat().st_mode & 0o777 == 0o640


def test_twenty_processes_adding_at_once_all_land(tmp_path: Path) -> None:
    ledger = tmp_path / "shared.invites.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONPATH=str(ROOT / "src"))
    procs = [
        subprocess.Popen([sys.executable, "-m", "wiccli", "invites", "--ledger", str(ledger),
                          "add", f"Sample Delegate {n:02d}", "-c", "experts", "--country", "DE"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
        for n in range(20)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 20, [err for _, err in outputs]
    printed = {out.decode().strip() for out, _ in outputs}
    entries = load(ledger)["invitations"]
    assert len(entries) == 20  # type: ignore[arg-type]
    assert {e["id"] for e in entries} == printed  # type: ignore[attr-defined]
    assert len({e["name"] for e in entries}) == 20  # type: ignore[attr-defined]


def test_the_fast_path_of_set_writes_what_the_general_path_writes(run: Runner,
                                                                  tmp_path: Path) -> None:
    ledger = tmp_path / "old.toml"
    shutil.copy(DATA / "ledger-hand-written.toml", ledger)
    args = ("invites", "--ledger", str(ledger))
    # The first change reads the hand-written file in full (the general path) ...
    assert run(*args, "set", "old001", "attended").code == 0
    general = ledger.read_bytes()
    # ... the same change to a restored copy takes the fast path: same bytes.
    shutil.copy(DATA / "ledger-hand-written.toml", ledger)
    assert run(*args, "set", "old001", "attended").code == 0
    assert ledger.read_bytes() == general
    # A change to the file wic wrote takes the fast path too, and is a plain tomli-w file.
    assert run(*args, "set", "old002", "invited").code == 0
    data = load(ledger)
    assert ledger.read_text(encoding="utf-8") == tomli_w.dumps(data)
    assert [e["status"] for e in data["invitations"]] == [  # type: ignore[attr-defined]
        "attended", "invited"]
    refused = run(*args, "set", "old001", "declined")
    assert refused.code == 1
    assert "already recorded as attended" in refused.stderr
