"""The entry point: run the app, turn every mistake into one ``error:`` line.

:func:`main` returns the exit status; the ``wic`` script (and ``python -m wiccli``)
hands it to ``sys.exit``, the only place that exits. Typer runs in non-standalone
mode so that its own usage errors (an unknown option, a bad value) reach this one
place too and read like wic's:
``error: Invalid value for '--alarm': … (see 'wic export-ics --help')``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

from wiccli.env import Env
from wiccli.errors import ExitStatus, WicError, redact


def main(argv: Sequence[str] | None = None, env: Env | None = None) -> int:
    """Run ``wic ARGV`` in ``env`` (default: this process's); the exit status."""
    import typer

    from wiccli.cli.app import cli
    from wiccli.cli.state import State, running

    args = list(sys.argv[1:] if argv is None else argv)
    with running(State(env=env or _process_env())) as state:
        try:
            result = cli().main(args=args, prog_name="wic", standalone_mode=False)
            state.env.stdout.flush()  # a full disk behind stdout shows here, not at exit
            if result == ExitStatus.INTERRUPTED:  # Typer turns Ctrl-C into exit status 130
                print("interrupted", file=state.env.stderr)
        except WicError as exc:
            if _reader_gone(state.env):  # a command turned the closed pipe into its error
                _discard_stdout(state.env)
                return int(ExitStatus.OK)
            if state.debug:
                _traceback(state.env)
            for line in [exc.message, *exc.details]:  # a password never, wherever it came from
                print(f"error: {redact(line)}", file=state.env.stderr)
            return int(exc.exit_status)
        except typer.Abort:
            print("error: aborted", file=state.env.stderr)
            return int(ExitStatus.ERROR)
        except _usage_errors() as exc:  # Typer's (Click's) usage and parameter errors
            return _usage_error(exc, state.env)
        except BrokenPipeError:
            # The reader went away (`wic agenda | head`): stop quietly, with exit 0. Whether
            # a write fails at all is a race (a short output may fit in the pipe before the
            # reader closes it), so a failure here must end as a success would.
            _discard_stdout(state.env)
            return int(ExitStatus.OK if _reader_gone(state.env) else ExitStatus.ERROR)
        except SystemExit:
            if not _reader_gone(state.env):
                raise
            # Click's own answer to EPIPE is sys.exit(1), from inside the command: the same
            # closed pipe, so the same quiet end as above.
            _discard_stdout(state.env)
            return int(ExitStatus.OK)
        except KeyboardInterrupt:
            print("interrupted", file=state.env.stderr)
            return int(ExitStatus.INTERRUPTED)
        except OSError as exc:
            if not _stdout_failed(state.env):
                raise
            print(f"error: cannot write to standard output: {exc.strerror or exc}",
                  file=state.env.stderr)
            _discard_stdout(state.env)
            return int(ExitStatus.ERROR)
    return result if isinstance(result, int) else int(ExitStatus.OK)


def _usage_errors() -> tuple[type[Exception], ...]:
    """The base of the usage and parameter errors Typer raises, by public names only.

    ``typer.TyperException`` since Typer 0.28; before, Typer raised Click's exceptions
    (from its own copy of Click since 0.26), and its public ``BadParameter`` derives
    from their base, ``ClickException``.
    """
    import typer

    base = getattr(typer, "TyperException", None)
    if isinstance(base, type) and issubclass(base, Exception):
        return (base,)
    return tuple(k for k in typer.BadParameter.__mro__ if k.__name__ == "ClickException")


def _process_env() -> Env:
    """This process's streams, stdout watched for failures (see :mod:`.stdout`)."""
    from wiccli.cli.stdout import Watched

    stdout: Any = Watched(sys.stdout)
    return Env(stdout=stdout, stdout_isatty=_isatty(sys.stdout))


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _stdout_failed(env: Env) -> bool:
    """Whether it was stdout that failed (``> /dev/full``, a closed stdout)."""
    return getattr(env.stdout, "failed", None) is not None


def _reader_gone(env: Env) -> bool:
    """Whether stdout is a pipe (or socket) whose reader closed it (EPIPE)."""
    return isinstance(getattr(env.stdout, "failed", None), BrokenPipeError)


def _discard_stdout(env: Env) -> None:
    """Point this process's stdout at /dev/null, so that the interpreter's own flush at
    exit finds nothing to fail on (it would print "Exception ignored" and exit 120)."""
    if getattr(env.stdout, "stream", env.stdout) is not sys.stdout:  # a caller's stream
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no descriptor (a stand-in stream)
        sys.stdout = open(os.devnull, "w")


def _traceback(env: Env) -> None:
    import traceback

    traceback.print_exc(file=env.stderr)


def _usage_error(exc: Any, env: Env) -> int:
    """Print a Typer error as one line (``wic`` alone still prints the help); its exit code."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        return int(exc.exit_code)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    print(f"error: {redact(message)}{hint}", file=env.stderr)
    return int(getattr(exc, "exit_code", ExitStatus.USAGE))
