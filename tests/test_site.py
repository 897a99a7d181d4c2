"""`wic site`: the files it writes, escaping, determinism and safe replacement.

The pages in a real browser: tests/test_site_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from conftest import DATA, Result, Runner

SMALL = str(DATA / "publish-small.toml")


class Links(HTMLParser):
    """Every href and src of a page, and its element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if key in ("href", "src") and value is not None:
                self.links.append(value)
            if key == "id" and value:
                self.ids.add(value)


def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def crawl(root: Path) -> dict[Path, Links]:
    """Every page reachable from index.html by links, each link checked to resolve
    (the file exists; a #fragment names an element of it)."""
    seen: dict[Path, Links] = {}
    todo = [root / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen[page] = parse(page)
        for link in seen[page].links:
            if re.match(r"^[a-z]+:", link):
                continue  # an outside address (a session's url)
            assert not link.startswith("/"), f"{page.name}: absolute link {link}"
            path_part, fragment = urldefrag(link)
            target = (page.parent / unquote(path_part)).resolve() if path_part else page
            assert target.is_file(), f"{page.relative_to(root)} links to missing {link}"
            assert root.resolve() in target.parents, f"{link} leaves the site"
            if fragment:
                assert fragment in parse(target).ids, f"{link}: no element #{fragment}"
            if target.suffix == ".html":
                todo.append(target)
    return seen


def site(run: Runner, folder: str, *args: str, env: dict[str, str] | None = None) -> Path:
    result = run(*args, "site", "--out-dir", folder, environ=env or {})
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    assert re.match(r"wrote \d+ pages and \d+ other files to ", result.stderr)
    return Path(result.stderr.rsplit(" to ", 1)[1].strip())


def test_bundled_site_every_session_reachable(run: Runner, tmp_path: Path) -> None:
    site(run, "out")
    root = tmp_path / "out"
    pages = crawl(root)
    ids = {r["id"] for r in json.loads(run("agenda", "-f", "json").stdout)}
    reached = {p.stem for p in pages if p.parent.name == "session"}
    assert reached == ids
    index = (root / "index.html").read_text(encoding="utf-8")
    assert index.count('class="grid"') == 3  # one grid a day
    assert '<a class="skip" href="#main">' in index
    for name in ("programme.ics", "schedule.xml", "schedule.json", "style.css",
                 "theme/security.ics", "session/sf-big-data.ics"):
        assert (root / name).is_file(), name
    schedule = json.loads((root / "schedule.json").read_text(encoding="utf-8"))
    days = schedule["schedule"]["conference"]["days"]
    assert sum(len(e) for d in days for e in d["rooms"].values()) == len(ids)
    one = (root / "session" / "sf-big-data.ics").read_text(encoding="utf-8")
    assert one.count("BEGIN:VEVENT") == 1
    assert "UID:sf-big-data@wic2018.wic" in one


def test_session_page_has_the_details(run: Runner, tmp_path: Path) -> None:
    site(run, "out")
    page = (tmp_path / "out" / "session" / "sf-big-data.html").read_text(encoding="utf-8")
    assert "<h1>Forum on big data" in page
    assert "Thursday 8 November 2018, 09:00–12:00 (Asia/Shanghai)" in page
    assert 'href="../theme/better-life.html">In Pursuit of a Better Life</a>' in page
    assert 'href="sf-big-data.ics">Add to calendar' in page
    assert "Provisional</dt>" in page


def test_every_text_is_escaped(run: Runner, tmp_path: Path) -> None:
    site(run, "out", "-e", SMALL)
    root = tmp_path / "out"
    for page in root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text, page
        assert "<b>sites</b>" not in text
        assert "<em>escaping</em>" not in text
        assert "<Friends>" not in text
    keynote = (root / "session" / "keynote.html").read_text(encoding="utf-8")
    assert "Keynote: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in keynote
    assert "Ada &lt;Host&gt;" in keynote
    assert "数字经济论坛" in (root / "index.html").read_text(encoding="utf-8")
    crawl(root)


def test_same_input_same_bytes(run: Runner, tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1541557800"}
    site(run, "a", "-e", SMALL, env=env)
    site(run, "b", "-e", SMALL, env=env)
    first = {p.relative_to(tmp_path / "a"): p for p in (tmp_path / "a").rglob("*")}
    second = {p.relative_to(tmp_path / "b"): p for p in (tmp_path / "b").rglob("*")}
    assert first.keys() == second.keys()
    for name, path in first.items():
        if path.is_file():
            assert path.read_bytes() == second[name].read_bytes(), name
        assert int(path.stat().st_mtime) == 1541557800, name
    assert "DTSTAMP:20181107T023000Z" in (tmp_path / "a" / "programme.ics").read_text()


def test_rebuild_replaces_an_earlier_site(run: Runner, tmp_path: Path) -> None:
    site(run, "out", "-e", SMALL)
    stale = tmp_path / "out" / "session" / "gone.html"
    stale.write_text("from an older programme")
    site(run, "out", "-e", SMALL)
    assert not stale.exists()
    assert (tmp_path / "out" / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_refuses_a_folder_of_other_files(run: Runner, tmp_path: Path) -> None:
    mine = tmp_path / "docs"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    result = run("site", "--out-dir", "docs")
    assert result.code == 1
    assert result.stderr.startswith("error: docs: is a folder with other files in it")
    assert result.stderr.count("\n") == 1
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs"]


@pytest.mark.parametrize(("make", "message"), [
    ("file", "out: is a file, not a folder"),
    ("under-file", "cannot write"),
])
def test_unwritable_out_dir_is_one_error(run: Runner, tmp_path: Path, make: str,
                                          message: str) -> None:
    (tmp_path / "out").write_text("a file")
    target = "out" if make == "file" else "out/site"
    result = run("site", "--out-dir", target)
    assert result.code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert (tmp_path / "out").read_text() == "a file"


def test_big_event_site(big_site: tuple[Result, Path]) -> None:
    result, root = big_site
    assert (result.code, result.stdout) == (0, "")
    assert re.match(r"wrote \d+ pages and \d+ other files to ", result.stderr)
    assert len(list((root / "session").glob("*.html"))) == 1000
    index = (root / "index.html").read_text(encoding="utf-8")
    assert len(set(re.findall(r'data-session="([^"]+)"', index))) == 1000
