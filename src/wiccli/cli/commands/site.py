"""``wic site``: the programme as a static website (no server, no JavaScript needed)."""

from __future__ import annotations

from typing import Annotated

import typer

from wiccli.cli.options import TzOpt
from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.errors import UsageError

OutDirOpt = Annotated[
    str,
    typer.Option("--out-dir", "-o", metavar="DIR",
                 help="Folder for the site; replaced whole, so new, empty or an earlier site."),
]


@command()
def site(out_dir: OutDirOpt, tz: TzOpt = None) -> None:
    """Write the programme as a static website: day grids, a page per session, .ics files."""
    from wiccli import __version__
    from wiccli.ics import export_stamp
    from wiccli.publish.site import render_site, write_site

    if not out_dir.strip():
        raise UsageError("--out-dir: give a folder name")
    state = current()
    event = state.event()
    stamp = export_stamp(event, state.env.environ, state.env.now)
    files = render_site(event, state.zone(tz), stamp, __version__)
    epoch = state.env.environ.get("SOURCE_DATE_EPOCH", "").strip()
    write_site(files, state.env.cwd / out_dir, out_dir, int(epoch) if epoch else None)
    pages = sum(1 for name in files if name.endswith(".html"))
    state.env.message(f"wrote {pages} pages and {len(files) - pages} other files to {out_dir}")
