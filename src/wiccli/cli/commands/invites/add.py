"""``wic invites add``: add an invitation; prints its new id."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wiccli.cli.commands.invites._common import NoteOpt, country_code, random_bytes, utc_now, where
from wiccli.cli.registry import command
from wiccli.errors import DataError, UsageError


@command()
def add(
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

    state, event, path = where()
    if not name.strip():
        raise UsageError("NAME must not be empty")
    fields: dict[str, Any] = {
        "name": name.strip(), "category": core.resolve_category(event, category),
        "country": country_code(country, "--country"), "organization": org.strip(),
        "email": core.check_email(email), "quantity": core.check_quantity(quantity),
        "note": note.strip(),
    }
    now = utc_now(state)

    def change(ledger: core.Ledger) -> tuple[core.Ledger, core.Invitation]:
        twin = core.duplicate_of(ledger, fields["email"], fields["name"], fields["organization"])
        if twin is not None:
            raise DataError(f"{twin.name} ({twin.organization or 'no organisation'}) is already "
                            f"in the ledger as {twin.id}; change it with `wic invites set`")
        entry = core.new_entry([i.id for i in ledger.invitations], fields, now=now,
                               random_bytes=random_bytes)
        return ledger.with_entries([*ledger.invitations, entry]), entry

    created = not path.exists()
    entry = store.update(path, event.id, change)
    state.env.stdout.write(entry.id + "\n")
    if created:
        state.env.message(f"created {path}")
    state.env.message(f"added {entry.id}: {entry.name} ({entry.category}, "
                      f"{countries.label(entry.country)})")

