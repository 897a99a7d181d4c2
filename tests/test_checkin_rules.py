"""What a desk makes of a line, whatever the line: property tests of the door's reader."""

from __future__ import annotations

import io

from hypothesis import example, given
from hypothesis import strategies as st

from wiccli.door import rules, tokens
from wiccli.door.rules import Desk, Guest


@given(st.text())
@example("\x00" * 10_000)
@example("A" * 25 + "\u0301")
def test_any_line_is_read_into_a_token_a_name_or_a_refusal(text: str) -> None:
    reading = rules.read(text)
    assert reading.kind in ("token", "name", "refused")
    assert len(reading.shown) <= rules.SHOWN_INPUT
    assert not any(c < " " or "\x7f" <= c <= "\x9f" for c in reading.shown)
    if reading.kind == "token":
        assert tokens.normal(reading.value) == reading.value
    if reading.kind == "refused":
        assert reading.value.startswith(("malformed input", "type at least"))


@given(st.binary(min_size=16, max_size=16), st.sampled_from(["", "  ", "\t"]))
def test_a_token_is_read_in_any_case_and_spacing(raw: bytes, around: str) -> None:
    token = tokens.new_token(lambda n: raw)
    for typed in (token, token.lower(), f"{around}{token}{around}"):
        assert rules.read(typed) == rules.Reading("token", token, token)


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\r\n")), max_size=20))
def test_a_stream_gives_one_line_per_line_and_cuts_long_ones(lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in lines)
    read = list(rules.lines(io.StringIO(text)))
    assert len(read) == len(lines)
    for got, sent in zip(read, lines, strict=True):
        assert got == sent if len(sent) <= rules.MAX_INPUT else len(got) > rules.MAX_INPUT


def test_a_huge_line_is_never_held_whole() -> None:
    stream = io.StringIO("x" * 5_000_000 + "\nnext\n")
    first, second = rules.lines(stream)
    assert len(first) == rules.MAX_INPUT + 2
    assert second == "next"
    assert rules.read(first).value == rules.TOO_LONG


STATUSES = ("listed", "invited", "tentative", "accepted", "declined", "withdrawn",
            "attended", "no-show")


@given(st.sampled_from(STATUSES), st.sampled_from(["in", "out"]), st.booleans(),
       st.booleans())
def test_only_a_guest_who_said_yes_comes_in(status: str, direction: str, replaced: bool,
                                            came_in: bool) -> None:
    guest = Guest("abc123", "Sample Guest", "guests", 1, status)
    verdict, reason, entry = rules.judge(guest, Desk("north", direction), replaced=replaced,
                                         came_in=came_in)
    if replaced:
        assert (verdict, reason) == ("refused", rules.REPRINTED)
    elif direction == "out":
        assert verdict == ("admitted" if came_in else "refused")
    else:
        assert (verdict == "admitted") == (status in ("accepted", "attended", "no-show"))
        if verdict == "admitted":
            assert entry == ("re-entry" if came_in else "first entry")
    assert (verdict == "admitted") == (reason == "")
