"""Badges as drawn: 1,500 of them, long names, the band's colours, the category keys."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, LedgerUnderTest, Runner, need_font_for, need_program, need_weasyprint
from test_badges import codes, counted, guest_csv, live_by_name, page_texts, wic, zoned_event
from wiccli.door.badges import ink
from wiccli.event.check import COLOUR_RE
from wiccli.event.load import load_event
from wiccli.invites.store import open_store

pytest.importorskip("segno")
need_weasyprint()


@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    return zoned_event(tmp_path)


def test_badges_for_1500_guests(run: Runner, event_file: Path, tmp_path: Path) -> None:
    """The size of the bundled event's guest list, each code still its guest's."""
    need_font_for("张伟", "fonts-noto-cjk")
    many = [(f"张伟 Zhang Wei {n:04d}" if n % 7 == 0 else f"Sample Delegate {n:04d}",
             f"Sample Organisation {n % 97:03d}", ("government", "experts")[n % 2], "CN",
             3 if n % 50 == 0 else 1, "accepted") for n in range(1, 1501)]
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "many.invites.db"))
    assert wic(run, event_file, ledger, "import",
               str(guest_csv(tmp_path / "many.csv", many))).code == 0
    result = wic(run, event_file, ledger, "badges", "--layout", "a4-8", "--sort", "id")
    assert result.code == 0, result.stderr
    assert result.stderr.startswith("wrote 1,500 badges on 188 pages (a4-8)")
    event = load_event(event_file)
    assert counted(event, ledger, tmp_path) == (1500, 1500)
    pages = page_texts(tmp_path / "badges.pdf")
    assert len(pages) == 188
    text = " ".join(pages)
    assert all(name in text for name, *_ in many)
    assert text.count("3 seats") == 30
    live = live_by_name(event, ledger, tmp_path)
    with open_store(event, ledger.location, {}, tmp_path, write=False) as store, \
            store.transaction(write=False) as tx:
        by_id = sorted(tx.entries(history=False), key=lambda e: e.id)
    first, last = by_id[:8], by_id[-4:]
    found = codes(tmp_path / "badges.pdf", tmp_path, 1, 1) + \
        codes(tmp_path / "badges.pdf", tmp_path, 188, 188)
    assert found == [sorted(live[e.name] for e in first), sorted(live[e.name] for e in last)]


def test_category_colours_and_zones_are_checked(run: Runner, tmp_path: Path) -> None:
    text = (ROOT / "data" / "wic2018.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('colour = "#1d3f72"', 'colour = "navy"\nzones = ["Press Room"]')
                   .replace('colour = "#c0392b"', 'colour = "#c0392b"\nzones = ["vip", "vip"]'),
                   encoding="utf-8")
    result = run("validate", "bad.toml")
    assert result.code == 1
    assert result.stderr.splitlines()[:3] == [
        "error: bad.toml:334: invitations.categories[0].colour: 'navy' is not a colour: use "
        'CSS hex such as "#c0392b"',
        "error: bad.toml:335: invitations.categories[0].zones[0]: 'Press Room' is not a zone: "
        "use at most 24 lower-case letters, digits, '-' and '_', such as \"press-room\"",
        "error: bad.toml:346: invitations.categories[2].zones: names a zone twice"]
    bundled = load_event(ROOT / "data" / "wic2018.toml")
    assert [(c.colour, c.zones) for c in bundled.invitations.categories] == [
        ("#1d3f72", ()), ("#117a65", ()), ("#c0392b", ()), ("#6c3483", ())]


MM = 72 / 25.4  # points a millimetre
# Where wic's badge.css puts the code (its quiet zone included), in mm from the page's top
# left corner: a6's badge is the page; a4-8's first badge starts at (15, 18.5).
CODE_BOX = {"a6": (60, 93, 100, 133), "a4-8": (74, 33.5, 102, 61.5)}


def word_boxes(pdf: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each word on the first page with its box in mm (left, top, right, bottom)."""
    import xml.etree.ElementTree as ET

    need_program("pdftotext", "poppler-utils")
    xhtml = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [w for w in ET.fromstring(xhtml).iter() if w.tag.endswith("word")]
    return [(w.text or "", tuple(float(w.get(k, 0)) / MM  # type: ignore[misc]
                                 for k in ("xMin", "yMin", "xMax", "yMax"))) for w in words]


@pytest.mark.parametrize("layout", ["a6", "a4-8"])
def test_a_very_long_name_never_covers_the_code_or_the_seats(
        run: Runner, event_file: Path, tmp_path: Path, layout: str) -> None:
    zones = '["plenary", "press-room", "speaker-lounge", "workshops"]'
    event_file.write_text(event_file.read_text(encoding="utf-8").replace(
        '["plenary", "press-room"]', zones), encoding="utf-8")
    name = ("Maximilian Alexander " * 9 + "X")[:200]
    organisation = "International Organisation for the Standardisation of Long Names " * 3
    ledger = LedgerUnderTest("sqlite", str(tmp_path / "long.invites.db"))
    rows = [(name, organisation.strip(), "government", "DE", 12, "accepted")]
    assert wic(run, event_file, ledger, "import",
               str(guest_csv(tmp_path / "long.csv", rows))).code == 0
    result = wic(run, event_file, ledger, "badges", "--layout", layout)
    assert result.code == 0, result.stderr
    live = live_by_name(load_event(event_file), ledger, tmp_path)
    assert codes(tmp_path / "badges.pdf", tmp_path) == [[live[name]]]
    left, top, right, bottom = CODE_BOX[layout]
    shown = {"12", "seats", "PLENARY", "PRESS-ROOM", "SPEAKER-LOUNGE", "WORKSHOPS"}
    boxes = [(text, box) for text, box in word_boxes(tmp_path / "badges.pdf") if text in shown]
    assert {text for text, _ in boxes} == shown
    over = [text for text, (x0, y0, x1, y1) in boxes
            if x0 < right and x1 > left and y0 < bottom and y1 > top]
    assert over == []


def contrast(one: str, other: str) -> float:
    def light(colour: str) -> float:
        digits = colour.lstrip("#")
        digits = "".join(d * 2 for d in digits) if len(digits) == 3 else digits
        values = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((light(one), light(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@given(st.from_regex(COLOUR_RE, fullmatch=True))
def test_the_band_text_reads_on_any_colour(colour: str) -> None:
    """Black or white on the band, whichever gives at least WCAG's 4.5:1 for text."""
    assert contrast(ink(colour), colour) >= 4.5
