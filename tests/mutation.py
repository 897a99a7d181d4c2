"""Mutation testing by hand (not in CI): mutmut over the modules [tool.mutmut] names.

    pip install -e '.[mutation]'
    python tests/mutation.py              # every mutant not yet tried, then the score
    python tests/mutation.py 'wiccli.invites.model*'   # only these (mutmut's name globs)

mutmut runs the chosen tests once per mutant, each time in a new process; the tests'
own PostgreSQL cluster would be made (initdb) for every one of them, so this starts one
server for the whole run and hands it over as $TEST_POSTGRES_URL (postgres_server.py).
The runs are niced: other work shares the machine. Results stay in ./mutants/ (ignored
by git): `mutmut results` lists the survivors, `mutmut show NAME` shows one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import postgres_server

ROOT = Path(__file__).resolve().parents[1]


def score() -> str:
    """Killed among the mutants tried (timeouts count as killed, as mutmut counts them)."""
    lines = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"],
                           cwd=ROOT, capture_output=True, text=True, check=False).stdout
    states = [line.rsplit(":", 1)[-1].strip() for line in lines.splitlines() if ":" in line]
    killed = sum(s in ("killed", "timeout") for s in states)
    tried = sum(s in ("killed", "timeout", "survived") for s in states)
    untested = sum(s == "no tests" for s in states)
    shown = f"{killed / tried:.1%}" if tried else "n/a"
    return f"{killed} of {tried} mutants killed ({shown}); {untested} reached by no test"


def main(names: list[str]) -> int:
    server = postgres_server.start()
    if isinstance(server, str):
        print(f"PostgreSQL: {server}; its tests will be skipped", file=sys.stderr)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # mutmut's copy, not src/
    if not isinstance(server, str):
        env["TEST_POSTGRES_URL"] = server.url
    try:
        done = subprocess.run(["nice", "-n", "19", sys.executable, "-m", "mutmut", "run",
                               "--max-children", "1", *names], cwd=ROOT, env=env, check=False)
    finally:
        if not isinstance(server, str):
            server.stop()
    print(score())
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
