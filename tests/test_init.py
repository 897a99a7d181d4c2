"""wic init: a commented starting file that validates, written only when it should be."""

from __future__ import annotations

import io
import json
import os
import tomllib
from pathlib import Path

import pytest

from conftest import FIXED_NOW, Runner, write
from wiccli.cli.main import main
from wiccli.env import Env

OPTIONS = ("--name", "Demo Conf 2025", "--start", "2025-03-29", "--end", "2025-03-30",
           "--timezone", "Europe/Berlin")


def test_init_writes_a_file_that_validates_without_warnings(run: Runner, tmp_path: Path) -> None:
    result = run("init", *OPTIONS)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert "wrote wic.toml" in result.stderr
    assert "wic validate wic.toml" in result.stderr
    data = tomllib.loads((tmp_path / "wic.toml").read_text())
    assert data["event"] == {"id": "demo-conf-2025", "name": "Demo Conf 2025",
                             "timezone": "Europe/Berlin", "start": data["event"]["start"],
                             "end": data["event"]["end"]}
    assert str(data["event"]["start"]) == "2025-03-29"
    checked = run("validate", "--strict", "-f", "json")
    assert checked.code == 0, checked.stdout
    report = json.loads(checked.stdout)
    assert report["warnings"] == []
    assert [d["sessions"] for d in report["summary"]["days"]] == [2, 1]


def test_template_shows_every_block_to_copy(run: Runner, tmp_path: Path) -> None:
    run("init", *OPTIONS)
    text = (tmp_path / "wic.toml").read_text()
    data = tomllib.loads(text)
    assert len(data["themes"]) == 1
    assert len(data["venues"]) == 1
    assert {s["kind"] for s in data["sessions"]} >= {"sub-forum"}
    assert data["invitations"]["categories"][0]["id"] == "speakers"
    assert text.count("\n#") > 20  # commented throughout


def test_one_day_event_and_explicit_id(run: Runner, tmp_path: Path) -> None:
    result = run("init", "event.toml", "--name", "Tag", "--start", "2025-05-01",
                 "--timezone", "Asia/Shanghai", "--id", "tag-2025")
    assert result.code == 0, result.stderr
    assert "wic -e event.toml agenda" in result.stderr
    assert run("validate", "--strict", "event.toml").code == 0
    agenda = run("-e", "event.toml", "agenda", "-f", "json")
    assert {r["day"] for r in json.loads(agenda.stdout)} == {"2025-05-01"}


def test_names_that_need_escaping(run: Runner, tmp_path: Path) -> None:
    name = 'Über "Quotes" \\ Конференция'
    result = run("init", "--name", name, "--start", "2025-05-01", "--timezone", "UTC")
    assert result.code == 0, result.stderr
    data = tomllib.loads((tmp_path / "wic.toml").read_text())
    assert data["event"]["name"] == name
    assert data["event"]["id"] == "uber-quotes"


def test_defaults_without_a_terminal(run: Runner, tmp_path: Path) -> None:
    result = run("init")
    assert result.code == 0, result.stderr
    assert "note: no --name, --start, --timezone given" in result.stderr
    data = tomllib.loads((tmp_path / "wic.toml").read_text())
    assert data["event"]["timezone"] == "UTC"
    assert data["event"]["start"] == FIXED_NOW.date()
    assert run("validate", "--strict").code == 0


def test_refuses_to_overwrite(run: Runner, tmp_path: Path) -> None:
    existing = write(tmp_path / "wic.toml", "# mine\n")
    result = run("init", *OPTIONS)
    assert result.code == 1
    assert result.stderr == "error: wic.toml: already exists (--force replaces it)\n"
    assert existing.read_text() == "# mine\n"
    forced = run("init", *OPTIONS, "--force")
    assert forced.code == 0
    assert "Demo Conf 2025" in existing.read_text()


@pytest.mark.parametrize(("args", "message"), [
    (("--timezone", "Mars/Olympus"), "--timezone: unknown time zone 'Mars/Olympus'"),
    (("--start", "2025-02-30"), "--start: '2025-02-30' is not a date"),
    (("--start", "2025-03-02", "--end", "2025-03-01"), "--end: 2025-03-01 is before --start"),
    (("--id", "Big Conf"), "--id: 'Big Conf' is not a valid id"),
    (("--name", "  "), "--name: the event needs a name"),
])
def test_bad_options_write_nothing(
    run: Runner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run("init", *args)
    assert result.code == 2
    assert result.stderr.startswith(f"error: {message}")
    assert result.stderr.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_folder_as_target(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    result = run("init", "sub", *OPTIONS)
    assert result.code == 1
    assert "is a folder" in result.stderr


def test_missing_folder(run: Runner) -> None:
    result = run("init", "nowhere/wic.toml", *OPTIONS)
    assert result.code == 1
    assert result.stderr.startswith("error: ")
    assert "does not exist" in result.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_asks_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Name, id (default), first day (a bad one, then a good one), last day, time zone.
    answers = _Terminal("Lake Summit\n\nnot-a-date\n2026-06-12\n2026-06-13\nEurope/Zurich\n")
    monkeypatch.setattr("sys.stdin", answers)
    err = io.StringIO()
    env = Env(stdin=answers, stdout=io.StringIO(), stderr=err, cwd=tmp_path,
              environ={}, clock=lambda: FIXED_NOW, stdout_isatty=False, stderr_isatty=False)
    monkeypatch.setattr("sys.stderr", err)
    assert main(["init", str(tmp_path / "wic.toml")], env) == 0, err.getvalue()
    assert "is not a date" in err.getvalue()
    data = tomllib.loads((tmp_path / "wic.toml").read_text())
    assert data["event"]["id"] == "lake-summit"
    assert str(data["event"]["end"]) == "2026-06-13"
    assert data["event"]["timezone"] == "Europe/Zurich"
