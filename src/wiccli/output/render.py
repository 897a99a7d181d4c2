"""Output: tables for people, JSON / JSONL / CSV / TSV for scripts, progress bars.

Tables are laid out by ``table.py`` (plain on a pipe, styled on a terminal);
Rich draws only the progress bars, and is imported only then. Data goes to
stdout; nothing else does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from wiccli.env import Env

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    style: str = ""  # on a terminal: "bold", "dim", "red"... (table.sgr)
    justify: str = "left"
    no_wrap: bool = False
    min_width: int | None = None
    max_width: int | None = None
    # How the column gives way to a narrow screen: prose, address, code or fixed
    # (table.py); by default fixed when no_wrap, else prose.
    role: str = ""
    # Turns the record's value into the cell text; default: plain str.
    cell: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class TableSpec:
    columns: Sequence[Column]
    title: str | None = None
    # A record -> its row's style on a terminal (cancelled sessions are dimmed).
    row_style: Callable[[Mapping[str, Any]], str] | None = None
    empty: str = "nothing to show"
    caption: str | None = None
    fields: Sequence[str] = field(default_factory=tuple)


def console(env: Env, *, stderr: bool = False) -> Console:
    from rich.console import Console

    stream = env.stderr if stderr else env.stdout
    tty = env.stderr_isatty if stderr else env.stdout_isatty
    return Console(
        file=stream,
        force_terminal=bool(tty),
        no_color=not tty or bool(env.environ.get("NO_COLOR")),
        highlight=False,
        soft_wrap=False,
        width=None if tty else width(env),
        emoji=False,
    )


def colour(env: Env) -> bool:
    """Colour only on a terminal, and not when NO_COLOR is set to anything (no-color.org)."""
    return bool(env.stdout_isatty) and not env.environ.get("NO_COLOR")


def width(env: Env) -> int:
    """The width output is laid out in: $COLUMNS, else the terminal's, else 80 on a pipe."""
    text = env.environ.get("COLUMNS", "")
    if text.isdigit() and int(text) > 0:
        return max(40, int(text))
    if env.stdout_isatty:
        import shutil

        return shutil.get_terminal_size().columns
    return 80


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return str(value)


BATCH = 256  # records formatted and written at a time: one write call for each batch


def batches(records: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    """``records`` in lists of ``size``, as they come (the last one shorter)."""
    stream = iter(records)
    while batch := list(islice(stream, size)):
        yield batch


def write_json_lines(env: Env, records: Iterable[Mapping[str, Any]]) -> None:
    """A JSON array with one record a line, as sqlite-utils prints it: greppable, and
    written by the C encoder (indenting takes the slow pure-Python one). Written as the
    records come: ``[`` and the first, then ``,\\n `` before each next one."""
    lead = "["
    for batch in batches(records):
        lines = [json.dumps(record, ensure_ascii=False) for record in batch]
        env.stdout.write(lead + ",\n ".join(lines))
        lead = ",\n "
    env.stdout.write("[]\n" if lead == "[" else "]\n")


def write_json(env: Env, data: Any) -> None:
    env.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...but a plain number (-3, +1.5, -2e3) or a UTC offset (-05:00) is data, not a formula:
# it calls nothing and refers to no cell, and a quote would turn it into text.
_HARMLESS = re.compile(r"[+-](?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\d{2}:\d{2})")


def spreadsheet_cell(text: str) -> str:
    """A CSV or TSV cell that no spreadsheet runs: formula-like text gets a leading ``'``."""
    if text.startswith(FORMULA_START) and not _HARMLESS.fullmatch(text):
        return "'" + text
    return text


def write_delimited(
    env: Env, keys: Sequence[str], records: Iterable[Mapping[str, Any]], delimiter: str
) -> None:
    """CSV with a header row; TSV with tabs and newlines inside cells turned into spaces.
    Every cell passes :func:`spreadsheet_cell` first: these files are opened in spreadsheets."""
    def cells(record: Mapping[str, Any]) -> list[str]:
        return [spreadsheet_cell(cell_text(record.get(k))) for k in keys]

    if delimiter == "\t":
        env.stdout.write("\t".join(keys) + "\n")
        for batch in batches(records):
            env.stdout.write("".join(["\t".join(map(_tsv_cell, cells(record))) + "\n"
                                      for record in batch]))
        return
    import csv  # only CSV needs it

    writer = csv.writer(env.stdout, lineterminator="\n")
    writer.writerow(keys)
    for batch in batches(records):
        writer.writerows([cells(record) for record in batch])


def _tsv_cell(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def draw_table(env: Env, records: Sequence[Mapping[str, Any]], spec: TableSpec) -> None:
    """One layout everywhere: plain lines on a pipe, the same lines styled on a terminal."""
    if not records:
        env.message(spec.empty)
        return
    from wiccli.output import table

    rows = [_cells(record, spec) for record in records]
    laid = table.lay_out(spec.columns, rows, width(env), title=spec.title, caption=spec.caption)
    if not env.stdout_isatty:
        env.stdout.write(table.plain(laid))
        return
    styles = [spec.row_style(record) for record in records] if spec.row_style else None
    env.stdout.write(table.styled(laid, styles, [c.style for c in spec.columns],
                                  colour=colour(env)))


def _cells(record: Mapping[str, Any], spec: TableSpec) -> list[str]:
    return [col.cell(record.get(col.key)) if col.cell else cell_text(record.get(col.key))
            for col in spec.columns]


def draw_fields(env: Env, rows: Sequence[tuple[str, str]], title: str | None = None) -> None:
    """A two-column "label: value" view (``wic show``, ``wic info``): the table layout
    without a header, the labels in bold on a terminal."""
    from wiccli.output import table

    columns = [table.Column("", no_wrap=True), table.Column("")]
    laid = table.lay_out(columns, [list(row) for row in rows], width(env), title=title,
                         header=False)
    if not env.stdout_isatty:
        env.stdout.write(table.plain(laid))
        return
    env.stdout.write(table.styled(laid, column_styles=["bold", ""], colour=colour(env)))


def draw(env: Env, *renderables: RenderableType) -> None:
    """Print to stdout; piped output loses the padding Rich adds at line ends."""
    out = console(env)
    if env.stdout_isatty:
        out.print(*renderables)
        return
    with out.capture() as captured:
        out.print(*renderables)
    env.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


# --------------------------------------------------------------------------- progress
# A bar towards a target on stdout, a bar for long work on stderr. On a pipe the
# target bar is one plain line, and work progress is not shown at all.

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
