"""The ledger in an SQLite database file (the standard library's sqlite3).

WAL mode (readers never wait for a writer), a busy timeout (writers wait for each
other instead of failing), ``synchronous=FULL`` (a change reported done survives a
crash of the process or the machine), foreign keys on. A write takes the database's
write lock when it begins (``BEGIN IMMEDIATE``), so concurrent commands on one file
run one after the other and each sees what the one before it wrote.

The file is created owner-only (0600; SQLite gives its -wal and -shm files the same
mode), and any folder wic creates for it 0700: it holds names and e-mail addresses.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wiccli.errors import DataError, WicError
from wiccli.invites import schema
from wiccli.invites.backend import ConflictError, Cursor
from wiccli.output.files import make_private_folder, open_regular

APPLICATION_ID = 0x77696331  # "wic1" in the file header: this is a wic ledger
BUSY_TIMEOUT = 60.0
HEADER = b"SQLite format 3\x00"
STREAM_BATCH = 512  # rows fetched at a time by a streamed query

Seed = Callable[[Cursor], None]


class _Cursor:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql, params)

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        self.conn.executemany(sql, params)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        cursor = self.conn.execute(sql, params)
        try:
            while batch := cursor.fetchmany(STREAM_BATCH):
                yield from batch
        finally:
            cursor.close()


class SqliteBackend:
    def __init__(self, conn: sqlite3.Connection, where: str, *, created: bool,
                 read_only: bool) -> None:
        self.conn = conn
        self.where = where
        self.created = created
        self.read_only = read_only
        self.missing = False  # an empty ledger in memory: there is none at ``where`` yet

    @contextmanager
    def transaction(self, write: bool) -> Iterator[Cursor]:
        if write and self.read_only:
            raise DataError(f"{self.where}: the ledger is read-only; nothing was changed")
        try:
            self.conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.Error as exc:
            raise translate(exc, self.where) from None
        try:
            yield _Cursor(self.conn)
            self.conn.execute("COMMIT")
        except BaseException as exc:
            _rollback(self.conn)
            if isinstance(exc, sqlite3.Error):
                raise translate(exc, self.where) from None
            raise

    def close(self) -> None:
        self.conn.close()


def _rollback(conn: sqlite3.Connection) -> None:
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")  # pragma: no mutate (the case of a keyword)
    except sqlite3.Error:  # the transaction is gone already (SQLite rolled it back)
        pass


def translate(exc: sqlite3.Error, where: str) -> WicError:
    """An SQLite error as one line a user can act on."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return ConflictError(f"{where}: the ledger is still locked by another wic after "
                             f"{BUSY_TIMEOUT:.0f} s; nothing was changed, try again")
    if "readonly" in text or "read-only" in text:
        return DataError(f"{where}: the ledger is read-only; nothing was changed")
    if "disk is full" in text or "disk I/O" in text:
        return DataError(f"{where}: cannot write the ledger ({text}); nothing was changed")
    if "not a database" in text or "malformed" in text:
        return DataError(f"{where}: not a wic ledger database ({text})")
    if isinstance(exc, sqlite3.IntegrityError):
        return DataError(f"{where}: the change breaks a rule of the ledger ({text}); "
                         "nothing was changed")
    return DataError(f"{where}: {text}")


# --------------------------------------------------------------------------- opening


def open_backend(path: Path, event_id: str, *, create: bool, seed: Seed | None = None
                 ) -> SqliteBackend:
    """The ledger database at ``path`` checked and migrated; created (running ``seed``
    in the transaction that creates the tables) when missing and ``create``. A missing
    ledger read without ``create`` is an empty one in memory: nothing is written."""
    where = str(path)
    if not path.exists() and not path.is_symlink():
        if not create:
            return in_memory(event_id, where)
        _create_file(path)
    _check_file(path)
    read_only = not _writable(path)
    try:
        conn = _connect(path, read_only)
        backend = SqliteBackend(conn, where, created=False, read_only=read_only)
        backend.created = _set_up(backend, event_id, seed)
    except sqlite3.Error as exc:
        raise translate(exc, where) from None
    return backend


