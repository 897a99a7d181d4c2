"""How ``wic invites report`` shows the funnel: compact tables with sparklines and bars
at a terminal (80 columns), the same numbers as plain lines on a pipe."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from wiccli.cli.listing import Listing
from wiccli.env import Env
from wiccli.event.model import Event
from wiccli.output.render import Column, TableSpec, draw_table, draw_target, width

BLOCKS = "▁▂▃▄▅▆▇█"
SPARK_WIDTH = 24
STAGE_NAMES = {"listed": "Listed", "invited": "Invited", "answered": "Answered",
               "accepted": "Accepted", "attended": "Attended", "declined": "Declined",
               "withdrawn": "Withdrawn"}


def sparkline(values: Sequence[int], width: int = SPARK_WIDTH, top: int | None = None) -> str:
    """``values`` as block characters, at most ``width`` of them (the value at the end of
    each stretch when there are more), scaled from 0 to ``top`` (default: the largest)."""
    if not values:
        return ""
    if len(values) > width:
        values = [values[min(len(values) - 1, (n + 1) * len(values) // width - 1)]
                  for n in range(width)]
    top = max(values) if top is None else top
    if top <= 0:
        return BLOCKS[0] * len(values)
    return "".join(BLOCKS[min(len(BLOCKS) - 1, max(0, v) * (len(BLOCKS) - 1) // top)]
                   for v in values)


def report_listing(env: Env, document: Mapping[str, Any], event: Event, *,
                   empty: bool) -> Listing:
    """The rows of every period, the document for -f json; no table for an empty ledger
    (stderr says so)."""
    from wiccli.invites.funnel import RECORD_FIELDS, records

    return Listing(records(document), TableSpec(columns=[], fields=RECORD_FIELDS),
                   document=document,
                   view=(lambda: None) if empty else (lambda: draw_report(env, document, event)))


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _stage_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    series = document["total"]["series"]
    top = max(series["listed"], default=0)  # one scale: the stages' sizes compare
    return [{"stage": STAGE_NAMES[stage], "now": series[stage][-1],
             "trend": sparkline(series[stage], top=top)}
            for stage in document["stages"] + ["declined", "withdrawn"]]


def _group_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    groups = document["groups"]
    top = max((max(g["series"]["accepted"], default=0) for g in groups), default=0)
    rows = []
    for group in [*groups, document["total"]]:
        series, target = group["series"], group["target"]
        invited, total = series["invited"][-1], group["group"] == "total"
        country = document["by"] == "country" and not total
        rows.append({"group": group["group"], "invited": invited, "target": target,
                     "label": f"{group['group']} {group['name']}" if country else group["name"],
                     "progress": invited / target if target else None,
                     "answered": series["answered"][-1], "accepted": series["accepted"][-1],
                     "trend": "" if total else sparkline(series["accepted"], 12, top)})
    return rows


def _title(document: Mapping[str, Any], event: Event) -> str:
    every = "daily" if document["every"] == "day" else "weekly"
    return (f"Invitations to {event.label} by {document['by']}, {document['since']} to "
            f"{document['until']}, {every}")


def draw_report(env: Env, document: Mapping[str, Any], event: Event) -> None:
    tty = bool(env.stdout_isatty)
    trend = [Column("Over time", "trend", no_wrap=True)] if tty else []
    draw_table(env, _stage_rows(document), TableSpec(
        columns=[Column("Stage", "stage", no_wrap=True),
                 Column("Now", "now", justify="right", no_wrap=True, cell=_number), *trend],
        title=_title(document, event)))
    env.stdout.write("\n")
    label = {"category": "Category", "country": "Country", "region": "M49 region",
             "subregion": "M49 sub-region"}[document["by"]]
    # Target and progress only when a group has a target (the total's is the bar below).
    targets = any(g["target"] for g in document["groups"])
    numbers = [("Invited", "invited", _number),
               *([("Target", "target", _number), ("Progress", "progress", _percent)]
                 if targets else []),
               ("Answered", "answered", _number), ("Accepted", "accepted", _number)]
    draw_table(env, _group_rows(document), TableSpec(
        columns=[Column(label, "label", min_width=16),
                 *(Column(h, k, justify="right", no_wrap=True, cell=c) for h, k, c in numbers),
                 *([Column("Over time", "trend", no_wrap=True)] if tty else [])],
        row_style=lambda r: "bold" if r["group"] == "total" else ""))
    total = document["total"]
    if total["target"]:
        draw_target(env, "Invited", total["series"]["invited"][-1], total["target"])
    if document.get("compare"):
        _draw_compare(env, document)


def _draw_compare(env: Env, document: Mapping[str, Any]) -> None:
    """The other edition at the same number of days before its event as this one's last point."""
    other = document["compare"]
    days = document["days_to_event"][-1]
    at = [n for n, d in enumerate(other["days_to_event"]) if d <= days]
    series = other["total"]["series"]
    when = f"{-days} days before its event" if days < 0 else f"{days} days after its start"
    if not at:
        env.stdout.write(f"{other['name']}: nothing recorded yet {when}\n")
        return
    n = at[-1]
    line = (f"{other['name']}, {when}: invited {series['invited'][n]:,}, answered "
            f"{series['answered'][n]:,}, accepted {series['accepted'][n]:,}")
    env.stdout.write(textwrap.fill(line, width(env)) + "\n")
