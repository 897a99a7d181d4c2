"""A 38C3-shaped schedule's site in a real browser (Debian's Chromium, Playwright): each
day's grid holds the source's day, night talks included, and each session's language is
what the browser reads (``lang`` inherited by the text). Skipped where either is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import Runner
from schedules import congress

# Per day section: each block's title, the language the browser gives its link, its times.
READ = """() => [...document.querySelectorAll('section[id^="day-"]')].map(section => ({
  day: section.id,
  page: document.documentElement.lang,
  blocks: [...section.querySelectorAll('td.block')].map(td => {
    const link = td.querySelector('a');
    return {title: link.textContent, lang: link.closest('[lang]').lang,
            start: td.dataset.start, end: td.dataset.end};
  }),
}))"""



def test_days_and_languages_in_the_browser(run: Runner, tmp_path: Path, browser: Any) -> None:
    text, listed, languages = congress()
    (tmp_path / "congress.json").write_text(text, encoding="utf-8")
    assert run("import", "congress.json", "-o", "congress.toml").code == 0
    assert run("-e", "congress.toml", "site", "-o", "site").code == 0
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto((tmp_path / "site" / "index.html").as_uri())
        sections = page.evaluate(READ)
        session = context.new_page()
        night = next(t for t in languages if "Nacht" in t)
        slug = json.loads(run("-e", "congress.toml", "agenda", "-f", "json").stdout)
        page_of = {r["title"]: r["id"] for r in slug}
        session.goto((tmp_path / "site" / "session" / f"{page_of[night]}.html").as_uri())
        own = session.evaluate("() => document.querySelector('h1').closest('[lang]').lang")
    finally:
        context.close()
    assert [s["day"] for s in sections] == ["day-1", "day-2", "day-3", "day-4"]
    for section, number in zip(sections, sorted(listed), strict=True):
        assert section["page"] == "en"
        assert sorted(b["title"] for b in section["blocks"]) == sorted(listed[number])
        for block in section["blocks"]:
            assert block["lang"] == languages[block["title"]]
        # The night talk (00:00–02:40 the next morning) is the last block of its evening.
        assert max(b["end"] for b in section["blocks"]).endswith("T02:40:00+01:00")
    assert own == "de"
