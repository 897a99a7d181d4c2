"""The store as the sending and reply-reading code use it, on both backends: entries by
id, status changes with the Message-ID that caused them, messages one at a time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import BACKENDS, make_ledger
from wiccli.errors import DataError, NotFoundError, WicError
from wiccli.event.model import Event
from wiccli.invites.backend import ConflictError
from wiccli.invites.model import Message
from wiccli.invites.store import Store, open_store

NOW = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)


def bundled() -> Event:
    from wiccli.cli.state import State

    return State().event()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    where = make_ledger(request.param, request, tmp_path).location
    with open_store(bundled(), where, {}, tmp_path) as opened:
        yield opened


def add(store: Store, name: str, status: str = "listed") -> str:
    with store.transaction() as tx:
        entry = tx.add({"name": name, "category": "experts", "country": "DE", "status": status,
                        "email": f"{name.split()[-1]}@example.org"},
                       now=NOW, random_bytes=lambda n: name.encode()[-n:].rjust(n, b"x"))
    return entry.id


def message(entry_id: str | None, message_id: str, **fields: object) -> Message:
    return Message(entry_id, str(fields.pop("direction", "out")),
                   str(fields.pop("kind", "invitation")), message_id,
                   NOW + timedelta(minutes=len(message_id)), **fields)  # type: ignore[arg-type]


def test_a_status_change_records_the_message_that_caused_it(store: Store) -> None:
    entry = add(store, "Sample Delegate one")
    with store.transaction() as tx:
        old, new = tx.set_status(entry, "invited", note="sent", now=NOW, force=False,
                                 message_id="<inv-1@example.org>")
    assert (old.status, new.status) == ("listed", "invited")
    with store.transaction(write=False) as tx:
        history = tx.get(entry).history
    assert [(c.status, c.message_id) for c in history] == [
        ("listed", None), ("invited", "<inv-1@example.org>")]


def test_messages_are_recorded_one_at_a_time_and_listed_per_entry(store: Store) -> None:
    one, two = add(store, "Sample Delegate one"), add(store, "Sample Delegate two")
    first = store.record(message(one, "<a@x>", uid=f"invitation-{one}@wic2018.wic",
                                 sequence=0, outcome="250 ok"))
    assert first.id is not None
    store.record(message(two, "<bb@x>"))
    reply = store.record(message(one, "<ccc@x>", direction="in", kind="reply",
                                 dtstamp=NOW, outcome="accepted", sequence=0))
    with store.transaction(write=False) as tx:
        mine = tx.messages(one)
        assert [m.message_id for m in mine] == ["<a@x>", "<ccc@x>"]
        assert mine[1] == reply
        assert mine[0].uid == f"invitation-{one}@wic2018.wic"
        assert tx.message("<bb@x>") is not None
        assert tx.message("<nothing@x>") is None
        assert len(tx.messages()) == 3


@pytest.mark.parametrize(("bad", "error"), [
    ({"message_id": "<a@x>"}, "breaks a rule"),  # the same Message-ID twice
    ({"kind": "postcard"}, "breaks a rule"),
    ({"entry_id": "nobody"}, "breaks a rule"),
])
def test_a_message_the_schema_refuses_changes_nothing(store: Store, bad: dict[str, str],
                                                      error: str) -> None:
    entry = add(store, "Sample Delegate one")
    store.record(message(entry, "<a@x>"))
    fields = {"entry_id": entry, "message_id": "<new@x>", **bad}
    with pytest.raises(DataError, match=error):
        store.record(message(fields.pop("entry_id"), fields.pop("message_id"), **fields))
    with store.transaction(write=False) as tx:
        assert [m.message_id for m in tx.messages()] == ["<a@x>"]


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    entry = add(store, "Sample Delegate one")

    def send_then_fail() -> None:
        with store.transaction() as tx:
            tx.set_status(entry, "invited", note="", now=NOW, force=False)
            tx.record_message(message(entry, "<a@x>"))
            tx.set_status(entry, "attended", note="", now=NOW, force=False)  # refused

    with pytest.raises(WicError, match="only a guest who accepted"):
        send_then_fail()
    with store.transaction(write=False) as tx:
        assert tx.get(entry).status == "listed"
        assert tx.messages() == []


def test_find_by_unique_start_and_not_found(store: Store) -> None:
    entry = add(store, "Sample Delegate one")
    with store.transaction(write=False) as tx:
        assert tx.find(entry[:3].upper()).id == entry
        with pytest.raises(NotFoundError):
            tx.find("zz-nothing")


# --------------------------------------------------------------------------- errors

LEDGER = "/srv/wic/guests.db"


@pytest.mark.parametrize(("error", "kind", "said"), [
    (sqlite3.OperationalError("database is locked"), ConflictError,
     "the ledger is still locked by another wic after 60 s; nothing was changed, try again"),
    (sqlite3.OperationalError("database table is busy"), ConflictError,
     "the ledger is still locked by another wic"),
    (sqlite3.OperationalError("attempt to write a readonly database"), DataError,
     "the ledger is read-only; nothing was changed"),
    (sqlite3.OperationalError("read-only file system"), DataError,
     "the ledger is read-only; nothing was changed"),
    (sqlite3.OperationalError("database or disk is full"), DataError,
     "cannot write the ledger (database or disk is full); nothing was changed"),
    (sqlite3.OperationalError("disk I/O error"), DataError,
     "cannot write the ledger (disk I/O error); nothing was changed"),
    (sqlite3.DatabaseError("file is not a database"), DataError,
     "not a wic ledger database (file is not a database)"),
    (sqlite3.DatabaseError("database disk image is malformed"), DataError,
     "not a wic ledger database (database disk image is malformed)"),
    (sqlite3.IntegrityError("UNIQUE constraint failed: entries.email_key"), DataError,
     "the change breaks a rule of the ledger (UNIQUE constraint failed: entries.email_key); "
     "nothing was changed"),
    (sqlite3.OperationalError("no such table: entries"), DataError, "no such table: entries"),
])
def test_an_sqlite_error_is_one_line_to_act_on(error: sqlite3.Error, kind: type[WicError],
                                               said: str) -> None:
    from wiccli.invites.sqlite import translate

    found = translate(error, LEDGER)
    assert type(found) is kind
    assert str(found).startswith(f"{LEDGER}: {said}")
    assert found.message.count("\n") == 0


def test_a_postgresql_error_is_one_line_to_act_on() -> None:
    errors = pytest.importorskip("psycopg.errors")
    from wiccli.invites.postgres import translate

    where = "postgresql://wic@db/ledger"
    conflict = "another organiser changed the same guests at the same time; nothing was " \
               "changed; run the command again"
    cases = [
        (errors.SerializationFailure("could not serialize"), ConflictError, conflict),
        (errors.DeadlockDetected("deadlock detected"), ConflictError, conflict),
        (errors.LockNotAvailable("could not obtain lock"), ConflictError, conflict),
        (errors.UniqueViolation("duplicate key value\nDETAIL: Key (email_key)"), DataError,
         "the change breaks a rule of the ledger (duplicate key value); nothing was changed"),
        (errors.ReadOnlySqlTransaction("read-only transaction"), DataError,
         "not allowed to change the ledger (read-only transaction); nothing was changed"),
        (errors.InsufficientPrivilege("permission denied for table entries"), DataError,
         "not allowed to change the ledger (permission denied for table entries); nothing "
         "was changed"),
        (errors.UndefinedTable("relation does not exist\nLINE 1"), DataError,
         "relation does not exist"),
        (errors.UndefinedTable(""), DataError, "UndefinedTable"),
    ]
    for error, kind, said in cases:
        found = translate(error, where)
        assert (type(found), str(found)) == (kind, f"{where}: {said}"), error
