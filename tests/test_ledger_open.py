"""Opening a ledger database: two wic at once on one file or server, each older schema
migrated, the settings a ledger is opened with, and what is refused.

Two real connections each time: a test holds a lock (SQLite's write lock, PostgreSQL's
set-up lock, a transaction) and wic, opened beside it, must wait or be told."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import Runner
from wiccli.cli.state import State
from wiccli.errors import DataError
from wiccli.invites import postgres as pg
from wiccli.invites import schema
from wiccli.invites import sqlite as lite
from wiccli.invites.backend import ConflictError
from wiccli.invites.store import Store, open_store

NOW = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)
ADD = ("add", "Sample Delegate", "-c", "experts", "--country", "DE")


def add(store: Store, name: str) -> str:
    with store.transaction() as tx:
        entry = tx.add({"name": name, "category": "experts", "country": "DE",
                        "status": "invited"},
                       now=NOW, random_bytes=lambda n: name.encode()[-n:].rjust(n, b"x"))
    return entry.id


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """``work`` started in a thread; the dict gets its result or its exception."""
    done: dict[str, Any] = {}

    def target() -> None:
        try:
            done["result"] = work()
        except BaseException as exc:
            done["error"] = exc
        done["at"] = time.monotonic()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, done


# --------------------------------------------------------------------------- SQLite


@pytest.fixture
def ledger_file(run: Runner, tmp_path: Path) -> Path:
    path = tmp_path / "guests.invites.db"
    assert run("invites", "--ledger", str(path), *ADD).code == 0
    return path


@contextmanager
def write_locked(path: Path) -> Iterator[sqlite3.Connection]:
    """Another program in the middle of a write to ``path`` (it holds the write lock)."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        other.close()


def test_a_second_wic_waits_for_a_write_to_finish(run: Runner, ledger_file: Path) -> None:
    with write_locked(ledger_file) as other:
        timer = threading.Timer(1.0, lambda: other.execute("COMMIT"))
        started = time.monotonic()
        timer.start()
        result = run("invites", "--ledger", str(ledger_file), "add", "Second Delegate",
                     "-c", "experts", "--country", "FR")
        waited = time.monotonic() - started
        timer.join()
    assert result.code == 0, result.stderr
    assert waited >= 0.9
    listed = run("invites", "--ledger", str(ledger_file), "list", "-f", "csv")
    assert "Second Delegate" in listed.stdout


def test_a_lock_held_past_the_busy_timeout_is_one_error(
        run: Runner, ledger_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lite, "BUSY_TIMEOUT", 1.0)
    with write_locked(ledger_file):
        started = time.monotonic()
        result = run("invites", "--ledger", str(ledger_file), "add", "Second Delegate",
                     "-c", "experts", "--country", "FR")
        waited = time.monotonic() - started
    assert result.code == 1
    assert result.stderr == (f"error: {ledger_file}: the ledger is still locked by another wic "
                             "after 1 s; nothing was changed, try again\n")
    assert 0.9 <= waited < 30
    listed = run("invites", "--ledger", str(ledger_file), "list", "-f", "csv")
    assert "Second Delegate" not in listed.stdout


def test_a_reader_does_not_wait_for_a_writer(run: Runner, ledger_file: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lite, "BUSY_TIMEOUT", 30.0)
    with write_locked(ledger_file) as other:
        other.execute("UPDATE entries SET name = 'Not Yet Committed'")
        started = time.monotonic()
        listed = run("invites", "--ledger", str(ledger_file), "list", "-f", "csv")
        assert time.monotonic() - started < 25
    assert listed.code == 0, listed.stderr
    assert "Sample Delegate" in listed.stdout  # the last committed state (WAL)


@pytest.mark.parametrize("read_only", [False, True])
def test_a_ledger_is_opened_for_durable_writes_with_its_rules_on(ledger_file: Path,
                                                                 read_only: bool) -> None:
    if read_only:
        ledger_file.chmod(0o400)
    backend = lite.open_backend(ledger_file, "wic2018", create=False)
    try:
        assert backend.read_only is read_only
        conn = backend.conn
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (60_000,)
    finally:
        backend.close()


