"""The Typer application: the global options; the commands are the modules of
:mod:`wiccli.cli.commands` (see :mod:`wiccli.cli.registry`)."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

import typer

from wiccli import __version__
from wiccli.cli import coerce
from wiccli.cli.registry import CommandPackage
from wiccli.cli.state import current

coerce.install()  # keep Pydantic out of start-up (see wiccli.cli.coerce)

HELP = """Conference agendas and invitations from one TOML event file.

Without --event, wic reads $WIC_EVENT, else ./wic.toml, else the bundled
5th World Internet Conference (Wuzhen, 7–9 November 2018).
"""

app = typer.Typer(
    name="wic",
    help=HELP,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    cls=CommandPackage,
)


def _version(value: bool) -> None:
    if value:
        print(f"wic {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    event: Annotated[
        str | None,
        typer.Option("--event", "-e", metavar="PATH",
                     help="Event file (default: $WIC_EVENT, ./wic.toml, the bundled WIC 2018)."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show a traceback on errors.")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Show the version and exit.")
    ] = False,
) -> None:
    state = current()
    state.event_option = event
    state.debug = debug


@cache
def cli() -> Any:
    """The Click command behind ``wic``, built once per process (its commands as they run)."""
    return typer.main.get_command(app)
