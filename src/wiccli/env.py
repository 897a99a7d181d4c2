"""The world a command runs in: streams, terminal-ness, environment, clock.

Commands receive an :class:`Env` instead of reaching for ``sys`` or the clock,
so tests can say "stdout is a pipe" or "it is 8 November 2018".
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from wiccli.errors import redact


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Env:
    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    cwd: Path = field(default_factory=Path.cwd)
    clock: Callable[[], datetime] = _now
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None

    def __post_init__(self) -> None:
        if self.stdout_isatty is None:
            self.stdout_isatty = _isatty(self.stdout)
        if self.stderr_isatty is None:
            self.stderr_isatty = _isatty(self.stderr)

    def now(self) -> datetime:
        return self.clock()

    def message(self, text: str) -> None:
        """A line for people, on stderr (never with a password in it)."""
        print(redact(text), file=self.stderr)

    def warn(self, text: str) -> None:
        print(f"warning: {redact(text)}", file=self.stderr)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
