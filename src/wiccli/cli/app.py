"""The Typer application: global options, and every command group registered."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli import __version__
from wiccli.cli import coerce
from wiccli.cli.lazy import LazyGroup
from wiccli.cli.state import get_state

coerce.install()  # keep Pydantic out of start-up (see wiccli.cli.coerce)

AGENDA, AUTHORING = "wiccli.cli.agenda", "wiccli.cli.authoring"
FRAB, ICS, INVITES = "wiccli.cli.frab", "wiccli.cli.export_ics", "wiccli.cli.invites"


class WicGroup(LazyGroup):
    """Every command in the order ``wic --help`` lists it: the module whose ``register(app)``
    adds it, and its one-line help. A module is imported only when one of its commands
    runs; tests/test_imports.py checks this table against the modules."""

    COMMANDS = {
        "info": (AGENDA, "What the loaded event is: dates, time zone, venues, themes, "
                         "counts, the file."),
        "themes": (AGENDA, "The themes, with their number of sub-forums."),
        "forums": (AGENDA, "Sub-forums grouped by theme, in time order."),
        "agenda": (AGENDA, "Every session of one day (or all days), in time order."),
        "show": (AGENDA, "One session in full."),
        "export-ics": (ICS, "Export sessions as an iCalendar (.ics) file; re-importing it "
                            "updates them."),
        "validate": (AUTHORING, "Check an event file: every error and warning, with its "
                                "line, and a summary."),
        "init": (AUTHORING, "Write a new, commented event file to start from."),
        "diff": (AUTHORING, "What changed between two versions of an event file, and which "
                            "sequences to raise."),
        "schema": (AUTHORING, "Print a JSON Schema of the event file, for editors that check "
                              "TOML as you type."),
        "export-frab": (FRAB, "Export sessions as a frab / c3voc schedule (schedule.xml or "
                              "schedule.json)."),
        "import": (FRAB, "Import a frab / c3voc schedule (pentabarf, frab, pretalx, OSEM) as "
                         "a wic event file."),
        "invites": (INVITES, "Invitations: who was invited, who answered, who came (a ledger "
                             "beside the event)."),
    }


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
    cls=WicGroup,
)


def _version(value: bool) -> None:
    if value:
        print(f"wic {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
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
    state = get_state(ctx)
    state.event_option = event
    state.debug = debug

