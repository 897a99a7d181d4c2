"""``wic invites export``: every invitation, for a spreadsheet, a script, or to keep; or
what one named profile of the event file lets out (``--profile``)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from wiccli.cli.commands.invites._common import open_ledger, utc_now
from wiccli.cli.listing import FORMATS, Format, output
from wiccli.cli.options import OutputOpt
from wiccli.cli.registry import command
from wiccli.cli.state import State
from wiccli.errors import UsageError
from wiccli.output.formats import formats_and

# Every listing format and toml: the whole ledger, to keep.
if TYPE_CHECKING:
    ExportFormat = StrEnum
else:
    ExportFormat = formats_and("ExportFormat", "toml")
CSV = ExportFormat("csv")


@command()
def export(
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", case_sensitive=False,
        help=f"Output format: {FORMATS}, or toml (the whole ledger with its history, to keep "
             "or commit; `wic invites import FILE.toml` reads it back). Default: csv.")] = None,
    redact: Annotated[bool, typer.Option("--redact", help="Leave out names, e-mails, notes "
                                         "and text fields.")] = False,
    profile: Annotated[str | None, typer.Option(
        "--profile", "-p", metavar="NAME", help="What the event's [exports.NAME] profile lets "
        "out: its columns, guests, order, redaction and format, nothing more.")] = None,
    out: OutputOpt = None,
) -> None:
    """Every invitation, for a spreadsheet or a script (formula-like cells neutralised),
    or the whole ledger as TOML; or what one export profile of the event lets out."""
    if profile is not None:
        if fmt is not None or redact:
            raise UsageError("--profile: the profile fixes the format and what is shown; "
                             "leave out -f and --redact")
        _export_profile(profile, out)
        return
    if out is not None:
        raise UsageError("-o/--output goes with --profile; otherwise redirect stdout")
    fmt = fmt or CSV
    if fmt == "toml" and redact:
        raise UsageError("--redact: a TOML export is the whole ledger; use csv or json")
    from wiccli.cli.invites_view import export_listing

    with open_ledger(write=False) as (state, event, store), \
            store.transaction(write=False) as tx:
        ledger = tx.ledger(event.id)
    if fmt == "toml":
        from wiccli.invites.tomlfile import dumps

        state.env.stdout.write(dumps(ledger))
    else:
        output(state.env, Format(fmt.value), export_listing(ledger, event, redact=redact))


def _export_profile(name: str, out: str | None) -> None:
    from wiccli.cli.files import check_output, write_output
    from wiccli.cli.state import current
    from wiccli.invites import countries, exportfile, profiles

    state = current()
    chosen = profiles.find(state.event(), name.strip())
    check_output(out)
    _refuse_binary_terminal(state, chosen.format, out)
    with open_ledger(write=False) as (_, event, store), store.transaction(write=False) as tx:
        entries = tx.entries(history=False)
    table = profiles.table(event, chosen, entries, countries.name)
    data = exportfile.render(chosen.format, table, now=utc_now(state))
    if out is None or out == "-":
        write_output(state, out, data)
    else:
        _write_file(state, out, data, chosen.format)
        state.env.message(f"wrote {out} ({chosen.format}, {len(table.rows)} rows, "
                          f"profile {chosen.name})")


def _write_file(state: State, out: str, data: bytes, fmt: str) -> None:
    from wiccli.output.files import write_atomic

    suffix = out.rpartition(".")[2].lower() if "." in out else ""
    if suffix in ("csv", "tsv", "json", "xlsx", "pdf") and suffix != fmt:
        state.env.warn(f"{out}: the profile writes {fmt}, not {suffix}")
    write_atomic(state.env.cwd / out, data, label=out, private=True)  # guests' details


def _refuse_binary_terminal(state: State, fmt: str, out: str | None) -> None:
    if fmt in ("xlsx", "pdf") and (out is None or out == "-") and state.env.stdout_isatty:
        raise UsageError(f"the profile writes {fmt}, a binary file: give -o FILE, or "
                         "redirect stdout")
