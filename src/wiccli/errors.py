"""One exception tree for everything a user can get wrong, and the exit codes.

Core modules raise these; the CLI turns them into one ``error:`` line on stderr
and the exit code they carry. Nothing else in wic calls ``sys.exit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum

MAX_SHOWN = 50  # problems listed one a line before "… and N more"


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


def at_most(lines: Sequence[str], more: Callable[[int], str], limit: int = MAX_SHOWN
            ) -> list[str]:
    """The first ``limit`` lines, then ``more(n)`` for the ``n`` left out: the one way a
    long list of problems is cut short."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], more(len(lines) - limit)]


class Checker:
    """Collects problems while plain data (parsed TOML) becomes a frozen model."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


class ProblemsError(DataError):
    """A file with one or more problems; each is listed (up to :data:`MAX_SHOWN`)."""

    MAX_SHOWN = MAX_SHOWN

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = at_most([p.render(source) for p in problems],
                        lambda n: f"{source}: … and {n} more problems")
        super().__init__(lines[0], details=lines[1:])


class EventFileError(ProblemsError):
    """An event file with one or more problems."""
