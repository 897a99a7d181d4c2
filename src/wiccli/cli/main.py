"""The entry point: run the app, turn every WicError into one ``error:`` line."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from wiccli.env import Env
from wiccli.errors import ExitStatus, WicError


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> None:
    from wiccli.cli.app import app
    from wiccli.cli.state import State

    state = State(env=env or Env())
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        app(args=args, prog_name="wic", obj=state, standalone_mode=True)
    except WicError as exc:
        if state.debug or "--debug" in args:
            raise
        for line in [exc.message, *exc.details]:
            print(f"error: {line}", file=state.env.stderr)
        sys.exit(exc.exit_status)
    except BrokenPipeError:
        # The reader went away (`wic agenda | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitStatus.ERROR)
    except KeyboardInterrupt:
        print("interrupted", file=state.env.stderr)
        sys.exit(ExitStatus.INTERRUPTED)
