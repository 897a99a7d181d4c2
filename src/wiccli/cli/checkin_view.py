"""How the door shows a scan: a verdict panel read at arm's length, or one record a scan."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from wiccli.cli.listing import Format, Listing, output
from wiccli.env import Env
from wiccli.event.model import Event
from wiccli.output.render import Column, TableSpec

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wiccli.door.rules import Guest, Scan

# Letters five rows high, for the one word of a verdict.
_FONT = {
    "A": (" ███ ", "█   █", "█████", "█   █", "█   █"),
    "D": ("████ ", "█   █", "█   █", "█   █", "████ "),
    "E": ("█████", "█    ", "████ ", "█    ", "█████"),
    "F": ("█████", "█    ", "████ ", "█    ", "█    "),
    "I": ("███", " █ ", " █ ", " █ ", "███"),
    "M": ("█   █", "██ ██", "█ █ █", "█   █", "█   █"),
    "R": ("████ ", "█   █", "████ ", "█  █ ", "█   █"),
    "S": (" ████", "█    ", " ███ ", "    █", "████ "),
    "T": ("█████", "  █  ", "  █  ", "  █  ", "  █  "),
    "U": ("█   █", "█   █", "█   █", "█   █", " ███ "),
    "X": ("█   █", " █ █ ", "  █  ", " █ █ ", "█   █"),
}
STYLES = {"ADMITTED": "bold bright_white on green4", "REFUSED": "bold bright_white on red3",
          "EXIT": "bold bright_white on blue"}


def big(word: str) -> str:
    """``word`` in block letters, five lines."""
    return "\n".join(" ".join(_FONT[c][row] for c in word) for row in range(5))


def word_of(scan: Scan) -> str:
    if not scan.admitted:
        return "REFUSED"
    return "EXIT" if scan.direction == "out" else "ADMITTED"


def local(at: datetime | None, event: Event) -> str:
    if at is None:
        return ""
    from zoneinfo import ZoneInfo

    return at.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")


def local_seconds(at: str, event: Event) -> str:
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(at).astimezone(ZoneInfo(event.timezone)).strftime("%H:%M:%S")


def seats(guest: Guest) -> str:
    return "1 seat" if guest.quantity == 1 else f"{guest.quantity:,} seats"


def category_name(event: Event, key: str) -> str:
    found = next((c for c in event.invitations.categories if c.id == key), None)
    return found.name if found else key


def details(scan: Scan, event: Event) -> list[str]:
    """The lines under the verdict's word: who, and why or which entry."""
    guest = scan.guest
    lines = []
    if guest is not None:
        lines.append(guest.name)
        lines.append(f"{category_name(event, guest.category)} · {seats(guest)}")
    if not scan.admitted:
        lines.append(scan.reason)
    elif scan.entry == "first entry":
        lines.append("first entry")
    else:
        since = f": first in {local(scan.first_at, event)} at desk {scan.first_desk}" \
            if scan.first_at else ""
        lines.append(f"{scan.entry}{since}")
    return lines


def panel(scan: Scan, event: Event, width: int) -> RenderableType:
    """The verdict: one coloured panel, the word in block letters when the terminal is wide
    enough, then the guest and the reason."""
    from rich.align import Align
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    word = word_of(scan)
    head = Align.center(Text(big(word) if width >= 60 else word, no_wrap=True))
    lines = details(scan, event)
    body = [Text(lines[0], style="bold", justify="center")] if lines else []
    body += [Text(line, justify="center") for line in lines[1:]]
    return Panel(Group(head, Text(""), *body), style=STYLES[word], padding=(1, 2))


def matches_view(found: list[Guest], event: Event, limit: int) -> RenderableType:
    """The guests whose names match what was typed, numbered to pick from."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="Pick by number (Enter: none)", title_style="bold", expand=True)
    table.add_column("#", no_wrap=True, justify="right")
    table.add_column("Name", min_width=20, ratio=3, overflow="fold")
    table.add_column("Category", ratio=2, no_wrap=True, overflow="ellipsis")
    table.add_column("Seats", no_wrap=True, justify="right")
    table.add_column("Status", no_wrap=True)
    for number, guest in enumerate(found[:limit], 1):  # Text: a name is never markup
        table.add_row(str(number), Text(guest.name), Text(category_name(event, guest.category)),
                      str(guest.quantity), guest.status)
    if len(found) > limit:
        table.caption = f"more than {limit}: type more of the name"
    return table


# --------------------------------------------------------------------------- records

SCAN_FIELDS = ("id", "at", "desk", "direction", "session", "input", "token", "entry_id",
               "verdict", "reason", "entry", "name", "category", "seats")


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def scans_spec(event: Event) -> TableSpec:
    return TableSpec(
        title=f"Scans (times in {event.timezone})",
        columns=[Column("Time", "at", no_wrap=True, cell=lambda v: local_seconds(str(v), event)),
                 Column("Verdict", "verdict", no_wrap=True),
                 Column("Name", "name", min_width=20),
                 Column("Category", "category", no_wrap=True,
                        cell=lambda v: _short(category_name(event, v), 16) if v else ""),
                 Column("Seats", "seats", justify="right"),
                 Column("Entry or reason", "why", min_width=14)],
        empty="no scans", fields=SCAN_FIELDS,
        row_style=lambda r: "green" if r["verdict"] == "admitted" else "red")


class ScanOutput:
    """Scans shown as they come: JSON lines at once (a pipeline reads each verdict as it is
    made), every other format once the scans are over."""

    def __init__(self, env: Env, fmt: Format, event: Event) -> None:
        self.env, self.fmt, self.event = env, fmt, event
        self.records: list[dict[str, Any]] = []
        self.count = self.refused = 0

    def add(self, scan: Scan) -> None:
        from wiccli.door.rules import record

        self.count += 1
        self.refused += not scan.admitted
        row = {**record(scan), "why": scan.reason or scan.entry}
        if self.fmt is Format.jsonl:
            from wiccli.output.formats import write_records

            write_records(self.env, Format.jsonl, [{k: row[k] for k in SCAN_FIELDS}],
                          SCAN_FIELDS)
            self.env.stdout.flush()
        else:
            self.records.append(row)

    def finish(self) -> None:
        if self.fmt is Format.jsonl:
            return
        nested = [{k: r[k] for k in SCAN_FIELDS} for r in self.records]
        output(self.env, self.fmt, Listing(self.records, scans_spec(self.event),
                                           nested=nested))