def test_a_new_ledger_file_is_the_owners_only(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "new" / "folder" / "guests.db"
    assert run("invites", "--ledger", str(path), *ADD).code == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert (path.parent.parent.stat().st_mode & 0o777) == 0o700


def test_an_empty_file_becomes_a_ledger(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "guests.db"
    path.touch()
    assert run("invites", "--ledger", str(path), *ADD).code == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA application_id").fetchone() == (lite.APPLICATION_ID,)
        assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA,)
    conn.close()


@pytest.mark.parametrize(("application_id", "version"), [(0, 2), (0x12345678, 2)])
def test_an_sqlite_file_of_another_program_is_left_alone(
        run: Runner, tmp_path: Path, application_id: int, version: int) -> None:
    path = tmp_path / "guests.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA application_id = {application_id}")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    result = run("invites", "--ledger", str(path), *ADD)
    assert result.code == 1
    assert result.stderr == (f"error: {path}: not a wic ledger database (an SQLite file of "
                             "another program)\n")
    assert path.read_bytes() == before


def test_a_ledger_made_by_another_wic_meanwhile_is_not_made_again(tmp_path: Path) -> None:
    path = tmp_path / "guests.db"
    barrier = threading.Barrier(4)

    def first_use() -> str:
        barrier.wait()
        with Store(lite.open_backend(path, "wic2018", create=True), "wic2018") as store:
            return add(store, f"Sample Delegate {threading.get_ident()}")

    started = [in_thread(first_use) for _ in range(4)]
    for thread, _ in started:
        thread.join(60)
    assert [sorted(done) for _, done in started] == [["at", "result"]] * 4
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (4,)
        assert conn.execute("SELECT value FROM ledger WHERE key = 'event'").fetchall() == [
            ("wic2018",)]
    conn.close()


def test_a_seed_runs_once_when_the_ledger_is_created(tmp_path: Path) -> None:
    path = tmp_path / "guests.db"
    seeded: list[int] = []

    def seed(cursor: Any) -> None:
        seeded.append(1)
        cursor.run("INSERT INTO ledger (key, value) VALUES ('seeded', 'yes')")

    for _ in range(2):
        backend = lite.open_backend(path, "wic2018", create=True, seed=seed)
        backend.close()
    assert seeded == [1]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM ledger WHERE key = 'seeded'").fetchall() == [
            ("yes",)]
    conn.close()


# --------------------------------------------------------------------------- PostgreSQL


@pytest.fixture
def url(postgres: Any) -> str:
    import postgres_server

    return postgres_server.create_database(postgres, f"wic_open_{time.monotonic_ns()}")


@pytest.fixture
def conn(url: str) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as other:
        yield other


def test_a_first_use_waits_for_the_set_up_lock(url: str, conn: Any) -> None:
    conn.execute("SELECT pg_advisory_lock(%s)", (pg.SETUP_LOCK,))
    thread, done = in_thread(lambda: pg.open_backend(url, "wic2018", create=True))
    time.sleep(1.0)
    assert done == {}  # still waiting for the lock
    released = time.monotonic()
    conn.execute("SELECT pg_advisory_unlock(%s)", (pg.SETUP_LOCK,))
    thread.join(60)
    backend = done["result"]
    try:
        assert done["at"] >= released
        assert backend.created
        # wic let go of the lock once the tables were there, its connection still open
        assert conn.execute("SELECT pg_try_advisory_lock(%s)", (pg.SETUP_LOCK,)
                            ).fetchone() == (True,)
        conn.execute("SELECT pg_advisory_unlock(%s)", (pg.SETUP_LOCK,))
    finally:
        backend.close()


def test_an_open_ledger_takes_no_lock_and_names_itself(url: str, conn: Any) -> None:
    pg.open_backend(url, "wic2018", create=True).close()
    conn.execute("SELECT pg_advisory_lock(%s)", (pg.SETUP_LOCK,))  # a first use elsewhere
    backend = pg.open_backend(url, "wic2018", create=True)  # does not wait for it
    try:
        assert not backend.created
        names = conn.execute("SELECT application_name FROM pg_stat_activity WHERE pid = %s",
                             (backend.conn.info.backend_pid,)).fetchall()
        assert names == [("wic",)]
    finally:
        backend.close()


def test_reading_where_there_is_no_ledger_creates_nothing(url: str, conn: Any) -> None:
    assert pg.open_backend(url, "wic2018", create=False) is None
    assert conn.execute("SELECT to_regclass('ledger')").fetchone() == (None,)


