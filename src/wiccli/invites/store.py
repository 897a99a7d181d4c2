"""The guest ledger in a database: SQLite by default, PostgreSQL for a team.

One ledger per event. :func:`open_store` finds it (``--ledger``, ``$WIC_LEDGER``,
``[invitations] ledger``, else ``<event-id>.invites.db`` beside the event file) and
opens the backend: a path is SQLite (:mod:`wiccli.invites.sqlite`), a
``postgresql://`` URL is PostgreSQL (:mod:`wiccli.invites.postgres`). Every command
runs in ONE transaction (``with store.transaction() as tx``): all of it lands, or
nothing does. A change that conflicts with a concurrent one raises
:class:`~wiccli.invites.backend.ConflictError`; the rules (statuses, unique e-mail,
unique name and organisation, history of every change) hold as constraints of the
schema too.

The SQL is shared: both backends speak it with ``?`` placeholders (the PostgreSQL
backend turns them into ``%s``), timestamps are ISO 8601 text in UTC, ids compare
byte-wise (``COLLATE "C"`` on PostgreSQL), so both give the same results.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from wiccli.errors import DataError, NotFoundError
from wiccli.event.model import Event
from wiccli.invites import model as core
from wiccli.invites import query
from wiccli.invites import rows as rows_
from wiccli.invites.backend import Backend, Cursor
from wiccli.invites.messages import MessageLog
from wiccli.invites.rows import ENTRY_COLUMNS
from wiccli.invites.summary import Counted

URL_SCHEMES = ("postgresql://", "postgres://")
_CHANGE = "at, status, note, message_id, field, value"  # a history line, as rows_.change reads


# --------------------------------------------------------------------------- locating


def locate(event: Event, option: str | None, environ: Mapping[str, str], cwd: Path) -> str:
    """``--ledger``, else $WIC_LEDGER, else ``[invitations] ledger`` of the event file,
    else ``<event-id>.invites.db`` beside the event file (the user data folder for the
    bundled event): a ``postgresql://`` URL as given, else an absolute path."""
    name = f"{event.id}.invites.db"
    if option:
        given = option
    elif environ.get("WIC_LEDGER"):
        given = environ["WIC_LEDGER"]
    elif event.bundled or not event.source or event.source.startswith("<"):
        from platformdirs import user_data_dir

        given = str(Path(user_data_dir("wic")) / name)
    elif event.invitations.ledger:
        named = event.invitations.ledger
        given = named if is_url(named) else str(Path(event.source).parent / named)
    else:
        given = str(Path(event.source).parent / name)
    if is_url(given):
        return given
    path = Path(given).expanduser()
    if path.suffix == ".toml":  # named in the days of the TOML ledger: the database is beside
        path = path.with_suffix(".db")
    return str(path if path.is_absolute() else cwd / path)


def is_url(text: str) -> bool:
    """A PostgreSQL location: a ``postgresql://`` URL or a key=value connection string."""
    return text.startswith(URL_SCHEMES) or _CONNINFO.match(text) is not None


# libpq's key=value form ("host=db dbname=wic"): no ledger file is named like that.
_CONNINFO = re.compile(r"\s*(host|hostaddr|dbname|service|user|port|password)\s*=")


def open_store(event: Event, option: str | None, environ: Mapping[str, str], cwd: Path, *,
               write: bool = True) -> Store:
    """The ledger of ``event``, opened (created if missing and ``write``), checked to be
    this event's and of a schema this wic reads, migrated if older."""
    where = locate(event, option, environ, cwd)
    from wiccli.invites import sqlite

    if is_url(where):
        from wiccli.invites import postgres

        server = postgres.open_backend(where, event.id, create=write)
        if server is None:  # nothing there yet: read as empty, create nothing
            return Store(sqlite.in_memory(event.id, postgres.shown(where)), event.id)
        return Store(server, event.id)

    path = Path(where)
    notes: list[str] = []
    legacy = path.with_suffix(".toml")
    seed = None
    if legacy.is_file() and not _ready(path) and _is_legacy(legacy, event, cwd):
        seed, write = _import_legacy(legacy, path, event.id, notes), True
    store = Store(sqlite.open_backend(path, event.id, create=write, seed=seed), event.id)
    store.notes = notes
    return store


def _ready(path: Path) -> bool:
    """Whether the database file is there with something in it (a file that wic created
    but could not fill, say a TOML ledger with an error, is not)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _is_legacy(legacy: Path, event: Event, cwd: Path) -> bool:
    """``conf.toml`` beside ``conf.db`` is an old TOML ledger only when it says so: it is
    as likely the event file itself, or another TOML file of the user's."""
    from wiccli.invites import tomlfile

    if event.source and not event.source.startswith("<") and \
            (cwd / event.source).resolve() == legacy.resolve():
        return False
    return tomlfile.is_ledger(legacy)


