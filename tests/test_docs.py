"""Every command is documented: it has help text, and the README or a page in docs/ shows it
in use; every link between those pages resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, Runner

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = sorted((ROOT / "docs").glob("*.md"))
DOCS = README + "\n".join(p.read_text(encoding="utf-8") for p in PAGES)


def commands(run: Runner, *group: str) -> list[str]:
    """The commands `wic [GROUP] --help` lists."""
    listing = run(*group, "--help").stdout.split("Commands:", 1)[1]
    return re.findall(r"^  ([a-z][a-z-]*)\s", listing, flags=re.M)


def test_every_command_is_listed_with_help(run: Runner) -> None:
    top = commands(run)
    assert {"info", "themes", "forums", "agenda", "show", "export-ics", "export-frab",
            "import", "validate", "init", "diff", "schema", "invites"} <= set(top)
    for name in top:
        result = run(name, "--help")
        assert result.code == 0, name
        assert result.stdout.startswith(f"Usage: wic {name}"), name
        assert len(result.stdout.splitlines()[2].strip()) > 10, f"{name} has no help text"


@pytest.mark.parametrize("group", [(), ("invites",)])
def test_every_command_appears_in_the_docs(run: Runner, group: tuple[str, ...]) -> None:
    prefix = " ".join(["wic", *group])
    for name in commands(run, *group):
        used = f"{prefix} {name}" in DOCS or (group and f"`{name}" in DOCS)
        assert used, f"neither README nor docs/ show an example of `{prefix} {name}`"


def test_every_top_level_command_is_in_the_readme_tour(run: Runner) -> None:
    missing = [n for n in commands(run) if f"wic {n}" not in README]
    assert missing == [], f"the README's tour does not show: {missing}"


@pytest.mark.parametrize("page", [ROOT / "README.md", *PAGES], ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_readme_quick_start_is_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick, flags=re.S)
    assert [b.strip() for b in blocks] == [
        "pip install . && wic agenda --day 2018-11-08",
        "pip install '.[test]' && pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()
