"""Badge tokens in the ledger: random, live until a reprint, the old one then replaced."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import BACKENDS, make_ledger
from test_store import add, bundled
from wiccli.door import tokens
from wiccli.invites.store import Store, open_store

NOW = datetime(2018, 11, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    where = make_ledger(request.param, request, tmp_path).location
    with open_store(bundled(), where, {}, tmp_path) as opened:
        yield opened


def test_a_token_is_128_random_bits_in_base32() -> None:
    made = {tokens.new_token() for _ in range(1000)}
    assert len(made) == 1000
    assert all(tokens.normal(t) == t and len(t) == tokens.TOKEN_LENGTH for t in made)
    assert tokens.new_token(lambda n: bytes(n)) == "A" * 26


def test_typed_tokens_are_read_in_any_case_and_junk_is_not() -> None:
    token = tokens.new_token()
    assert tokens.normal(f"  {token.lower()}\n") == token
    for junk in ("", token[:-1], token + "A", token[:-1] + "1", "x" * 26, token[:-1] + "é",
                 "A" * 25 + "B"):
        assert tokens.normal(junk) is None, junk


def test_issue_keeps_a_live_token_and_a_reprint_replaces_it(store: Store) -> None:
    entry_id = add(store, "Ada Lovelace")
    with store.transaction() as tx:
        first, = tokens.issue(tx.db, [entry_id], NOW)
        again, = tokens.issue(tx.db, [entry_id], NOW + timedelta(hours=1))
    assert again == first
    assert first.live
    later = NOW + timedelta(days=1)
    with store.transaction() as tx:
        new, = tokens.issue(tx.db, [entry_id], later, reprint=True)
        tokens.record_prints(tx.db, [new.token], later, "a6")
    assert new.token != first.token
    assert new.live
    with store.transaction(write=False) as tx:
        old = tokens.lookup(tx.db, first.token)
        assert tokens.live(tx.db, entry_id) == new
        assert tokens.lookup(tx.db, tokens.new_token()) is None
        printed = [tuple(r) for r in tx.db.rows("SELECT token, layout FROM prints")]
    assert old is not None
    assert old.replaced == later
    assert not old.live
    assert printed == [(new.token, "a6")]


def test_a_guest_has_one_live_token_by_the_schema_too(store: Store) -> None:
    entry_id = add(store, "Grace Hopper")
    with store.transaction() as tx:
        tokens.issue(tx.db, [entry_id], NOW)
    second = (tokens.new_token(), entry_id, NOW.isoformat())
    with pytest.raises(Exception, match="(?i)unique|badges_live"), store.transaction() as tx:
        tx.db.run("INSERT INTO badges (token, entry_id, issued) VALUES (?, ?, ?)", second)
