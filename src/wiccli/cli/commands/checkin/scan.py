"""``wic checkin scan``: judge the tokens given (or a stream of them), then exit."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.commands.checkin._common import open_desk, options
from wiccli.cli.registry import command


@command()
def scan(
    inputs: Annotated[list[str], typer.Argument(
        metavar="TOKEN|-", show_default=False,
        help="Badge tokens, or - for a stream of lines on standard input (one scan a line).")],
) -> None:
    """Judge these badge tokens (or - : one a line from standard input) and record each scan.

    The same as `wic checkin TOKEN...`. Exit status 0 when every scan was admitted, 1 when
    any was refused.
    """
    from wiccli.cli.checkin_desk import Interrupted, shielded
    from wiccli.cli.checkin_view import ScanOutput
    from wiccli.door.rules import lines
    from wiccli.errors import DataError, UsageError
    from wiccli.text import plural

    opts = options()
    if "-" in inputs and inputs != ["-"]:
        raise UsageError("give badge tokens, or - alone for a stream on standard input")
    with open_desk(opts) as (state, event, desk):
        shown = ScanOutput(state.env, opts.fmt, event)
        source = lines(state.env.stdin) if inputs == ["-"] else iter(inputs)
        try:
            for text in source:
                with shielded():  # Ctrl-C: after this scan, never inside it
                    shown.add(desk.scan(text))
        except KeyboardInterrupt:
            shown.finish()
            raise Interrupted(f"interrupted after {plural(shown.count, 'scan')}, each "
                              "recorded") from None
        shown.finish()
    refused = shown.refused
    if refused:
        raise DataError(f"{refused:,} of {plural(shown.count, 'scan')} refused")
