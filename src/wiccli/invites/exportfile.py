"""A profile's :class:`~wiccli.invites.profiles.Table` as the bytes of a file: CSV, TSV,
JSON, XLSX (openpyxl, the optional extra ``wic[xlsx]``) or PDF (WeasyPrint, ``wic[pdf]``).

Spreadsheets run a cell that looks like a formula: CSV and TSV cells get the quote every
wic listing gives them (:func:`wiccli.output.render.spreadsheet_cell`), and XLSX cells are
written as text (never as a formula), so a guest called ``=HYPERLINK(…)`` stays a name.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any

from wiccli.errors import DataError
from wiccli.invites.profiles import Table
from wiccli.output.render import cell_text, spreadsheet_cell


def render(fmt: str, table: Table, *, now: datetime) -> bytes:
    return _WRITERS[fmt](table, now)


def _delimited(table: Table, delimiter: str) -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        cells = [spreadsheet_cell(cell_text(row[c])) for c in table.columns]
        writer.writerow([" ".join(c.split()) for c in cells] if delimiter == "\t" else cells)
    return out.getvalue().encode("utf-8")


def _csv(table: Table, now: datetime) -> bytes:
    return _delimited(table, ",")


def _tsv(table: Table, now: datetime) -> bytes:
    return _delimited(table, "\t")


def _json(table: Table, now: datetime) -> bytes:
    rows = [{c: row[c].isoformat() if isinstance(row[c], date) else row[c]
             for c in table.columns} for row in table.rows]
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _xlsx(table: Table, now: datetime) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
    except ImportError:
        raise DataError("the xlsx format needs openpyxl: pip install 'wic[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Guests"
    sheet.append(list(table.labels))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_xlsx_value(row[c]) for c in table.columns])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    moment = now.replace(tzinfo=None, microsecond=0)
    book.properties.creator = "wic"
    book.properties.created = book.properties.modified = moment
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, int, date)):
        return value
    return str(value)


def _pdf(table: Table, now: datetime) -> bytes:
    try:
        from weasyprint import HTML
    except ImportError:
        raise DataError("the pdf format needs WeasyPrint: pip install 'wic[pdf]'") from None
    html = page(table, now)
    _check_fonts(table)
    data: bytes = HTML(string=html).write_pdf()
    return data


_STYLE = """
@page { size: A4 landscape; margin: 14mm 12mm;
        @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt;
                        font-family: sans-serif; } }
body { font-family: sans-serif; font-size: 9pt; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
p.when { color: #555; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 0.5pt solid #999; padding: 1.2mm 2mm; text-align: left;
         vertical-align: top; }
th { background: #eee; }
thead { display: table-header-group; }
td.number { text-align: right; }
"""


def page(table: Table, now: datetime) -> str:
    """The list as an HTML page (every value escaped by Jinja2)."""
    from jinja2 import Environment

    template = Environment(autoescape=True).from_string(
        "<!doctype html><html><head><meta charset='utf-8'><title>{{ t.title }}</title>"
        "<style>{{ style }}</style></head><body><h1>{{ t.title }}</h1>"
        "<p class='when'>{{ when }} · {{ t.rows | length }} rows</p><table><thead><tr>"
        "{% for l in t.labels %}<th>{{ l }}</th>{% endfor %}</tr></thead><tbody>"
        "{% for row in t.rows %}<tr>{% for c in t.columns %}"
        "<td{% if row[c] is number %} class='number'{% endif %}>{{ cell(row[c]) }}</td>"
        "{% endfor %}</tr>{% endfor %}</tbody></table></body></html>")
    from markupsafe import Markup

    return template.render(t=table, style=Markup(_STYLE), cell=cell_text,
                           when=f"{now:%Y-%m-%d %H:%M} UTC")


def _check_fonts(table: Table) -> None:
    """A character no installed font can draw is an error naming it, never an empty box."""
    from wiccli.output.fonts import drawable, font_hint, uncovered

    chars = {ch for row in table.rows for v in row.values() for ch in cell_text(v)}
    chars |= {ch for text in (table.title, *table.labels) for ch in text}
    missing = uncovered(c for c in chars if not drawable(c))
    if missing:
        raise DataError(f"no installed font can draw {missing[0]!r} (U+{ord(missing[0]):04X}); "
                        f"install {font_hint(missing[0])}; nothing was written")


_WRITERS = {"csv": _csv, "tsv": _tsv, "json": _json, "xlsx": _xlsx, "pdf": _pdf}
