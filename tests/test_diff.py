"""wic diff: each kind of change, the sequence advice, --bump, and the output shapes."""

from __future__ import annotations

import io
import json
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, Runner, write
from wiccli.cli.main import main
from wiccli.env import Env
from wiccli.event.load import bundled_path

OLD = DATA / "diff-old.toml"
NEW = DATA / "diff-new.toml"

EXPECTED = {
    ("added", "added"), ("removed", "to-remove"), ("cancelled", "to-cancel"),
    ("restored", "to-restore"), ("moved", "moved"), ("venue", "new-room"),
    ("renamed", "renamed"), ("changed", "described"),
}


def changes(run: Runner, old: Path = OLD, new: Path = NEW) -> list[dict[str, Any]]:
    result = run("diff", "-f", "json", str(old), str(new))
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    return list(report["changes"])


def test_each_kind_of_change_is_found(run: Runner) -> None:
    found = {(c["change"], c["id"]) for c in changes(run)}
    assert found == EXPECTED


def test_json_shape_and_values(run: Runner) -> None:
    report = json.loads(run("diff", "-f", "json", str(OLD), str(NEW)).stdout)
    assert set(report) == {"old", "new", "timezone", "differences", "changes", "sequence"}
    assert report["timezone"] == "Europe/Berlin"
    assert report["differences"] is True
    by_id = {c["id"]: c for c in report["changes"]}
    assert set(by_id["moved"]) == {"scope", "id", "title", "change", "field", "old", "new",
                                   "summary"}
    assert by_id["moved"]["old"] == {"start": "2025-03-29T11:00:00+01:00",
                                     "end": "2025-03-29T12:00:00+01:00"}
    assert by_id["moved"]["new"]["start"] == "2025-03-29T15:00:00+01:00"
    assert (by_id["new-room"]["old"], by_id["new-room"]["new"]) == ("hall-a", "hall-b")
    assert (by_id["renamed"]["old"], by_id["renamed"]["new"]) == ("Old title", "New title")
    assert by_id["described"]["field"] == "description"
    assert by_id["added"]["new"]["venue_name"] == "Hall A"
    assert by_id["to-remove"]["old"]["title"] == "Dropped"


def test_sequence_advice(run: Runner) -> None:
    report = json.loads(run("diff", "-f", "json", str(OLD), str(NEW)).stdout)
    needed = {b["id"]: (b["new"], b["required"]) for b in report["sequence"] if b["needed"]}
    assert needed == {"moved": (0, 1), "new-room": (0, 1), "renamed": (0, 1),
                      "to-cancel": (0, 1), "to-restore": (2, 3)}
    raised = [b for b in report["sequence"] if b["id"] == "described"]
    assert raised == [{"id": "described", "old": 0, "new": 1, "required": 1, "needed": False}]


def test_table_output(run: Runner) -> None:
    result = run("diff", str(OLD), str(NEW), environ={"COLUMNS": "160"})
    assert result.code == 0
    assert "Sat 29 Mar 11:00–12:00 → Sat 29 Mar 15:00–16:00" in result.stdout
    assert "Hall A → Hall B" in result.stdout
    assert "5 changed sessions need a higher sequence" in result.stderr
    assert "to-restore (2 → 3)" in result.stderr
    assert 'status = "cancelled"' in result.stderr  # the note on the removed session


def test_markdown(run: Runner) -> None:
    result = run("diff", "-f", "markdown", str(OLD), str(NEW))
    assert result.code == 0
    text = result.stdout
    assert text.startswith("## Programme changes: Diff Demo\n")
    for heading in ("New sessions", "Cancelled", "Back on the programme", "New times",
                    "New venues", "New titles", "Removed from the programme", "Other updates"):
        assert f"\n### {heading}\n" in text
    assert "- **Moved talk**: now Sat 29 Mar 15:00–16:00 (was Sat 29 Mar 11:00–12:00)" in text
    assert "- ~~Will be cancelled~~ (Sun 30 Mar 09:00–10:00) is cancelled" in text
    assert "- **New title** (was “Old title”)" in text
    assert text.rstrip().endswith("Times are in Europe/Berlin (UTC+01:00).")


def test_markdown_escapes_titles(run: Runner, tmp_path: Path) -> None:
    new = write(tmp_path / "new.toml", OLD.read_text().replace(
        'title = "Old title"', 'title = "Work *in* [progress]_"'))
    result = run("diff", "-f", "markdown", str(OLD), str(new))
    assert r"**Work \*in\* \[progress\]\_**" in result.stdout


def test_same_file_has_no_differences(run: Runner) -> None:
    result = run("diff", str(OLD), str(OLD))
    assert (result.code, result.stdout) == (0, "")
    assert "no differences" in result.stderr
    assert run("diff", "--exit-code", str(OLD), str(OLD)).code == 0
    report = json.loads(run("diff", "-f", "json", str(OLD), str(OLD)).stdout)
    assert (report["differences"], report["changes"]) == (False, [])


