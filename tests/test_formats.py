"""One output path: every listing command offers every format, and all show the same rows."""

from __future__ import annotations

import csv
import inspect
import io
import json
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, ROOT, Runner, write
from wiccli.output.formats import Format

GUESTS = DATA / "guests-formulas.csv"
SESSION = "opening-ceremony"


def listings(tmp_path: Path) -> dict[str, list[str]]:
    """A command line of every listing command, by its command path."""
    ledger = ["invites", "--ledger", str(tmp_path / "ledger.db")]
    return {
        "agenda": ["agenda", "-d", "2"], "forums": ["forums"], "themes": ["themes"],
        "info": ["info"], "show": ["show", SESSION],
        "validate": ["validate", str(DATA / "warnings-every-class.toml")],
        "diff": ["diff", str(DATA / "diff-old.toml"), str(DATA / "diff-new.toml")],
        "invites status": [*ledger, "status"], "invites list": [*ledger, "list"],
        "invites export": [*ledger, "export"],
        "invites history": [*ledger, "history", "inv-"],
        "invites report": [*ledger, "report"],
        "checkin stats": ["checkin", "--ledger", str(tmp_path / "ledger.db"), "stats"],
        "now": ["now", "--at", "2018-11-08T10:00"],
        "invites replies": [*ledger, "replies", str(DATA / "mail" / "plain-text-answer.eml")],
    }


def format_types(command: object, path: str = "") -> dict[str, object]:
    """Command path -> the type of its --format, for every command that has one."""
    from wiccli.cli.app import cli

    found: dict[str, object] = {}
    group = command or cli()
    for name in group.list_commands(None):  # type: ignore[attr-defined]
        sub = group.get_command(None, name)  # type: ignore[attr-defined]
        where = f"{path} {name}".strip()
        if hasattr(sub, "list_commands"):
            found.update(format_types(sub, where))
        for param in sub.params:
            if "--format" in getattr(param, "opts", ()):
                found[where] = _annotation(sub.callback, param.name)
    return found


def _annotation(callback: Any, name: str) -> object:
    """The type a command function declares for its parameter ``name`` (Typer wraps the
    function with functools.update_wrapper, which keeps it as ``__wrapped__``)."""
    hints = typing.get_type_hints(inspect.unwrap(callback))
    kind = hints[name]
    # An optional format (`Format | None`: a profile may choose it instead) is that format.
    given = [a for a in typing.get_args(kind) if a is not type(None)]
    return given[0] if len(given) == 1 and type(None) in typing.get_args(kind) else kind


def test_every_listing_command_offers_every_format(tmp_path: Path) -> None:
    """A command with a table view takes the one Format; export-frab and import have
    --format for a file format of their own (xml or json; what a schedule is)."""
    types = format_types(None)
    # `invites export` offers every format and toml (the whole ledger, to keep).
    every = sorted(path for path, kind in types.items()
                   if kind is Format or {f.value for f in Format} < {m.value for m in kind})  # type: ignore[attr-defined]
    # `checkin` itself judges badge tokens: its records (one a scan) are tested with real
    # badges in test_checkin.py.
    assert every == sorted([*listings(tmp_path), "checkin"])
    others = {path: [m.value for m in kind] for path, kind in types.items()  # type: ignore[attr-defined]
              if path not in every}
    assert sorted(others) == ["export-frab", "import"]
    assert not any("table" in choices for choices in others.values())


def rows(fmt: Format, text: str) -> int:
    """How many records ``text`` in ``fmt`` holds."""
    if fmt is Format.json:
        return len(json.loads(text))
    if fmt is Format.jsonl:
        return len([json.loads(line) for line in text.splitlines()])
    if fmt is Format.markdown:
        lines = text.splitlines()
        assert lines[1].startswith("| --- |")
        assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
        return len(lines) - 2
    table = list(csv.reader(io.StringIO(text), delimiter="," if fmt is Format.csv else "\t"))
    assert len({len(r) for r in table}) == 1, "every row has the header's cells"
    return len(table) - 1