def in_memory(event_id: str, where: str) -> SqliteBackend:
    backend = SqliteBackend(sqlite3.connect(":memory:", isolation_level=None), where,
                            created=False, read_only=False)
    _set_up(backend, event_id, None)
    backend.read_only = backend.missing = True
    return backend


def _create_file(path: Path) -> None:
    try:
        make_private_folder(path.parent)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))
    except FileExistsError:  # another wic created it first: it sets it up, we wait
        pass
    except OSError as exc:
        raise DataError(f"{path}: cannot create the ledger: {exc.strerror or exc}") from None



def _check_file(path: Path) -> None:
    try:  # a pipe, a socket or a device is refused before SQLite opens it (and waits)
        with open_regular(path, "ledger database") as handle:
            head = handle.read(len(HEADER))
    except OSError as exc:
        raise DataError(f"{path}: cannot read the ledger: {exc.strerror or exc}") from None
    if head and head != HEADER:
        hint = (" (a TOML ledger is read with `wic invites import FILE.toml`)"
                if head.lstrip()[:1] in (b"#", b"[") or head.startswith(b"schema") else "")
        raise DataError(f"{path}: not a wic ledger database{hint}")


def _writable(path: Path) -> bool:
    """Whether wic may change the file: its mode must allow writing, even for root
    (who could write anyway), so a file made read-only on purpose stays unchanged."""
    return bool(path.stat().st_mode & 0o222) and os.access(path, os.W_OK)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    # ``timeout`` is SQLite's busy timeout: how long a statement waits for a lock.
    if read_only:  # opened so that SQLite cannot write it either
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=BUSY_TIMEOUT, isolation_level=None)
    else:  # a plain path: as_uri() would import urllib on every run
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _set_up(backend: SqliteBackend, event_id: str, seed: Seed | None) -> bool:
    """Check the database is a ledger of ``event_id`` of a schema this wic reads;
    create or migrate it if needed. True when this call created it."""
    conn = backend.conn
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version == schema.SCHEMA:
        _check_event(conn, backend.where, event_id)
        return False
    _check_version(conn, backend.where, version)
    with backend.transaction(write=True) as cursor:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # may have moved on
        if version == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step in range(version, schema.SCHEMA):
            for statement in schema.statements(step, schema.SQLITE):
                conn.execute(statement)
        if version == 0:
            conn.execute("INSERT INTO ledger (key, value) VALUES ('event', ?)", (event_id,))
            if seed is not None:
                seed(cursor)
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA}")
    if version == 0 and conn.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
        conn.execute("PRAGMA journal_mode = WAL")
    _check_event(conn, backend.where, event_id)
    return version == 0


def event_of(path: Path) -> str | None:
    """The event id the ledger file at ``path`` is for, read without changing it (None:
    no ledger there); for a report that sets another event's ledger beside this one."""
    where = str(path)
    if not path.exists() and not path.is_symlink():
        return None
    _check_file(path)
    try:
        conn = _connect(path, read_only=True)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            _check_version(conn, where, version)
            row = conn.execute("SELECT value FROM ledger WHERE key = 'event'").fetchone() \
                if version else None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise translate(exc, where) from None
    return row[0] if row and isinstance(row[0], str) else None


def _check_version(conn: sqlite3.Connection, where: str, version: int) -> None:
    if version > schema.SCHEMA:
        raise DataError(f"{where}: the ledger was written by a newer wic (database schema "
                        f"{version}; this wic reads up to {schema.SCHEMA}); upgrade wic")
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app != APPLICATION_ID and (tables or version):
        raise DataError(f"{where}: not a wic ledger database (an SQLite file of another "
                        "program)")


def _check_event(conn: sqlite3.Connection, where: str, event_id: str) -> None:
    row = conn.execute("SELECT value FROM ledger WHERE key = 'event'").fetchone()
    found = row[0] if row else None
    if found != event_id:
        raise DataError(f"{where}: this ledger is for event {found!r}, not {event_id!r} "
                        "(the event in use); pass --ledger or --event to pick the right pair")
