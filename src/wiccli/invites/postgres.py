"""The ledger on a PostgreSQL server (psycopg 3, the optional extra ``wic[postgres]``).

Several organisers on several machines work on one guest list at once. Every
command is one transaction at REPEATABLE READ: it sees the ledger as it was when it
began, and when another organiser's transaction changed the same rows in the
meantime, PostgreSQL refuses the later change; wic then rolls everything back and
says so (:class:`~wiccli.invites.backend.ConflictError`): one wins, the other is told,
nothing is half-applied. The unique keys (e-mail, name and organisation, ids) are
constraints, so two organisers adding the same guest at once cannot both succeed.

The tables (created on first use, under a lock so two first uses do not race) are
those of :mod:`wiccli.invites.schema`; the schema version and the event id live in
the ``ledger`` table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wiccli.errors import HIDDEN, SECRET_KEYS, DataError, WicError, redact, secrets_in
from wiccli.invites import schema
from wiccli.invites.backend import ConflictError, Cursor

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT = 10
SETUP_LOCK = 0x77696331  # an advisory lock id: one wic sets up the tables at a time
STREAM_BATCH = 2000  # rows a round trip of a streamed query


def shown(location: str) -> str:
    """The URL or connection string without its passwords, for messages. Of a key=value
    string only its well-formed pairs are shown: a broken one (``password=pass word``,
    an unclosed quote) could leave a piece of a password behind."""
    if location.startswith(("postgresql://", "postgres://")):
        return redact(location)
    pairs = _PAIR.findall(location)
    return " ".join(f"{key}={HIDDEN if key.lower() in SECRET_KEYS else value}"
                    for key, value in pairs)


_PAIR = re.compile(r"(?<!\S)(\w+)\s*=\s*('(?:[^'\\]|\\.)*'(?!\S)|[^\s']+(?!\S))")


def _driver_text(exc: Exception, secrets: Sequence[str]) -> str:
    """The first line of a driver's error, with no secret in it. An error parsing the
    connection string quotes pieces of it (``missing "=" after "…"``): only libpq's
    keywords are kept of those, any other piece could be part of a password."""
    import psycopg

    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, psycopg.ProgrammingError):
        text = re.sub(r'"([^"]*)"', lambda m: m[0] if m[1] in _KEYWORDS else f'"{HIDDEN}"', text)
    return redact(text, secrets)


# What a libpq error may quote of a connection string and still show.
_KEYWORDS = frozenset({"host", "hostaddr", "port", "dbname", "user", "password", "sslmode",
                       "sslpassword", "options", "application_name", "connect_timeout",
                       "service", "target_session_attrs", "passfile", "sslrootcert"})


class _Cursor:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.streams = 0

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql.replace("?", "%s"), params).fetchall()

    def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.conn.execute(sql.replace("?", "%s"), params)

    def many(self, sql: str, params: Sequence[Sequence[Any]]) -> None:
        if params:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.replace("?", "%s"), params)

    def stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        # A server-side cursor, fetched a batch a round trip: the first rows are out
        # before the last are read, and a reader that goes away stops the query.
        self.streams += 1  # two may be open at once (entries, and their fields)
        with self.conn.cursor(name=f"wic_stream_{self.streams}") as cursor:
            cursor.itersize = STREAM_BATCH
            cursor.execute(sql.replace("?", "%s"), params)
            yield from cursor


class PostgresBackend:
    created = False

    def __init__(self, conn: psycopg.Connection[Any], where: str,
                 secrets: Sequence[str] = ()) -> None:
        self.conn = conn
        self.where = where
        self.secrets = secrets  # the passwords in the URL: never in a message

    @contextmanager
    def transaction(self, write: bool, isolation: str = "REPEATABLE READ") -> Iterator[Cursor]:
        import psycopg

        mode = "READ WRITE" if write else "READ ONLY"
        try:
            self.conn.execute(f"BEGIN ISOLATION LEVEL {isolation} {mode}")
            yield _Cursor(self.conn)
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, psycopg.Error):
                raise translate(exc, self.where, self.secrets) from None
            raise

    def _rollback(self) -> None:
        import psycopg

        try:
            self.conn.execute("ROLLBACK")  # pragma: no mutate (the case of a keyword)
        except psycopg.Error:  # the connection is gone: the server rolled it back
            pass

    def close(self) -> None:
        self.conn.close()


def translate(exc: Exception, where: str, secrets: Sequence[str] = ()) -> WicError:
    """A PostgreSQL error as one line a user can act on (with no password in it)."""
    from psycopg import errors

    first = _driver_text(exc, secrets)
    if isinstance(exc, errors.SerializationFailure | errors.DeadlockDetected |
                  errors.LockNotAvailable):
        return ConflictError(f"{where}: another organiser changed the same guests at the same "
                             "time; nothing was changed; run the command again")
    if isinstance(exc, errors.IntegrityError):
        return DataError(f"{where}: the change breaks a rule of the ledger ({first}); "
                         "nothing was changed")
    if isinstance(exc, errors.ReadOnlySqlTransaction | errors.InsufficientPrivilege):
        return DataError(f"{where}: not allowed to change the ledger ({first}); "
                         "nothing was changed")
    return DataError(f"{where}: {first}")


def open_backend(url: str, event_id: str, *, create: bool) -> PostgresBackend | None:
    """The ledger on the server at ``url``: tables created on first use (None when
    there are none and not ``create``), checked to be this event's and of a schema
    this wic reads, migrated if older."""
    backend = _connect(url)
    conn = backend.conn
    try:
        version, found = _peek(backend)
        if not create and version == 0:
            conn.close()
            return None
        backend.created = _set_up(backend, event_id, version, found)
    except BaseException:
        conn.close()
        raise
    return backend


def _connect(url: str) -> PostgresBackend:
    where, secrets = shown(url), secrets_in(url)
    try:
        import psycopg
    except ImportError:
        raise DataError(f"{where}: a PostgreSQL ledger needs the driver: "
                        "pip install 'wic[postgres]'") from None
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                               application_name="wic")
    except psycopg.Error as exc:
        raise DataError(f"{where}: cannot connect: {_driver_text(exc, secrets)}") from None
    return PostgresBackend(conn, where, secrets)


def event_of(url: str) -> str | None:
    """The event id the ledger at ``url`` is for, read without changing anything (None:
    no ledger there); for a report that sets another event's ledger beside this one."""
    backend = _connect(url)
    try:
        with backend.transaction(write=False) as cursor:
            version, found = _version(cursor)
    finally:
        backend.close()
    _check_version(backend.where, version)
    return found if version else None


