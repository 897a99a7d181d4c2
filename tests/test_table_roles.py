"""Tables that fit real data: one long slug never squeezes the titles, codes are cut with
an ellipsis, addresses are never broken mid-word, and data formats are never cut."""

from __future__ import annotations

import csv
import io
import json
import mailbox
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import LedgerUnderTest, Runner, write
from mailworld import GUESTS_FILE, answer
from wiccli.output.table import (
    ELLIPSIS,
    READABLE_ADDRESS,
    READABLE_CODE,
    SHORT_ADDRESS,
    SHORT_CODE,
    Column,
    ellipsize,
    fit,
    lay_out,
    plain,
    text_width,
    wrap,
)

# The shapes of a 38C3 import: frab types become long slugs, talks have long titles and
# the halls long names (the sessions are made up; only the shapes are real).
KINDS = ("talk-with-live-translation-and-recorded-questions-from-the-room",
         "workshop-hands-on-bring-your-own-laptop-and-power-adapter", "lightning-talk")
TITLES = ("Hacking the planet with nothing but a soldering iron and a lot of patience",
          "Die Sicherheit von Bezahlterminals im Jahr 2024: eine Bestandsaufnahme",
          "Opening ceremony")
VENUES = ("Saal 1", "Saal GLITCH (ground floor, next to the Chaos Post office)",
          "Stage HUFF, hall 3, behind the assembly area")
WIDTHS = (60, 80, 120, 200)


def congress(path: Path) -> Path:
    parts = ['[event]\nid = "congress"\nname = "A congress"\ntimezone = "Europe/Berlin"\n'
             "start = 2024-12-27\nend = 2024-12-30\n"]
    parts += [f'[[venues]]\nid = "v{i}"\nname = "{name}"\n' for i, name in enumerate(VENUES)]
    for i in range(12):
        day = 27 + i % 3
        parts.append(
            f'[[sessions]]\nid = "s{i}-{KINDS[i % 3]}"\ntitle = "{TITLES[i % 3]}"\n'
            f'kind = "{KINDS[i % 3]}"\nvenue = "v{i % 3}"\n'
            f"start = 2024-12-{day}T{9 + i:02d}:00:00\nend = 2024-12-{day}T{9 + i:02d}:40:00\n")
    return write(path, "\n".join(parts))


def column_widths(header: str, names: list[str]) -> list[int]:
    """The widths of a plain table's columns, read off its header line (the last column:
    to the end of the widest line is not known here, so it is left out)."""
    starts = [header.index(name) for name in names]
    return [b - a - 2 for a, b in zip(starts, starts[1:], strict=False)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_title_gets_the_room_and_a_long_slug_is_cut(run: Runner, tmp_path: Path,
                                                        width: int) -> None:
    event = str(congress(tmp_path / "congress.toml"))
    for tty in (False, True):
        result = run("-e", event, "agenda", "--day", "2", environ={"COLUMNS": str(width)},
                     tty=tty)
        assert result.code == 0, result.stderr
        text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
        lines = [line for line in text.splitlines() if not line.startswith("─")]
        assert max(map(text_width, lines)) <= width
        header = next(line for line in lines if line.startswith("Time"))
        time, title, kind = column_widths(header, ["Time", "Session", "Kind", "Venue"])
        assert time == len("09:00–09:40")
        assert title >= 22
        assert title > kind
        if width == 200:  # room for everything: nothing cut
            assert ELLIPSIS not in text
            assert KINDS[1] in text
        else:
            assert f"{KINDS[1][:kind - 1]}{ELLIPSIS}" in text
        if width >= 80:  # titles wrap at spaces, never inside a word
            words = {word for line in lines for word in line.split()}
            assert set(TITLES[1].split()) <= words


def test_at_80_columns_the_title_is_the_widest_column(run: Runner, tmp_path: Path) -> None:
    event = str(congress(tmp_path / "congress.toml"))
    lines = run("-e", event, "agenda", "--day", "2").stdout.splitlines()
    header = lines[1]
    time, title, kind = column_widths(header, ["Time", "Session", "Kind", "Venue"])
    venue = max(len(line) for line in lines[2:]) - header.index("Venue")
    assert title > max(time, kind, venue)
    assert title >= 30  # the Session column's own minimum, kept while codes give way


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "markdown"])
def test_data_formats_are_never_cut(run: Runner, tmp_path: Path, fmt: str) -> None:
    event = str(congress(tmp_path / "congress.toml"))
    result = run("-e", event, "agenda", "-f", fmt, environ={"COLUMNS": "60"})
    assert result.code == 0, result.stderr
    assert ELLIPSIS not in result.stdout
    for text in (*KINDS, *TITLES, *VENUES):
        assert text in result.stdout
    if fmt == "csv":
        kinds = {row["kind"] for row in csv.DictReader(io.StringIO(result.stdout))}
        assert kinds == set(KINDS)