@pytest.mark.parametrize("name", sorted(listings(Path())))
def test_every_format_shows_the_same_rows(run: Runner, tmp_path: Path, name: str) -> None:
    assert run("invites", "--ledger", str(tmp_path / "ledger.toml"), "import",
               str(GUESTS)).code == 0
    argv = listings(tmp_path)[name]
    if name == "invites history":
        first = run(*argv[:3], "list", "-f", "jsonl").stdout.splitlines()[0]
        argv[-1] = json.loads(first)["id"]
    counts = {}
    for fmt in Format:
        result = run(*argv, "-f", fmt.value)
        if name == "invites export" and fmt is Format.table:
            assert result.code == 2
            assert "wic invites list" in result.stderr
            continue
        assert result.code == 0, (fmt, result.stderr)
        assert result.stdout, (name, fmt)
        document = fmt is Format.json and result.stdout[0] == "{"
        announcement = name == "diff" and fmt is Format.markdown
        if fmt is not Format.table and not document and not announcement:
            counts[fmt] = rows(fmt, result.stdout)
    assert len(set(counts.values())) == 1, counts
    assert next(iter(counts.values())) > 0


def test_markdown_escapes_pipes_and_line_breaks(run: Runner, tmp_path: Path) -> None:
    event = (ROOT / "tests" / "data" / "minimal.toml").read_text(encoding="utf-8")
    path = write(tmp_path / "pipes.toml", event.replace('title = "', 'title = "A | B\\nC ', 1))
    result = run("-e", str(path), "agenda", "-f", "markdown")
    assert result.code == 0, result.stderr
    assert "| A \\| B<br>C " in result.stdout


# --------------------------------------------------------------------------- spreadsheets

FORMULA = ("=", "+", "-", "@", "\t", "\r")
HARMLESS = re.compile(r"[+-](\d+(\.\d+)?([eE][+-]?\d+)?|\d{2}:\d{2})")


def hostile_event(tmp_path: Path) -> Path:
    """The bundled event with every title, name and description starting like a formula."""
    text = (ROOT / "data" / "wic2018.toml").read_text(encoding="utf-8")
    for key, start in (("title", "=HYPERLINK(\\\"http://x\\\")"), ("name", "@SUM(A1:A9)"),
                       ("description", "+cmd|' /C calc'!A0"), ("address", "-1+2")):
        text = re.sub(rf'^{key} = "', f'{key} = "{start} ', text, flags=re.MULTILINE)
    return write(tmp_path / "hostile.toml", text)


@pytest.mark.parametrize("fmt", [Format.csv, Format.tsv])
@pytest.mark.parametrize("name", sorted(listings(Path())))
def test_no_listing_writes_a_formula(run: Runner, tmp_path: Path, name: str,
                                     fmt: Format) -> None:
    """Every listing command, given hostile titles and names, writes no cell a spreadsheet
    would run; the hostile text is there, quoted."""
    event = hostile_event(tmp_path)
    argv = ["-e", str(event), *listings(tmp_path)[name]]
    if name == "diff":
        argv[-2:] = [str(ROOT / "data" / "wic2018.toml"), str(event)]
    ledger = ["-e", str(event), "invites", "--ledger", str(tmp_path / "ledger.db")]
    assert run(*ledger, "import", str(GUESTS)).code == 0
    if name == "invites history":
        entries = map(json.loads, run(*ledger, "list", "-f", "jsonl").stdout.splitlines())
        argv[-1] = next(e["id"] for e in entries if e["note"].startswith("@"))
    result = run(*argv, "-f", fmt.value)
    assert result.code == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout), delimiter="," if fmt is Format.csv
                            else "\t"))
    cells = [cell for row in table for cell in row]
    assert [c for c in cells if c.startswith(FORMULA) and not HARMLESS.fullmatch(c)] == []
    if name not in ("invites status", "invites replies", "themes", "validate"):
        assert any(c.startswith(("'=", "'+", "'-", "'@")) for c in cells), cells[:20]


@pytest.mark.parametrize(("cell", "written"), [
    ("=x", "'=x"), ("+x", "'+x"), ("-x", "'-x"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("x=y", "x=y"), ("-3", "-3"), ("+1.5", "+1.5"), ("-2e3", "-2e3"),
    ("-05:00", "-05:00"), ("2018-11-08T09:00:00+08:00", "2018-11-08T09:00:00+08:00"),
    ("-3+cmd|' /C calc'!A0", "'-3+cmd|' /C calc'!A0"), ("-", "'-"), ("-1-1", "'-1-1"),
    ("=", "'="), ("'=x", "'=x"), ("", ""),
])
def test_spreadsheet_cell(cell: str, written: str) -> None:
    from wiccli.output.render import spreadsheet_cell

    assert spreadsheet_cell(cell) == written