def test_exit_code_option(run: Runner) -> None:
    assert run("diff", str(OLD), str(NEW)).code == 0
    assert run("diff", "--exit-code", str(OLD), str(NEW)).code == 1


def test_venue_rename_needs_a_bump_for_its_sessions(run: Runner, tmp_path: Path) -> None:
    new = write(tmp_path / "new.toml",
                OLD.read_text().replace('name = "Hall B"', 'name = "Hall B (upstairs)"'))
    report = json.loads(run("diff", "-f", "json", str(OLD), str(new)).stdout)
    assert [(c["scope"], c["change"], c["id"]) for c in report["changes"]] == [
        ("venue", "renamed", "hall-b")]
    assert {b["id"] for b in report["sequence"] if b["needed"]} == {"moved", "described"}


def test_old_from_stdin(run: Runner) -> None:
    result = run("diff", "-f", "json", "-", str(NEW), stdin=OLD.read_text())
    assert result.code == 0
    assert json.loads(result.stdout)["old"] == "-"
    assert run("diff", "-", "-").code == 2


def test_invalid_file_is_one_clear_error(run: Runner) -> None:
    result = run("diff", str(OLD), str(DATA / "invalid-syntax.toml"))
    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- --bump


def _bumped(run: Runner, tmp_path: Path) -> tuple[str, str]:
    target = tmp_path / "new.toml"
    shutil.copy(NEW, target)
    result = run("diff", str(OLD), str(target), "--bump", "--yes")
    assert result.code == 0, result.stderr
    assert "raised the sequence of 5 sessions" in result.stderr
    return NEW.read_text(), target.read_text()


def test_bump_changes_only_sequence_lines(run: Runner, tmp_path: Path) -> None:
    before, after = _bumped(run, tmp_path)
    old_lines, new_lines = before.splitlines(), after.splitlines()
    kept = [line for line in new_lines if not line.startswith("sequence = ")]
    assert kept == [line for line in old_lines if not line.startswith("sequence = ")]
    assert "sequence = 3    # the sequence line: only its number may change" in new_lines
    # A new sequence line goes after the table's last key, before its trailing comment.
    room = new_lines.index('venue = "hall-b"                         # was hall-a')
    assert new_lines[room + 3] == "sequence = 1"
    assert new_lines[room + 4].strip() == "# a comment at the end of a table stays where it is"


def test_bump_makes_the_advice_go_away(run: Runner, tmp_path: Path) -> None:
    _bumped(run, tmp_path)
    data = tomllib.loads((tmp_path / "new.toml").read_text())
    sequences = {s["id"]: s.get("sequence", 0) for s in data["sessions"]}
    assert sequences == {"keynote": 0, "moved": 1, "new-room": 1, "renamed": 1, "to-cancel": 1,
                         "to-restore": 3, "described": 1, "added": 0}
    report = json.loads(run("diff", "-f", "json", str(OLD), str(tmp_path / "new.toml")).stdout)
    assert not any(b["needed"] for b in report["sequence"])
    again = run("diff", str(OLD), str(tmp_path / "new.toml"), "--bump")
    assert again.code == 0  # nothing to raise: no question asked
    assert "need a higher sequence" not in again.stderr


def test_bump_refuses_without_yes_when_not_a_terminal(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    shutil.copy(NEW, target)
    result = run("diff", str(OLD), str(target), "--bump")
    assert result.code == 2
    assert result.stderr.startswith("error: --bump changes NEW: confirm with --yes")
    assert result.stdout == ""
    assert target.read_bytes() == NEW.read_bytes()


def test_bump_needs_a_file(run: Runner) -> None:
    result = run("diff", str(OLD), "-", "--bump", "--yes", stdin=NEW.read_text())
    assert result.code == 2
    assert "--bump writes NEW" in result.stderr


@pytest.mark.parametrize("session", ["sf-5g", "plenary"])
def test_bump_on_the_bundled_event(run: Runner, tmp_path: Path, session: str) -> None:
    text = bundled_path().read_text()
    anchor = f'id = "{session}"\n'
    changed = text.replace(anchor, anchor + "# renamed below\n", 1).replace(
        "Forum on 5G networks", "Forum on 5G") if session == "sf-5g" else text.replace(
        "2018-11-07T17:30:00", "2018-11-07T18:00:00", 1)
    target = write(tmp_path / "wic.toml", changed)
    result = run("diff", str(bundled_path()), str(target), "--bump", "--yes")
    assert result.code == 0, result.stderr
    after = target.read_text()
    assert len(after.splitlines()) == len(changed.splitlines()) + 1
    assert run("validate", str(target)).code == 0
    assert {s["id"]: s.get("sequence") for s in tomllib.loads(after)["sessions"]}[session] == 1


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "changed"), [("n\n", 1, False), ("y\n", 0, True)])
def test_bump_asks_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, code: int, changed: bool
) -> None:
    target = tmp_path / "new.toml"
    shutil.copy(NEW, target)
    stdin, err = _Terminal(answer), io.StringIO()
    monkeypatch.setattr("sys.stdin", stdin)
    monkeypatch.setattr("sys.stderr", err)
    env = Env(stdin=stdin, stdout=io.StringIO(), stderr=err, cwd=tmp_path, environ={},
              stdout_isatty=False, stderr_isatty=False)
    assert main(["diff", str(OLD), str(target), "--bump"], env) == code
    assert "Raise 5 sequence(s)" in err.getvalue()
    assert (target.read_bytes() != NEW.read_bytes()) is changed