def _peek(backend: PostgresBackend) -> tuple[int, str | None]:
    """What :func:`_version` finds, in one round trip (a statement of its own, outside
    any transaction): a missing table is no ledger yet."""
    import psycopg

    try:
        rows = dict(backend.conn.execute(
            "SELECT key, value FROM ledger WHERE key IN ('schema', 'event')").fetchall())
    except psycopg.errors.UndefinedTable:
        return 0, None
    except psycopg.Error as exc:
        raise translate(exc, backend.where, backend.secrets) from None
    try:
        return int(rows.get("schema", "")), rows.get("event")
    except ValueError:
        return -1, rows.get("event")


def _set_up(backend: PostgresBackend, event_id: str, version: int, found: str | None) -> bool:
    conn = backend.conn
    if version != schema.SCHEMA:
        _check_version(backend.where, version)
        # The lock is the session's and is taken before the transaction begins: a
        # transaction that waited for a lock inside it would still see the catalogue as it
        # was when it began (an advisory lock does not refresh it), miss the tables the
        # wic before it created, and fail to create them again.
        conn.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK,))  # pragma: no mutate
        try:
            version, found = _create(backend, event_id)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))  # pragma: no mutate
    if found != event_id:
        raise DataError(f"{backend.where}: this ledger is for event {found!r}, not "
                        f"{event_id!r} (the event in use); pass --ledger or --event to pick "
                        "the right pair")
    return version == 0


def _create(backend: PostgresBackend, event_id: str) -> tuple[int, str | None]:
    """Create or migrate the tables (under the set-up lock): the version found, and the event."""
    with backend.transaction(write=True, isolation="READ COMMITTED") as cursor:
        version, found = _version(cursor)
        _check_version(backend.where, version)
        for step in range(version, schema.SCHEMA):
            for statement in schema.statements(step, schema.POSTGRES):
                backend.conn.execute(statement)  # DDL, no parameters
        if version == 0:
            cursor.run("INSERT INTO ledger (key, value) VALUES ('event', ?)", (event_id,))
            found = event_id
        cursor.run("INSERT INTO ledger (key, value) VALUES ('schema', ?) ON CONFLICT (key) "
                   "DO UPDATE SET value = EXCLUDED.value",  # pragma: no mutate
                   (str(schema.SCHEMA),))
    return version, found


def _version(cursor: Cursor) -> tuple[int, str | None]:
    """The schema version (0: no ledger here yet) and the event id of the ledger."""
    # Unquoted, the name given to to_regclass() is read in any case, as the keywords are.
    there = cursor.rows("SELECT to_regclass('ledger')")  # pragma: no mutate
    if there[0][0] is None:
        return 0, None
    rows = dict(cursor.rows("SELECT key, value FROM ledger"))  # pragma: no mutate
    try:
        return int(rows.get("schema", "")), rows.get("event")
    except ValueError:
        return -1, rows.get("event")


def _check_version(where: str, version: int) -> None:
    if version > schema.SCHEMA:
        raise DataError(f"{where}: the ledger was written by a newer wic (database schema "
                        f"{version}; this wic reads up to {schema.SCHEMA}); upgrade wic")
    if version < 0:
        raise DataError(f"{where}: a table 'ledger' is there but it is not a wic ledger's")
