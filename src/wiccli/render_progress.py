"""Progress for people: a bar towards a target on stdout, a bar for long work on stderr.

Beside :mod:`wiccli.render` and like it the only kind of module that imports
Rich, lazily. On a pipe the target bar is one plain line, and work progress is
not shown at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from wiccli.env import Env
from wiccli.render import console, draw

LONG_WORK = 500  # rows: below this an import is over before a bar would help


def target_line(done: int, target: int) -> str:
    share = f" ({done / target:.0%})" if target else ""
    return f"{done:,} of {target:,}{share}"


def draw_target(env: Env, label: str, done: int, target: int) -> None:
    """``label  ██████░░░  1,234 of 1,500 (82%)``; plain text when stdout is not a terminal."""
    if not env.stdout_isatty:
        env.stdout.write(f"{label}: {target_line(done, target)}\n")
        return
    from rich.progress_bar import ProgressBar
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_row(Text(label, style="bold"),
                 ProgressBar(total=max(target, 1), completed=min(done, target), width=40),
                 Text(target_line(done, target)))
    draw(env, grid)


@contextmanager
def work_progress(env: Env, total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A callback taking the number of items done; a transient bar on a terminal's stderr."""
    if not env.stderr_isatty or total < LONG_WORK:
        yield lambda done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console(env, stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda done: bar.update(task, completed=done)
