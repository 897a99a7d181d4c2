"""How a command's arguments read in its help: by the names the user types, not by type.

Typer 0.29 puts each value's Python type after its name (``OLD <str>``) and braces round
a required argument in the usage line (``wic diff {OLD} {NEW}``); older Typers show the
names. wic's commands show the names on every Typer: these two overrides are Click's
public extension points for a command's usage line and its lists of parameters.
An option shows its ``metavar``; every option that takes a value declares one.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand


def argument_name(param: Any) -> str:
    """``ID``, ``[DIR]``, ``[ID]...``: the metavar (or upper-cased name), with Click's marks
    for an optional argument and for one that takes several values."""
    name = str(param.metavar or (param.name or "").upper())
    if not param.required:
        name = f"[{name}]"
    return f"{name}..." if param.nargs != 1 else name


class Command(TyperCommand):
    """A Typer command whose help names its arguments as the user writes them."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        return pieces + [argument_name(p) for p in self.get_params(ctx)
                         if p.param_type_name == "argument"]

    def format_options(self, ctx: Any, formatter: Any) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((argument_name(param).removesuffix("..."), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
