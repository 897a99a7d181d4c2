"""Printed and read at the door: the codes on the PDF admit their guests at `wic checkin`,
a reprint's old code is refused, and the door list's ids are what `checkin ticked` takes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import LedgerUnderTest, Runner, need_weasyprint
from test_badges import GUESTS, codes, guest_csv, page_texts, wic, zoned_event
from test_doorlist import pdf_pages

pytest.importorskip("segno")
need_weasyprint()


@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    return zoned_event(tmp_path)


def checkin(run: Runner, event_file: Path, ledger: LedgerUnderTest, *argv: str) -> list[dict]:
    result = run("-e", str(event_file), "checkin", "--ledger", ledger.location, "--desk",
                 "north", "-f", "json", *argv)
    assert result.code in (0, 1), result.stderr
    records: list[dict] = json.loads(result.stdout)
    return records


def test_printed_codes_are_admitted_and_a_reprint_refuses_the_old_one(
        run: Runner, event_file: Path, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    rows = [g for g in GUESTS if g[0] in ("Ada Lovelace", "Zhang Wei")]
    source = guest_csv(tmp_path / "g.csv", rows)
    assert wic(run, event_file, ledger, "import", str(source)).code == 0
    assert wic(run, event_file, ledger, "badges", "--sort", "name", "-o", "first.pdf").code == 0
    first = [code for page in codes(tmp_path / "first.pdf", tmp_path) for code in page]
    admitted = checkin(run, event_file, ledger, *first)
    assert [(r["name"], r["verdict"], r["entry"]) for r in admitted] == [
        ("Ada Lovelace", "admitted", "first entry"),
        ("Zhang Wei", "admitted", "re-entry")]  # already attended, by the ledger
    assert admitted[1]["seats"] == 3
    again = wic(run, event_file, ledger, "badges", "--category", "experts", "--reprint",
                "-o", "second.pdf")
    assert again.code == 0, again.stderr
    [[new]] = codes(tmp_path / "second.pdf", tmp_path)
    assert "Ada Lovelace" in page_texts(tmp_path / "second.pdf")[0]
    verdicts = checkin(run, event_file, ledger, first[0], new)
    assert verdicts[0]["verdict"] == "refused"
    assert "reprinted" in verdicts[0]["reason"]
    assert (verdicts[1]["verdict"], verdicts[1]["entry"]) == ("admitted", "re-entry")


def test_the_door_lists_ids_are_what_the_desk_takes_back(
        run: Runner, event_file: Path, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    rows = [(f"Sample Delegate {n:04d}", "Org", "experts", "DE", 1, "accepted")
            for n in range(1, 6)]
    source = guest_csv(tmp_path / "g.csv", rows)
    assert wic(run, event_file, ledger, "import", str(source)).code == 0
    assert wic(run, event_file, ledger, "doorlist").code == 0
    text = "\n".join(pdf_pages(tmp_path / "door.pdf"))
    ticked = [m.group(1) for m in re.finditer(r"Sample Delegate 000[24] .* (\S{6})$", text,
                                              re.M)]
    assert len(ticked) == 2
    (tmp_path / "ticked.txt").write_text("\n".join(ticked) + "\n", encoding="utf-8")
    records = checkin(run, event_file, ledger, "ticked", "ticked.txt")
    assert sorted((r["name"], r["verdict"]) for r in records) == [
        ("Sample Delegate 0002", "admitted"), ("Sample Delegate 0004", "admitted")]
