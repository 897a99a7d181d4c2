"""The ledger's message log, on both backends: what is recorded, settled and listed.

Every field a message carries comes back as it went in; an attempt is settled in place;
a bounce without an address gets the one its guest was last written to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import BACKENDS, make_ledger
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
