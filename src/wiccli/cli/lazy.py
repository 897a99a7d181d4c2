"""Commands whose module is imported only when they run.

Importing every command module (and building every command's options) costs more
than the whole of ``wic agenda``. The root group therefore starts with a placeholder
per command, carrying the command's name and one-line help, which is all that
``wic --help`` shows. Running a command, asking for its help or completing its
options imports its module, registers it on a scratch Typer app and swaps the real
commands in for the placeholders.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup


class Placeholder(TyperCommand):
    """Stands in for a command until it is needed; knows only its module and help."""

    def __init__(self, name: str, module: str, help_text: str) -> None:
        super().__init__(name, help=help_text)
        self.module = module


class LazyGroup(TyperGroup):
    """A Typer group that imports a command's module on first use.

    The commands come from :attr:`COMMANDS` (name -> (module, one-line help)), which a
    subclass sets; each module has ``register(app)`` as for an eager Typer app.
    """

    COMMANDS: Mapping[str, tuple[str, str]] = {}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._listing = False
        for name, (module, help_text) in self.COMMANDS.items():
            self.commands.setdefault(name, Placeholder(name, module, help_text))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if isinstance(command, Placeholder) and not self._listing:
            self.load(command.module)
            command = self.commands.get(cmd_name)
        return command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of ``--help``, from the placeholders: no module imported."""
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def load(self, module_name: str) -> None:
        """Import a module, register its commands, put them in place of the placeholders."""
        scratch = typer.Typer(rich_markup_mode=self.rich_markup_mode)
        importlib.import_module(module_name).register(scratch)
        for name, command in typer.main.get_group(scratch).commands.items():
            self.commands[name] = command