@pytest.mark.parametrize(("rows", "message"), [
    ([], "a table 'ledger' is there but it is not a wic ledger's"),
    ([("schema", "one")], "a table 'ledger' is there but it is not a wic ledger's"),
    ([("schema", str(schema.SCHEMA + 1)), ("event", "wic2018")],
     f"the ledger was written by a newer wic (database schema {schema.SCHEMA + 1}; this wic "
     f"reads up to {schema.SCHEMA}); upgrade wic"),
])
@pytest.mark.parametrize("create", [True, False])
def test_a_ledger_table_wic_cannot_read_is_left_alone(url: str, conn: Any, create: bool,
                                                      rows: list[tuple[str, str]],
                                                      message: str) -> None:
    conn.execute("CREATE TABLE ledger (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for row in rows:
        conn.execute("INSERT INTO ledger (key, value) VALUES (%s, %s)", row)
    with pytest.raises(DataError) as refused:
        pg.open_backend(url, "wic2018", create=create)
    assert refused.value.message == f"{pg.shown(url)}: {message}"
    assert sorted(conn.execute("SELECT key, value FROM ledger").fetchall()) == sorted(rows)
    assert conn.execute("SELECT to_regclass('entries')").fetchone() == (None,)


def test_every_earlier_schema_keeps_its_entries_on_postgresql(postgres: Any) -> None:
    import psycopg

    import postgres_server

    for version in range(1, schema.SCHEMA):
        url = postgres_server.create_database(postgres, f"wic_keep_{version}_"
                                                        f"{time.monotonic_ns()}")
        with psycopg.connect(url, autocommit=True) as conn:
            for step in range(version):
                for statement in schema.statements(step, schema.POSTGRES):
                    conn.execute(statement)  # type: ignore[call-overload]
            conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'wic2018'), "
                         "('schema', %s)", (str(version),))
            conn.execute("INSERT INTO entries (id, name, category, country, status, created, "
                         "updated, quantity, name_key) VALUES ('old001', 'Kept', 'experts', "
                         "'DE', 'invited', '2018-09-01T09:00:00+00:00', "
                         "'2018-09-01T09:00:00+00:00', 1, 'kept')")
        backend = pg.open_backend(url, "wic2018", create=False)
        assert backend is not None
        with Store(backend, "wic2018") as store:
            assert not backend.created
            with store.transaction(write=False) as tx:
                assert [e.name for e in tx.ledger("wic2018").invitations] == ["Kept"]
            add(store, "New")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT value FROM ledger WHERE key = 'schema'").fetchone() == (
                str(schema.SCHEMA),)


def test_two_organisers_changing_one_guest_at_once_one_is_told(url: str, tmp_path: Path) -> None:
    event = State().event()
    with open_store(event, url, {}, tmp_path) as first, \
            open_store(event, url, {}, tmp_path) as second:
        entry = add(first, "Sample Delegate")

        def decline_while_another_accepts() -> None:
            with first.transaction() as tx:
                tx.get(entry)  # this transaction's view of the ledger begins here
                with second.transaction() as other:
                    other.set_status(entry, "accepted", note="", now=NOW, force=False)
                tx.set_status(entry, "declined", note="", now=NOW, force=False)

        with pytest.raises(ConflictError, match="another organiser changed the same guests"):
            decline_while_another_accepts()
        with first.transaction(write=False) as tx:
            assert tx.get(entry).status == "accepted"


def test_a_read_only_transaction_on_postgresql_refuses_a_write(url: str, tmp_path: Path) -> None:
    with open_store(State().event(), url, {}, tmp_path) as store:
        add(store, "Sample Delegate")
        with pytest.raises(DataError, match="not allowed to change the ledger"), \
                store.transaction(write=False) as tx:
            tx.add({"name": "Other", "category": "experts", "country": "DE",
                    "status": "invited"}, now=NOW, random_bytes=lambda n: b"y" * n)
        with store.transaction(write=False) as tx:
            assert [e.name for e in tx.ledger("wic2018").invitations] == ["Sample Delegate"]


@pytest.mark.parametrize(("where", "said"), [
    ("host=127.0.0.1 password=pass sekrit", 'host=127.0.0.1 password=***: cannot connect: '
     'missing "***" after "***" in connection info string'),
    ("host=127.0.0.1 dbname", 'host=127.0.0.1: cannot connect: missing "***" after "dbname" '
     "in connection info string"),
])
def test_a_broken_connection_string_shows_libpqs_keywords_only(run: Runner, where: str,
                                                               said: str) -> None:
    pytest.importorskip("psycopg")
    result = run("invites", "--ledger", where, "status")
    assert (result.code, result.stdout, result.stderr) == (1, "", f"error: {said}\n")


