"""``wic programme``: the programme as a printable PDF booklet."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from wiccli.cli.options import TzOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError


class Paper(StrEnum):
    a4 = "a4"
    letter = "letter"


OutputOpt = Annotated[
    str,
    typer.Option("--output", "-o", metavar="PATH|-",
                 help="The PDF file, replaced in one step ('-' is stdout)."),
]
PaperOpt = Annotated[
    Paper, typer.Option("--paper", case_sensitive=False, help="Paper size."),
]


@command()
def programme(output: OutputOpt, paper: PaperOpt = Paper.a4, tz: TzOpt = None) -> None:
    """Print the programme as a PDF booklet: cover, day grids, sessions, themes and venues."""
    from wiccli.cli.files import write_output
    from wiccli.publish.programme import missing_fonts, print_css, programme_html, render_pdf

    if not output.strip():
        raise UsageError("-o/--output: give a file name or '-' for stdout")
    state = current()
    if output != "-":  # a target that cannot be written is said before the slow drawing
        from wiccli.output.files import writable

        writable(state.env.cwd / output, output)
    event = state.event()
    html, lines = missing_fonts(programme_html(event, state.zone(tz)))
    for line in lines:
        state.env.warn(line)
    data = render_pdf(html, print_css(paper.value))
    where = write_output(state, output, data)
    state.env.message(f"wrote the programme of {event.label} ({len(data):,} bytes) to {where}")
