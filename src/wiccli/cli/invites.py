"""``wic invites``: track who was invited, who answered, who came.

Each command parses its options, makes one call into the core (wiccli.invites.model,
wiccli.invites.summary, wiccli.invites.importcsv, wiccli.invites.ledger) and renders. The
core is imported inside the commands, so other wic commands never load it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from wiccli.cli.options import FormatOpt
from wiccli.cli.state import State, get_state
from wiccli.errors import DataError, UsageError
from wiccli.event.model import Event
from wiccli.output.render import Format, write_json

LEDGER_KEY = "wic.invites.ledger"
# The same as wiccli.invites.model.STATUSES (a test checks), here so that help needs no import.
STATUSES = ("invited", "tentative", "accepted", "declined", "withdrawn", "attended", "no-show")
EMPTY_HINT = ("add one with `wic invites add NAME --category C --country CC`, "
              "or import a guest list with `wic invites import FILE.csv`")

invites_app = typer.Typer(
    name="invites",
    help="Invitations: who was invited, who answered, who came (a ledger beside the event).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class By(StrEnum):
    category = "category"
    country = "country"
    status = "status"


IdArg = Annotated[str, typer.Argument(metavar="ID", help="The invitation's id (or a unique "
                                      "start of it).")]
NoteOpt = Annotated[str, typer.Option("--note", "-n", help="Why (kept in the history).")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Record a change that the status rules "
                                        "would refuse.")]


@invites_app.callback()
def invites_root(
    ctx: typer.Context,
    ledger: Annotated[
        str | None,
        typer.Option("--ledger", metavar="PATH",
                     help="The ledger file (default: $WIC_LEDGER, the event's [invitations] "
                          "ledger, <event-id>.invites.toml beside the event file).")
    ] = None,
) -> None:
    """Invitations: who was invited, who answered, who came."""
    ctx.meta[LEDGER_KEY] = ledger


def _where(ctx: typer.Context) -> tuple[State, Event, Path]:
    from wiccli.invites import ledger as store

    state = get_state(ctx)
    event = state.event()
    path = store.locate(event, ctx.meta.get(LEDGER_KEY), state.env.environ, state.env.cwd)
    return state, event, path


def _random_bytes(count: int) -> bytes:
    import secrets

    return secrets.token_bytes(count)


def _now(state: State) -> datetime:
    return state.env.now().astimezone(UTC).replace(microsecond=0)


def status(
    ctx: typer.Context,
    by: Annotated[By, typer.Option("--by", help="Group by category, country or status.",
                                   case_sensitive=False)] = By.category,
    fmt: FormatOpt = Format.table,
) -> None:
    """Counts per group and in total, progress towards the targets, response rates."""
    from wiccli.cli.invites_view import draw_status, emit_status_rows
    from wiccli.invites import countries
    from wiccli.invites import ledger as store
    from wiccli.invites.summary import summarise

    state, event, path = _where(ctx)
    tally = store.read_tally(path, event.id)
    names = countries.name if by is By.country else None
    summary = summarise(tally, event, by.value, names=names)
    if not tally:
        state.env.message(f"no invitations yet in {path}; {EMPTY_HINT}")
    if fmt is Format.json:
        write_json(state.env, summary)
    elif fmt is not Format.table:
        emit_status_rows(state.env, fmt, summary)
    elif tally:
        draw_status(state.env, summary, event)


def list_(
    ctx: typer.Context,
    status: Annotated[list[str] | None, typer.Option(
        "--status", "-s", help="Only this status (repeatable).")] = None,
    category: Annotated[list[str] | None, typer.Option(
        "--category", "-c", help="Only this category: id, name or unique prefix (repeatable).")
    ] = None,
    country: Annotated[list[str] | None, typer.Option(
        "--country", help="Only this country: code or name (repeatable).")] = None,
    search: Annotated[str, typer.Option(
        "--search", help="Only entries whose name, organisation, e-mail or note has TEXT.")
    ] = "",
    stale: Annotated[int | None, typer.Option(
        "--stale", metavar="DAYS", help="Only entries awaiting an answer (invited, tentative) "
        "with no change for more than DAYS days.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """The invitations, sorted by id, optionally filtered."""
    from wiccli.cli.invites_view import emit_entries
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core

    state, event, path = _where(ctx)
    sel = core.Selection(
        statuses=frozenset(core.resolve_status(s) for s in status or []),
        categories=frozenset(core.resolve_category(event, c) for c in category or []),
        countries=frozenset(_country(c, "--country") for c in country or []),
        search=search.strip(),
        stale_before=None if stale is None else core.stale_cutoff(_now(state), stale),
    )
    entries = core.select(store.read(path, event.id).ledger, sel)
    emit_entries(state.env, fmt, entries)


def _country(text: str, what: str) -> str:
    from wiccli.invites import countries

    try:
        return countries.normalise(text)
    except ValueError as exc:
        raise UsageError(f"{what}: {exc}") from None


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The guest's or the delegation's name.")],
    category: Annotated[str, typer.Option(
        "--category", "-c", help="Category: id, name or unique prefix.")],
    country: Annotated[str, typer.Option(
        "--country", help="Country or region: ISO code (DE, DEU) or name.")],
    org: Annotated[str, typer.Option("--org", help="Organisation.")] = "",
    email: Annotated[str, typer.Option("--email", help="E-mail address.")] = "",
    quantity: Annotated[int, typer.Option(
        "--quantity", "-q", help="Number of people (a delegation is one entry).")] = 1,
    note: NoteOpt = "",
) -> None:
    """Add an invitation; prints its new id."""
    from wiccli.invites import countries
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core

    state, event, path = _where(ctx)
    if not name.strip():
        raise UsageError("NAME must not be empty")
    fields: dict[str, Any] = {
        "name": name.strip(), "category": core.resolve_category(event, category),
        "country": _country(country, "--country"), "organization": org.strip(),
        "email": core.check_email(email), "quantity": core.check_quantity(quantity),
        "note": note.strip(),
    }
    now = _now(state)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, core.Invitation]:
        twin = core.duplicate_of(ledger, fields["email"], fields["name"], fields["organization"])
        if twin is not None:
            raise DataError(f"{twin.name} ({twin.organization or 'no organisation'}) is already "
                            f"in the ledger as {twin.id}; change it with `wic invites set`")
        entry = core.new_entry([i.id for i in ledger.invitations], fields, now=now,
                               random_bytes=_random_bytes)
        return ledger.with_entries([*ledger.invitations, entry]), entry

    created = not path.exists()
    entry = store.update(path, event.id, change)
    state.env.stdout.write(entry.id + "\n")
    if created:
        state.env.message(f"created {path}")
    state.env.message(f"added {entry.id}: {entry.name} ({entry.category}, "
                      f"{countries.label(entry.country)})")


def _set(ctx: typer.Context, entry_id: str, new_status: str, note: str, force: bool) -> None:
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core
    from wiccli.invites.fast import update_entry

    state, event, path = _where(ctx)
    now = _now(state)

    def change_entry(entry: core.Invitation) -> core.Invitation:
        return core.change_status(entry, new_status, note=note.strip(), now=now, force=force)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, tuple[core.Invitation, ...]]:
        entry = core.find(ledger, entry_id)
        changed = change_entry(entry)
        return (ledger if changed is entry else core.put(ledger, changed)), (entry, changed)

    # One entry of a ledger the cache knows is changed without loading the others.
    done = update_entry(path, event.id, entry_id, change_entry)
    old, new = done if done is not None else store.update(path, event.id, change)
    if new is old:
        state.env.message(f"{old.id} is already {old.status}; nothing changed")
    else:
        state.env.message(f"{new.id} ({new.name}): {old.status} -> {new.status}")


def set_(ctx: typer.Context, entry_id: IdArg,
         new_status: Annotated[str, typer.Argument(
             metavar="STATUS", help=f"One of: {', '.join(STATUSES)}.")],
         note: NoteOpt = "", force: ForceOpt = False) -> None:
    """Set an invitation's status (the change is kept in its history)."""
    from wiccli.invites.model import resolve_status

    _set(ctx, entry_id, resolve_status(new_status), note, force)


