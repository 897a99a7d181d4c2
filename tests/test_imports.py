"""Start-up cost: what `wic agenda` imports, and option parsing without Pydantic."""

from __future__ import annotations

import json
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, Runner

# Run wic in a fresh interpreter, then list every module it imported.
PROBE = """
import json, sys
from wiccli.cli.main import main
if main(sys.argv[2:]) != 0:
    sys.exit("wic failed")
with open(sys.argv[1], "w") as handle:
    json.dump(sorted(sys.modules), handle)
"""

HEAVY = ("icalendar", "tomli_w", "tomlkit", "pycountry", "defusedxml", "csv", "jsonschema",
         "pydantic", "xmlschema", "filelock", "sqlite3", "psycopg", "weasyprint", "segno")


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


def test_help_lists_the_command_modules_and_imports_none(tmp_path: Path, run: Runner) -> None:
    from wiccli.cli import commands

    modules = {m.name for m in pkgutil.iter_modules(commands.__path__) if m.name[0] != "_"}
    names = {m.rstrip("_").replace("_", "-") for m in modules}
    listing = run("--help").stdout.split("Commands:", 1)[1]
    assert set(re.findall(r"^  ([a-z-]+)  ", listing, flags=re.M)) == names
    loaded = imported_by(tmp_path, "--help")
    assert {m for m in loaded if m.startswith("wiccli.cli.commands.")} == set()
    assert not {m for m in loaded if m.startswith(("wiccli.invites", "wiccli.ics",
                                                   "wiccli.frab", "wiccli.authoring"))}


def walk(group: object, path: str = "") -> dict[str, object]:
    """Command path -> the built Click command, for every command and group."""
    found: dict[str, object] = {}
    for name in group.list_commands(None):  # type: ignore[attr-defined]
        command = group.get_command(None, name)  # type: ignore[attr-defined]
        found[f"{path} {name}".strip()] = command
        if hasattr(command, "list_commands"):
            found.update(walk(command, f"{path} {name}".strip()))
    return found


def test_help_lines_are_each_commands_own(run: Runner) -> None:
    """What --help lists is read from the source; it must be what the command says."""
    from wiccli.cli.app import cli

    commands = walk(cli())
    assert len(commands) > 20
    for path, command in commands.items():
        group, _, name = path.rpartition(" ")
        listing = run(*group.split(), "--help").stdout.split("Commands:", 1)[1]
        line = re.search(rf"^  {re.escape(name)} +(.*)$", listing, flags=re.M)
        assert line is not None, path
        full = command.get_short_help_str(10_000)  # type: ignore[attr-defined]
        shown = line[1].removesuffix("...")
        assert full.startswith(shown), path
        assert shown == full or line[1].endswith("..."), path


def test_the_app_is_built_once(run: Runner) -> None:
    from wiccli.cli.app import cli

    assert run("invites", "--help").code == 0
    group, first = cli(), cli().commands["invites"]
    assert run("invites", "--help").code == 0
    assert cli() is group
    assert cli().commands["invites"] is first
    assert run("invites", "--help").stdout.count("\n  accept ") == 1


def _typer_release() -> str:
    import typer

    return ".".join(typer.__version__.split(".")[:2])


def test_coercion_shortcut_is_installed() -> None:
    """cli/coerce.py hooks Typer internals; on the Typers it knows, it must be in place."""
    import typer.core

    from wiccli.cli import app, coerce

    if os.environ.get(coerce.SWITCH, "0") not in ("", "0"):
        pytest.skip(f"{coerce.SWITCH} is set: this run checks wic without the hook")
    if _typer_release() not in coerce.KNOWN_TYPERS:
        pytest.skip(f"the coercion hook knows Typer {', '.join(coerce.KNOWN_TYPERS)}, "
                    f"not {typer.__version__}: wic runs on Typer's own coercion")
    assert app.coerce is coerce
    assert coerce.installed()
    assert typer.core.build_runtime_param.__module__ == "wiccli.cli.coerce"


# Run `wic agenda` in a fresh interpreter after SETUP; print whether the hook is in place,
# whether Pydantic was imported, and what wic wrote.
HOOK_PROBE = """
import io, json, sys
exec(sys.argv[1])
from wiccli.cli.main import main
from wiccli.env import Env
out, err = io.StringIO(), io.StringIO()
code = main(["agenda", "-d", "2", "-f", "json", "-t", "SECURITY"],
            Env(stdout=out, stderr=err, stdout_isatty=False, stderr_isatty=False))
from wiccli.cli import coerce
print(json.dumps({"code": code, "installed": coerce.installed(), "out": out.getvalue(),
                  "err": err.getvalue(), "pydantic": "pydantic" in sys.modules}))
"""
# A Typer whose internals moved: the class the hook subclasses has other fields.
MOVED = """
import dataclasses
from typer import _coercion
@dataclasses.dataclass(frozen=True)
class RuntimeParam:
    descriptor: object
    def _coerce_value(self, value, param, ctx): raise AssertionError("not Typer's")
_coercion.RuntimeParam = RuntimeParam
"""


def _hook_probe(tmp_path: Path, setup: str = "", **environ: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIC_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), **environ)
    done = subprocess.run([sys.executable, "-c", HOOK_PROBE, setup], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def _needs_the_hook() -> None:
    from wiccli.cli import coerce

    if _typer_release() not in coerce.KNOWN_TYPERS:
        pytest.skip("this Typer has no hook to turn off")


def test_the_switch_turns_the_hook_off_and_changes_nothing_else(tmp_path: Path) -> None:
    _needs_the_hook()
    fast = _hook_probe(tmp_path)
    slow = _hook_probe(tmp_path, WIC_NO_FAST_COERCE="1")
    assert fast["installed"]
    assert not fast["pydantic"]
    assert not slow["installed"]
    assert slow["pydantic"]  # Typer's own coercion ran
    assert fast["code"] == slow["code"] == 0
    assert fast["out"] == slow["out"] != "[]\n"
    assert fast["err"] == slow["err"] == ""


def test_the_hook_stands_aside_when_typers_internals_differ(tmp_path: Path) -> None:
    _needs_the_hook()
    moved = _hook_probe(tmp_path, MOVED)
    assert moved["installed"] is False
    assert moved["code"] == 0
    assert moved["err"] == ""
    assert moved["out"] == _hook_probe(tmp_path)["out"]


def test_agenda_imports_only_its_own_command_module(tmp_path: Path) -> None:
    loaded = imported_by(tmp_path, "agenda", "-d", "2")
    assert "wiccli.cli.commands.agenda" in loaded
    commands = {m for m in loaded if m.startswith("wiccli.cli.commands.")}
    assert commands == {"wiccli.cli.commands.agenda"}
    for other in ("wiccli.invites.ledger", "wiccli.ics", "wiccli.frab.export"):
        assert other not in loaded