def _import_legacy(legacy: Path, path: Path, event_id: str,
                   notes: list[str]) -> Callable[[Cursor], None]:
    """A ledger TOML file where the database would be (wic kept its ledger in TOML
    before): read and checked first (a file with errors creates no database), then
    written in the transaction that creates the database's tables."""
    from wiccli.invites import tomlfile

    ledger = tomlfile.read(legacy, event_id)

    def seed(cursor: Cursor) -> None:
        Tx(cursor).insert(ledger.invitations)
        notes.append(f"imported the ledger file {legacy} ({len(ledger.invitations)} "
                     f"invitations) into the database {path}; the file is left as it was and "
                     "no longer read (`wic invites export -f toml` writes the ledger as TOML)")

    return seed


# --------------------------------------------------------------------------- the store


class Store:
    """One event's ledger. ``transaction()`` gives a :class:`Tx`; ``record()`` commits
    one message on its own, so an interrupted run loses nothing already sent."""

    def __init__(self, backend: Backend, event_id: str) -> None:
        self.backend = backend
        self.event_id = event_id
        self.notes: list[str] = []  # what opening did that the user should hear about

    @property
    def where(self) -> str:
        return self.backend.where

    @property
    def created(self) -> bool:
        return self.backend.created

    @property
    def missing(self) -> bool:
        """There is no ledger yet (opened to read: it reads as empty, nothing is created)."""
        return bool(getattr(self.backend, "missing", False))

    @property
    def writable(self) -> bool:
        """Whether a transaction may write (a read-only file, or no ledger yet: not)."""
        return not self.missing and not getattr(self.backend, "read_only", False)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Tx]:
        with self.backend.transaction(write) as cursor:
            yield Tx(cursor, self.where)

    def record(self, message: core.Message) -> core.Message:
        with self.transaction() as tx:
            return tx.record_message(message)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def email_key(email: str) -> str | None:
    """The e-mail compared without case (unique in a ledger); NULL when there is none."""
    return email.casefold() or None


def name_key(name: str, organization: str) -> str:
    """Name and organisation without case and extra spaces (unique in a ledger)."""
    return "\x1f".join(core.name_key(name, organization))


class _Taken(Collection[str]):
    """The ids in the ledger, asked one at a time (a new id never loads them all)."""

    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    def __contains__(self, item: object) -> bool:
        return bool(self.tx.db.rows("SELECT 1 FROM entries WHERE id = ?", (item,)))

    def __iter__(self) -> Iterator[str]:
        return iter(self.tx.ids())

    def __len__(self) -> int:
        return int(self.tx.db.rows("SELECT count(*) FROM entries")[0][0])


