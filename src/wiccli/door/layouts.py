"""How badges sit on paper: one A6 card a page, or several on an A4 sheet with cut marks.

Each layout is a page size and a grid of equal slots; the slots touch, so one cut
separates two badges, and the cut marks sit in the margin, in line with each cut, so
that a guillotine finds them. The sheet's CSS is wic's own (badge.css, a template of
the user's, only styles what is inside a badge).
"""

from __future__ import annotations

from dataclasses import dataclass

MARK = 6.0  # mm: the length of a cut mark
MARK_GAP = 2.0  # mm between a mark and the badge's corner, so a cut a little off shows none


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    page: tuple[float, float]  # mm, width and height
    badge: tuple[float, float]  # mm
    columns: int
    rows: int

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def origin(self) -> tuple[float, float]:
        """The top left corner of the grid: the grid is centred on the page."""
        return ((self.page[0] - self.columns * self.badge[0]) / 2,
                (self.page[1] - self.rows * self.badge[1]) / 2)

    @property
    def marked(self) -> bool:
        """Whether there is a margin to cut along (one card a page has none)."""
        return self.per_sheet > 1

    @property
    def shape(self) -> str:
        return "landscape" if self.badge[0] > self.badge[1] else "portrait"


LAYOUTS = {layout.name: layout for layout in (
    Layout("a6", (105, 148), (105, 148), 1, 1),  # A6 card stock, or a badge printer
    Layout("a4-4", (210, 297), (95, 138), 2, 2),
    Layout("a4-8", (210, 297), (90, 65), 2, 4),  # landscape cards
)}


def _mm(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + "mm"


def sheet_css(layout: Layout) -> str:
    """The page, the sheet and the place of each slot on it."""
    width, height = layout.page
    left, top = layout.origin
    rules = [
        f"@page {{ size: {_mm(width)} {_mm(height)}; margin: 0; }}",
        "html, body { margin: 0; padding: 0; }",
        f".sheet {{ position: relative; width: {_mm(width)}; height: {_mm(height)}; "
        "overflow: hidden; page-break-after: always; break-after: page; }",
        ".sheet:last-child { page-break-after: auto; break-after: auto; }",
        f".slot {{ position: absolute; width: {_mm(layout.badge[0])}; "
        f"height: {_mm(layout.badge[1])}; overflow: hidden; }}",
        ".cut { position: absolute; background: #000; }",
    ]
    for index in range(layout.per_sheet):
        row, column = divmod(index, layout.columns)
        rules.append(f".slot-{index} {{ left: {_mm(left + column * layout.badge[0])}; "
                     f"top: {_mm(top + row * layout.badge[1])}; }}")
    return "\n".join(rules) + "\n"


def cut_marks(layout: Layout) -> str:
    """The marks of one sheet as HTML: short hairlines in the margin, one in line with
    each cut, on every side of the grid."""
    if not layout.marked:
        return ""
    left, top = layout.origin
    right = left + layout.columns * layout.badge[0]
    bottom = top + layout.rows * layout.badge[1]
    marks = []
    for column in range(layout.columns + 1):
        x = left + column * layout.badge[0]
        for y in (top - MARK_GAP - MARK, bottom + MARK_GAP):
            marks.append(_line(x, y, 0, MARK))
    for row in range(layout.rows + 1):
        y = top + row * layout.badge[1]
        for x in (left - MARK_GAP - MARK, right + MARK_GAP):
            marks.append(_line(x, y, MARK, 0))
    return "".join(marks)


def _line(x: float, y: float, width: float, height: float) -> str:
    hair = 0.1  # mm: about 0.3 pt
    if width:
        style = f"left:{_mm(x)};top:{_mm(y - hair / 2)};width:{_mm(width)};height:{_mm(hair)}"
    else:
        style = f"left:{_mm(x - hair / 2)};top:{_mm(y)};width:{_mm(hair)};height:{_mm(height)}"
    return f'<div class="cut" style="{style}"></div>'
