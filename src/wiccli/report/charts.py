"""The funnel report as charts: PDF, SVG and PNG drawn by matplotlib, HTML as one
self-contained page with the SVG inline.

matplotlib is the optional extra ``report`` and is imported only here, when a chart is
drawn. What is drawn comes from :func:`chart_data`, the numbers behind every line and
bar (tests read it, and find each in the drawn file by its id: ``line-invited``,
``bar-accepted-government``, ``target-total``…). Output is the same for the same data:
no dates in the file's metadata, fixed ids.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from wiccli.errors import DataError

COLOURS = {"listed": "#9aa5b1", "invited": "#3e7cb1", "answered": "#81a4cd",
           "accepted": "#2a9d55", "attended": "#e09f3e"}
STAGE_NAMES = {"listed": "Listed", "invited": "Invited", "answered": "Answered",
               "accepted": "Accepted", "attended": "Attended"}
MAX_BARS = 20  # groups drawn as bars; the rest are in the data formats


def chart_data(document: Mapping[str, Any]) -> dict[str, Any]:
    """The numbers the charts are drawn from: the curves of each stage (x: the last day of
    each period, or its days to the event when another edition is compared), the target,
    the other edition's curves, and a bar pair (invited, accepted) per group with its
    target."""
    other = document.get("compare")
    total = document["total"]
    # A point is the level at the end of its period: a week's is drawn at its Sunday.
    shift = 6 if document["every"] == "week" else 0
    ends = _ends(document, shift)
    start = date.fromisoformat(document["event_start"])
    x = [(e - start).days for e in ends] if other else [e.isoformat() for e in ends]
    return {
        "title": _title(document),
        "x": x, "x_is_days": bool(other),
        "lines": {stage: list(total["series"][stage]) for stage in document["stages"]},
        "target": total["target"],
        "compare": None if not other else {
            "name": other["name"],
            "x": [(e - date.fromisoformat(other["event_start"])).days
                  for e in _ends(other, shift)],
            "lines": {s: list(other["total"]["series"][s]) for s in ("invited", "accepted")}},
        "bars": [{"group": g["group"], "name": g["name"],
                  "invited": g["series"]["invited"][-1], "accepted": g["series"]["accepted"][-1],
                  "target": g["target"]} for g in document["groups"][:MAX_BARS]],
    }


def _ends(document: Mapping[str, Any], shift: int) -> list[date]:
    """The last day of each period: ``shift`` days after its first, never past ``until``."""
    last = date.fromisoformat(document["until"])
    return [min(date.fromisoformat(p) + timedelta(days=shift), last)
            for p in document["periods"]]


def _title(document: Mapping[str, Any]) -> str:
    return (f"Invitations to {document['name']}: {document['since']} to {document['until']}"
            f" (a point a {document['every']})")


def render(document: Mapping[str, Any], kind: str) -> bytes:
    """The charts as the bytes of a ``pdf``, ``svg``, ``png`` or ``html`` file."""
    data = chart_data(document)
    if kind == "html":
        from wiccli.report.page import page

        return page(document, data, _draw(data, "svg")).encode("utf-8")
    return _draw(data, kind)


def _draw(data: Mapping[str, Any], kind: str) -> bytes:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise DataError("drawing charts needs matplotlib: pip install 'wic[report]'") from None
    settings: Any = {"svg.hashsalt": "wic", "svg.fonttype": "none", "font.size": 9,
                "pdf.fonttype": 42, "path.simplify": False}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(9, 7.5), layout="constrained")
        top, bottom = figure.subplots(2, 1, height_ratios=(3, 2))
        _curves(top, data)
        _bars(bottom, data)
        figure.suptitle(data["title"], fontsize=11)
        out = io.BytesIO()
        metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None},
                                    "png": {"Software": None}}[kind]
        figure.savefig(out, format=kind, dpi=110, metadata=metadata)
    return out.getvalue()


def _curves(axes: Any, data: Mapping[str, Any]) -> None:
    x = data["x"] if data["x_is_days"] else [date.fromisoformat(d) for d in data["x"]]
    for stage, values in data["lines"].items():
        line, = axes.plot(x, values, label=STAGE_NAMES[stage], color=COLOURS[stage],
                          linewidth=2, drawstyle="steps-post")
        line.set_gid(f"line-{stage}")
    other = data["compare"]
    if other:
        for stage, values in other["lines"].items():
            line, = axes.plot(other["x"], values, label=f"{other['name']}: {stage}",
                              color=COLOURS[stage], linestyle=":", linewidth=1.5,
                              drawstyle="steps-post")
            line.set_gid(f"compare-{stage}")
        axes.set_xlabel("days to the event's first day")
    if data["target"]:
        target = axes.axhline(data["target"], color="#555555", linestyle="--", linewidth=1,
                              label=f"target {data['target']:,}")
        target.set_gid("target-total")
    axes.set_ylabel("people")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.17), fontsize=8, ncols=4,
                frameon=False)
    if not data["x_is_days"]:
        from matplotlib import dates

        located: Any = dates  # its locators are untyped
        locator = located.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(located.ConciseDateFormatter(locator))


def _bars(axes: Any, data: Mapping[str, Any]) -> None:
    bars = list(reversed(data["bars"]))  # the first group on top
    places = list(range(len(bars)))
    marked = False
    for n, bar in enumerate(bars):
        invited = axes.barh(n, bar["invited"], height=0.7, color=COLOURS["invited"],
                            label="invited" if n == 0 else None)
        invited.patches[0].set_gid(f"bar-invited-{bar['group']}")
        accepted = axes.barh(n, bar["accepted"], height=0.4, color=COLOURS["accepted"],
                             label="accepted" if n == 0 else None)
        accepted.patches[0].set_gid(f"bar-accepted-{bar['group']}")
        if bar["target"]:
            mark, = axes.plot([bar["target"]] * 2, [n - 0.42, n + 0.42], color="#222222",
                              linewidth=2, label=None if marked else "target")
            marked = True
            mark.set_gid(f"target-{bar['group']}")
    axes.set_yticks(places, [_short(b["name"]) for b in bars])
    axes.set_xlabel("people (now)")
    axes.grid(True, axis="x", alpha=0.3)
    if bars:
        axes.legend(loc="lower right", fontsize=8)


def _short(name: str, width: int = 32) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"