def test_an_address_is_cut_at_its_end_never_broken(run: Runner, tmp_path: Path) -> None:
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "guests.invites.db"))
    assert run(*ledger.args(), "import", str(GUESTS_FILE)).code == 0
    long = "maximiliane.mustermann-schnarrenberger@university-of-somewhere.example.org"
    box = mailbox.mbox(tmp_path / "in.mbox")
    box.add(answer(sender=f"Maximiliane Mustermann <{long}>"))
    box.add(answer(sender="ann@example.org", message_id="<two@example.org>"))
    box.close()
    addresses = (long, "ann@example.org")
    for width in (60, 80, 120):
        result = run(*ledger.args(), "replies", "--dry-run", str(tmp_path / "in.mbox"),
                     environ={"COLUMNS": str(width)})
        assert result.code == 0, result.stderr
        # Every piece of an address on screen is the whole of it, or its start and "…".
        pieces = [t.strip("<>,") for t in result.stdout.split()
                  if "@" in t or t.startswith(("maxi", "<maxi", "ann@"))]
        assert len(pieces) >= 4  # in From and in Detail, of both messages
        for piece in pieces:
            assert piece in addresses or (
                piece.endswith(ELLIPSIS) and any(a.startswith(piece[:-1]) for a in addresses))
        if width >= 80:
            assert "ann@example.org" in pieces
    whole = run(*ledger.args(), "replies", "--dry-run", str(tmp_path / "in.mbox"),
                "-f", "json", environ={"COLUMNS": "60"})
    assert long in json.loads(whole.stdout)["messages"][0]["from"]


def test_a_long_category_is_cut_not_folded(run: Runner, tmp_path: Path) -> None:
    guests = write(tmp_path / "guests.csv",
                   "name,category,country,email\n"
                   "Ana Lima,international-organizations,BR,ana@example.org\n")
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "guests.invites.db"))
    assert run(*ledger.args(), "import", str(guests)).code == 0
    wide = run(*ledger.args(), "list", environ={"COLUMNS": "120"}).stdout.splitlines()
    assert wide[1].split()[3] == "international-organizations"  # room: shown whole
    narrow = run(*ledger.args(), "list", environ={"COLUMNS": "70"}).stdout
    assert f" international-{ELLIPSIS} " in narrow
    assert "organizations" not in narrow  # not folded onto the next line


# --------------------------------------------------------------------------- the layout


