"""Badges: drawn by WeasyPrint, read back with poppler (pdftotext, pdftoppm) and zbarimg,
the ledger's tokens and prints checked on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import ROOT, LedgerUnderTest, Runner, need_font_for, need_program, need_weasyprint
from wiccli.door import tokens
from wiccli.door.badges import DEFAULT_STATUSES
from wiccli.door.printing import BadgeRun, print_badges
from wiccli.errors import DataError
from wiccli.event.load import load_event
from wiccli.event.model import Event
from wiccli.invites.backend import ConflictError
from wiccli.invites.model import Selection
from wiccli.invites.store import open_store

pytest.importorskip("segno")
need_weasyprint()
NOW = datetime(2018, 11, 6, 9, 0, tzinfo=UTC)
ZONES = 'colour = "#1d3f72"\nzones = ["plenary", "press-room"]'
GUESTS = [  # name, organisation, category, country, quantity, status
    ("Ada Lovelace", "Analytical Engines", "experts", "GB", 1, "accepted"),
    ("王芳 Wang Fang", "示例研究院", "government", "CN", 1, "accepted"),
    ("Zhang Wei", "Delegation of Example", "government", "CN", 3, "attended"),
    ("Grace Hopper", "Navy", "enterprises", "US", 1, "declined"),
    ("Alan Turing", "Bletchley", "international-organizations", "GB", 1, "withdrawn"),
    ("Émile Borel", "Institut", "experts", "FR", 1, "tentative"),
]


def zoned_event(tmp_path: Path) -> Path:
    """The bundled event, with access zones for the government delegates."""
    text = (ROOT / "data" / "wic2018.toml").read_text(encoding="utf-8")
    assert 'colour = "#1d3f72"' in text
    path = tmp_path / "wic2018.toml"
    path.write_text(text.replace('colour = "#1d3f72"', ZONES, 1), encoding="utf-8")
    return path


@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    return zoned_event(tmp_path)


def guest_csv(path: Path, rows: Sequence[tuple[str, str, str, str, int, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "organization", "category", "country", "email", "quantity",
                         "status"])
        for n, (name, org, category, country, quantity, status) in enumerate(rows):
            writer.writerow([name, org, category, country, f"guest{n}@example.org", quantity,
                             status])
    return path


def wic(run: Runner, event_file: Path, ledger: LedgerUnderTest, *argv: str) -> object:
    return run("-e", str(event_file), *ledger.args(), *argv)


@pytest.fixture
def guests(run: Runner, event_file: Path, ledger: LedgerUnderTest, tmp_path: Path) -> Event:
    """The guests above in the ledger (one has a Chinese name: a CJK font must draw it)."""
    need_font_for("王芳示例研究院", "fonts-noto-cjk")
    source = guest_csv(tmp_path / "guests.csv", GUESTS)
    done = run("-e", str(event_file), *ledger.args(), "import", str(source))
    assert done.code == 0, done.stderr
    return load_event(event_file)


def live_by_name(event: Event, ledger: LedgerUnderTest, cwd: Path) -> dict[str, str]:
    with open_store(event, ledger.location, {}, cwd, write=False) as store, \
            store.transaction(write=False) as tx:
        return {e.name: badge.token for e in tx.entries(history=False)
                if (badge := tokens.live(tx.db, e.id)) is not None}


def counted(event: Event, ledger: LedgerUnderTest, cwd: Path) -> tuple[int, int]:
    """(badges, prints) in the ledger."""
    with open_store(event, ledger.location, {}, cwd, write=False) as store, \
            store.transaction(write=False) as tx:
        return (int(tx.db.rows("SELECT count(*) FROM badges")[0][0]),
                int(tx.db.rows("SELECT count(*) FROM prints")[0][0]))


def page_texts(pdf: Path) -> list[str]:
    """Each page's words, in reading order, one space between them."""
    need_program("pdftotext", "poppler-utils")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


