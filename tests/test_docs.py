"""Every command is documented: it has help text and the README shows it in use."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, Runner

README = (ROOT / "README.md").read_text(encoding="utf-8")


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
def test_every_command_appears_in_the_readme(run: Runner, group: tuple[str, ...]) -> None:
    prefix = " ".join(["wic", *group])
    for name in commands(run, *group):
        used = f"{prefix} {name}" in README or (group and f"`{name}" in README)
        assert used, f"README shows no example of `{prefix} {name}`"


def test_readme_quick_start_is_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick, flags=re.S)
    assert [b.strip() for b in blocks] == [
        "pip install . && wic agenda --day 2018-11-08",
        "pip install '.[test]' && pytest",
    ]


def test_ci_runs_the_readme_test_command() -> None:
    assert "pip install '.[test]' && pytest" in (ROOT / ".ci" / "run").read_text()
