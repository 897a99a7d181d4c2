"""How ``wic invites`` shows things: table specs and the status view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wiccli.env import Env
from wiccli.event.model import Event
from wiccli.invites import countries
from wiccli.invites import model as core
from wiccli.output.render import Column, Format, TableSpec, emit, width

STATUS_FIELDS = ("group", "name", "entries", "invited", "accepted", "declined", "pending",
                 "tentative", "withdrawn", "attended", "no_show", "response_rate",
                 "acceptance_rate", "target", "progress")


def _number(value: Any) -> str:
    return "" if value is None else f"{value:,}"


def _percent(value: Any) -> str:
    return "" if value is None else f"{value:.0%}"


def _tabular(fmt: Format, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """CSV and TSV cells that a spreadsheet would run as formulas get a leading quote."""
    return core.neutralise_records(records) if fmt in (Format.csv, Format.tsv) else records


# --------------------------------------------------------------------------- list, export


def emit_entries(env: Env, fmt: Format, entries: list[core.Invitation]) -> None:
    records = [core.record(e, countries.name) for e in entries]
    spec = TableSpec(
        columns=[
            Column("Id", "id", no_wrap=True), Column("Name", "name", min_width=12),
            Column("Organisation", "organization", min_width=12),
            Column("Category", "category", max_width=16),
            Column("Country", "country", max_width=18, cell=countries.label),
            Column("Qty", "quantity", justify="right"), Column("Status", "status", no_wrap=True),
        ],
        empty="no invitations match",
        fields=core.RECORD_FIELDS,
    )
    emit(env, fmt, _tabular(fmt, records), spec)


def emit_export(env: Env, fmt: Format, ledger: core.Ledger, *, redact: bool) -> None:
    history = fmt in (Format.json, Format.jsonl)
    records = [core.export_record(e, countries.name, redact=redact, history=history)
               for e in ledger.invitations]
    spec = TableSpec(columns=[], fields=core.export_fields(redact))
    emit(env, fmt, _tabular(fmt, records), spec)


def draw_history(env: Env, fmt: Format, entry: core.Invitation) -> None:
    records = core.history_records(entry)
    spec = TableSpec(
        columns=[Column("When (UTC)", "at", no_wrap=True,
                        cell=lambda v: str(v)[:16].replace("T", " ")),
                 Column("Status", "status", no_wrap=True), Column("Note", "note")],
        title=f"{entry.id} · {entry.name} · now {entry.status}" if fmt is Format.table else None,
        fields=("at", "status", "note"),
    )
    emit(env, fmt, _tabular(fmt, records), spec)


# --------------------------------------------------------------------------- status


def _total_row(summary: Mapping[str, Any]) -> dict[str, Any]:
    return {"group": "total", "name": "Total", **summary["totals"]}


def emit_status_rows(env: Env, fmt: Format, summary: Mapping[str, Any]) -> None:
    """jsonl, csv, tsv: one row per group, then the total row."""
    rows = [*summary["groups"], _total_row(summary)]
    records = [{k: row.get(k) for k in STATUS_FIELDS} for row in rows]
    emit(env, fmt, _tabular(fmt, records), TableSpec(columns=[], fields=STATUS_FIELDS))


LABEL_WIDTH = 16
OPTIONAL = (("withdrawn", "Withdrawn"), ("attended", "Attended"), ("no_show", "No-show"))


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
    emit(env, Format.table, records, spec)
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