def codes(pdf: Path, tmp_path: Path, first: int = 1, last: int | None = None) -> list[list[str]]:
    """The QR codes on each page, as zbarimg reads them from a 150 dpi picture."""
    need_program("pdftoppm", "poppler-utils")
    zbarimg = need_program("zbarimg", "zbar-tools")
    folder = tmp_path / f"pages-{pdf.stem}-{first}"
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-f", str(first),
                    *(["-l", str(last)] if last else []), "-png", str(pdf),
                    str(folder / "p")], check=True)
    found = []
    for picture in sorted(folder.glob("p-*.png")):
        done = subprocess.run([zbarimg, "-q", "--raw", "--nodbus", str(picture)],
                              capture_output=True, text=True, check=False)
        found.append(sorted(done.stdout.split()))
    return found


# --------------------------------------------------------------------------- the badges


def test_every_code_reads_back_as_its_guests_token(
        run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest,
        tmp_path: Path) -> None:
    result = wic(run, event_file, ledger, "badges", "-o", "badges.pdf")
    assert result.code == 0, result.stderr
    assert result.stdout == "badges.pdf\n"
    assert result.stderr == "wrote 3 badges on 3 pages (a6) to badges.pdf; 3 new tokens\n"
    live = live_by_name(guests, ledger, tmp_path)
    # By category in the event's order (government first), then by name (Latin first).
    order = ["Zhang Wei", "王芳 Wang Fang", "Ada Lovelace"]
    assert sorted(live) == sorted(order)
    pages = page_texts(tmp_path / "badges.pdf")
    assert len(pages) == 3
    for text, name in zip(pages, order, strict=True):
        assert name in text
    assert "示例研究院" in pages[1]
    assert "Government delegates" in pages[1]
    assert "PLENARY" in pages[1]
    assert "3 seats" in pages[0]
    assert "PRESS-ROOM" in pages[0]
    assert "seats" not in pages[1] + pages[2]
    assert "PLENARY" not in pages[2]
    assert "Renowned experts and scholars" in pages[2]
    assert codes(tmp_path / "badges.pdf", tmp_path) == [[live[name]] for name in order]
    assert counted(guests, ledger, tmp_path) == (3, 3)


