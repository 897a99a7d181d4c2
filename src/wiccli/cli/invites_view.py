"""How ``wic invites`` shows things: table specs and the status view."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wiccli.cli.listing import Listing
from wiccli.env import Env
from wiccli.errors import UsageError
from wiccli.event.model import Event
from wiccli.invites import countries
from wiccli.invites import model as core
from wiccli.output.render import Column, TableSpec, draw_table, width

STATUS_FIELDS = ("group", "name", "entries", "invited", "accepted", "declined", "pending",
                 "tentative", "withdrawn", "attended", "no_show", "listed", "bounced",
                 "response_rate",
                 "acceptance_rate", "target", "progress")


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value:.0%}"


def entries_listing(entries: Iterable[core.Invitation], event: Event | None = None
                    ) -> Listing:
    """The entries; JSON and CSV add the event's guest fields that are not private. An
    iterator of entries stays one (see ``Listing.records``)."""
    from wiccli.invites import fieldvalues

    names = () if event is None else fieldvalues.public_names(event)
    records = ({**core.record(e, countries.name), **(
        fieldvalues.values(event, e, names) if event is not None else {})} for e in entries)
    spec = TableSpec(
        columns=[
            Column("Id", "id", no_wrap=True), Column("Name", "name", min_width=12),
            Column("Organisation", "organization", min_width=12),
            Column("Category", "category", role="code"),
            Column("Country", "country", max_width=18, cell=countries.label),
            Column("Qty", "quantity", justify="right"), Column("Status", "status", no_wrap=True),
        ],
        empty="no invitations match",
        fields=(*core.RECORD_FIELDS, *names),
    )
    return Listing(records, spec)


def export_listing(ledger: core.Ledger, event: Event, *, redact: bool) -> Listing:
    """Every field of every entry and the guest fields that are not private (``redact``:
    not the text ones either); json and jsonl keep each entry's history too."""
    from wiccli.invites import fieldvalues

    names = tuple(n for n in fieldvalues.public_names(event)
                  if not (redact and fieldvalues.declared(event)[n].type == "text"))

    def records(history: bool) -> list[dict[str, Any]]:
        found = [{**core.export_record(e, countries.name, redact=redact, history=history),
                  **fieldvalues.values(event, e, names)} for e in ledger.invitations]
        if redact and history:  # its notes, and the values of the fields left out, too
            for record in found:
                record["history"] = [_redacted(line, names) for line in record["history"]]
        return found

    def no_table() -> None:
        raise UsageError("export writes csv, tsv, json, jsonl or markdown; "
                         "`wic invites list` shows a table")

    return Listing(records(False), TableSpec(columns=[], fields=(*core.export_fields(redact),
                                                                 *names)),
                   nested=records(True), view=no_table)


