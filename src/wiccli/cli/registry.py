"""Commands are modules: a package of commands is a group, imported one module at a time.

Each module under :mod:`wiccli.cli.commands` holds one command, marked with
:func:`command`; a sub-package is a group (its ``__init__`` marks the group's callback
with :func:`group`) whose modules are its sub-commands. The command's name is the
module's: ``export_ics.py`` is ``export-ics``, ``import_.py`` is ``import``; modules
whose name starts with ``_`` hold helpers. Nothing lists the commands a second time.

Running a command imports only its module (so ``wic agenda`` never loads the iCalendar
or ledger code); ``--help`` lists the commands with the first paragraph of each one's
help, read from its file, so it imports none. Each command is built once per process.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

F = TypeVar("F", bound=Callable[..., Any])

# module name -> ("command" | "group", the function, Typer settings)
_MARKED: dict[str, tuple[str, Callable[..., Any], dict[str, Any]]] = {}


def _mark(kind: str, settings: dict[str, Any]) -> Callable[[F], F]:
    def mark(function: F) -> F:
        module = function.__module__
        if module in _MARKED and _MARKED[module][1] is not function:
            raise RuntimeError(f"{module} marks two commands; one module holds one command")
        _MARKED[module] = (kind, function, settings)
        return function

    return mark


def command(**settings: Any) -> Callable[[F], F]:
    """Make the function this module's command; ``settings`` go to ``Typer.command``.

    The help is the function's docstring, the options its ``Annotated`` parameters.
    """
    return _mark("command", settings)


def group(**settings: Any) -> Callable[[F], F]:
    """Make the function the callback (the group's own options) of this package's group."""
    return _mark("group", settings)


def command_name(module: str) -> str:
    return module.rpartition(".")[2].rstrip("_").replace("_", "-")


# The help of a marked function, read from its source: what a listing shows.
_HELP = re.compile(r'^@(?:command|group)\(.*?^def \w+\(.*?\)(?:\s*->\s*[^:\n]+)?:\s*"""(.*?)"""',
                   re.S | re.M)


def summary(path: Path) -> str:
    """The first paragraph of a command's help, without importing its module."""
    found = _HELP.search(path.read_text(encoding="utf-8"))
    return " ".join(found[1].split("\n\n")[0].split()) if found else ""


class CommandPackage(TyperGroup):
    """A Typer group whose commands are the modules of :attr:`package`."""

    package = "wiccli.cli.commands"
    _listing = False

    def _modules(self) -> dict[str, tuple[str, Path]]:
        """Command name -> (module, file), from the package's folder (nothing imported)."""
        folder = Path(importlib.import_module(self.package).__path__[0])
        return {command_name(info.name): (f"{self.package}.{info.name}",
                                          folder / info.name / "__init__.py" if info.ispkg
                                          else folder / f"{info.name}.py")
                for info in pkgutil.iter_modules([str(folder)]) if not info.name.startswith("_")}

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted({*self.commands, *self._modules()})

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            found = self._modules().get(cmd_name)
            if found is None:
                return None
            if self._listing:  # --help lists names and help lines: no module imported
                return TyperCommand(cmd_name, help=summary(found[1]))
            self.commands[cmd_name] = build(found[0], cmd_name)
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


def build(module_name: str, name: str) -> Any:
    """Import a command's module and build its Click command (or group)."""
    importlib.import_module(module_name)
    if module_name not in _MARKED:
        raise RuntimeError(f"{module_name} has no @command or @group")
    kind, function, settings = _MARKED[module_name]
    scratch = typer.Typer(rich_markup_mode=None)
    if kind == "command":
        from wiccli.cli.usage import Command

        scratch.command(name, cls=Command, **settings)(function)
        return typer.main.get_group(scratch).commands[name]
    # A group may bring its own CommandPackage (``cls``: one with a default command, say).
    sub = typer.Typer(name=name, rich_markup_mode=None, **{"cls": CommandPackage, **settings})
    sub.callback()(function)
    scratch.add_typer(sub)
    built = typer.main.get_group(scratch).commands[name]
    assert isinstance(built, CommandPackage)
    built.package = module_name
    return built
