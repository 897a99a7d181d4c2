"""The filters of ``wic invites list`` (and ``send``, ``letters``) as one SQL query.

Status, category, country and the statuses ``--stale`` keeps are conditions of the
query, so the database hands over only the rows that pass them, in id order, and a
listing can write each as it comes. Two filters are finished on the row in Python,
because SQL has no equal for them in both backends: ``--search`` compares
``str.casefold()``ed text (SQLite's ``lower()`` folds ASCII only, PostgreSQL's follows
the server's locale; a cheap look at the raw row before it is checked and built), and
``--stale`` compares instants, which text with different UTC offsets does not order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import Any

from wiccli.invites import model as core
from wiccli.invites.rows import ENTRY_COLUMNS

Row = Sequence[Any]
_NAME, _ORG, _EMAIL, _NOTE = (ENTRY_COLUMNS.index(c)
                              for c in ("name", "organization", "email", "note"))


def entries_sql(sel: core.Selection) -> tuple[str, list[Any]]:
    """The query of the entries ``sel`` may keep, sorted by id, and its parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    statuses = sel.statuses
    if sel.stale_before is not None:  # only entries awaiting an answer can be stale
        statuses = statuses & core.PENDING if statuses else core.PENDING
    for column, wanted in (("status", statuses), ("category", sel.categories),
                           ("country", sel.countries)):
        if wanted or (column == "status" and sel.stale_before is not None):
            clauses.append(_one_of(column, sorted(wanted), params))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entries{where} ORDER BY id", params


def _one_of(column: str, values: Collection[str], params: list[Any]) -> str:
    if not values:
        return "1 = 0"  # --stale with only answered statuses: nothing can match
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def raw_filter(sel: core.Selection) -> Callable[[Row], bool] | None:
    """What ``--search`` keeps, asked of a row as read (None: every row). The same test as
    :func:`wiccli.invites.model.keeps`, which is asked again of the checked entry."""
    text = sel.search.casefold()
    if not text:
        return None

    def keep(row: Row) -> bool:
        return text in f"{row[_NAME]}\n{row[_ORG]}\n{row[_EMAIL]}\n{row[_NOTE]}".casefold()

    return keep


class Grouped:
    """Rows sorted by their first column (an entry's id), read alongside the entries in
    the same order: :meth:`of` gives one id's rows, passing over those of ids skipped.
    Ids compare as the ledger sorts them (code point order: SQLite's binary collation,
    PostgreSQL's ``COLLATE "C"``)."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next: tuple[Any, ...] | None = next(rows, None)

    def of(self, key: str) -> list[tuple[Any, ...]]:
        while self._next is not None and self._next[0] < key:
            self._next = next(self._rows, None)
        found = []
        while self._next is not None and self._next[0] == key:
            found.append(self._next[1:])
            self._next = next(self._rows, None)
        return found
