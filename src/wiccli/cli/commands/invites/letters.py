"""``wic invites letters``: a PDF letter of invitation per selected guest, or all in one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger
from wiccli.cli.commands.invites._select import (
    CategoryOpt,
    CountryOpt,
    IdsArg,
    SearchOpt,
    StaleOpt,
    StatusOpt,
    chosen,
    selection,
)
from wiccli.cli.files import resolve
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.text import plural


@command()
def letters(
    ids: IdsArg = None,
    status: StatusOpt = None,
    category: CategoryOpt = None,
    country: CountryOpt = None,
    search: SearchOpt = "",
    stale: StaleOpt = None,
    visa: Annotated[bool, typer.Option(
        "--visa", help="The visa-support letter, with space for passport details.")] = False,
    combine: Annotated[bool, typer.Option(
        "--combine", help="One PDF with every letter (letters.pdf, visa-letters.pdf).")
    ] = False,
    out_dir: Annotated[Path, typer.Option(
        "--out-dir", metavar="DIR", help="Where the PDFs go (created when missing).")
    ] = Path("letters"),
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="The date the letters bear (default: today in "
        "the event's time zone).")] = None,
) -> None:
    """PDF letters of invitation (WeasyPrint), one per guest or all in one; prints each file."""
    from wiccli.event.values import date_option
    from wiccli.mail.letters import addressees, write_invitation_letters
    from wiccli.output.render import work_progress

    state = current()
    event = state.event()
    day = date_option("--date", date) if date is not None else state.today()
    sel = selection(state, event, status, category, country, search, stale)
    with open_ledger(write=False) as (_, _, store), store.transaction(write=False) as tx:
        entries = addressees(chosen(tx, sel, ids), sel.statuses)
    report = write_invitation_letters(
        event, entries, day=day, visa=visa, combine=combine,
        folder=resolve(out_dir, state.env), shown=str(out_dir),
        progress=lambda total, what: work_progress(state.env, total, what))
    for path in report.files:
        state.env.stdout.write(f"{path}\n")
    state.env.message(f"wrote {plural(report.letters, 'letter')} "
                      f"({'combined into one PDF' if report.combined else 'one PDF each'}) "
                      f"to {out_dir}")
