"""Ctrl-C and SIGTERM held back while one message is in flight.

Between recording a message as attempted and recording the server's answer, a stop
would leave the ledger not knowing whether the guest has the message. So a first
SIGINT or SIGTERM in that window is kept and delivered when the window closes (the
message is then recorded, and the run stops as it would have); a second one is not
held back (the user insists: the message stays ``attempted``, and the next run lists
it as unconfirmed rather than sending it again). Outside the main thread, where
Python cannot set handlers, nothing is held back.
"""

from __future__ import annotations

import os
import signal
import threading
from types import FrameType, TracebackType
from typing import Any

HELD = (signal.SIGINT, signal.SIGTERM)


class Deferred:
    """``with Deferred():`` the window in which a stop waits for the message."""

    def __init__(self) -> None:
        self.pending: list[int] = []
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> Deferred:
        if threading.current_thread() is threading.main_thread():
            for signum in HELD:
                self.previous[signum] = signal.signal(signum, self._hold)
        return self

    def _hold(self, signum: int, frame: FrameType | None) -> None:
        if self.pending:  # the second: stop now, in the middle of whatever it waits for
            _deliver(signum, self._restore()[signum], frame)
        self.pending.append(signum)

    def _restore(self) -> dict[int, Any]:
        previous, self.previous = self.previous, {}
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        return previous

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        previous = self._restore()
        if self.pending and self.pending[0] in previous:
            _deliver(self.pending[0], previous[self.pending[0]], None)


def _deliver(signum: int, handler: Any, frame: FrameType | None) -> None:
    """What the signal would have done: the handler it had (``KeyboardInterrupt``, wic's
    SIGTERM exit), or the system's default (the process ends), or nothing if ignored."""
    if callable(handler):
        handler(signum, frame)
    elif handler != signal.SIG_IGN:
        os.kill(os.getpid(), signum)
