"""What a ledger database offers the store (:mod:`wiccli.invites.store`): the
protocols its SQLite and PostgreSQL backends implement, and the error they raise
when two organisers change the same guests at once.

Here, below the store and both backends, so that neither imports the other's module
back.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from wiccli.errors import WicError


class ConflictError(WicError):
    """Another organiser changed the same data at the same time; nothing was changed."""


class Cursor(Protocol):
    """What the store needs of a backend's connection in a transaction."""

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...
    def run(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None: ...
    # The rows as the database sends them, not all held at once (a listing streams them).
    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]: ...


class Backend(Protocol):
    where: str  # how messages name the ledger: a path, or the URL without its password
    created: bool  # this run created the ledger

    def transaction(self, write: bool) -> Any: ...  # a context manager giving a Cursor
    def close(self) -> None: ...