def _redacted(line: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    kept = {k: v for k, v in line.items() if k != "note"}
    if "field" in kept and kept["field"] not in names:
        kept["value"] = None
    return kept


def history_listing(entry: core.Invitation,
                    bounces: Sequence[core.Message] = ()) -> Listing:
    records = sorted([*core.history_records(entry), *map(_bounce_record, bounces)],
                     key=lambda r: r["at"])
    # A change of a guest field names it and the value it took (a private one's: not kept).
    changed = [Column("Field", "field", no_wrap=True), Column("Value", "value")] \
        if any(c.field for c in entry.history) else []
    spec = TableSpec(
        columns=[Column("When (UTC)", "at", no_wrap=True,
                        cell=lambda v: str(v)[:16].replace("T", " ")),
                 Column("Status", "status", no_wrap=True), *changed, Column("Note", "note")],
        title=f"{entry.id} · {entry.name} · now {entry.status}",
        fields=("at", "status", "note", *(("field", "value") if changed else ())),
    )
    return Listing(records, spec)


def _bounce_record(m: core.Message) -> dict[str, Any]:
    """A bounce in the history: it changes no status, but the address needs a person."""
    note = f"<{m.address}> {m.detail}".strip() if m.address else m.detail
    return {"at": m.at.isoformat(), "status": "bounced", "note": note,
            "message_id": m.message_id}


# --------------------------------------------------------------------------- status


def _total_row(summary: Mapping[str, Any]) -> dict[str, Any]:
    return {"group": "total", "name": "Total", **summary["totals"]}


def status_listing(env: Env, summary: Mapping[str, Any], event: Event, *,
                   empty: bool) -> Listing:
    """One row per group, then the total row; the table view adds the target and rates."""
    rows = [*summary["groups"], _total_row(summary)]
    records = [{k: row.get(k) for k in STATUS_FIELDS} for row in rows]
    return Listing(records, TableSpec(columns=[], fields=STATUS_FIELDS), document=summary,
                   view=(lambda: None) if empty else (lambda: draw_status(env, summary, event)))


LABEL_WIDTH = 16
OPTIONAL = (("withdrawn", "Withdrawn"), ("attended", "Attended"), ("no_show", "No-show"),
            ("listed", "Listed"), ("bounced", "Bounced"))


def _status_columns(summary: Mapping[str, Any], width: int) -> tuple[list[Column], list[str]]:
    """The columns that fit in ``width``, and the headers of the ones left out."""
    rows = [*summary["groups"], summary["totals"]]
    label = {"category": "Category", "country": "Country", "status": "Status"}[summary["by"]]
    columns = [Column(label, "label", min_width=LABEL_WIDTH)]
    wanted = [("invited", "Invited"), ("accepted", "Accepted"), ("declined", "Declined"),
              ("pending", "Pending")]
    # The rarer statuses only when some group has them, and only while they fit.
    wanted += [(key, header) for key, header in OPTIONAL if any(r[key] for r in rows)]
    if any(r["target"] for r in summary["groups"]):
        wanted += [("target", "Target"), ("progress", "Progress")]
    used, left_out = LABEL_WIDTH, list[str]()
    for key, header in wanted:
        cell = _percent if key == "progress" else _number
        cells = [header, *(cell(r.get(key)) for r in rows)]
        need = max(map(len, cells)) + 3  # padding and the rule between columns
        optional = key not in ("invited", "accepted", "declined", "pending")
        if optional and (left_out or used + need > width):  # the rest after one that does not fit
            left_out.append(header.lower())
            continue
        used += need
        columns.append(Column(header, key, justify="right", no_wrap=True, cell=cell))
    return columns, left_out


def _label(summary: Mapping[str, Any], row: Mapping[str, Any]) -> str:
    if summary["by"] == "country" and row["group"] != "total":
        return f"{row['group']} {row['name']}".strip()
    return str(row["name"])


def draw_status(env: Env, summary: Mapping[str, Any], event: Event) -> None:
    from wiccli.output.render import draw_target

    rows = [*summary["groups"], _total_row(summary)]
    records = [{**r, "label": _label(summary, r)} for r in rows]
    columns, left_out = _status_columns(summary, width(env))
    caption = (f"left out to fit the width: {', '.join(left_out)} (see -f json or csv)"
               if left_out else None)
    spec = TableSpec(columns=columns, caption=caption,
                     title=f"Invitations to {event.label} by {summary['by']}",
                     row_style=lambda r: "bold" if r["group"] == "total" else "")
    draw_table(env, records, spec)
    totals = summary["totals"]
    if totals["target"]:
        draw_target(env, "Invited", totals["invited"], totals["target"])
    lines = []
    if totals["response_rate"] is not None:
        lines.append(f"Response rate: {_percent(totals['response_rate'])} of open invitations "
                     "answered")
    if totals["acceptance_rate"] is not None:
        lines.append(f"Acceptance rate: {_percent(totals['acceptance_rate'])} of answers "
                     "are yes")
    lines.append(f"Countries and regions among accepted and attended: {totals['countries']}")
    env.stdout.write("".join(line + "\n" for line in lines))
