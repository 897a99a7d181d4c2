"""Find and read an event file: path -> bytes -> TOML -> :class:`Event`.

A file that cannot be read is one clear error naming the path; a TOML syntax
error names the line and column. The rules of the format are in :mod:`wiccli.event.check`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, AnyStr

from wiccli.errors import DataError
from wiccli.event.check import build_event
from wiccli.event.model import Event
from wiccli.event.tomltime import time_hint
from wiccli.limits import MAX_DEPTH, human_size, long_number, nesting_depth, size_limit

BUNDLED_NAME = "wic2018.toml"
_TOML_POS_RE = re.compile(r"^(?P<msg>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_TOML_EOF_RE = re.compile(r"^(?P<msg>.*?)\s*\(at end of document\)$")


# --------------------------------------------------------------------------- locating


def bundled_path() -> Path:
    """The bundled WIC 2018 event: inside the wheel, or ``data/`` in a source checkout."""
    # Beside this module in an installed wheel (importlib.resources would cost 4 ms to import).
    package = Path(__file__).resolve().parents[1]
    packaged = package / "data" / BUNDLED_NAME
    if packaged.is_file():
        return packaged
    return package.parents[1] / "data" / BUNDLED_NAME


def resolve_event_path(
    option: str | None, environ: Mapping[str, str], cwd: Path
) -> tuple[Path, bool]:
    """Which event file to load, and whether it is the bundled one.

    ``--event`` wins, then ``WIC_EVENT``, then ``./wic.toml``, then the bundled event.
    """
    if option:
        return Path(option), False
    if environ.get("WIC_EVENT"):
        return Path(environ["WIC_EVENT"]), False
    local = cwd / "wic.toml"
    if local.is_file():
        return local, False
    return bundled_path(), True


# --------------------------------------------------------------------------- reading


def read_bytes(path: Path, what: str, label: str | None = None, *,
               limit: int | None = None) -> bytes:
    """A user's file as bytes, or one clear DataError naming it (``label``: as typed).

    Files larger than ``limit`` bytes (default: the limit for ``what``) are refused
    before they are read, so a huge file costs nothing.
    """
    from wiccli.output.files import open_regular

    shown = label or str(path)
    cap = size_limit(what) if limit is None else limit
    try:
        with open_regular(path, what, shown) as stream:  # a pipe or a device is refused
            data = stream.read() if cap is None else stream.read(cap + 1)
    except OSError as exc:
        raise DataError(f"{shown}: cannot read: {exc.strerror or exc}") from None
    return check_size(data, what, shown, cap)


def read_stream(stream: IO[AnyStr], what: str, shown: str = "<stdin>") -> AnyStr:
    """Standard input, at most the limit for ``what`` (an endless pipe is refused)."""
    cap = size_limit(what)
    return check_size(stream.read() if cap is None else stream.read(cap + 1), what, shown, cap)


def check_size(data: AnyStr, what: str, shown: str, cap: int | None) -> AnyStr:
    if cap is not None and len(data) > cap:
        raise DataError(f"{shown}: the {what} is larger than {human_size(cap)}, "
                        "the most wic reads")
    return data


def read_text(path: Path, what: str = "event file") -> str:
    """The file's text, or one clear DataError naming the path."""
    from wiccli.output.files import article

    raw = read_bytes(path, what)
    if not raw.strip():
        raise DataError(f"{path}: the {what} is empty")
    if b"\x00" in raw:
        raise DataError(f"{path}: is a binary file, not {article(what)}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: is not UTF-8 text (bad byte at offset {exc.start})") from None


class TomlRefused(ValueError):
    """TOML that wic will not parse (nested too deep, a number too long), or a syntax
    error wic can say more about (a time without seconds), and where."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}:{self.column}" if self.line else source
        return f"{where}: {self.message}"


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` within wic's limits: raises TOMLDecodeError or :class:`TomlRefused`
    (also for a time without seconds, with what to write instead).

    Arrays and inline tables nested deeper than :data:`MAX_DEPTH` are refused
    before tomllib (which recurses once per level) sees them.
    """
    deep = nesting_depth(text, "toml")
    if deep is not None:
        raise TomlRefused(_TOO_DEEP, *deep)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = time_hint(text, *syntax_position(str(exc))[1:])
        if hint is None:
            raise
        raise TomlRefused(*hint) from None
    except RecursionError:  # the scan above missed a level (it should not)
        raise TomlRefused(_TOO_DEEP) from None
    except ValueError:
        # Python refuses to convert an integer of over 4,300 digits.
        raise TomlRefused("a number with thousands of digits; integers must fit in 64 bits",
                          *(long_number(text) or (None, None))) from None


_TOO_DEEP = f"arrays and tables are nested more than {MAX_DEPTH} levels deep"


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes ``SOURCE:LINE:COL: message``."""
    try:
        return loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(toml_error_message(exc, source)) from None
    except TomlRefused as exc:
        raise DataError(exc.render(source)) from None


def syntax_position(message: str) -> tuple[str, int | None, int | None]:
    """Split a TOML syntax error into (message, line, column)."""
    match = _TOML_POS_RE.match(message)
    if match:
        return match["msg"], int(match["line"]), int(match["col"])
    match = _TOML_EOF_RE.match(message)
    if match:
        return f"{match['msg']} at end of file", None, None
    return message, None, None


def toml_error_message(exc: tomllib.TOMLDecodeError, source: str) -> str:
    message, line, column = syntax_position(str(exc))
    return f"{source}:{line}:{column}: {message}" if line else f"{source}: {message}"


def load_event(path: Path, *, bundled: bool = False) -> Event:
    """Read, parse and validate one event file."""
    source = str(path)
    data = parse_toml(read_text(path), source)
    return build_event(data, source=source, bundled=bundled)
