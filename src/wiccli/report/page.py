"""The funnel report as one HTML page that needs nothing else: the charts as inline SVG,
then the numbers behind them as a table."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

STYLE = ("body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;"
         "padding:0 1rem;color:#222}svg{max-width:100%;height:auto}"
         "table{border-collapse:collapse;font-variant-numeric:tabular-nums}"
         "td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}"
         "td:first-child,th:first-child{text-align:left}")


def page(document: Mapping[str, Any], data: Mapping[str, Any], svg: bytes) -> str:
    text = svg.decode("utf-8")
    inline = text[text.index("<svg"):]  # without the XML declaration and DOCTYPE
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(data['title'])}</title>\n<style>{STYLE}</style>\n</head>\n"
            f"<body>\n<h1>{escape(data['title'])}</h1>\n{inline}\n"
            f"{_table(document)}\n</body>\n</html>\n")


def _table(document: Mapping[str, Any]) -> str:
    stages = document["stages"]
    head = "".join(f"<th>{escape(s)}</th>" for s in ["group", *stages, "target"])
    rows = []
    for group in [*document["groups"], document["total"]]:
        cells = [escape(str(group["name"]))] + [f"{group['series'][s][-1]:,}" for s in stages]
        cells.append("" if group["target"] is None else f"{group['target']:,}")
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    caption = f"Now ({escape(document['until'])}), per {escape(document['by'])}"
    return (f"<table>\n<caption>{caption}</caption>\n<thead><tr>{head}</tr></thead>\n"
            "<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