@dataclass
class Tx(MessageLog):
    """The operations of one transaction on the ledger (its messages: :class:`MessageLog`)."""

    db: Cursor
    where: str = ""  # the ledger, as messages name it (a row that breaks a rule, say)

    # ---- reading

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.rows("SELECT id FROM entries ORDER BY id")]

    def entries(self, history: bool = True) -> list[core.Invitation]:
        """Every entry, sorted by id; with its history unless ``history`` is False."""
        rows = self.db.rows(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entries ORDER BY id")
        changes: dict[str, list[core.Change]] = {}
        check = self.check()
        if history:
            for entry_id, *change in self.db.rows(
                    f"SELECT entry_id, {_CHANGE} FROM history ORDER BY entry_id, seq"):
                changes.setdefault(entry_id, []).append(rows_.change(check, entry_id, change))
        values: dict[str, list[tuple[str, str]]] = {}
        for entry_id, name, value in self.db.rows(
                "SELECT entry_id, name, value FROM fields ORDER BY entry_id, name"):
            values.setdefault(entry_id, []).append((name, value))
        return [rows_.entry(check, row, changes.get(row[0], []),
                            rows_.field_values(check, row[0], values.get(row[0], [])))
                for row in rows]

    def ledger(self, event_id: str) -> core.Ledger:
        return core.Ledger(event_id, tuple(self.entries()))

    def select(self, sel: core.Selection) -> list[core.Invitation]:
        """The entries ``wic invites list`` shows for ``sel``, sorted by id (no history)."""
        return list(self.stream(sel))

    def stream(self, sel: core.Selection) -> Iterator[core.Invitation]:
        """:meth:`select`, an entry at a time as the database sends them (the filters are
        in the query: :mod:`wiccli.invites.query`); a row that breaks a rule raises when
        it is reached."""
        sql, params = query.entries_sql(sel)
        check, keep = self.check(), query.raw_filter(sel)
        fields = query.Grouped(self.db.stream(
            "SELECT entry_id, name, value FROM fields ORDER BY entry_id, name"))
        for row in self.db.stream(sql, params):
            if keep is None or keep(row):
                values = rows_.field_values(check, row[0], fields.of(row[0]))
                entry = rows_.entry(check, row, [], values)
                if core.keeps(sel, entry):
                    yield entry

    def pick(self, sel: core.Selection, ids: Sequence[str] = ()) -> list[core.Invitation]:
        """The entries ``sel`` keeps; with ids, only those of them (each id must exist)."""
        entries = self.select(sel)
        if not ids:
            return entries
        wanted = {self.find(text).id for text in ids}
        return [e for e in entries if e.id in wanted]

    def find(self, text: str) -> core.Invitation:
        """The entry with this id (any case), or the only one whose id starts with it."""
        wanted = text.strip().casefold()
        hits = [r[0] for r in self.db.rows(
            "SELECT id FROM entries WHERE lower(id) = ? ORDER BY id", (wanted,))]
        if not hits and wanted:
            hits = [r[0] for r in self.db.rows(
                "SELECT id FROM entries WHERE lower(id) >= ? AND lower(id) < ? "
                "ORDER BY id LIMIT 11", (wanted, wanted + "~"))]
        return self.get(core.find_id(hits, text))

    def get(self, entry_id: str) -> core.Invitation:
        row = self.db.rows(f"SELECT {', '.join(ENTRY_COLUMNS)} FROM entries WHERE id = ?",
                           (entry_id,))
        if not row:
            raise NotFoundError(f"no invitation with id {entry_id!r}")
        check = self.check()
        changes = [rows_.change(check, entry_id, c) for c in self.db.rows(
            f"SELECT {_CHANGE} FROM history WHERE entry_id = ? ORDER BY seq", (entry_id,))]
        values = rows_.field_values(check, entry_id, self.db.rows(
            "SELECT name, value FROM fields WHERE entry_id = ? ORDER BY name", (entry_id,)))
        return rows_.entry(check, row[0], changes, values)

    def tally(self) -> list[Counted]:
        """What ``status`` counts, summed in the database per category, country, status."""
        check = self.check()
        found = [rows_.counted(check, row) for row in self.db.rows(
            "SELECT category, country, status, sum(quantity), count(*) FROM entries "
            "GROUP BY category, country, status ORDER BY category, country, status")]
        kept = [c for c in found if c is not None]
        if len(kept) < len(found):
            self.entries(history=False)  # names the entry that breaks a rule
            check.refuse("an entry")  # (a sum out of range: no one entry to name)
        return kept

    def bounced(self) -> list[core.Invitation]:
        """The entries whose address now is one that bounced (sorted by id, no history)."""
        rows = self.db.rows(
            f"SELECT {', '.join('e.' + c for c in ENTRY_COLUMNS)}, m.address FROM entries e "
            "JOIN messages m ON m.entry_id = e.id WHERE m.kind = 'bounce' ORDER BY e.id")
        email = ENTRY_COLUMNS.index("email")
        check = self.check()
        found = {r[0]: rows_.entry(check, r[:-1], []) for r in rows
                 if r[email] and core.address_key(r[-1]) == core.address_key(r[email])}
        return list(found.values())

    def duplicate_of(self, email: str, name: str, organization: str) -> core.Invitation | None:
        found = self.db.rows("SELECT id FROM entries WHERE email_key = ? OR name_key = ? "
                             "ORDER BY id LIMIT 1",
                             (email_key(email), name_key(name, organization)))
        return self.get(found[0][0]) if found else None

    # ---- changing

    def add(self, fields: Mapping[str, Any], *, now: datetime,
            random_bytes: Callable[[int], bytes]) -> core.Invitation:
        """A new entry from checked ``fields``; refused when the guest is there already."""
        twin = self.duplicate_of(fields.get("email") or "", fields["name"],
                                 fields.get("organization") or "")
        if twin is not None:
            raise DataError(f"{twin.name} ({twin.organization or 'no organisation'}) is already "
                            f"in the ledger as {twin.id}; change it with `wic invites set`")
        entry = core.new_entry(_Taken(self), fields, now=now, random_bytes=random_bytes)
        self.insert([entry])
        return entry

    def insert(self, entries: Sequence[core.Invitation]) -> None:
        """New entries with their history."""
        self.db.many(
            f"INSERT INTO entries ({', '.join(ENTRY_COLUMNS)}, email_key, name_key) "
            f"VALUES ({', '.join('?' * (len(ENTRY_COLUMNS) + 2))})",
            [_entry_row(e) for e in entries])
        self._fields([e for e in entries if e.fields])
        self._history([(e, 0) for e in entries])

    def put(self, old: core.Invitation, new: core.Invitation) -> None:
        """``new`` in place of ``old`` (same id), with the history lines it added."""
        self.update([(old, new)])

    def update(self, pairs: Sequence[tuple[core.Invitation, core.Invitation]]) -> None:
        columns = ENTRY_COLUMNS[1:]
        self.db.many(
            f"UPDATE entries SET {', '.join(f'{c} = ?' for c in columns)}, email_key = ?, "
            "name_key = ? WHERE id = ?",
            [(*_entry_row(new)[1:], new.id) for _, new in pairs])
        moved = [new for old, new in pairs if old.fields != new.fields]
        self.db.many("DELETE FROM fields WHERE entry_id = ?", [(e.id,) for e in moved])
        self._fields(moved)
        self._history([(new, len(old.history)) for old, new in pairs])

    def _fields(self, entries: Sequence[core.Invitation]) -> None:
        self.db.many("INSERT INTO fields (entry_id, name, value) VALUES (?, ?, ?)",
                     [(e.id, name, value) for e in entries for name, value in e.fields])

    def _history(self, items: Sequence[tuple[core.Invitation, int]]) -> None:
        self.db.many(
            "INSERT INTO history (entry_id, seq, at, status, note, message_id, field, value) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(e.id, seq, c.at.isoformat(), c.status, c.note, c.message_id, c.field, c.value)
             for e, start in items for seq, c in enumerate(e.history) if seq >= start])

    def claim(self, entry_id: str) -> None:
        """Write the entry's row as it is: two transactions that claim one entry at once
        conflict (PostgreSQL) or wait for each other (SQLite), so only one goes on."""
        self.db.run("UPDATE entries SET updated = updated WHERE id = ?", (entry_id,))

    def set_status(self, text: str, status: str, *, note: str, now: datetime, force: bool,
                   message_id: str | None = None) -> tuple[core.Invitation, core.Invitation]:
        """The entry named by ``text`` before and after moving it to ``status`` through
        the transition rules (refused unless ``force``), with a history line."""
        old = self.find(text)
        new = core.change_status(old, status, note=note, now=now, force=force,
                                 message_id=message_id)
        if new is not old:
            self.put(old, new)
        return old, new

    # ---- a step that can be undone alone

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Changes that an error undoes on their own: what was done before stays, and the
        transaction goes on (on PostgreSQL too, where an error would otherwise end it)."""
        self.db.run("SAVEPOINT wic_step")
        try:
            yield
        except BaseException:
            self.db.run("ROLLBACK TO SAVEPOINT wic_step")
            self.db.run("RELEASE SAVEPOINT wic_step")
            raise
        self.db.run("RELEASE SAVEPOINT wic_step")


def broken_rule(exc: BaseException) -> str | None:
    """What a constraint of the ledger refused (a UNIQUE Message-ID, say), when ``exc`` is
    a database's integrity error (DB-API 2 names it IntegrityError in sqlite3 and psycopg
    alike); None for any other error."""
    if any(kind.__name__ == "IntegrityError" for kind in type(exc).__mro__):
        return str(exc).strip().splitlines()[0] if str(exc).strip() else "a rule of the ledger"
    return None


def _entry_row(e: core.Invitation) -> tuple[Any, ...]:
    return (e.id, e.name, e.category, e.country, e.status, e.created.isoformat(),
            e.updated.isoformat(), e.organization, e.email, e.quantity, e.note,
            email_key(e.email), name_key(e.name, e.organization))


def apply(tx: Tx, old: core.Ledger, new: core.Ledger) -> None:
    """Write the difference between ``old`` (as read in ``tx``) and ``new``: entries
    whose id is new are inserted, changed ones updated with the history they added.
    An entry whose history was rewritten (a TOML file imported with --force) gets
    the new history in place of the old."""
    before = {e.id: e for e in old.invitations}
    created = [e for e in new.invitations if e.id not in before]
    changed = [(before[e.id], e) for e in new.invitations
               if e.id in before and before[e.id] is not e and before[e.id] != e]
    rewritten = [o.id for o, n in changed if n.history[:len(o.history)] != o.history]
    tx.db.many("DELETE FROM history WHERE entry_id = ?", [(i,) for i in rewritten])
    tx.update([(replace(o, history=()) if o.id in rewritten else o, n) for o, n in changed])
    tx.insert(created)
