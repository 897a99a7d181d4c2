"""Files that are not files: a named pipe (FIFO), a socket, a device or a folder where wic
reads or writes a user's file is refused with one error, at once, never waited on.

Each case runs the real ``wic`` in a process of its own with a timeout: a wic that
opened the pipe would block for ever (no program ever writes to it), and the timeout
turns that hang into a failure instead of a stuck test run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import DATA, Result
from hostile import refused

TIMEOUT = 30
EVENT = str(DATA / "minimal.toml")


def wic(tmp_path: Path, *argv: str) -> Result:
    """``python -m wiccli ARGV`` in ``tmp_path``, with its own home and caches."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("WIC_", "XDG_"))}
    environ.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"),
                   XDG_DATA_HOME=str(tmp_path / "data"), NO_COLOR="1")
    done = subprocess.run([sys.executable, "-m", "wiccli", *argv], cwd=tmp_path, env=environ,
                          capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL,
                          check=False)
    return Result(done.returncode, done.stdout, done.stderr)


def fifo(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    os.mkfifo(path)
    return path


# Every kind of file wic reads, named by a FIFO: what to run, given the FIFO's path.
READERS = {
    "event file": lambda p: ["-e", p, "agenda"],
    "validate": lambda p: ["validate", p],
    "diff": lambda p: ["diff", EVENT, p],
    "pick file": lambda p: ["-e", EVENT, "export-ics", "--pick", p],
    "schedule file": lambda p: ["-e", EVENT, "import", p, "-o", "out.toml"],
    "CSV file": lambda p: ["-e", EVENT, "invites", "--ledger", "l.db", "import", p],
    "TOML ledger file": lambda p: ["-e", EVENT, "invites", "--ledger", "l.db", "import", p],
    "ledger database": lambda p: ["-e", EVENT, "invites", "--ledger", p, "list"],
    "mailbox": lambda p: ["-e", EVENT, "invites", "--ledger", "l.db", "replies", p],
    "certificate file": lambda p: ["-e", EVENT, "invites", "--ledger", "l.db", "send",
                                   "--smtp", "smtp://localhost:1", "--smtp-ca", p],
}
SUFFIX = {"TOML ledger file": ".toml", "CSV file": ".csv", "schedule file": ".xml",
          "ledger database": ".db", "mailbox": ".mbox"}


@pytest.mark.parametrize("kind", sorted(READERS))
def test_a_named_pipe_is_refused_not_read(tmp_path: Path, kind: str) -> None:
    path = fifo(tmp_path, "pipe" + SUFFIX.get(kind, ".toml"))
    error = refused(wic(tmp_path, *READERS[kind](str(path))), 1)
    assert "is a named pipe (FIFO)" in error, error
    assert len(error.splitlines()) == 1


def test_a_symbolic_link_to_a_pipe_is_refused(tmp_path: Path) -> None:
    (tmp_path / "wic.toml").symlink_to(fifo(tmp_path, "pipe"))
    error = refused(wic(tmp_path, "-e", "wic.toml", "agenda"), 1)
    assert error == "error: wic.toml: is a named pipe (FIFO), not an event file\n"


def test_a_symbolic_link_to_a_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "wic.toml").symlink_to(EVENT)
    result = wic(tmp_path, "-e", "wic.toml", "agenda", "-f", "json")
    assert result.code == 0, result.stderr


def test_a_pipe_in_a_maildir_is_refused(tmp_path: Path) -> None:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "box" / sub).mkdir(parents=True)
    fifo(tmp_path / "box" / "new", "1700000000.M1P1.host")
    error = refused(wic(tmp_path, "-e", EVENT, "invites", "--ledger", "l.db", "replies", "box"), 1)
    assert "1700000000.M1P1.host: is a named pipe (FIFO), not a message file" in error


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock.toml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.listen()
    yield path
    server.close()


def test_a_socket_is_refused(tmp_path: Path, unix_socket: Path) -> None:
    error = refused(wic(tmp_path, "-e", str(unix_socket), "agenda"), 1)
    assert error.endswith("sock.toml: is a socket, not an event file\n")
    error = refused(wic(tmp_path, "export-ics", "-o", str(unix_socket)), 1)
    assert "is a socket" in error


def test_a_device_is_refused(tmp_path: Path) -> None:
    error = refused(wic(tmp_path, "-e", "/dev/zero", "agenda"), 1)
    assert error == "error: /dev/zero: is a device, not an event file\n"
    error = refused(wic(tmp_path, "-e", EVENT, "invites", "--ledger", "/dev/zero", "list"), 1)
    assert error == "error: /dev/zero: is a device, not a ledger database\n"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.db").mkdir()
    error = refused(wic(tmp_path, "-e", EVENT, "invites", "--ledger", "folder.db", "list"), 1)
    assert error.endswith("folder.db: is a folder, not a ledger database\n")
    error = refused(wic(tmp_path, "-e", EVENT, "invites", "--ledger", "l.db", "import",
                        "folder.db"), 1)
    assert "is a folder" in error


def test_output_to_a_pipe_no_one_reads_is_refused(tmp_path: Path) -> None:
    path = fifo(tmp_path, "out.ics")
    error = refused(wic(tmp_path, "-e", EVENT, "export-ics", "-o", str(path)), 1)
    assert error.endswith("out.ics: cannot write: is a named pipe (FIFO) that no program is "
                          "reading\n")


def test_output_to_a_pipe_being_read_is_written(tmp_path: Path) -> None:
    """As ``-o >(gzip > x.gz)`` in a shell: a pipe with a reader is written to."""
    path = fifo(tmp_path, "out.ics")
    reading = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # the reader is there first
    try:
        result = wic(tmp_path, "-e", EVENT, "export-ics", "-o", str(path))
        os.set_blocking(reading, True)
        with os.fdopen(reading, "rb", closefd=False) as stream:
            out = stream.read()
    finally:
        os.close(reading)
    assert result.code == 0, result.stderr
    assert out.startswith(b"BEGIN:VCALENDAR")
    assert result.stderr.endswith("out.ics\n")


def test_output_to_dev_null_is_written(tmp_path: Path) -> None:
    result = wic(tmp_path, "-e", EVENT, "export-ics", "-o", "/dev/null")
    assert result.code == 0, result.stderr
