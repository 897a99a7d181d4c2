"""The ``wic`` command (and ``python -m wiccli``): the first code wic runs.

Nothing heavy is imported at the top: Typer, Rich and the commands load inside
:func:`run`, so a Ctrl-C while they import (the first half second) ends as cleanly
as one later: ``interrupted`` on stderr, exit status 130, no traceback. A SIGTERM
(``kill``, a CI timeout) unwinds the same way, so a file being written is never left
behind as a temporary copy beside its target.
"""

import os
import signal
import sys
from types import FrameType


def run() -> int:
    """The console script's entry: the exit status of ``wic ARGS``."""
    try:
        signal.signal(signal.SIGTERM, _terminated)
        _standard_streams()
        from wiccli.cli.main import main

        return main()
    except KeyboardInterrupt:
        try:
            print("interrupted", file=sys.stderr)
        except (OSError, ValueError):
            pass
        return 130


def _terminated(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: unwind like an exception (temporary files removed, a transaction rolled
    back) and exit with the status the shell gives a terminated command."""
    raise SystemExit(128 + signum)


class _Closed:
    """Standard output that was closed when wic started (``wic agenda >&-``): writing
    to it is an error wic reports, not a traceback; a command that writes only files
    still works."""

    def write(self, text: str) -> int:
        raise OSError(9, "it is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _standard_streams() -> None:
    """Give a closed stdin, stdout or stderr a stand-in, and hold its descriptor with
    /dev/null: otherwise the next file wic opens would get descriptor 1 or 2, and
    anything written "to stdout" (by wic or a program it runs) would land in it."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:
            held = os.open(os.devnull, os.O_RDWR)
            if held != fd:
                os.dup2(held, fd)
                os.close(held)
        if name == "stdout":
            sys.stdout = _Closed()
        else:
            setattr(sys, name, open(os.devnull, "r" if fd == 0 else "w"))


if __name__ == "__main__":
    sys.exit(run())
