"""Standard output that remembers when writing to it failed.

``wic agenda > /dev/full`` fails inside whatever command was writing; the entry
point needs to know that it was stdout that failed (say so in one ``error:`` line)
and not some other file (a bug, which keeps its traceback). Every write and flush,
text or bytes, goes through here and records its OSError before passing it on.
"""

from __future__ import annotations

from typing import Any


class Watched:
    """A stream proxy: ``failed`` holds the first OSError a write or flush raised."""

    def __init__(self, stream: Any, owner: Watched | None = None) -> None:
        self._stream = stream
        self._owner = owner or self
        self.failed: OSError | None = None

    def write(self, data: Any) -> int:
        try:
            return int(self._stream.write(data))
        except OSError as exc:
            self._note(exc)
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self._note(exc)
            raise

    @property
    def stream(self) -> Any:
        """The stream it watches."""
        return self._stream

    @property
    def buffer(self) -> Watched:
        return Watched(self._stream.buffer, self._owner)

    def _note(self, exc: OSError) -> None:
        if self._owner.failed is None:
            self._owner.failed = exc

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding…
        return getattr(self._stream, name)