def test_each_role_gives_way_in_its_own_way() -> None:
    columns = [Column("Time", role="fixed"), Column("Title", min_width=20),
               Column("Kind", role="code"), Column("From", role="address")]
    row = ["09:00–09:40", "A title of many words that wraps", "x" * 40,
           "someone.with.a.long.name@example.org"]
    wide = lay_out(columns, [row], 89)
    assert wide.widths == (11, 32, READABLE_CODE, READABLE_ADDRESS)  # codes give way first
    assert "x" * (READABLE_CODE - 1) + ELLIPSIS in plain(wide)
    assert f"someone.with.a.long.nam{ELLIPSIS}" in plain(wide)
    laid = lay_out(columns, [row], 60)
    time, title, kind, address = laid.widths
    assert (time, title) == (11, 20)  # then long codes and addresses, before the title
    assert SHORT_CODE <= kind < READABLE_CODE
    assert SHORT_ADDRESS <= address < READABLE_ADDRESS
    text = plain(laid)
    assert max(map(text_width, text.splitlines())) <= 60
    assert "x" * (kind - 1) + ELLIPSIS in text
    assert "someone.with"[:address - 1] + ELLIPSIS in text


def test_a_short_code_is_kept_whole_while_prose_gives_way() -> None:
    columns = [Column("Id", role="code"), Column("Title")]
    rows = [["sub-forum", "word " * 20]]
    assert fit(columns, rows, 40)[0] == len("sub-forum")
    # Where everything fits a role changes nothing: natural widths.
    assert fit(columns, [["a", "b"]], 80) == fit([Column("Id", no_wrap=True), Column("Title")],
                                                 [["a", "b"]], 80) == [2, 5]


def test_unknown_roles_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown column role"):
        lay_out([Column("A", role="poem")], [["a" * 90]], 40)


def test_words_and_addresses() -> None:
    assert ellipsize("abcdef", 4) == "abc" + ELLIPSIS
    assert ellipsize("abc", 4) == "abc"
    assert ellipsize("乌镇厅乌镇厅", 5) == "乌镇" + ELLIPSIS
    # An address in prose is moved whole to the next line or cut, never folded.
    assert wrap("from someone@example.org today", 12) == (
        "from", f"someone@exa{ELLIPSIS}", "today")
    assert wrap("see https://example.org/a/long/path", 14) == (
        "see", f"https://examp{ELLIPSIS}")
    assert wrap("abcdefghij", 4) == ("abcd", "efgh", "ij")  # other words still fold
    assert wrap("abcdefghij", 4, cut=True) == (f"abc{ELLIPSIS}",)


ROLES = st.sampled_from(["prose", "address", "code", "fixed"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               max_size=70)


@given(st.lists(ROLES, min_size=1, max_size=5), st.data(),
       st.integers(min_value=40, max_value=200))
def test_every_line_fits_whatever_the_roles(roles: list[str], data: st.DataObject,
                                            width: int) -> None:
    columns = [Column(f"H{i}", role=role) for i, role in enumerate(roles)]
    rows = data.draw(st.lists(st.lists(TEXT, min_size=len(roles), max_size=len(roles)),
                              max_size=6))
    laid = lay_out(columns, rows, width)
    # What no column gives up: a fixed one's cells, a code's SHORT_CODE, a wrapping FOLD.
    floors = [max([text_width(line) for row in rows for line in row[i].split("\n")] + [2])
              if role == "fixed" else SHORT_CODE if role == "code" else 4
              for i, role in enumerate(roles)]
    if sum(floors) + 2 * (len(roles) - 1) <= width:
        assert all(text_width(line) <= width for line in plain(laid).splitlines())


@given(st.lists(st.text(alphabet="abcdefgh-", min_size=1, max_size=12), min_size=6,
                max_size=6),
       st.integers(min_value=40, max_value=80))
def test_short_codes_give_way_last_rather_than_run_past_the_width(codes: list[str],
                                                                  width: int) -> None:
    columns = [Column(f"C{i}", role="code") for i in range(6)]
    laid = lay_out(columns, [codes], width)
    if sum(min(max(len(code), 2), SHORT_CODE) for code in codes) + 2 * 5 <= width:
        assert all(text_width(line) <= width for line in plain(laid).splitlines())
    assert all(len(code) <= size or ELLIPSIS in plain(laid)
               for code, size in zip(codes, laid.widths, strict=True))
