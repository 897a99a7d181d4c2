"""How ``wic checkin stats`` shows its numbers: tables on a terminal, rows for scripts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from wiccli.cli.listing import Listing
from wiccli.env import Env
from wiccli.event.model import Event
from wiccli.output.render import Column, TableSpec, draw_table

if TYPE_CHECKING:
    from rich.console import RenderableType

Numbers = Mapping[str, Any]
# One flat row per line of every table, for csv and the other row formats.
FIELDS = ("table", "key", "name", "checked_in", "said_yes", "target", "inside", "capacity",
          "scans", "admitted", "refused", "exits")


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value:.0%}"


def rows(numbers: Numbers) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for c in numbers["categories"]:
        found.append({"table": "category", "key": c["group"], "name": c["name"],
                      "checked_in": c["checked_in"], "said_yes": c["said_yes"],
                      "target": c["target"]})
    t = numbers["totals"]
    found.append({"table": "total", "key": "total", "name": "Total",
                  "checked_in": t["checked_in"], "said_yes": t["said_yes"],
                  "target": t["target"], "inside": t["inside"], "scans": t["scans"]})
    for d in numbers["desks"]:
        found.append({"table": "desk", "key": d["desk"], "name": d["desk"],
                      **{k: d[k] for k in ("checked_in", "scans", "admitted", "refused",
                                           "exits")}})
    for h in numbers["hours"]:
        found.append({"table": "hour", "key": h["hour"], "name": h["hour"][11:16],
                      "checked_in": h["checked_in"], "scans": h["scans"]})
    for s in numbers["sessions"]:
        found.append({"table": "session", "key": s["session"], "name": s["title"],
                      "checked_in": s["checked_in"], "inside": s["inside"],
                      "capacity": s["capacity"]})
    return [{k: r.get(k) for k in FIELDS} for r in found]


def stats_listing(env: Env, numbers: Numbers, event: Event) -> Listing:
    return Listing(rows(numbers), TableSpec(columns=[], fields=FIELDS), document=numbers,
                   view=lambda: draw_stats(env, numbers, event))


def _specs(numbers: Numbers, event: Event) -> list[tuple[TableSpec, Sequence[Mapping[str, Any]]]]:
    t = numbers["totals"]
    categories = [*numbers["categories"],
                  {"name": "Total", "checked_in": t["checked_in"], "said_yes": t["said_yes"],
                   "target": t["target"], "share": (round(t["checked_in"] / t["said_yes"], 4)
                                                    if t["said_yes"] else None)}]
    return [
        (TableSpec(title=f"Checked in at {event.label}: {t['checked_in']:,}, inside now "
                         f"{t['inside']:,}",
                   columns=[Column("Category", "name", min_width=14),
                            _count("Checked in", "checked_in"),
                            _count("Said yes", "said_yes"),
                            _count("Share", "share", _percent),
                            _count("Target", "target")],
                   row_style=lambda r: "bold" if r["name"] == "Total" else ""), categories),
        (TableSpec(title="Per desk", empty="no scans yet",
                   columns=[Column("Desk", "desk"),
                            *(_count(h, k) for h, k in (
                                ("Checked in", "checked_in"), ("Scans", "scans"),
                                ("Admitted", "admitted"), ("Refused", "refused"),
                                ("Exits", "exits")))]), numbers["desks"]),
        (TableSpec(title=f"Per hour ({event.timezone})", empty="no scans yet",
                   columns=[Column("Hour", "hour", cell=lambda v: str(v)[:16].replace("T", " ")),
                            _count("Checked in", "checked_in"),
                            _count("Scans", "scans")]), numbers["hours"]),
        (TableSpec(title="Per session", empty="no one checked into a session yet",
                   columns=[Column("Session", "session", no_wrap=True),
                            Column("Title", "title", min_width=12),
                            Column("Venue", "venue", max_width=18),
                            _count("In", "checked_in"),
                            _count("Inside", "inside"),
                            _count("Capacity", "capacity"),
                            _count("Full", "share", _percent)]), numbers["sessions"]),
    ]


def _count(header: str, key: str, cell: Callable[[Any], str] = _number) -> Column:
    return Column(header, key, justify="right", no_wrap=True, cell=cell)


def draw_stats(env: Env, numbers: Numbers, event: Event) -> None:
    for number, (spec, records) in enumerate(_specs(numbers, event)):
        if number:
            env.stdout.write("\n")
        draw_table(env, records, spec)


def renderable(env: Env, numbers: Numbers, event: Event) -> RenderableType:
    """The same tables as one Rich renderable (for Live), drawn through draw_table."""
    import io
    from dataclasses import replace

    from rich.text import Text

    buffer = io.StringIO()
    draw_stats(replace(env, stdout=buffer), numbers, event)
    when = str(numbers["at"])[11:19]
    return Text.from_ansi(buffer.getvalue() + f"\nat {when} UTC · Ctrl-C ends")


def watch_stats(env: Env, event: Event, numbers: Callable[[], Numbers],
                every: float = 2.0) -> None:
    """Redraw the numbers every ``every`` seconds until Ctrl-C."""
    import time

    from rich.live import Live

    from wiccli.output.render import console

    try:
        with Live(renderable(env, numbers(), event), console=console(env),
                  auto_refresh=False, screen=False) as live:
            while True:
                time.sleep(every)
                live.update(renderable(env, numbers(), event), refresh=True)
    except KeyboardInterrupt:
        env.message("stopped watching")
