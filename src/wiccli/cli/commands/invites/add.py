"""``wic invites add``: add an invitation; prints its new id."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wiccli.cli.commands.invites._common import (
    FieldOpt,
    NoteOpt,
    country_code,
    open_ledger,
    random_bytes,
    utc_now,
)
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError


@command()
def add(
    name: Annotated[str, typer.Argument(help="The guest's or the delegation's name.")],
    category: Annotated[str, typer.Option(
        "--category", "-c", metavar="CATEGORY", help="Category: id, name or unique prefix.")],
    country: Annotated[str, typer.Option(
        "--country", metavar="COUNTRY", help="Country or region: ISO code (DE, DEU) or name.")],
    org: Annotated[str, typer.Option("--org", metavar="NAME", help="Organisation.")] = "",
    email: Annotated[str, typer.Option("--email", metavar="ADDRESS", help="E-mail address.")] = "",
    quantity: Annotated[int, typer.Option(
        "--quantity", "-q", metavar="N", help="Number of people (a delegation is one entry).")] = 1,
    note: NoteOpt = "",
    field: FieldOpt = None,
) -> None:
    """Add an invitation; prints its new id."""
    from wiccli.invites import countries
    from wiccli.invites import model as core
    from wiccli.invites.fieldvalues import check_assignments

    if not name.strip():
        raise UsageError("NAME must not be empty")
    event = current().event()
    fields: dict[str, Any] = {
        "name": core.check_name("NAME", name.strip()),
        "category": core.resolve_category(event, category),
        "country": country_code(country, "--country"),
        "organization": core.check_name("--org", org.strip()),
        "email": core.check_email(email, "--email"), "quantity": core.check_quantity(quantity),
        "note": core.check_text("--note", note.strip()),
        "fields": check_assignments(event, field or []),
    }
    with open_ledger() as (state, _, store):
        with store.transaction() as tx:
            entry = tx.add(fields, now=utc_now(state), random_bytes=random_bytes)
        state.env.stdout.write(entry.id + "\n")
        if store.created:
            state.env.message(f"created {store.where}")
    state.env.message(f"added {entry.id}: {entry.name} ({entry.category}, "
                      f"{countries.label(entry.country)})")