def test_a_ledger_upgraded_by_a_newer_wic_while_waiting_is_left_alone(url: str,
                                                                       conn: Any) -> None:
    for statement in schema.statements(0, schema.POSTGRES):
        conn.execute(statement)
    conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'wic2018'), ('schema', '1')")
    conn.execute("SELECT pg_advisory_lock(%s)", (pg.SETUP_LOCK,))
    thread, done = in_thread(lambda: pg.open_backend(url, "wic2018", create=True))
    time.sleep(1.0)
    newer = schema.SCHEMA + 1
    conn.execute("UPDATE ledger SET value = %s WHERE key = 'schema'", (str(newer),))
    conn.execute("SELECT pg_advisory_unlock(%s)", (pg.SETUP_LOCK,))
    thread.join(60)
    assert isinstance(done.get("error"), DataError), done
    assert done["error"].message == (
        f"{pg.shown(url)}: the ledger was written by a newer wic (database schema {newer}; "
        f"this wic reads up to {schema.SCHEMA}); upgrade wic")
    assert conn.execute("SELECT to_regclass('messages')").fetchone() != (None,)
    assert conn.execute("SELECT to_regclass('badges')").fetchone() == (None,)


def test_a_ledger_migrated_by_another_wic_while_waiting_is_opened(url: str, conn: Any) -> None:
    for statement in schema.statements(0, schema.POSTGRES):
        conn.execute(statement)
    conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'wic2018'), ('schema', '1')")
    conn.execute("SELECT pg_advisory_lock(%s)", (pg.SETUP_LOCK,))
    thread, done = in_thread(lambda: pg.open_backend(url, "wic2018", create=True))
    time.sleep(1.0)
    for step in range(1, schema.SCHEMA):  # the other wic's migration
        for statement in schema.statements(step, schema.POSTGRES):
            conn.execute(statement)
    conn.execute("UPDATE ledger SET value = %s WHERE key = 'schema'", (str(schema.SCHEMA),))
    conn.execute("SELECT pg_advisory_unlock(%s)", (pg.SETUP_LOCK,))
    thread.join(60)
    assert "error" not in done, done
    backend = done["result"]
    try:
        assert not backend.created
        with Store(backend, "wic2018") as store:
            add(store, "Sample Delegate")
    finally:
        backend.close()


def test_a_postgresql_ledger_of_another_event_is_refused(url: str, conn: Any) -> None:
    pg.open_backend(url, "demo", create=True).close()
    for create in (True, False):
        with pytest.raises(DataError) as refused:
            pg.open_backend(url, "wic2018", create=create)
        assert refused.value.message == (
            f"{pg.shown(url)}: this ledger is for event 'demo', not 'wic2018' (the event in "
            "use); pass --ledger or --event to pick the right pair")


def test_a_server_that_never_answers_is_given_up_on(run: Runner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    pytest.importorskip("psycopg")
    monkeypatch.setattr(pg, "CONNECT_TIMEOUT", 2)
    with socket.socket() as silent:  # takes the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]

        def hang_up_at_last() -> None:  # so that a wic without a timeout cannot wait forever
            conn, _ = silent.accept()
            time.sleep(30)
            conn.close()

        threading.Thread(target=hang_up_at_last, daemon=True).start()
        started = time.monotonic()
        result = run("invites", "--ledger", f"postgres://alice:topsecret@127.0.0.1:{port}/g",
                     "status")
        took = time.monotonic() - started
    assert 1.5 <= took < 25
    assert result.code == 1
    assert result.stderr.startswith(f"error: postgres://alice@127.0.0.1:{port}/g: cannot "
                                    "connect: ")
    assert "topsecret" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- a TOML ledger of old

LEGACY = Path(__file__).resolve().parent / "data" / "ledger-hand-written.toml"


@pytest.mark.parametrize("text", [
    "schema = 1\ntitle = 'settings of another program'\n",  # the schema line alone
    "event = 'wic2018'\n[[invitations]]\nname = 'x'\n",  # invitations without it
])
def test_a_toml_file_that_is_half_a_ledger_is_left_alone(run: Runner, tmp_path: Path,
                                                         text: str) -> None:
    (tmp_path / "guests.toml").write_text(text, encoding="utf-8")
    result = run("invites", "--ledger", "guests.db", *ADD)
    assert result.code == 0, result.stderr
    assert "imported" not in result.stderr
    listed = run("invites", "--ledger", "guests.db", "list", "-f", "csv")
    assert "Sample Delegate 0001" not in listed.stdout


def test_an_empty_database_beside_a_toml_ledger_is_filled_from_it(run: Runner,
                                                                  tmp_path: Path) -> None:
    (tmp_path / "guests.toml").write_bytes(LEGACY.read_bytes())
    (tmp_path / "guests.db").touch()  # made by a wic stopped before it wrote anything
    result = run("invites", "--ledger", "guests.db", "list", "-f", "csv")
    assert result.code == 0, result.stderr
    assert "imported the ledger file" in result.stderr
    assert "Sample Delegate 0001" in result.stdout

