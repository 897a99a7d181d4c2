"""File arguments and output destinations shared by commands: ``-`` is stdin or stdout."""

from __future__ import annotations

from pathlib import Path

from wiccli.cli.state import State
from wiccli.env import Env
from wiccli.errors import DataError, UsageError


def stdin_is_terminal(env: Env) -> bool:
    try:
        return env.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def argument_label(path: Path, env: Env) -> str:
    """How a file is named in messages: as typed, or relative to the current folder."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(env.cwd))
    except ValueError:
        return str(path)


def resolve(path: Path, env: Env) -> Path:
    return path if path.is_absolute() else env.cwd / path


def read_argument(state: State, name: str) -> tuple[str, str, Path | None]:
    """(text, label, path) of a file argument; ``-`` is stdin."""
    from wiccli.event.load import read_stream, read_text

    if name == "-":
        text = read_stream(state.env.stdin, "event file")
        if not text.strip():
            raise DataError("<stdin>: the event file is empty")
        return text, "<stdin>", None
    path, label = resolve(Path(name), state.env), argument_label(Path(name), state.env)
    try:
        return read_text(path), label, path
    except DataError as exc:  # name the file as the user did
        raise DataError(exc.message.replace(str(path), label, 1)) from None




def check_output(output: str | None) -> None:
    if output is not None and not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")


def write_output(state: State, output: str | None, text: str | bytes) -> str:
    """Text (or bytes, a PDF) to stdout, or atomically to a file; where it went."""
    from wiccli.output.files import write_atomic

    if output is None or output == "-":
        buffer = getattr(state.env.stdout, "buffer", None)
        if isinstance(text, bytes) and buffer is not None:
            state.env.stdout.flush()
            buffer.write(text)
            buffer.flush()
        else:  # a captured text stream (tests) gets bytes as Latin-1, one char a byte
            state.env.stdout.write(text if isinstance(text, str) else text.decode("latin-1"))
            state.env.stdout.flush()
        return "stdout"
    data = text.encode("utf-8") if isinstance(text, str) else text
    write_atomic(state.env.cwd / output, data, label=output)
    return output


def read_source(state: State, source: str) -> tuple[bytes, str]:
    """The schedule's bytes and how messages name it."""
    if source == "-":
        # Bytes when there are (an XML declaration may name another encoding).
        from wiccli.event.load import read_stream

        buffer = getattr(state.env.stdin, "buffer", None)
        raw = read_stream(buffer, "schedule file") if buffer is not None else \
            read_stream(state.env.stdin, "schedule file").encode("utf-8")
        if not raw.strip():
            raise DataError("<stdin>: no schedule on standard input")
        return raw, "<stdin>"
    from wiccli.event.load import read_bytes

    raw = read_bytes(state.env.cwd / source, "schedule file", label=source)
    if not raw.strip():
        raise DataError(f"{source}: the file is empty")
    return raw, source
