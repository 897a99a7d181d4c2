"""Every command's --help speaks of values, not of Python types or Typer's markup."""

from __future__ import annotations

import re

import pytest

from conftest import Runner
from test_imports import walk

# Shapes that leak from the code into help: a Python or Typer type name in angle brackets
# (`<str>`, `<list[str]>`, `<path>`), braces round an argument (`{ID}`), doubled brackets
# (`[[PATH|-]]`), or a lower-case argument name taken from the function (`path <path>`).
LEAKS = {
    "a type name": re.compile(r"<(?:str|int|float|bool|path|file|datetime|uuid|text|"
                              r"(?:list|tuple|dict)\[[^>]*\])>"),
    "braces": re.compile(r"\{[A-Za-z_|.-]+\}"),
    "doubled brackets": re.compile(r"\[\[|\]\]"),
}


def commands() -> list[str]:
    from wiccli.cli.app import cli

    return ["", *walk(cli())]


@pytest.mark.parametrize("path", commands())
def test_help_has_no_python_types(run: Runner, path: str) -> None:
    result = run(*path.split(), "--help")
    assert result.code == 0, result.stderr
    usage, _, rest = result.stdout.partition("\n")
    assert usage.startswith("Usage: wic")
    for what, shape in LEAKS.items():
        found = shape.findall(result.stdout)
        assert not found, f"wic {path} --help shows {what}: {found}\n{result.stdout}"
    arguments = rest.partition("Arguments:\n")[2].partition("\n\n")[0]
    for line in arguments.splitlines():
        name = line.split()[0] if line.startswith("  ") and not line.startswith("   ") else ""
        assert name == name.upper(), f"wic {path} --help: argument {name!r}\n{result.stdout}"


def test_usage_names_each_argument_once(run: Runner) -> None:
    usage = {path: run(*path.split(), "--help").stdout.partition("\n")[0]
             for path in ("diff", "validate", "invites send", "invites templates init", "init")}
    assert usage == {
        "diff": "Usage: wic diff [OPTIONS] OLD NEW",
        "validate": "Usage: wic validate [OPTIONS] [PATH|-]",
        "invites send": "Usage: wic invites send [OPTIONS] [ID]...",
        "invites templates init": "Usage: wic invites templates init [OPTIONS] [DIR]",
        "init": "Usage: wic init [OPTIONS] [PATH]",
    }
