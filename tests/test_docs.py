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


@pytest.mark.parametrize("group", [(), ("invites",), ("checkin",)])
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


# --------------------------------------------------------------------------- options

# Where each command's options are documented: (page, where its part starts). The part runs
# to the next part on that page, else the next "## " heading (a bold paragraph: the next
# bold paragraph); None is the whole page.
# Commands that share a part (agenda.md's table) may list each other's options.
OPTION_DOCS: dict[str, list[tuple[str, str | None]]] = {
    "": [("agenda.md", "| option | meaning |")],  # the global options, in agenda's table
    **{name: [("agenda.md", "| option | meaning |")]
       for name in ("info", "themes", "forums", "agenda", "show")},
    "export-ics": [("ics.md", None)],
    "export-frab": [("frab.md", "| `export-frab` option |")],
    "import": [("frab.md", "| `import` option |")],
    "init": [("authoring.md", "**`wic init")],
    "validate": [("authoring.md", "**`wic validate")],
    "diff": [("authoring.md", "**`wic diff")],
    "schema": [("authoring.md", "**`wic schema")],
    "grid": [("publish.md", "## `wic grid`")],
    "now": [("publish.md", "## `wic now`")],
    "site": [("publish.md", "## `wic site`")],
    "programme": [("publish.md", "## `wic programme`")],
    "invites": [("invites.md", "**Where it is.**")],
    "invites status": [("invites.md", "| `status ")],
    "invites list": [("invites.md", "| `list ")],
    "invites add": [("invites.md", "| `add ")],
    "invites set": [("invites.md", "| `set ")],
    "invites accept": [("invites.md", "| `set ")],
    "invites decline": [("invites.md", "| `set ")],
    "invites import": [("invites.md", "| `import FILE.csv"), ("invites.md", "| `import FILE.toml")],
    "invites export": [("invites.md", "| `export ")],
    "invites history": [("invites.md", "| `history ")],
    "invites report": [("report.md", "## Options")],
    "invites replies": [("replies.md", None)],
    "invites send": [("sending.md", "## `wic invites send`")],
    "invites letters": [("sending.md", "## `wic invites letters`")],
    "invites badges": [("door.md", "## Badges")],
    "invites doorlist": [("door.md", "## Door list")],
    "invites templates init": [("sending.md", "## Templates")],
    "checkin": [("door.md", "## Check-in desk")],
    "checkin scan": [("door.md", "## Check-in desk")],
    "checkin snapshot": [("door.md", "## Offline desks and journals")],
    "checkin merge": [("door.md", "## Offline desks and journals")],
    "checkin ticked": [("door.md", "## Offline desks and journals")],
    "checkin stats": [("door.md", "## Statistics")],
}
# Options every command has, or that wic's own shell set-up adds: not listed per command.
UNLISTED = {"-h", "--help", "--install-completion", "--show-completion"}
OPTION = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")


def help_options(run: Runner, command: str) -> set[str]:
    """The options `wic COMMAND --help` lists (both spellings of each)."""
    result = run(*command.split(), "--help", environ={"COLUMNS": "200"})
    assert result.code == 0, (command, result.stderr)
    options = result.stdout.split("\nOptions:\n", 1)[1].split("\nCommands:\n", 1)[0]
    found = set()
    for line in options.splitlines():
        if line.startswith("  -"):  # "  -f, --format <a|b>   Help": the first column
            found |= set(OPTION.findall(re.split(r"\s{2,}", line.strip())[0]))
    return found - UNLISTED


def part(page: str, start: str | None) -> str:
    """The text of one command's part of a docs page (see OPTION_DOCS)."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    if start is None:
        return text
    assert start in text, f"docs/{page} has no {start!r} any more: update OPTION_DOCS"
    begin = text.index(start)
    others = {s for parts in OPTION_DOCS.values() for p, s in parts
              if p == page and s and s != start}
    ends = [text.find(s, begin + 1) for s in others] + [text.find("\n## ", begin + 1)]
    if start.startswith("**"):  # a bold paragraph runs to the next one
        ends.append(text.find("\n\n**", begin + 1))
    return text[begin:min([e for e in ends if e > begin], default=len(text))]


def listed_options(text: str, start: str | None) -> set[str]:
    """The options a part lists: in a row of the invites table, its first cell; elsewhere
    each `-x ...` in backticks outside code blocks (option tables, "Options: `--name`")."""
    if start and start.startswith("| `"):
        return set(OPTION.findall(text.split(" | ", 1)[0]))
    prose = re.sub(r"```.*?```", "", text, flags=re.S)
    chunks = re.findall(r"`(-[^`]*)`", prose)
    return {o for chunk in chunks for o in OPTION.findall(chunk)}


def test_the_option_docs_name_every_command(run: Runner) -> None:
    every = {""} | {"invites", "invites templates init"} | set(commands(run)) | {
        f"invites {n}" for n in commands(run, "invites") if n != "templates"} | {
        f"checkin {n}" for n in commands(run, "checkin")}
    assert set(OPTION_DOCS) == every - {"invites templates"}


@pytest.mark.parametrize("command", sorted(OPTION_DOCS), ids=lambda c: c or "wic")
def test_every_option_of_a_command_is_in_its_docs(run: Runner, command: str) -> None:
    text = "\n".join(part(page, start) for page, start in OPTION_DOCS[command])
    mentioned = set(OPTION.findall(text))
    missing = sorted(help_options(run, command) - mentioned)
    pages = sorted({page for page, _ in OPTION_DOCS[command]})
    assert missing == [], f"`wic {command} --help` has {missing}, docs/{pages} do not say them"


@pytest.mark.parametrize("command", sorted(OPTION_DOCS), ids=lambda c: c or "wic")
def test_every_option_the_docs_list_exists(run: Runner, command: str) -> None:
    sharing = [c for c, parts in OPTION_DOCS.items() if set(parts) & set(OPTION_DOCS[command])]
    real = set().union(*(help_options(run, c) for c in [*sharing, ""]), UNLISTED)
    for group in ("invites", "checkin"):  # a group's options, named with its commands
        if command.startswith(f"{group} "):
            real |= help_options(run, group)
    listed = set().union(*(listed_options(part(page, start), start)
                           for page, start in OPTION_DOCS[command]))
    # An option --help leaves out (an older name kept working) must still be parsed.
    hidden = {o for o in listed - real
              if "No such option" not in run(*command.split(), o, "x", "--help").stderr}
    assert sorted(listed - real - hidden) == [], \
        f"the docs list options `wic {command}` does not have"


@pytest.mark.parametrize("command", sorted(OPTION_DOCS), ids=lambda c: c or "wic")
def test_an_option_row_names_every_choice(run: Runner, command: str) -> None:
    """A row of an option table that shows `-f, --format ...` names each of its values."""
    result = run(*command.split(), "--help", environ={"COLUMNS": "200"})
    choices = dict(re.findall(r"^  (?:-\w, )?(--[\w-]+) <([\w|-]+)>", result.stdout, re.M))
    text = "\n".join(part(page, start) for page, start in OPTION_DOCS[command])
    for row in re.findall(r"^\| `-.*$", text, flags=re.M):
        first, rest = row[1:].split(" | ", 1)
        for option in set(OPTION.findall(first)) & set(choices):
            values = choices[option].split("|")
            missing = [v for v in values if not re.search(rf"(?<![\w-]){v}(?![\w-])", row)]
            assert missing == [], f"docs of `wic {command} {option}` leave out {missing}"