def test_sheets_of_four_and_eight_hold_the_codes_of_their_guests(
        run: Runner, event_file: Path, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    many = [(f"Sample Delegate {n:04d}", f"Sample Organisation {n:03d}", "experts", "DE", 1,
             "accepted") for n in range(1, 11)]
    assert wic(run, event_file, ledger, "import",
               str(guest_csv(tmp_path / "many.csv", many))).code == 0
    event = load_event(event_file)
    for layout, sheets in (("a4-4", 3), ("a4-8", 2)):
        result = wic(run, event_file, ledger, "badges", "--layout", layout, "--sort", "name",
                     "-o", f"{layout}.pdf")
        assert result.code == 0, result.stderr
        pages = page_texts(tmp_path / f"{layout}.pdf")
        assert len(pages) == sheets
        per = 4 if layout == "a4-4" else 8
        live = live_by_name(event, ledger, tmp_path)
        names = [m[0] for m in many]
        for index, text in enumerate(pages):
            for name in names[index * per:(index + 1) * per]:
                assert name in text
        found = codes(tmp_path / f"{layout}.pdf", tmp_path)
        assert found == [sorted(live[n] for n in names[i * per:(i + 1) * per])
                         for i in range(sheets)]
    assert counted(event, ledger, tmp_path) == (10, 20)  # the same tokens, printed twice


def test_a_reprint_gives_new_tokens_and_the_old_ones_are_replaced(
        run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest,
        tmp_path: Path) -> None:
    assert wic(run, event_file, ledger, "badges", "--category", "experts").code == 0
    first = live_by_name(guests, ledger, tmp_path)
    assert list(first) == ["Ada Lovelace"]
    again = wic(run, event_file, ledger, "badges", "--category", "experts")
    assert again.stderr.endswith("; 0 new tokens\n")
    assert live_by_name(guests, ledger, tmp_path) == first
    redone = wic(run, event_file, ledger, "badges", "--category", "experts", "--reprint")
    assert redone.code == 0, redone.stderr
    assert "now refused" in redone.stderr
    now = live_by_name(guests, ledger, tmp_path)
    assert now["Ada Lovelace"] != first["Ada Lovelace"]
    assert codes(tmp_path / "badges.pdf", tmp_path) == [[now["Ada Lovelace"]]]
    with open_store(guests, ledger.location, {}, tmp_path, write=False) as store, \
            store.transaction(write=False) as tx:
        old = tokens.lookup(tx.db, first["Ada Lovelace"])
        assert old is not None
        assert old.replaced is not None
        layouts = [r[0] for r in tx.db.rows("SELECT layout FROM prints")]
    assert layouts == ["a6", "a6", "a6"]


def test_who_gets_a_badge_by_status(run: Runner, guests: Event, event_file: Path,
                                    ledger: LedgerUnderTest, tmp_path: Path) -> None:
    result = wic(run, event_file, ledger, "badges", "--status", "tentative", "--sort", "id")
    assert result.code == 0, result.stderr
    assert list(live_by_name(guests, ledger, tmp_path)) == ["Émile Borel"]
    for status in ("declined", "withdrawn"):
        refused = wic(run, event_file, ledger, "badges", "--status", "accepted",
                      "--status", status)
        assert (refused.code, refused.stdout) == (2, "")
        assert refused.stderr == (f"error: --status {status}: a {status} guest may not come "
                                  "and gets no badge\n")
    nobody = wic(run, event_file, ledger, "badges", "--category", "enterprises")
    assert (nobody.code, nobody.stdout) == (1, "")
    assert nobody.stderr.startswith("error: no guest matches;")
    assert counted(guests, ledger, tmp_path) == (1, 1)


def test_sort_orders(run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest,
                     tmp_path: Path) -> None:
    expected = {
        "name": ["Ada", "Zhang", "王芳"],  # Latin A-Z, then other scripts
        "country": ["Zhang", "王芳", "Ada"],  # China, China, United Kingdom
    }
    for by, names in expected.items():
        assert wic(run, event_file, ledger, "badges", "--sort", by).code == 0
        pages = page_texts(tmp_path / "badges.pdf")
        assert [next(n for n in names if n in page) for page in pages] == names, by


@pytest.mark.parametrize(("argv", "said"), [
    (["--layout", "a3"], "Invalid value for '--layout'"),
    (["--sort", "age"], "Invalid value for '--sort'"),
    (["-o", ""], "error: -o/--output: give a file name or '-' for stdout"),
    (["-o", "."], "error: .: is a folder; give a file name"),
    (["-o", "no/such/badges.pdf"], "error: no/such/badges.pdf: cannot write: its folder"),
    (["--templates", "nowhere"], "error: "),
    (["--status", "lost"], "error: "),
])
def test_mistakes_are_one_line_and_change_nothing(
        run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest, tmp_path: Path,
        argv: list[str], said: str) -> None:
    result = wic(run, event_file, ledger, "badges", *argv)
    assert result.code in (1, 2)
    assert result.stdout == ""
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert counted(guests, ledger, tmp_path) == (0, 0)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == []


def test_own_templates_are_used_and_their_mistakes_named(
        run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest,
        tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    (mine / "experts").mkdir(parents=True)
    (mine / "experts" / "badge.html").write_text(
        '<article class="badge"><h1>EXPERT {{ guest.name }}</h1>{{ badge.qr }}</article>\n',
        encoding="utf-8")
    (mine / "badge.css").write_text(".badge h1 { font-size: 30pt; }\n", encoding="utf-8")
    result = wic(run, event_file, ledger, "badges", "--templates", "mine", "--sort", "name")
    assert result.code == 0, result.stderr
    pages = page_texts(tmp_path / "badges.pdf")
    assert "EXPERT Ada Lovelace" in pages[0]
    assert "EXPERT" not in pages[1]  # the government delegates keep wic's own badge
    (mine / "experts" / "badge.html").write_text("{{ guest.titel }} {{ badge.qr }}\n",
                                                 encoding="utf-8")
    broken = wic(run, event_file, ledger, "badges", "--templates", "mine", "-o", "b2.pdf")
    assert broken.code == 1
    assert broken.stderr.startswith("error: ")
    assert "unknown placeholder 'guest.titel'" in broken.stderr
    assert not (tmp_path / "b2.pdf").exists()
    assert counted(guests, ledger, tmp_path) == (3, 3)  # the first run's only


def test_a_badge_to_stdout(run: Runner, guests: Event, event_file: Path,
                           ledger: LedgerUnderTest) -> None:
    result = wic(run, event_file, ledger, "badges", "--category", "experts", "-o", "-")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("%PDF-")
    assert result.stderr.endswith("to stdout; 1 new token\n")


# --------------------------------------------------------------------------- the ledger


def badge_run(selection: Selection, output: Path, **fields: object) -> BadgeRun:
    values: dict[str, object] = {"selection": selection, "ids": (), "layout": "a6",
                                 "sort": "category", "reprint": False, "output": output,
                                 "label": output.name, "templates": None}
    return BadgeRun(**{**values, **fields})  # type: ignore[arg-type]


@contextmanager
def meanwhile(action: Callable[[], None]) -> Iterator[Callable[[int], None]]:
    """A progress callback that does ``action`` once, while the badges are being drawn."""
    todo = [action]
    yield lambda done: todo.pop()() if todo else None


def test_a_token_issued_while_drawing_stops_the_run_and_nothing_is_written(
        run: Runner, guests: Event, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    sel = Selection(statuses=DEFAULT_STATUSES)
    target = tmp_path / "badges.pdf"

    def other_desk() -> None:  # another organiser prints Ada's badge in the meantime
        with open_store(guests, ledger.location, {}, tmp_path) as other, \
                other.transaction() as tx:
            ada = next(e for e in tx.entries(history=False) if e.name == "Ada Lovelace")
            tokens.issue(tx.db, [ada.id], NOW)

    with open_store(guests, ledger.location, {}, tmp_path) as store:
        with pytest.raises(ConflictError, match="run again"):
            print_badges(store, guests, badge_run(sel, target), NOW,
                         progress=lambda total, what: meanwhile(other_desk))
    assert counted(guests, ledger, tmp_path) == (1, 0)  # the other one's badge alone
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".badges")] == []


def test_a_folder_gone_while_drawing_records_nothing(
        run: Runner, guests: Event, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with open_store(guests, ledger.location, {}, tmp_path) as store:
        with pytest.raises(DataError, match="badges.pdf: cannot write"):
            print_badges(store, guests, badge_run(Selection(statuses=DEFAULT_STATUSES),
                                                  folder / "badges.pdf"), NOW,
                         progress=lambda total, what: meanwhile(folder.rmdir))
    assert counted(guests, ledger, tmp_path) == (0, 0)


def test_a_pipe_nobody_reads_is_refused_before_anything_is_drawn_or_recorded(
        run: Runner, guests: Event, event_file: Path, ledger: LedgerUnderTest,
        tmp_path: Path) -> None:
    import os
    import threading

    os.mkfifo(tmp_path / "pipe")
    result = wic(run, event_file, ledger, "badges", "-o", "pipe")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr == "error: pipe: cannot write: is a named pipe (FIFO) that no program " \
                            "is reading\n"
    assert counted(guests, ledger, tmp_path) == (0, 0)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append((tmp_path / "pipe").read_bytes()))
    reader.start()
    piped = wic(run, event_file, ledger, "badges", "-o", "pipe", "--category", "experts")
    reader.join(timeout=60)
    assert piped.code == 0, piped.stderr
    assert got[0].startswith(b"%PDF-")
    assert counted(guests, ledger, tmp_path) == (1, 1)


def test_badges_for_some_guests_by_id(run: Runner, guests: Event, event_file: Path,
                                      ledger: LedgerUnderTest, tmp_path: Path) -> None:
    listed = json.loads(wic(run, event_file, ledger, "list", "-f", "json").stdout)
    ids = {e["name"]: e["id"] for e in listed}
    result = wic(run, event_file, ledger, "badges", ids["Ada Lovelace"], ids["Zhang Wei"][:5])
    assert result.code == 0, result.stderr
    assert sorted(live_by_name(guests, ledger, tmp_path)) == ["Ada Lovelace", "Zhang Wei"]
    declined = wic(run, event_file, ledger, "badges", ids["Grace Hopper"])
    assert (declined.code, declined.stdout) == (1, "")
    assert declined.stderr.startswith("error: no guest matches;")
    unknown = wic(run, event_file, ledger, "badges", "zzzzzz")
    assert unknown.code != 0
    assert unknown.stderr.startswith("error: ")
    assert counted(guests, ledger, tmp_path) == (2, 2)
