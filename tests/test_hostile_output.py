"""Where output goes: a full or closed stdout, symbolic links, files for one's eyes only.

``wic agenda > /dev/full`` and ``wic agenda >&-`` used to end in a traceback (or
Python's "Exception ignored" at exit) in every command.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Runner, write
from hostile import MINIMAL, refused

COMMANDS = [["agenda"], ["themes", "-f", "json"], ["info"], ["export-ics"], ["export-frab"],
            ["schema"], ["show", "opening-ceremony"], ["forums", "-f", "csv"]]


def wic(args: list[str], tmp_path: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """``python -m wiccli ARGS``: a real process, with real standard streams."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    environ |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "wiccli", *args], cwd=tmp_path, env=environ,
                          stderr=subprocess.PIPE, text=True, timeout=60, check=False,
                          **kwargs)  # type: ignore[call-overload]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_full_stdout_is_one_error(tmp_path: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = wic(command, tmp_path, stdout=full)
    assert (done.returncode, done.stderr) == (
        1, "error: cannot write to standard output: No space left on device\n")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_closed_stdout_is_one_error(tmp_path: Path, command: list[str]) -> None:
    done = wic(command, tmp_path, preexec_fn=lambda: os.close(1))
    assert (done.returncode, done.stderr) == (
        1, "error: cannot write to standard output: it is closed\n")


def test_a_closed_stdout_does_not_stop_a_file_export(tmp_path: Path) -> None:
    done = wic(["export-ics", "-o", "out.ics"], tmp_path, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "out.ics").read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR")
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_closed_stderr_and_stdin_still_run(tmp_path: Path) -> None:
    def close() -> None:
        os.close(0)
        os.close(2)

    done = subprocess.run([sys.executable, "-m", "wiccli", "themes", "-f", "json"],
                          cwd=tmp_path, stdout=subprocess.PIPE, text=True, timeout=60,
                          preexec_fn=close, check=False)
    assert done.returncode == 0
    assert '"id": "innovation"' in done.stdout or '"id":"innovation"' in done.stdout


def test_a_symlinked_output_updates_its_target(run: Runner, tmp_path: Path) -> None:
    target = write(tmp_path / "real" / "wic.ics", "old\n")
    link = tmp_path / "link.ics"
    link.symlink_to(target)
    result = run("export-ics", "-o", "link.ics")
    assert result.code == 0, result.stderr
    assert link.is_symlink()
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert sorted(p.name for p in target.parent.iterdir()) == ["wic.ics"]


def test_a_loop_of_symlinks_as_output_is_one_error(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "a.ics").symlink_to(tmp_path / "b.ics")
    (tmp_path / "b.ics").symlink_to(tmp_path / "a.ics")
    err = refused(run("export-ics", "-o", "a.ics"), 1)
    assert err == "error: a.ics: cannot write: a loop of symbolic links\n"


def test_a_loop_of_symlinks_in_an_out_dir_is_one_error(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "cals").mkdir()
    (tmp_path / "cals" / "security.ics").symlink_to(tmp_path / "cals" / "security.ics")
    result = run("export-ics", "--split", "theme", "--out-dir", "cals")
    assert result.code == 1
    assert "Traceback" not in result.stderr
    assert "security.ics" in result.stderr


def test_an_output_that_is_a_folder_is_one_error(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "out.ics").mkdir()
    err = refused(run("export-ics", "-o", "out.ics"), 1)
    assert "out.ics: is a folder" in err


def test_new_files_with_personal_data_are_owner_only(tmp_path: Path) -> None:
    from wiccli.output.files import write_atomic

    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "letter.pdf", b"%PDF", private=True)
        write_atomic(tmp_path / "agenda.ics", b"BEGIN", private=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "letter.pdf").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "agenda.ics").stat().st_mode) == 0o644


def test_an_event_named_by_a_symlink_loop_is_one_error(run: Runner, tmp_path: Path) -> None:
    write(tmp_path / "real.toml", MINIMAL)
    (tmp_path / "wic.toml").symlink_to(tmp_path / "wic.toml")
    err = refused(run("-e", "wic.toml", "agenda"), 1)
    assert err.startswith("error: wic.toml: ")
