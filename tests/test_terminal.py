"""Tables on a terminal: the lines a pipe gets, styled, drawn without Rich."""

from __future__ import annotations

import fcntl
import json
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from conftest import DATA, Runner

SGR = re.compile(r"\x1b\[[0-9;]*m")
LISTINGS = [("agenda", "-d", "2"), ("agenda",), ("forums",), ("themes",), ("info",),
            ("show", "opening-ceremony")]


def unstyled(text: str) -> str:
    """Terminal output without its ANSI codes and the rule under the header."""
    lines = SGR.sub("", text).splitlines()
    return "".join(f"{line}\n" for line in lines if line.strip("─"))


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("argv", LISTINGS, ids=" ".join)
def test_terminal_and_pipe_lay_out_the_same_table(run: Runner, argv: tuple[str, ...],
                                                  columns: int) -> None:
    width = {"COLUMNS": str(columns)}
    piped = run(*argv, environ=width)
    terminal = run(*argv, environ=width, tty=True)
    assert piped.code == terminal.code == 0
    assert "\x1b[1m" in terminal.stdout
    assert "\x1b" not in piped.stdout
    assert unstyled(terminal.stdout) == piped.stdout
    assert max(len(line) for line in piped.stdout.splitlines()) <= columns


def test_a_table_on_a_terminal_has_a_rule_under_its_header(run: Runner) -> None:
    lines = SGR.sub("", run("themes", tty=True).stdout).splitlines()
    header = lines.index(next(line for line in lines if line.startswith("Id")))
    assert set(lines[header + 1]) == {"─"}
    assert len(lines[header + 1]) == max(len(line) for line in lines)


def test_cancelled_sessions_are_struck_through_on_a_terminal(run: Runner) -> None:
    event = str(DATA / "diff-new.toml")
    terminal = run("-e", event, "agenda", tty=True).stdout
    struck = [line for line in terminal.splitlines() if line.startswith("\x1b[2;9m")]
    assert struck
    assert "CANCELLED: Will be" in SGR.sub("", struck[0])
    assert "\x1b[2;9m" not in run("-e", event, "agenda").stdout


def test_no_color_keeps_the_layout(run: Runner) -> None:
    coloured = run("agenda", "-d", "2", tty=True).stdout
    plain = run("agenda", "-d", "2", tty=True, environ={"NO_COLOR": "1"}).stdout
    assert unstyled(plain) == unstyled(coloured)
    empty = run("agenda", "-d", "2", tty=True, environ={"NO_COLOR": ""}).stdout
    assert empty == coloured  # an empty NO_COLOR is unset (no-color.org)


# --------------------------------------------------------------------------- a real terminal

PROBE = """
import json, sys
from wiccli.cli.main import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
sys.stdout.flush()
with open(sys.argv[1], "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""


def on_terminal(tmp_path: Path, *argv: str, columns: int) -> tuple[str, set[str]]:
    """Run wic with stdout on a pseudo-terminal of ``columns``: what it wrote, and every
    module it imported."""
    import pty

    master, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("WIC_") and k not in ("COLUMNS", "NO_COLOR")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    modules = tmp_path / "modules.json"
    proc = subprocess.Popen([sys.executable, "-c", PROBE, str(modules), *argv], cwd=tmp_path,
                            env=env, stdin=subprocess.DEVNULL, stdout=child,
                            stderr=subprocess.DEVNULL)
    os.close(child)
    chunks = []
    try:
        while chunk := os.read(master, 1 << 16):
            chunks.append(chunk)
    except OSError:  # EIO: the child has closed the terminal
        pass
    os.close(master)
    assert proc.wait(timeout=60) == 0
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    return text, set(json.loads(modules.read_text()))


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_listing_on_a_terminal_does_not_draw_with_rich(run: Runner, tmp_path: Path) -> None:
    text, modules = on_terminal(tmp_path, "agenda", "-d", "2", columns=60)
    assert "\x1b[1mThursday 8 November 2018" in text
    assert not {m for m in modules if m == "rich" or m.startswith("rich.")}
    assert "wiccli.output.table" in modules
    # The terminal's own width, and the lines a pipe of that width gets.
    assert unstyled(text) == run("agenda", "-d", "2", environ={"COLUMNS": "60"}).stdout
