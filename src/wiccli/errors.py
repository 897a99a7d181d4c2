"""One exception tree for everything a user can get wrong, and the exit codes.

Core modules raise these; the CLI turns them into one ``error:`` line on stderr
and the exit code they carry. Nothing else in wic calls ``sys.exit``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # bad data, unknown id, a file that cannot be read or written
    USAGE = 2  # wrong usage: bad option or argument
    INTERRUPTED = 130


class WicError(Exception):
    """A problem the user can fix; its message is shown as ``error: <message>``."""

    exit_status = ExitStatus.ERROR

    def __init__(self, message: str, *, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        # Further lines (one per problem) shown after the first, each as ``error: …``.
        self.details = details or []


class UsageError(WicError):
    """An option or argument that does not make sense (exit 2)."""

    exit_status = ExitStatus.USAGE


class DataError(WicError):
    """A file that is missing, unreadable or invalid (exit 1)."""


class NotFoundError(WicError):
    """An id that names nothing (exit 1)."""


class Problem:
    """One problem found in a file: where (key path, optional line) and what."""

    __slots__ = ("line", "message", "path")

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line

    def __repr__(self) -> str:
        return f"Problem({self.path!r}, {self.message!r}, line={self.line!r})"

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class EventFileError(DataError):
    """An event file with one or more problems; all of them are listed."""

    MAX_SHOWN = 50

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = [p.render(source) for p in problems[: self.MAX_SHOWN]]
        if len(problems) > self.MAX_SHOWN:
            lines.append(f"{source}: … and {len(problems) - self.MAX_SHOWN} more problems")
        super().__init__(lines[0], details=lines[1:])
