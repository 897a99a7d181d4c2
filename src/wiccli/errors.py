"""One exception tree for everything a user can get wrong, and the exit codes.

Core modules raise these; the CLI turns them into one ``error:`` line on stderr
and the exit code they carry. Nothing else in wic calls ``sys.exit``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
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


# --------------------------------------------------------------------------- secrets

HIDDEN = "***"
# libpq's keywords whose value is a secret (a URL's query may spell them percent-encoded).
SECRET_KEYS = frozenset({"password", "sslpassword"})
# user:PASSWORD@ in any URL (up to the last @ before the path: a password may hold an @).
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/?#@:]*):[^\s/?#]*@")
# ?password=… or &password=… in a URL's query (the key may be percent-encoded).
_QUERY = re.compile(r"([?&])([^\s=&#]+)=([^\s&#]*)")
# password=… in a key=value connection string; a value may be 'quoted' with \' inside.
_KEYWORD = re.compile(r"(?i)(?<![\w%?&])((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s'\"]+)")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every password in it hidden: in URLs (``user:…@`` becomes ``user@``;
    ``?password=…``, ``&sslpassword=…``, percent-encoded: ``***``), in key=value connection
    strings (quoted or not), and wherever one of ``secrets`` (the passwords known to be
    in use, of three characters or more) appears."""
    def query(match: re.Match[str]) -> str:
        from urllib.parse import unquote

        lead, key, value = match.groups()
        if value.startswith(HIDDEN) or unquote(key).lower() not in SECRET_KEYS:
            return match[0]  # hidden already (redacting twice changes nothing), or no secret
        return f"{lead}{key}={HIDDEN}"

    def keyword(match: re.Match[str]) -> str:
        return match[0] if match[2].startswith(HIDDEN) else match[1] + HIDDEN

    text = _USERINFO.sub(lambda m: m[1] if m[1].endswith("//") else m[1] + "@", text)
    text = _QUERY.sub(query, text)
    text = _KEYWORD.sub(keyword, text)
    for secret in sorted({s for s in secrets if len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    return text


def secrets_in(location: str) -> list[str]:
    """The passwords a PostgreSQL URL or key=value connection string holds, as written and
    decoded (so that a driver's message quoting either can be cleaned by :func:`redact`)."""
    from urllib.parse import unquote

    found = [m[0][len(m[1]) + 1:-1] for m in _USERINFO.finditer(location)]
    found += [m[3] for m in _QUERY.finditer(location) if unquote(m[2]).lower() in SECRET_KEYS]
    found += [re.sub(r"\\(.)", r"\1", m[2].strip("'")) for m in _KEYWORD.finditer(location)]
    return [s for value in found for s in {value, unquote(value)} if s]
