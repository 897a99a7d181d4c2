"""The programme site in a real browser: Debian's Chromium driven by Playwright.

Pages load from the file system at a phone's width (375 px) and a desktop's (1280 px).
Skipped, with the reason, where Chromium or Playwright is missing (CI installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, Result, Runner

WIDTHS = (375, 1280)
SMALL = str(DATA / "publish-small.toml")

# What the page reports: each time row's edges, each block's edges and times.
MEASURE = """() => [...document.querySelectorAll('table.grid')].map(table => ({
  first: table.dataset.first, slot: Number(table.dataset.slot),
  rows: [...table.tBodies[0].rows].map(r => {
    const b = r.getBoundingClientRect(); return {top: b.top, bottom: b.bottom}; }),
  blocks: [...table.querySelectorAll('td.block')].map(td => {
    const b = td.getBoundingClientRect();
    return {id: td.dataset.session, venue: td.dataset.venue, start: td.dataset.start,
            end: td.dataset.end, top: b.top, bottom: b.bottom, left: b.left, right: b.right};
  }),
}))"""



@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("site"), [])


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("small"), ["-e", SMALL])




def _build(folder: Path, args: list[str]) -> Path:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "wiccli", *args, "site", "--out-dir", "out"],
                          cwd=folder, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return folder / "out"


class Page:
    """A page opened at a width, with the console errors it logged."""

    def __init__(self, browser: Any, path: Path, width: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    opened: list[Page] = []

    def opener(path: Path, width: int) -> Page:
        opened.append(Page(browser, path, width))
        return opened[-1]

    yield opener
    for page in opened:
        page.close()


def check_grid(tables: list[dict[str, Any]]) -> int:
    """Every block sits on the rows of its start and end; none overlaps in its venue."""
    count = 0
    for table in tables:
        first, slot, rows = datetime.fromisoformat(table["first"]), table["slot"], table["rows"]
        for block in table["blocks"]:
            start = datetime.fromisoformat(block["start"])
            end = datetime.fromisoformat(block["end"])
            row = int((start - first) / timedelta(minutes=slot))
            last = -(-(end - first) // timedelta(minutes=slot)) - 1
            assert abs(block["top"] - rows[row]["top"]) <= 1.5, block["id"]
            assert abs(block["bottom"] - rows[last]["bottom"]) <= 1.5, block["id"]
            count += 1
        by_venue: dict[str, list[dict[str, Any]]] = {}
        for block in table["blocks"]:
            by_venue.setdefault(block["venue"], []).append(block)
        for blocks in by_venue.values():
            for i, a in enumerate(blocks):
                for b in blocks[i + 1:]:
                    apart = (a["right"] <= b["left"] + 0.5 or b["right"] <= a["left"] + 0.5
                             or a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5)
                    assert apart, f"{a['id']} overlaps {b['id']}"
    return count


def no_horizontal_overflow(page: Any) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def serious_violations(page: Any) -> list[str]:
    """axe-core's findings of serious or critical impact."""
    axe = pytest.importorskip("axe_playwright_python", reason="axe-core is not installed")
    script = Path(axe.__file__).with_name("axe.min.js")
    page.add_script_tag(path=str(script))
    # preload off: axe would fetch the stylesheets, which file:// pages may not do.
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} elements"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", WIDTHS)
def test_index_grid_in_the_browser(open_page: Any, bundled_site: Path, width: int,
                                   run: Runner) -> None:
    page = open_page(bundled_site / "index.html", width)
    no_horizontal_overflow(page.page)
    assert check_grid(page.page.evaluate(MEASURE)) >= 26  # the expo shows on each of its days
    shown = set(page.page.eval_on_selector_all("td.block",
                                                "els => els.map(e => e.dataset.session)"))
    assert len(shown) == 24
    assert page.errors == []
    # Headings, landmarks and the skip link, for people with screen readers.
    assert page.page.locator("main#main").count() == 1
    assert page.page.locator("nav").count() == 1
    assert page.page.locator("h1").count() == 1
    assert page.page.locator("h2").count() >= 3


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["index.html", "session/sf-big-data.html",
                                  "theme/security.html", "venue/convention-center.html"])
def test_accessibility(open_page: Any, bundled_site: Path, width: int, name: str) -> None:
    page = open_page(bundled_site / name, width)
    no_horizontal_overflow(page.page)
    assert serious_violations(page.page) == []
    assert page.errors == []


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_and_chinese_text(open_page: Any, small_site: Path, width: int) -> None:
    page = open_page(small_site / "index.html", width)
    assert check_grid(page.page.evaluate(MEASURE)) == 8  # the night session on both days
    text = page.page.inner_text("main")
    assert "Keynote: <script>alert(1)</script> & more" in text  # shown as text, not run
    assert "数字经济论坛" in text
    assert page.errors == []
    struck = page.page.eval_on_selector(
        "td.cancelled a", "a => getComputedStyle(a).textDecorationLine")
    assert struck == "line-through"
    no_horizontal_overflow(page.page)
    assert serious_violations(page.page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_big_event(open_page: Any, big_site: tuple[Result, Path], width: int) -> None:
    page = open_page(big_site[1] / "index.html", width)
    no_horizontal_overflow(page.page)
    assert check_grid(page.page.evaluate(MEASURE)) >= 1000
    assert page.errors == []


def test_screenshots_for_the_docs(open_page: Any, bundled_site: Path, tmp_path: Path) -> None:
    """The README's pictures of the site, taken from the same pages the tests check.

    Written to $WIC_SCREENSHOTS when set (docs/img/ when the docs are refreshed)."""
    import os

    target = Path(os.environ.get("WIC_SCREENSHOTS", tmp_path))
    for width in WIDTHS:
        page = open_page(bundled_site / "index.html", width)
        page.page.locator("#day-2").scroll_into_view_if_needed()
        shot = target / f"site-{width}.png"
        page.page.locator("#day-2").screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