def accept(ctx: typer.Context, entry_id: IdArg, note: NoteOpt = "",
           force: ForceOpt = False) -> None:
    """Record that the guest accepted (same as `set ID accepted`)."""
    _set(ctx, entry_id, "accepted", note, force)


def decline(ctx: typer.Context, entry_id: IdArg, note: NoteOpt = "",
            force: ForceOpt = False) -> None:
    """Record that the guest declined (same as `set ID declined`)."""
    _set(ctx, entry_id, "declined", note, force)


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="A guest list: the first "
                                         "row names the columns.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count; write nothing.")
                       ] = False,
    force: ForceOpt = False,
) -> None:
    """Import guests from CSV: all rows or none; known guests are updated, not repeated."""
    from wiccli.invites import ledger as store
    from wiccli.invites import model as core
    from wiccli.invites.importcsv import MAX_SHOWN, plan, read_rows
    from wiccli.output.render import work_progress

    state, event, path = _where(ctx)
    rows = read_rows(file)
    now = _now(state)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, Any]:
        with work_progress(state.env, len(rows), "checking rows") as progress:
            result = plan(ledger, event, rows, source=str(file), now=now,
                          random_bytes=_random_bytes, force=force, progress=progress)
        if result.problems:
            shown = result.problems[:MAX_SHOWN]
            if len(result.problems) > MAX_SHOWN:
                shown.append(f"… and {len(result.problems) - MAX_SHOWN} more bad rows")
            raise DataError(f"{file}: {len(result.problems)} bad row(s); nothing was imported",
                            details=shown)
        return (ledger if dry_run else result.ledger), result

    result = (change(store.read(path, event.id).ledger)[1] if dry_run
              else store.update(path, event.id, change))
    verb = ("would create", "would update") if dry_run else ("created", "updated")
    state.env.message(f"{verb[0]} {result.created}, {verb[1]} {result.updated}, unchanged "
                      f"{result.unchanged} ({len(rows)} rows{', dry run' if dry_run else ''})")


