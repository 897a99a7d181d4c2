"""Lines of styled text, laid out by a core module, written to stdout.

A line is a list of ``(text, style)`` pieces. On a colour terminal Rich applies
the styles; on a pipe (or a terminal with NO_COLOR, where Rich keeps only bold
and strike) the text goes out as it is, without importing Rich at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from wiccli.env import Env

Line = Sequence[tuple[str, str]]


def plain(lines: Sequence[Line]) -> str:
    return "".join("".join(text for text, _ in line).rstrip() + "\n" for line in lines)


def styled(env: Env) -> bool:
    """Whether stdout gets Rich styles: a terminal (NO_COLOR still allows bold, strike)."""
    return bool(env.stdout_isatty)


def draw_lines(env: Env, lines: Sequence[Line]) -> None:
    if not styled(env):
        env.stdout.write(plain(lines))
        return
    from wiccli.output.render import console

    out = console(env)
    for line in lines:
        out.print(_text(line), overflow="crop", no_wrap=True)


def _text(line: Line) -> object:
    from rich.text import Text

    text = Text(no_wrap=True, end="")
    for piece, style in line:
        text.append(piece, style=style or None)
    text.rstrip()
    return text


def watch(env: Env, make: Callable[[], Sequence[Line]], every: float) -> None:
    """Redraw ``make()`` in place every ``every`` seconds until interrupted (Ctrl-C).

    On a pipe there is no "in place": each refresh is printed after the last.
    """
    if not styled(env):
        while True:
            env.stdout.write(plain(make()) + "\n")
            env.stdout.flush()
            time.sleep(every)
    from rich.console import Group
    from rich.live import Live

    from wiccli.output.render import console

    with Live(console=console(env), auto_refresh=False, transient=False) as live:
        while True:
            live.update(Group(*(_text(line) for line in make())), refresh=True)  # type: ignore[arg-type]
            time.sleep(every)