def test_bump_keeps_windows_line_ends(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "new.toml"
    target.write_bytes(NEW.read_bytes().replace(b"\n", b"\r\n").rstrip())
    result = run("diff", str(OLD), str(target), "--bump", "--yes")
    assert result.code == 0, result.stderr
    raw = target.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") == NEW.read_bytes().count(b"\n") + 3
    assert raw.endswith(b'end = 2025-03-30T16:00:00')  # the last session needed no bump


# Layouts --bump must edit in place: indented tables, a last value over several lines,
# no line end at the end of the file, Windows line ends, sessions as inline tables.
_HEAD = ('[event]\nid = "layouts"\nname = "Layouts"\ntimezone = "UTC"\n'
         "start = 2025-03-29\nend = 2025-03-29\n\n")
_INDENTED = (
    '[[sessions]]\n  id = "a"\n  title = "A"\n  kind = "talk"\n'
    "  start = 2025-03-29T09:00:00\n  end = 2025-03-29T10:00:00\n"
    '  hosts = [\n    "Ann",  # first\n    "Bob",\n  ]  # the hosts\n\n  # after a\n\n'
    '[[sessions]]\nid = "b"\ntitle = "B"\nkind = "talk"\nsequence = 0x2  # hex\n'
    'start = 2025-03-29T10:00:00\nend = 2025-03-29T11:00:00\n\n'
    '[[sessions]]\nid = "c"\ntitle = "C"\nkind = "talk"\nstart = 2025-03-29T11:00:00\n'
    'end = 2025-03-29T12:00:00\ndescription = """\nTwo\nlines"""'
)
_INLINE = (
    'sessions = [\n  { id = "a", title = "A", kind = "talk", start = 2025-03-29T09:00:00, '
    'end = 2025-03-29T10:00:00 },  # a\n  { id = "b", title = "B", kind = "talk", '
    "sequence = 4, start = 2025-03-29T10:00:00, end = 2025-03-29T11:00:00 },\n]\n"
)


def _retitled(text: str) -> str:
    return text.replace('title = "A"', 'title = "A2"').replace(
        'title = "B"', 'title = "B2"').replace('title = "C"', 'title = "C2"')


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_bump_edits_only_the_sequence_in_any_layout(
    run: Runner, tmp_path: Path, newline: str
) -> None:
    old = write(tmp_path / "old.toml", _HEAD + _INDENTED)
    changed = _retitled(_HEAD + _INDENTED).replace("\n", newline)
    target = tmp_path / "new.toml"
    target.write_bytes(changed.encode())
    result = run("diff", str(old), str(target), "--bump", "--yes")
    assert result.code == 0, result.stderr
    assert "raised the sequence of 3 sessions" in result.stderr
    expected = changed.replace(
        f'  ]  # the hosts{newline}', f"  ]  # the hosts{newline}  sequence = 1{newline}"
    ).replace("sequence = 0x2  # hex", "sequence = 3  # hex") + f"{newline}sequence = 1"
    assert target.read_bytes() == expected.encode()
    sequences = {s["id"]: s["sequence"] for s in tomllib.loads(target.read_text())["sessions"]}
    assert sequences == {"a": 1, "b": 3, "c": 1}


def test_bump_sets_sequences_in_inline_tables(run: Runner, tmp_path: Path) -> None:
    old = write(tmp_path / "old.toml", _INLINE + _HEAD)  # top-level keys come first
    target = write(tmp_path / "new.toml", _retitled(_INLINE + _HEAD))
    result = run("diff", str(old), str(target), "--bump", "--yes")
    assert result.code == 0, result.stderr
    after = target.read_text()
    assert after.endswith(_HEAD)
    assert "},  # a\n" in after
    sequences = {s["id"]: s["sequence"] for s in tomllib.loads(after)["sessions"]}
    assert sequences == {"a": 1, "b": 5}
    assert run("diff", str(old), str(target), "--bump").code == 0
