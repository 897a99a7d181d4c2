"""The paper door list: guests by name, each page headed by the range of its names."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from conftest import ROOT, LedgerUnderTest, Runner, need_font_for, need_program, need_weasyprint
from test_badges import guest_csv
from wiccli.door.doorlist import by_name, initial
from wiccli.invites.model import Invitation

need_weasyprint()
NOW = datetime(2018, 11, 6, tzinfo=UTC)
SURNAMES = ["Abara", "Baker", "Castro", "Ćosić", "Dubois", "Eriksen", "Fischer", "García",
            "Haddad", "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura",
            "Okafor", "Petrov", "Quispe", "Rossi", "Schmidt", "Tanaka", "Usman", "Varga",
            "Weber", "Xu", "Yilmaz", "Zhou"]


def test_initials_and_order() -> None:
    assert [initial(n) for n in ("ada", "Émile", "ćosić", "42 Club", "王芳", " ")] == [
        "A", "E", "C", "#", "王", "#"]
    names = ["zoe", "Émile", "王芳", "ada", "Eric"]
    entries = [Invitation(f"id{n}", name, "experts", "DE", "accepted", NOW, NOW)
               for n, name in enumerate(names)]
    assert [e.name for e in by_name(entries)] == ["ada", "Émile", "Eric", "zoe", "王芳"]


def pdf_pages(pdf: Path) -> list[str]:
    need_program("pdftotext", "poppler-utils")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_the_door_list_is_by_name_with_the_range_of_each_page(
        run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    need_font_for("王芳", "fonts-noto-cjk")
    rows = [(f"{surname} Guest {n}", f"Org {n}", ("government", "experts")[n % 2], "DE",
             3 if n == 5 else 1, "accepted") for surname in SURNAMES for n in range(1, 4)]
    rows += [("王芳 Wang Fang", "示例研究院", "government", "CN", 1, "attended"),
             ("Declined Person", "Nowhere", "experts", "DE", 1, "declined"),
             ("Aaron Invited", "Pending", "experts", "DE", 1, "invited")]
    event = ROOT / "data" / "wic2018.toml"
    args = ["-e", str(event), *ledger.args()]
    assert run(*args, "import", str(guest_csv(tmp_path / "g.csv", rows))).code == 0
    result = run(*args, "doorlist", "-o", "door.pdf")
    assert result.code == 0, result.stderr
    assert result.stdout == "door.pdf\n"
    assert result.stderr == "wrote the door list of 82 guests (82 seats) to door.pdf\n"
    pages = pdf_pages(tmp_path / "door.pdf")
    assert len(pages) >= 3
    listed = json.loads(run(*args, "list", "-f", "json").stdout)
    ids = {e["name"]: e["id"] for e in listed}
    everything = "\n".join(pages)
    assert "Declined Person" not in everything
    assert "Aaron Invited" not in everything
    order = [m.group(1) for m in re.finditer(r"^\s*(\S.*?Guest \d|王芳 Wang Fang)",
                                             everything, re.M)]
    assert order == [r[0] for r in rows[:-3]] + ["王芳 Wang Fang"]
    for page in pages:
        head = "\n".join(page.strip().splitlines()[:2])
        on_page = [initial(n) for n in re.findall(r"^\s*(\S+) (?:Guest \d|Wang)", page, re.M)]
        first, last = on_page[0], on_page[-1]
        assert head.rstrip().endswith(f"{first}–{last}"), (head, on_page)
    assert re.search(rf"Abara Guest 1 .*Org 1 .*Renowned experts and scholars .*1 "
                     rf"+{ids['Abara Guest 1']}", everything)
    assert "示例研究院" in everything
    assert f"page 1 of {len(pages)}" in pages[0]


def test_door_list_mistakes(run: Runner, ledger: LedgerUnderTest, tmp_path: Path) -> None:
    args = [*ledger.args()]
    nobody = run(*args, "doorlist")
    assert (nobody.code, nobody.stdout) == (1, "")
    assert nobody.stderr.startswith("error: no guest matches;")
    refused = run(*args, "doorlist", "--status", "declined")
    assert (refused.code, refused.stderr) == (
        2, "error: --status declined: a declined guest may not come and is not on the door list\n")
    folder = run(*args, "doorlist", "-o", ".")
    assert folder.stderr == "error: .: is a folder; give a file name\n"
    assert not (tmp_path / "door.pdf").exists()


def test_own_door_list_template_mistakes_are_named(run: Runner, ledger: LedgerUnderTest,
                                                   tmp_path: Path) -> None:
    rows = [("Ada Lovelace", "Engines", "experts", "GB", 1, "accepted")]
    assert run(*ledger.args(), "import", str(guest_csv(tmp_path / "g.csv", rows))).code == 0
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "doorlist.html").write_text(
        "{% for g in guests %}{{ g.name }} {{ g.nmae }}{% endfor %}\n", encoding="utf-8")
    result = run(*ledger.args(), "doorlist", "--templates", "mine")
    assert (result.code, result.stdout) == (1, "")
    assert result.stderr.startswith("error: ")
    assert "unknown placeholder" in result.stderr
    assert "nmae" in result.stderr
    assert not (tmp_path / "door.pdf").exists()
    (tmp_path / "mine" / "doorlist.html").write_text(
        "<p>{% for g in guests %}IN: {{ g.name }} ({{ g.id }}){% endfor %}</p>\n",
        encoding="utf-8")
    mine = run(*ledger.args(), "doorlist", "--templates", "mine")
    assert mine.code == 0, mine.stderr
    assert "IN: Ada Lovelace" in "\n".join(pdf_pages(tmp_path / "door.pdf"))
