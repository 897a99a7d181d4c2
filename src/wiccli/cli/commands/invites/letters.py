"""``wic invites letters``: a PDF letter of invitation per selected guest, or all in one."""

from __future__ import annotations

from datetime import date as date_type
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
from wiccli.errors import DataError, UsageError
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
    from wiccli.mail.letters import Printer, check_fonts, make_letters, write_letters
    from wiccli.mail.outbox import composer, templates_folder
    from wiccli.mail.templating import DEFAULTS
    from wiccli.output.files import inside, prepare_folder, write_atomic
    from wiccli.output.render import work_progress

    state = current()
    event = state.event()
    make = composer(event, _date(date) if date else state.today())
    sel = selection(state, event, status, category, country, search, stale)
    with open_ledger(write=False) as (_, _, store), store.transaction(write=False) as tx:
        entries = chosen(tx, sel, ids)
    if "withdrawn" not in sel.statuses:  # a withdrawn invitation gets no letter unless asked
        entries = [e for e in entries if e.status != "withdrawn"]
    if not entries:
        raise DataError("no invitation matches; `wic invites list` with the same filters "
                        "shows what there is")
    drawn = make_letters(make, entries, visa=visa)
    check_fonts(drawn)
    printer = Printer(templates_folder(event) or DEFAULTS)
    folder = resolve(out_dir, state.env)
    with work_progress(state.env, len(drawn), "drawing letters") as progress:
        if combine:
            target = inside(prepare_folder(folder, str(out_dir)),
                            "visa-letters.pdf" if visa else "letters.pdf")
            write_atomic(target, printer.combined(drawn, progress), str(target), private=True)
            written = [target]
        else:
            written = write_letters(printer, drawn, folder, progress)
    for path in written:
        state.env.stdout.write(f"{path}\n")
    state.env.message(f"wrote {plural(len(drawn), 'letter')} "
                      f"({'combined into one PDF' if combine else 'one PDF each'}) to {out_dir}")


def _date(text: str) -> date_type:
    from wiccli.limits import calendar_range, in_calendar

    try:
        day = date_type.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from None
    if not in_calendar(day):
        raise UsageError(f"--date: {day.isoformat()} is outside the dates wic supports "
                         f"({calendar_range()})")
    return day
