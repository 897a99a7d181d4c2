"""Ctrl-C is clean from the first instruction: exit status 130, ``interrupted``, no traceback.

It used to print a KeyboardInterrupt traceback when it came while modules were still
importing (the first half second). Here a real SIGINT is sent to a real ``wic``
process at the moment it starts importing a given module, so every stage of start-up
is hit exactly, not by luck of timing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs wic as the console script does, after arming a trap: the first import of
# MODULE sends this process a SIGINT (delivered at once, in the middle of the import).
LAUNCH = """
import os, signal, sys
module = sys.argv[1]
class Trap:
    def find_spec(self, name, path=None, target=None):
        if name == module:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Trap())
sys.argv = ["wic", *sys.argv[2:]]
from wiccli.__main__ import run
sys.exit(run())
"""

STAGES = ["wiccli.cli.main", "typer", "wiccli.cli", "wiccli.cli.app", "wiccli.cli.state",
          "wiccli.event.load", "wiccli.event.check", "wiccli.output.render"]


def interrupted(module: str, args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    environ |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", LAUNCH, module, *args], cwd=tmp_path,
                          env=environ, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("module", STAGES)
def test_ctrl_c_while_importing_is_clean(tmp_path: Path, module: str) -> None:
    done = interrupted(module, ["agenda", "--day", "2"], tmp_path)
    assert "Traceback" not in done.stderr
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
    assert done.stdout == ""


def test_ctrl_c_while_exporting_leaves_no_file(tmp_path: Path) -> None:
    done = interrupted("wiccli.ics", ["export-ics", "-o", "out.ics"], tmp_path)
    assert (done.returncode, done.stderr) == (130, "interrupted\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == []


def test_python_m_wiccli_uses_the_same_entry() -> None:
    from wiccli import __main__

    assert __main__.run.__module__ == "wiccli.__main__"
    import tomllib

    from conftest import ROOT

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["wic"] == "wiccli.__main__:run"


# Runs wic after arming a trap at the worst moment of writing a file: the temporary copy
# is complete and about to be renamed over the target (its fsync) when SIGNAL arrives.
AT_RENAME = """
import os, signal, sys
wanted = getattr(signal, sys.argv[1])
sent = []
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    if not sent:
        sent.append(1)
        os.kill(os.getpid(), wanted)
os.fsync = fsync
sys.argv = ["wic", *sys.argv[2:]]
from wiccli.__main__ import run
sys.exit(run())
"""


@pytest.mark.parametrize(("signal_name", "status"), [("SIGTERM", 143), ("SIGINT", 130)])
def test_a_signal_while_writing_leaves_no_temporary_file(
    tmp_path: Path, signal_name: str, status: int
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    environ |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", AT_RENAME, signal_name, "export-ics",
                           "-o", str(out / "wic.ics")], cwd=tmp_path, env=environ,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    assert list(out.iterdir()) == []
