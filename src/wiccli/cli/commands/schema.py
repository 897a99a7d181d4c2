"""``wic schema``: a JSON Schema of the event file, for editors."""

from __future__ import annotations

from wiccli.cli.registry import command
from wiccli.cli.state import current
from wiccli.output.render import write_json


@command()
def schema() -> None:
    """Print a JSON Schema of the event file, for editors that check TOML as you type."""
    from wiccli.authoring.schema import event_schema

    write_json(current().env, event_schema())

