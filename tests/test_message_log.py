"""The ledger's message log, on both backends: what is recorded, settled and listed.

Every field a message carries comes back as it went in; an attempt is settled in place;
a bounce without an address gets the one its guest was last written to."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import BACKENDS, Runner, make_ledger
from wiccli.cli.state import State
from wiccli.errors import DataError
from wiccli.invites.model import Message
from wiccli.invites.store import Store, open_store

NOW = datetime(2018, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    where = make_ledger(request.param, request, tmp_path).location
    with open_store(State().event(), where, {}, tmp_path) as opened:
        yield opened


def add(store: Store, name: str, email: str = "") -> str:
    with store.transaction() as tx:
        entry = tx.add({"name": name, "category": "experts", "country": "DE",
                        "status": "invited", "email": email},
                       now=NOW, random_bytes=lambda n: name.encode()[-n:].rjust(n, b"x"))
    return entry.id


def sent(entry: str | None, message_id: str, minutes: int, **fields: object) -> Message:
    return Message(entry, str(fields.pop("direction", "out")),
                   str(fields.pop("kind", "invitation")), message_id,
                   NOW + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]


def listed(store: Store, entry: str | None = None) -> list[Message]:
    with store.transaction(write=False) as tx:
        return tx.messages(entry)


def test_every_field_of_a_message_reads_back_as_recorded(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "one@example.org")
    full = sent(entry, "<full@x>", 1, uid=f"invitation-{entry}@wic2018.wic", sequence=3,
                dtstamp=NOW - timedelta(days=1, seconds=7), outcome="accepted",
                detail="250 2.0.0 queued as 1234", address="one@example.org")
    bare = sent(None, "<bare@x>", 2, direction="in", kind="reply")
    recorded = [store.record(full), store.record(bare)]
    assert all(m.id is not None for m in recorded)
    assert recorded[0].id != recorded[1].id
    assert listed(store) == recorded
    assert recorded == [replace(full, id=recorded[0].id), replace(bare, id=recorded[1].id)]
    with store.transaction(write=False) as tx:
        assert tx.message("<full@x>") == recorded[0]
        assert tx.message("<bare@x>") == recorded[1]
        assert tx.message("<nothing@x>") is None


def test_messages_are_listed_oldest_first_and_per_entry(store: Store) -> None:
    one, two = add(store, "Sample Delegate one"), add(store, "Sample Delegate two")
    for message_id, entry, minutes in [("<c@x>", one, 30), ("<a@x>", two, 10),
                                       ("<b@x>", one, 20), ("<d@x>", one, 20)]:
        store.record(sent(entry, message_id, minutes))
    assert [m.message_id for m in listed(store)] == ["<a@x>", "<b@x>", "<d@x>", "<c@x>"]
    assert [m.message_id for m in listed(store, one)] == ["<b@x>", "<d@x>", "<c@x>"]
    assert [m.message_id for m in listed(store, two)] == ["<a@x>"]


def test_the_same_message_id_twice_is_refused_and_changes_nothing(store: Store) -> None:
    entry = add(store, "Sample Delegate one")
    first = store.record(sent(entry, "<a@x>", 1))
    with pytest.raises(DataError, match="breaks a rule of the ledger"):
        store.record(sent(entry, "<a@x>", 2, kind="reminder"))
    assert listed(store) == [first]


def test_an_attempt_is_settled_in_place(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "one@example.org")
    attempt = store.record(sent(entry, "<a@x>", 1, outcome="attempted", sequence=0,
                                address="one@example.org"))
    other = store.record(sent(entry, "<b@x>", 2, outcome="attempted"))
    with store.transaction() as tx:
        settled = tx.settle_message(replace(attempt, outcome="accepted", detail="250 ok",
                                            at=NOW + timedelta(minutes=5), id=None))
    assert settled.id == attempt.id
    assert listed(store) == [other, settled]
    assert (settled.outcome, settled.detail, settled.address) == (
        "accepted", "250 ok", "one@example.org")


def test_settling_a_message_never_recorded_records_it(store: Store) -> None:
    entry = add(store, "Sample Delegate one")
    earlier = store.record(sent(entry, "<a@x>", 1))
    with store.transaction() as tx:
        settled = tx.settle_message(sent(entry, "<new@x>", 2, outcome="refused",
                                         detail="550 no such user"))
    assert settled.id is not None
    assert settled.id != earlier.id
    assert listed(store) == [earlier, settled]


def test_a_bounce_gets_the_address_last_written_to(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "now@example.org")
    store.record(sent(entry, "<a@x>", 1, address="first@example.org"))
    store.record(sent(entry, "<b@x>", 3, address="last@example.org"))
    store.record(sent(entry, "<c@x>", 2, address="between@example.org"))
    store.record(sent(entry, "<d@x>", 4))  # no address recorded: not one that was used
    store.record(sent(entry, "<e@x>", 5, direction="in", kind="reply",
                      address="reply@example.org"))
    bounce = store.record(sent(entry, "<bounce@x>", 9, direction="in", kind="bounce"))
    assert bounce.address == "last@example.org"
    with store.transaction(write=False) as tx:
        assert tx.message("<bounce@x>") == bounce


def test_of_two_sent_at_the_same_time_the_later_recorded_is_last(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "now@example.org")
    store.record(sent(entry, "<a@x>", 1, address="first@example.org"))
    store.record(sent(entry, "<b@x>", 1, address="second@example.org"))
    bounce = store.record(sent(entry, "<bounce@x>", 9, direction="in", kind="bounce"))
    assert bounce.address == "second@example.org"


def test_a_bounce_for_a_guest_never_written_to_gets_their_address(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "one@example.org")
    bare = add(store, "Sample Delegate two")
    assert store.record(sent(entry, "<b1@x>", 1, direction="in", kind="bounce")
                        ).address == "one@example.org"
    assert store.record(sent(bare, "<b2@x>", 1, direction="in", kind="bounce")).address == ""


def test_only_a_bounce_without_an_address_is_given_one(store: Store) -> None:
    entry = add(store, "Sample Delegate one", "one@example.org")
    store.record(sent(entry, "<a@x>", 1, address="sent@example.org"))
    kept = store.record(sent(entry, "<b1@x>", 2, direction="in", kind="bounce",
                             address="bounced@example.org"))
    reply = store.record(sent(entry, "<r@x>", 3, direction="in", kind="reply"))
    out = store.record(sent(entry, "<o@x>", 4, kind="reminder"))
    nobody = store.record(sent(None, "<b2@x>", 5, direction="in", kind="bounce"))
    assert [m.address for m in (kept, reply, out, nobody)] == [
        "bounced@example.org", "", "", ""]
    assert [m.address for m in listed(store)] == [
        "sent@example.org", "bounced@example.org", "", "", ""]


# --------------------------------------------------------------------------- changed outside wic

TAMPERED = {  # a message row changed behind wic's back: the field the error names, and why
    "direction = 'sideways'": "direction: 'sideways' is not one of out, in",
    "kind = 'evil'": "kind: 'evil' is not one of invitation, reminder, reply, bounce, refused",
    "message_id = ''": "message_id: must not be empty",
    "sequence = -1": "sequence: expected a whole number from 0 to 2147483647, got -1",
    "sequence = 2147483648": "sequence: expected a whole number from 0 to 2147483647, got "
                             "2147483648",
    "sequence = 2.5": "sequence: expected a whole number from 0 to 2147483647, got 2.5",
    "sequence = 'three'": "sequence: expected a whole number from 0 to 2147483647, got "
                          "'three'",
    "at = 'soon'": "at: 'soon' is not a date-time with a UTC offset",
    "dtstamp = 'x'": "dtstamp: 'x' is not a date-time with a UTC offset",
    "uid = x'00'": "uid: expected a string, got bytes",
    "outcome = x'00'": "outcome: expected a string, got bytes",
    "detail = x'00'": "detail: expected a string, got bytes",
    "address = x'00'": "address: expected a string, got bytes",
}


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    path = tmp_path / "guests.db"
    with open_store(State().event(), str(path), {}, tmp_path) as opened:
        yield opened, path


def tamper(path: Path, change: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(f"UPDATE messages SET {change}")
    conn.close()


@pytest.mark.parametrize("change", sorted(TAMPERED))
def test_a_message_changed_outside_wic_is_one_error_naming_its_field(
        sqlite_store: tuple[Store, Path], change: str) -> None:
    store, path = sqlite_store
    entry = add(store, "Sample Delegate one")
    store.record(sent(entry, "<a@x>", 1, sequence=0))
    tamper(path, change)
    readers = [lambda tx: tx.messages(), lambda tx: tx.messages(entry)]
    if not change.startswith("message_id"):  # else it is no longer found by its Message-ID
        readers.append(lambda tx: tx.message("<a@x>"))
    for read in readers:
        with pytest.raises(DataError) as refused, store.transaction(write=False) as tx:
            read(tx)
        assert refused.value.message == (
            f"{path}: message 1 (of entry {entry!r}): {TAMPERED[change]}; the ledger was "
            "changed outside wic (fix or remove that row)")


def test_a_message_for_an_id_no_wic_writes_is_one_error(sqlite_store: tuple[Store, Path]
                                                        ) -> None:
    store, path = sqlite_store
    entry = add(store, "Sample Delegate one")
    store.record(sent(entry, "<a@x>", 1))
    tamper(path, "entry_id = 'BAD ID'")
    with pytest.raises(DataError) as refused, store.transaction(write=False) as tx:
        tx.messages()
    assert refused.value.message == (
        f"{path}: message 1 (of entry 'BAD ID'): entry_id: 'BAD ID' is not a valid id "
        "(letters, digits, '-', '_'); the ledger was changed outside wic (fix or remove that "
        "row)")


def test_the_largest_sequence_reads_back(sqlite_store: tuple[Store, Path]) -> None:
    store, _ = sqlite_store
    entry = add(store, "Sample Delegate one")
    recorded = store.record(sent(entry, "<a@x>", 1, sequence=2**31 - 1))
    assert listed(store) == [recorded]


def test_a_status_change_keeps_its_message_id_in_the_toml_export(run: Runner,
                                                                tmp_path: Path) -> None:
    import tomllib

    path = tmp_path / "guests.db"
    with open_store(State().event(), str(path), {}, tmp_path) as store:
        entry = add(store, "Sample Delegate one")
        with store.transaction() as tx:
            tx.set_status(entry, "accepted", note="", now=NOW, force=False,
                          message_id="<reply-1@example.org>")
            tx.set_status(entry, "attended", note="at the door", now=NOW, force=False)
    exported = run("invites", "--ledger", str(path), "export", "-f", "toml")
    assert exported.code == 0, exported.stderr
    [invitation] = tomllib.loads(exported.stdout)["invitations"]
    assert [{k: v for k, v in h.items() if k != "at"} for h in invitation["history"]] == [
        {"status": "invited"}, {"status": "accepted", "message_id": "<reply-1@example.org>"},
        {"status": "attended", "note": "at the door"}]
