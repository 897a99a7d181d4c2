"""The output formats of every listing command, and the one function that writes records.

Adding a format is a member of :class:`Format` and a branch in :func:`write_records`;
every command that takes ``--format`` (see :mod:`wiccli.cli.listing`) offers it then.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from itertools import chain
from typing import Any

from wiccli.env import Env
from wiccli.output.render import batches, cell_text, write_delimited, write_json_lines


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    markdown = "markdown"

    @property
    def nested(self) -> bool:
        """Keeps lists and sub-records as they are (the others print one flat row a record)."""
        return self in (Format.json, Format.jsonl)

    @property
    def spreadsheet(self) -> bool:
        """Opened by spreadsheets, which run a cell that looks like a formula."""
        return self in (Format.csv, Format.tsv)


def formats_and(name: str, *extra: str) -> type[StrEnum]:
    """An enum of every :class:`Format` and the ``extra`` ones, for a command whose
    ``--format`` offers more than a listing (``invites export`` adds toml): the list of
    formats stays in one place."""
    members = [(f.name, f.value) for f in Format] + [(e, e) for e in extra]
    functional: Any = StrEnum  # the functional API, with members known only at run time
    made: type[StrEnum] = functional(name, members, module=__name__)
    return made


def write_records(env: Env, fmt: Format, records: Iterable[Mapping[str, Any]],
                  fields: Sequence[str], empty_fields: Sequence[str] = ()) -> None:
    """Records to stdout in a data format (tables are drawn by :mod:`wiccli.output.render`),
    each written as it comes when ``records`` is an iterator.

    ``fields`` are the columns of the row formats, in order (default: the first record's
    keys; with no record at all, ``empty_fields``).
    """
    stream = iter(records)
    first = next(stream, None)
    rows = stream if first is None else chain((first,), stream)
    keys = list(fields) or (list(first) if first is not None else list(empty_fields))
    if fmt is Format.json:
        write_json_lines(env, rows)
    elif fmt is Format.jsonl:
        for batch in batches(rows):
            env.stdout.write("".join([json.dumps(r, ensure_ascii=False) + "\n" for r in batch]))
    elif fmt is Format.markdown:
        write_markdown(env, keys, rows)
    elif fmt.spreadsheet:
        write_delimited(env, keys, rows, "," if fmt is Format.csv else "\t")
    else:
        raise ValueError(f"{fmt} is not a data format")


def write_markdown(env: Env, keys: Sequence[str], records: Iterable[Mapping[str, Any]]) -> None:
    """A GitHub-flavoured Markdown table: pipes escaped, line breaks as ``<br>``."""
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |\n"

    def cell(value: Any) -> str:
        text = cell_text(value).replace("\\", "\\\\").replace("|", "\\|")
        return "<br>".join(text.splitlines()) if "\n" in text or "\r" in text else text

    env.stdout.write(row(keys) + row(["---"] * len(keys)))
    for batch in batches(records):
        env.stdout.write("".join([row([cell(r.get(k)) for k in keys]) for r in batch]))
