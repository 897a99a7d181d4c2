"""A ledger changed behind wic's back: rows that break the rules the schema's constraints
keep (an SQLite file edited with ``PRAGMA ignore_check_constraints = ON``, a PostgreSQL
table whose CHECKs were dropped) are one error naming the ledger, the entry and the
field, in every command that reads them; nothing is shown or exported."""

from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import LedgerUnderTest, Runner
from hostile import refused

ENTRY_READERS = [["list"], ["export"], ["export", "-f", "json"], ["export", "-f", "toml"],
                 ["history", "{id}"], ["accept", "{id}"]]
TALLY_READERS = [["status"], ["status", "--by", "country"]]

CASES = {  # what is changed, the field the error names, whether `status` reads it
    "UPDATE entries SET status = 'hacked'": ("status", True),
    "UPDATE entries SET country = 'XX'": ("country", True),
    "UPDATE entries SET quantity = 0": ("quantity", True),
    "UPDATE entries SET quantity = 10001": ("quantity", True),
    "UPDATE entries SET category = 'no such thing!'": ("category", True),
    "UPDATE entries SET created = 'yesterday'": ("created", False),
    "UPDATE entries SET updated = '2025-03-29T09:00:00'": ("updated", False),  # no offset
    "UPDATE history SET status = 'hacked'": ("history.status", False),
    "UPDATE history SET at = 'soon'": ("history.at", False),
}


def tamper(ledger: LedgerUnderTest, sql: str) -> None:
    """Run ``sql`` on the ledger with its CHECK constraints out of the way."""
    if ledger.backend == "sqlite":
        conn = sqlite3.connect(ledger.location, isolation_level=None)
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(ledger.location, autocommit=True) as pg:
        for table, name in pg.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'c' "
                "AND conrelid::regclass::text IN ('entries', 'history', 'messages')").fetchall():
            pg.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')  # type: ignore[arg-type]
        pg.execute(sql)  # type: ignore[arg-type]


def one_guest(run: Runner, ledger: LedgerUnderTest) -> str:
    result = run(*ledger.args(), "add", "Sample Delegate", "-c", "experts", "--country", "DE")
    assert result.code == 0, result.stderr
    return str(json.loads(run(*ledger.args(), "list", "-f", "jsonl").stdout)["id"])


def shown(ledger: LedgerUnderTest) -> str:
    return ledger.location


@pytest.mark.parametrize("sql", sorted(CASES))
def test_a_tampered_row_is_one_error_naming_entry_and_field(
        run: Runner, ledger: LedgerUnderTest, sql: str) -> None:
    entry_id = one_guest(run, ledger)
    tamper(ledger, sql)
    field, tallied = CASES[sql]
    readers = ENTRY_READERS + (TALLY_READERS if tallied else [])
    if field.startswith("history"):  # `list` shows no history, and reads none
        readers.remove(["list"])
    for reader in readers:
        argv = [a.format(id=entry_id) for a in reader]
        error = refused(run(*ledger.args(), *argv), 1)
        assert len(error.splitlines()) == 1, (argv, error)
        assert error.startswith(f"error: {shown(ledger)}: entry {entry_id!r}: {field}: "), \
            (argv, error)
        assert "changed outside wic" in error


def test_a_text_quantity_in_sqlite_is_refused(run: Runner, tmp_path: object) -> None:
    ledger = LedgerUnderTest("sqlite", f"{tmp_path}/guests.invites.db")
    entry_id = one_guest(run, ledger)
    tamper(ledger, "UPDATE entries SET quantity = 'many'")
    error = refused(run(*ledger.args(), "export", "-f", "csv"), 1)
    assert f"entry {entry_id!r}: quantity: expected a whole number from 1 to 10,000, " \
           "got 'many'" in error


@pytest.mark.parametrize(("column", "value"), [("kind", "evil"), ("direction", "sideways"),
                                               ("at", "whenever"), ("sequence", -1)])
def test_a_tampered_message_is_one_error(run: Runner, ledger: LedgerUnderTest, column: str,
                                         value: object) -> None:
    entry_id = one_guest(run, ledger)
    values = {"direction": "in", "kind": "bounce", "at": "2018-11-08T01:00:00+00:00",
              "sequence": 0, column: value}
    literal = {k: f"'{v}'" if isinstance(v, str) else str(v) for k, v in values.items()}
    tamper(ledger, "INSERT INTO messages (entry_id, direction, kind, message_id, at, sequence) "
           f"VALUES ('{entry_id}', {literal['direction']}, {literal['kind']}, '<x@example.org>', "
           f"{literal['at']}, {literal['sequence']})")
    error = refused(run(*ledger.args(), "history", entry_id), 1)
    assert f": message 1 (of entry {entry_id!r}): {column}: " in error
