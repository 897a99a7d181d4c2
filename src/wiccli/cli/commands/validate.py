"""``wic validate``: check an event file: every error and warning, with its line, and a summary."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from wiccli.cli.files import read_argument
from wiccli.cli.listing import Format, FormatOpt, Listing, output
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.env import Env
from wiccli.output.render import Column, TableSpec, draw_table, width

PROBLEMS = TableSpec(
    columns=[Column("Severity", "severity"), Column("Line", "line", justify="right"),
             Column("Key", "path"), Column("Problem", "message")],
    fields=("severity", "code", "line", "column", "path", "message"),
)


@command()
def validate(
    path: Annotated[str | None, typer.Argument(
        metavar="PATH|-",
        help="Event file to check (default: the one wic would load; '-' reads stdin).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
    every: Annotated[bool, typer.Option(
        "--all", help="List every warning on its own line (many alike are grouped).")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check an event file: every error and warning, with its line, and a summary."""
    from wiccli.authoring.validate import check_text, problem_rows, report_lines, report_record

    state = current()
    if path is None:
        default, _ = state.event_path()
        path = str(default)
    text, label, _ = read_argument(state, path)
    report = check_text(text, label)

    def view() -> None:
        if report.summary is not None:
            _draw_summary(state.env, report.summary)
        for line in report_lines(report, every=every, width=width(state.env),
                                 strict=strict):
            state.env.message(line)

    output(state.env, fmt, Listing(problem_rows(report), PROBLEMS,
                                   document=report_record(report, strict), view=view))
    if not report.passed(strict):
        raise typer.Exit(1)


def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return f"{day:%a} {day.day} {day:%b %Y}"


def _draw_summary(env: Env, summary: dict[str, Any]) -> None:
    days = [{**d, "date": _day(d["day"])} for d in summary["days"]]
    draw_table(env, days, TableSpec(
        title=f"Sessions per day ({summary['timezone']})",
        columns=[Column("Day", "number", justify="right"), Column("Date", "date", no_wrap=True),
                 Column("Sessions", "sessions", justify="right"),
                 Column("Sub-forums", "sub_forums", justify="right"),
                 Column("Cancelled", "cancelled", justify="right")],
    ))
    if summary["themes"]:
        draw_table(env, summary["themes"], TableSpec(
            title="Sub-forums per theme",
            columns=[Column("Theme", "id", no_wrap=True), Column("Name", "name"),
                     Column("Sub-forums", "sub_forums", justify="right")],
        ))

