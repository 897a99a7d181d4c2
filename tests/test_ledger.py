"""The ledger database: where it lives, who may read it, which files it refuses, the
TOML ledger it replaces, its schema and its migrations."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest

from conftest import DATA, Runner, write
from wiccli.invites import schema
from wiccli.invites import sqlite as backend

EVENT_WITH_CATEGORIES = """\
[event]
id = "forum"
name = "Sample Forum"
timezone = "Europe/Berlin"
start = 2025-03-29
end = 2025-03-30

[invitations]
target = 10
{ledger}
[[invitations.categories]]
id = "speakers"
name = "Speakers"
target = 4
"""


def add(run: Runner, *args: str, name: str = "Sample Delegate", email: str = "",
        **kwargs: object) -> str:
    result = run(*args, "add", name, "-c", "experts", "--country", "DE", "--email", email,
                 **kwargs)
    assert result.code == 0, result.stderr
    return result.stdout.strip()


def names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM entries ORDER BY name")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- location


def test_bundled_event_keeps_its_ledger_in_the_user_data_folder(run: Runner,
                                                                tmp_path: Path) -> None:
    result = run("invites", "add", "Sample", "-c", "experts", "--country", "DE")
    ledger = tmp_path / "xdg-data" / "wic" / "wic2018.invites.db"
    assert result.code == 0, result.stderr
    assert f"created {ledger}" in result.stderr
    assert names(ledger) == ["Sample"]
    # Owner-only: the file holds names and addresses; wic made the folders, 0700.
    assert mode(ledger) == 0o600
    assert mode(ledger.parent) == mode(ledger.parent.parent) == 0o700


def test_a_users_event_keeps_its_ledger_beside_it(run: Runner, tmp_path: Path) -> None:
    event = write(tmp_path / "events" / "forum.toml", EVENT_WITH_CATEGORIES.format(ledger=""))
    result = run("-e", str(event), "invites", "add", "Sample", "-c", "spe", "--country", "FR")
    assert result.code == 0, result.stderr
    assert names(tmp_path / "events" / "forum.invites.db") == ["Sample"]
    assert mode(tmp_path / "events") == 0o755  # a folder wic did not create keeps its mode
    status = json.loads(run("-e", str(event), "invites", "status", "-f", "json").stdout)
    assert status["groups"][0]["target"] == 4
    assert status["groups"][0]["progress"] == 0.25


def test_the_event_file_can_name_its_ledger(run: Runner, tmp_path: Path) -> None:
    event = write(tmp_path / "events" / "forum.toml",
                  EVENT_WITH_CATEGORIES.format(ledger='ledger = "../data/guests.db"\n'))
    result = run("-e", str(event), "invites", "add", "Sample", "-c", "speakers",
                 "--country", "FR")
    assert result.code == 0, result.stderr
    assert names(tmp_path / "data" / "guests.db") == ["Sample"]


def test_wic_ledger_and_the_option(run: Runner, tmp_path: Path) -> None:
    add(run, "invites", environ={"WIC_LEDGER": "from-env.db"})
    add(run, "invites", "--ledger", "sub/from-option.db", name="Other",
        environ={"WIC_LEDGER": "from-env.db"})
    assert names(tmp_path / "from-env.db") == ["Sample Delegate"]
    assert names(tmp_path / "sub" / "from-option.db") == ["Other"]


def test_a_missing_ledger_reads_as_empty_and_is_not_created(run: Runner,
                                                            tmp_path: Path) -> None:
    for args in (["list", "-f", "json"], ["export", "-f", "json"]):
        result = run("invites", "--ledger", "none.db", *args)
        assert (result.code, json.loads(result.stdout)) == (0, [])
    status = run("invites", "--ledger", "none.db", "status")
    assert status.code == 0
    assert "no invitations yet" in status.stderr
    assert not (tmp_path / "none.db").exists()


# --------------------------------------------------------------------------- refused


def make_ledger(path: Path, event_id: str) -> None:
    backend.open_backend(path, event_id, create=True).close()


def test_a_ledger_of_another_event_is_refused(run: Runner, tmp_path: Path) -> None:
    ledger = tmp_path / "other.db"
    make_ledger(ledger, "demo")
    before = digest(ledger)
    for args in (["add", "Sample", "-c", "experts", "--country", "DE"], ["list"]):
        result = run("invites", "--ledger", str(ledger), *args)
        assert result.code == 1
        assert result.stderr.count("\n") == 1
        assert "for event 'demo', not 'wic2018'" in result.stderr
    assert digest(ledger) == before


def test_a_ledger_of_a_newer_wic_is_refused(run: Runner, tmp_path: Path) -> None:
    ledger = tmp_path / "newer.db"
    make_ledger(ledger, "wic2018")
    with sqlite3.connect(ledger) as conn:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA + 1}")
    conn.close()
    before = digest(ledger)
    result = run("invites", "--ledger", str(ledger), "list")
    assert result.code == 1
    assert result.stderr == (f"error: {ledger}: the ledger was written by a newer wic (database "
                             f"schema {schema.SCHEMA + 1}; this wic reads up to "
                             f"{schema.SCHEMA}); upgrade wic\n")
    assert digest(ledger) == before


@pytest.mark.parametrize(("content", "message"), [
    (b"schema = 1\nevent = 'wic2018'\n", "not a wic ledger database (a TOML ledger is read "
                                         "with `wic invites import FILE.toml`)"),
    (b"\x00\x01garbage" * 100, "not a wic ledger database"),
    (None, "an SQLite file of another program"),
])
def test_a_file_that_is_no_ledger_is_refused(run: Runner, tmp_path: Path,
                                             content: bytes | None, message: str) -> None:
    ledger = tmp_path / "guests.db"
    if content is None:
        with sqlite3.connect(ledger) as conn:
            conn.execute("CREATE TABLE photos (id INTEGER)")
        conn.close()
    else:
        ledger.write_bytes(content)
    before = digest(ledger)
    result = run("invites", "--ledger", str(ledger), "add", "Sample", "-c", "experts",
                 "--country", "DE")
    assert result.code == 1
    assert result.stderr.count("\n") == 1
    assert message in result.stderr
    assert digest(ledger) == before


def test_a_read_only_ledger_reads_but_refuses_changes_in_one_line(run: Runner,
                                                                  tmp_path: Path) -> None:
    args = ("invites", "--ledger", str(tmp_path / "ro.db"))
    entry = add(run, *args)
    os.chmod(tmp_path / "ro.db", 0o400)
    before = digest(tmp_path / "ro.db")
    listed = run(*args, "list", "-f", "json")
    assert (listed.code, [e["id"] for e in json.loads(listed.stdout)]) == (0, [entry])
    result = run(*args, "accept", entry)
    assert result.code == 1
    assert result.stderr == f"error: {tmp_path / 'ro.db'}: the ledger is read-only; nothing " \
                            "was changed\n"
    assert digest(tmp_path / "ro.db") == before


# --------------------------------------------------------------------------- TOML ledger


def test_a_toml_ledger_where_the_database_would_be_is_imported_once(run: Runner,
                                                                    tmp_path: Path) -> None:
    event = write(tmp_path / "forum.toml", EVENT_WITH_CATEGORIES.format(ledger=""))
    old = tmp_path / "forum.invites.toml"
    old.write_text((DATA / "ledger-hand-written.toml").read_text(encoding="utf-8")
                   .replace('"wic2018"', '"forum"').replace('"government"', '"speakers"')
                   .replace('"experts"', '"speakers"'), encoding="utf-8")
    before = digest(old)
    first = run("-e", str(event), "invites", "list", "-f", "json")
    assert first.code == 0, first.stderr
    assert [(e["id"], e["status"]) for e in json.loads(first.stdout)] == [
        ("old001", "accepted"), ("old002", "withdrawn")]
    assert first.stderr == (f"imported the ledger file {old} (2 invitations) into the database "
                            f"{tmp_path / 'forum.invites.db'}; the file is left as it was and "
                            "no longer read (`wic invites export -f toml` writes the ledger as "
                            "TOML)\n")
    history = run("-e", str(event), "invites", "history", "old002", "-f", "json")
    assert json.loads(history.stdout)[-1] == {
        "at": "2018-09-12T09:00:00+00:00", "status": "withdrawn", "note": "travel cancelled"}
    assert history.stderr == ""  # once
    assert run("-e", str(event), "invites", "set", "old001", "attended").code == 0
    assert digest(old) == before
    assert mode(tmp_path / "forum.invites.db") == 0o600


def test_a_ledger_option_naming_a_toml_file_means_the_database_beside_it(
        run: Runner, tmp_path: Path) -> None:
    shutil.copy(DATA / "ledger-hand-written.toml", tmp_path / "guests.toml")
    result = run("invites", "--ledger", "guests.toml", "list", "-f", "json")
    assert result.code == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2
    assert names(tmp_path / "guests.db") == ["Sample Delegate 0001", "Sample Delegate 0002"]


@pytest.mark.parametrize(("source", "message"), [
    ("ledger-other-event.toml", "for event 'demo', not 'wic2018'"),
    ("ledger-bad-country.toml", "invitations[1].country: 'Germany' is not an ISO"),
])
def test_a_toml_ledger_with_errors_is_reported_and_creates_nothing(
        run: Runner, tmp_path: Path, source: str, message: str) -> None:
    shutil.copy(DATA / source, tmp_path / "guests.toml")
    before = digest(tmp_path / "guests.toml")
    result = run("invites", "--ledger", "guests.db", "status")
    assert result.code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(tmp_path / "guests.toml") == before
    assert not (tmp_path / "guests.db").exists()


# --------------------------------------------------------------------------- schema


def test_the_database_is_a_wal_ledger_with_its_rules_as_constraints(run: Runner,
                                                                    tmp_path: Path) -> None:
    ledger = tmp_path / "l.db"
    entry = add(run, "invites", "--ledger", str(ledger), email="a@example.org")
    conn = sqlite3.connect(ledger)
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA,)
    assert conn.execute("PRAGMA application_id").fetchone() == (backend.APPLICATION_ID,)
    refused = [
        "UPDATE entries SET status = 'maybe'",
        "UPDATE entries SET quantity = 0",
        "INSERT INTO history (entry_id, seq, at, status) VALUES ('nobody', 0, 'x', 'invited')",
        "INSERT INTO entries SELECT 'other', name, category, country, status, created, "
        "updated, organization, email, quantity, note, 'x@example.org', name_key FROM entries",
        "INSERT INTO entries SELECT 'other', name, category, country, status, created, "
        "updated, organization, email, quantity, note, email_key, 'x' FROM entries",
        "INSERT INTO messages (entry_id, direction, kind, message_id, at) "
        f"VALUES ('{entry}', 'sideways', 'invitation', '<m@x>', 'x')",
    ]
    for statement in refused:
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute(statement)
    conn.close()


def build_at(path: Path, version: int) -> None:
    """A ledger database as the wic of schema ``version`` left it (0: an empty file)."""
    conn = sqlite3.connect(path)
    for step in range(version):
        for statement in schema.statements(step, schema.SQLITE):
            conn.execute(statement)
    if version:
        conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'wic2018')")
        conn.execute(f"PRAGMA application_id = {backend.APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("version", range(schema.SCHEMA + 1))
def test_every_earlier_schema_is_migrated(run: Runner, tmp_path: Path, version: int) -> None:
    ledger = tmp_path / "old.db"
    build_at(ledger, version)
    if version >= 1:  # entries as schema 1 wrote them stay, as they were
        with sqlite3.connect(ledger) as conn:
            conn.execute("INSERT INTO entries (id, name, category, country, status, created, "
                         "updated, quantity, name_key) VALUES ('old001', 'Kept', 'experts', "
                         "'DE', 'invited', '2018-09-01T09:00:00+00:00', "
                         "'2018-09-01T09:00:00+00:00', 1, 'kept\x1f')")
            conn.execute("INSERT INTO history (entry_id, seq, at, status) VALUES "
                         "('old001', 0, '2018-09-01T09:00:00+00:00', 'invited')")
        conn.close()
    args = ("invites", "--ledger", str(ledger))
    add(run, *args, name="New")
    assert names(ledger) == (["Kept", "New"] if version >= 1 else ["New"])
    with sqlite3.connect(ledger) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA,)
    conn.close()
    if version >= 1:
        assert run(*args, "accept", "old001").code == 0
        history = json.loads(run(*args, "history", "old001", "-f", "json").stdout)
        assert [h["status"] for h in history] == ["invited", "accepted"]


def test_every_earlier_schema_is_migrated_on_postgresql(run: Runner, postgres: object) -> None:
    import psycopg

    import postgres_server

    for version in range(1, schema.SCHEMA):
        url = postgres_server.create_database(postgres, f"wic_migrate_{version}")  # type: ignore[arg-type]
        with psycopg.connect(url, autocommit=True) as conn:
            for step in range(version):
                for statement in schema.statements(step, schema.POSTGRES):
                    conn.execute(statement)  # type: ignore[call-overload]
            conn.execute("INSERT INTO ledger (key, value) VALUES ('event', 'wic2018'), "
                         f"('schema', '{version}')")  # type: ignore[arg-type]
        add(run, "invites", "--ledger", url, name="New")
        with psycopg.connect(url) as conn:
            found = dict(conn.execute("SELECT key, value FROM ledger").fetchall())
            names = [r[0] for r in conn.execute("SELECT name FROM entries").fetchall()]
        assert found == {"event": "wic2018", "schema": str(schema.SCHEMA)}
        assert names == ["New"]


def test_a_postgresql_url_without_the_driver_names_the_extra(
        run: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    result = run("invites", "--ledger", "postgresql://alice:secret@db.example.org/guests",
                 "status")
    assert result.code == 1
    assert result.stderr == ("error: postgresql://alice@db.example.org/guests: a PostgreSQL "
                             "ledger needs the driver: pip install 'wic[postgres]'\n")


def test_a_postgresql_server_that_is_not_there_is_one_error_line(run: Runner) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run("invites", "--ledger", f"postgresql://wic:pw@127.0.0.1:{port}/guests", "list")
    assert result.code == 1
    assert result.stderr.startswith(f"error: postgresql://wic@127.0.0.1:{port}/guests: cannot "
                                    "connect: ")
    assert result.stderr.count("\n") == 1
    assert "pw" not in result.stderr


@pytest.mark.parametrize("other", ["the event file", "another TOML file"])
def test_a_toml_file_beside_the_ledger_that_is_no_ledger_is_left_alone(
        run: Runner, tmp_path: Path, other: str) -> None:
    """`--ledger conf.db` beside `conf.toml`: only a TOML file with `schema = 1` and
    invitations is a ledger of old; an event file or other TOML there is not read as one."""
    event = write(tmp_path / "conf.toml", EVENT_WITH_CATEGORIES.format(ledger=""))
    argv = ["-e", str(event)]
    if other == "another TOML file":
        write(tmp_path / "guests.toml", 'schema = 2\ntitle = "not a ledger"\n')
        argv += ["invites", "--ledger", "guests.db"]
    else:
        argv += ["invites", "--ledger", "conf.db"]
    added = run(*argv, "add", "Sample Delegate", "-c", "speakers", "--country", "DE")
    assert added.code == 0, added.stderr
    assert "imported" not in added.stderr
    listed = run(*argv, "list", "-f", "json")
    assert [e["name"] for e in json.loads(listed.stdout)] == ["Sample Delegate"]


# --------------------------------------------------------------------------- TOML ledgers

STATUS_LIST = "listed, invited, tentative, accepted, declined, withdrawn, attended, no-show"
AT = "expected a date-time with a UTC offset, such as 2018-11-07T10:30:00Z"
ENTRY_KEYS = ("id, name, organization, category, country, email, quantity, status, note, "
              "created, updated, history, fields")
HISTORY_TABLE = ("expected a table with the keys at, status, note (and message_id, field, "
                 "value)")
EVERY_ERROR = [
    "extra: unknown key (known keys: schema, event, invitations)",
    "event: expected the event id (a string)",
    f"invitations[0].colour: unknown key (known keys: {ENTRY_KEYS})",
    "invitations[0].id: 'bad id!' is not a valid id (letters, digits, '-', '_')",
    "invitations[0].name: must not be empty",
    "invitations[0].organization: expected a string, got int",
    "invitations[0].country: 'XX' is not an ISO 3166-1 alpha-2 code (such as DE)",
    "invitations[0].email: 'not-an-email' is not an e-mail address (name@example.org)",
    "invitations[0].quantity: expected a whole number from 1 to 10,000, got 0",
    f"invitations[0].status: unknown status 'maybe' (choose from {STATUS_LIST})",
    f"invitations[0].created: {AT}",
    f"invitations[0].updated: {AT}",
    "invitations[0].history: expected a non-empty array of {at, status, note} tables",
    f"invitations[1].history[0].at: {AT}",
    f"invitations[1].history[1].status: unknown status 'sent' (choose from {STATUS_LIST})",
    "invitations[1].history[1].note: expected a string, got int",
    "invitations[1].history[1].message_id: must not be empty",
    f"invitations[1].history[2]: {HISTORY_TABLE}",
    f"invitations[1].history[3]: {HISTORY_TABLE}",
    "invitations[2].quantity: expected a whole number from 1 to 10,000, got True",
    *(f"invitations[3].{key}: missing required key"
      for key in ("country", "created", "history", "name", "status", "updated")),
]
DUPLICATES = [
    "invitations[1].id: duplicate id 'ok0001' (first used at invitations[0])",
    "invitations[1].email: duplicate email 'same@example.org' (first used at invitations[0])",
    "invitations[1].name: duplicate name 'sample   delegate' of '' (first used at "
    "invitations[0])",
]


@pytest.mark.parametrize(("name", "problems"), [
    ("ledger-every-error.toml", EVERY_ERROR), ("ledger-duplicates.toml", DUPLICATES)])
def test_a_toml_ledger_names_every_problem_with_its_key(run: Runner, tmp_path: Path, name: str,
                                                        problems: list[str]) -> None:
    source = shutil.copy(DATA / name, tmp_path / name)
    result = run("invites", "--ledger", "l.db", "import", str(source))
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [f"error: {source}: {p}" for p in problems]
    assert not (tmp_path / "l.db").exists() or run(
        "invites", "--ledger", "l.db", "export", "-f", "json").stdout.strip() == "[]"


@pytest.mark.parametrize(("content", "problem"), [
    (b"schema = true\n", "s.toml: schema: expected the ledger's schema version (an integer, 1 "
                         "for this wic), got True"),
    (b"schema = 0\n", "s.toml: schema: expected the ledger's schema version (an integer, 1 "
                      "for this wic), got 0"),
    (b"event = 'wic2018'\n", "s.toml: schema: expected the ledger's schema version (an "
                             "integer, 1 for this wic), got None"),
    (b"schema = 2\n", "s.toml: schema 2 was written by a newer wic; this one reads schema 1"),
    (b"schema = 1\nevent = 'wic2018'\ninvitations = 'x'\n",
     "s.toml: invitations: expected an array of tables ([[invitations]])"),
    (b"schema = 1\nevent = \"wic\xff\"\n", "s.toml:2: the ledger is not UTF-8 text"),
])
def test_a_toml_ledger_that_is_not_one_is_one_error(run: Runner, tmp_path: Path, content: bytes,
                                                    problem: str) -> None:
    (tmp_path / "s.toml").write_bytes(content)
    result = run("invites", "--ledger", "l.db", "import", "s.toml")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == f"error: {problem}\n"
