"""Start-up cost: what `wic agenda` imports, and option parsing without Pydantic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, Runner

# Run wic in a fresh interpreter, then list every module it imported.
PROBE = """
import json, sys
from wiccli.cli.main import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""

HEAVY = ("icalendar", "tomli_w", "tomlkit", "pycountry", "defusedxml", "csv", "jsonschema",
         "pydantic", "xmlschema", "filelock")


def imported_by(tmp_path: Path, *argv: str) -> set[str]:
    out = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *argv], cwd=tmp_path,
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return set(json.loads(out.read_text()))


def top_level(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


@pytest.mark.parametrize("fmt", ["json", "table", "tsv"])
def test_agenda_imports_nothing_heavy(tmp_path: Path, fmt: str) -> None:
    found = top_level(imported_by(tmp_path, "agenda", "-d", "2", "-f", fmt))
    assert "wiccli" in found
    assert sorted(found & set(HEAVY)) == []


def test_agenda_json_does_not_import_rich(tmp_path: Path) -> None:
    found = top_level(imported_by(tmp_path, "agenda", "-d", "2", "-f", "json"))
    assert "rich" not in found


def test_csv_is_imported_only_for_csv(tmp_path: Path) -> None:
    assert "csv" in imported_by(tmp_path, "agenda", "-d", "2", "-f", "csv")


def test_bad_choice_names_the_option_and_the_choices(run: Runner) -> None:
    result = run("agenda", "-f", "bogus")
    assert result.code == 2
    assert result.stdout == ""
    assert "Invalid value for '--format' / '-f'" in result.stderr
    assert "'bogus' is not one of 'table', 'json', 'jsonl', 'csv', 'tsv'" in result.stderr


def test_choices_ignore_case_and_lists_repeat(run: Runner) -> None:
    upper = run("agenda", "-f", "JSON", "-d", "2", "-t", "security", "-t", "innovation")
    lower = run("agenda", "-f", "json", "-d", "2", "-t", "innovation", "-t", "security")
    assert upper.code == lower.code == 0
    records = json.loads(upper.stdout)
    assert records == json.loads(lower.stdout)
    assert records
    assert {r["theme"] for r in records} == {"security", "innovation"}


def test_options_of_other_types_still_parse(run: Runner) -> None:
    # --event takes a string; an integer option goes through Typer's own coercion.
    ok = run("--event", str(DATA / "minimal.toml"), "agenda", "-f", "json")
    assert ok.code == 0, ok.stderr
    assert [r["id"] for r in json.loads(ok.stdout)] == ["keynote", "web-forum"]


def test_the_command_table_matches_the_modules() -> None:
    import typer

    from wiccli.cli.app import WicGroup

    modules = dict.fromkeys(module for module, _ in WicGroup.COMMANDS.values())
    found: dict[str, tuple[str, str]] = {}
    for name in modules:
        scratch = typer.Typer(rich_markup_mode=None)
        __import__(name, fromlist=["register"]).register(scratch)
        for command_name, command in typer.main.get_group(scratch).commands.items():
            found[command_name] = (name, command.get_short_help_str(10_000))
    assert found == dict(WicGroup.COMMANDS)


def test_help_lists_every_command_without_importing_them(tmp_path: Path, run: Runner) -> None:
    from wiccli.cli.app import WicGroup

    loaded = imported_by(tmp_path, "--help")
    assert not {m for m in loaded if m.startswith("wiccli.cli.")} - {
        "wiccli.cli.app", "wiccli.cli.coerce", "wiccli.cli.lazy", "wiccli.cli.main",
        "wiccli.cli.state"}
    shown = run("--help").stdout
    for name in WicGroup.COMMANDS:
        assert f"\n  {name} " in shown


def test_agenda_imports_only_its_own_command_module(tmp_path: Path) -> None:
    loaded = imported_by(tmp_path, "agenda", "-d", "2")
    assert "wiccli.cli.agenda" in loaded
    for other in ("wiccli.cli.export_ics", "wiccli.cli.authoring", "wiccli.cli.frab",
                  "wiccli.cli.invites", "wiccli.invites.ledger", "wiccli.ics"):
        assert other not in loaded
