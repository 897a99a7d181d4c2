"""How ``wic invites replies`` shows what it did: a row per message, then the counts."""

from __future__ import annotations

from typing import Any

from wiccli.cli.listing import Listing
from wiccli.env import Env
from wiccli.mail.answers import Result
from wiccli.output.render import Column, TableSpec, draw_table

FIELDS = ("message", "message_id", "outcome", "entry", "status", "from", "subject", "at",
          "detail")
VERSION = 1


def records(result: Result) -> list[dict[str, Any]]:
    return [{
        "message": o.key, "message_id": o.message_id, "outcome": o.outcome,
        "entry": o.entry_id, "status": o.status, "from": o.sender, "subject": o.subject,
        "at": o.at.isoformat() if o.at else "", "detail": o.detail,
    } for o in result.plan.outcomes]


def replies_listing(env: Env, result: Result) -> Listing:
    rows = records(result)
    counts = result.plan.counts()
    spec = TableSpec(columns=[
        Column("Msg", "message", role="code"), Column("Outcome", "outcome", no_wrap=True),
        Column("Entry", "entry", no_wrap=True), Column("Status", "status", no_wrap=True),
        Column("From", "from", max_width=30, role="address"),
        Column("Detail", "detail", min_width=20),
    ], empty=f"no messages in {result.source}", fields=FIELDS)
    summary = TableSpec(columns=[Column("Outcome", "outcome"),
                                 Column("Messages", "count", justify="right")],
                        title="Summary")

    def view() -> None:
        draw_table(env, rows, spec)
        env.stdout.write("\n")
        draw_table(env, [{"outcome": k, "count": v} for k, v in counts.items()], summary)

    document = {"version": VERSION, "source": result.source, "counts": counts,
                "notes": list(result.notes), "messages": rows}
    return Listing(rows, spec, document=document, view=view)