def export(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="csv, tsv, json or jsonl.",
                                        case_sensitive=False)] = Format.csv,
    redact: Annotated[bool, typer.Option("--redact", help="Leave out names, e-mails and notes."
                                         )] = False,
) -> None:
    """Every invitation, for a spreadsheet or a script (formula-like cells neutralised)."""
    if fmt is Format.table:
        raise UsageError("export writes csv, tsv, json or jsonl; `wic invites list` shows a table")
    from wiccli.cli.invites_view import emit_export
    from wiccli.invites import ledger as store

    state, event, path = _where(ctx)
    emit_export(state.env, fmt, store.read(path, event.id).ledger, redact=redact)


def history(ctx: typer.Context, entry_id: IdArg, fmt: FormatOpt = Format.table) -> None:
    """An invitation's changes of status, oldest first."""
    from wiccli.cli.invites_view import draw_history
    from wiccli.invites import ledger as store
    from wiccli.invites.model import find

    state, event, path = _where(ctx)
    entry = find(store.read(path, event.id).ledger, entry_id)
    draw_history(state.env, fmt, entry)


def register(app: typer.Typer) -> None:
    invites_app.command()(status)
    invites_app.command("list")(list_)
    invites_app.command()(add)
    invites_app.command("set")(set_)
    invites_app.command()(accept)
    invites_app.command()(decline)
    invites_app.command("import")(import_)
    invites_app.command()(export)
    invites_app.command()(history)
    app.add_typer(invites_app, name="invites")
