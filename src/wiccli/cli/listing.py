"""One output path for every listing command, as sqlite-utils has one set of output options.

A listing command declares ``fmt: FormatOpt = Format.table``, builds a :class:`Listing`
and calls :func:`output`; which formats exist and how each is written is decided here
and in :mod:`wiccli.output.formats`, never in a command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

import typer

from wiccli.env import Env
from wiccli.output.formats import Format, write_records
from wiccli.output.render import TableSpec, draw_table, write_json

__all__ = ["FORMATS", "Format", "FormatOpt", "Listing", "output"]

FORMATS = ", ".join(f.value for f in Format)
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", case_sensitive=False, help=f"Output format: {FORMATS}."),
]

# A sequence, or an iterator that the data formats write a record at a time as it comes
# (a listing of 100,000 guests starts at once, and `| head` stops it early); a table,
# which needs every row to fit its columns, reads it whole.
Records = Iterable[Mapping[str, Any]]


@dataclass(frozen=True)
class Listing:
    """What a command shows, in every format.

    ``records`` are the rows (the table's, and those of the row formats, in ``spec.fields``
    order); the rest is optional and says where a command differs from one plain table.
    """

    records: Records
    spec: TableSpec
    # What -f json prints when the answer is one object (a session, a summary), not rows.
    document: Any = None
    # The rows for json and jsonl when they keep more than a flat row can (lists, history).
    nested: Records | None = None
    # The table view, when it is more than one table (a table a day, a field list).
    view: Callable[[], None] | None = None
    # A command's own form of a format (diff's Markdown is an announcement, not a table).
    views: Mapping[Format, Callable[[], None]] = field(default_factory=dict)


def output(env: Env, fmt: Format, listing: Listing) -> None:
    """Show ``listing`` on stdout in ``fmt`` (messages, such as "nothing matches", on stderr)."""
    if fmt in listing.views:
        listing.views[fmt]()
    elif fmt is Format.table:
        if listing.view is not None:
            listing.view()
        else:
            draw_table(env, list(listing.records), listing.spec)
    elif fmt is Format.json and listing.document is not None:
        write_json(env, listing.document)
    else:
        records = listing.records
        if fmt.nested and listing.nested is not None:
            records = listing.nested
        write_records(env, fmt, records, listing.spec.fields,
                      [c.key for c in listing.spec.columns])
