"""Badges: who gets one, in which order, and each badge as HTML on its sheets.

A badge shows the guest's name (large), organisation and country, the category as a
coloured band, the category's access zones, the seats of a delegation, and a QR code
of the token alone. Its HTML comes from the ``badge.html`` template (a category's own
``<category>/badge.html`` first) and ``badge.css``, the user's templates folder over
wic's defaults, as for letters; the sheets around the badges are wic's
(:mod:`wiccli.door.layouts`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wiccli.errors import DataError, UsageError
from wiccli.event.model import Category, Event
from wiccli.invites.model import Invitation
from wiccli.text import plural

if TYPE_CHECKING:
    from wiccli.door.layouts import Layout
    from wiccli.mail.templating import TemplateSet

# Who may come, and so gets a badge, unless --status says otherwise: a yes, or already in.
DEFAULT_STATUSES = frozenset({"accepted", "attended"})
# Who never gets one, whatever is asked: they said no, or were un-invited.
REFUSED = ("declined", "withdrawn")
SORTS = ("category", "name", "id", "country")
NAMES = frozenset({"guest", "event", "badge"})  # what a badge template may use
GREY = "#5d6d7e"  # the band of a category without a colour


def badge_statuses(asked: Collection[str], refusal: str = "gets no badge") -> frozenset[str]:
    """The statuses whose guests get badges (and are on the door list): those asked for,
    else the default."""
    refused = [s for s in REFUSED if s in asked]
    if refused:
        raise UsageError(f"--status {refused[0]}: a {refused[0]} guest may not come and "
                         f"{refusal}")
    return frozenset(asked) or DEFAULT_STATUSES


def fold(text: str) -> str:
    """A name as it sorts: without accents, case and extra spaces."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                    if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def sort_entries(entries: Sequence[Invitation], event: Event, by: str) -> list[Invitation]:
    """``category`` (in the event's order, then by name), ``name``, ``id`` or ``country``
    (by the country's name, then by name)."""
    from wiccli.invites import countries

    order = {c.id: i for i, c in enumerate(event.invitations.categories)}
    keys: dict[str, Callable[[Invitation], tuple[Any, ...]]] = {
        "category": lambda e: (order.get(e.category, len(order)), e.category, fold(e.name)),
        "name": lambda e: (fold(e.name),),
        "id": lambda e: (),
        "country": lambda e: (countries.name(e.country), fold(e.name)),
    }
    key = keys[by]
    return sorted(entries, key=lambda e: (*key(e), e.id))


def ink(colour: str) -> str:
    """Black or white, whichever reads better on ``colour`` (WCAG contrast)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    light = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#ffffff" if (1.05 / (light + 0.05)) >= ((light + 0.05) / 0.05) else "#000000"


def name_size(name: str) -> str:
    """How long a name looks (a wide character, Chinese say, counts twice), so that the
    template can draw a short one larger: ``short``, ``medium``, ``long``, ``longest``."""
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in name)
    for size, most in (("short", 14), ("medium", 22), ("long", 34)):
        if width <= most:
            return size
    return "longest"


@dataclass(frozen=True, slots=True)
class Face:
    """One badge drawn: its guest, its token and its HTML."""

    entry: Invitation
    token: str
    html: str


class Designer:
    """Draws each badge from the templates (checked and read once each)."""

    def __init__(self, event: Event, templates: TemplateSet, layout: Layout) -> None:
        from wiccli.mail.context import event_scope

        self.event = event
        self.templates = templates
        self.layout = layout
        self.categories = {c.id: c for c in event.invitations.categories}
        self.event_scope = event_scope(event)

    def face(self, entry: Invitation, token: str) -> Face:
        category = self.categories.get(entry.category, Category(entry.category,
                                                                  entry.category))
        context = {"guest": self.guest(entry, category), "event": self.event_scope,
                   "badge": self.badge(entry, category, token)}
        template = self.templates.find([f"{entry.category}/badge.html", "badge.html"])
        return Face(entry, token, self.templates.render(template, context))

    def guest(self, entry: Invitation, category: Category) -> dict[str, Any]:
        """``guest``: as messages and letters have it."""
        from wiccli.invites import countries
        from wiccli.mail.context import Scope, field_scope

        return Scope("guest", {
            "id": entry.id, "name": entry.name, "organization": entry.organization,
            "category": entry.category, "category_name": category.name,
            "country": entry.country, "country_name": countries.name(entry.country),
            "email": entry.email, "quantity": entry.quantity, "status": entry.status,
            "fields": field_scope(self.event.invitations.fields, entry),
        })

    def badge(self, entry: Invitation, category: Category, token: str) -> dict[str, Any]:
        """``badge``: the code, the band's colours, the zones and seats, the layout."""
        from markupsafe import Markup

        from wiccli.door.qr import qr_svg
        from wiccli.mail.context import Scope

        colour = category.colour or GREY
        return Scope("badge", {
            "qr": Markup(qr_svg(token)), "colour": colour, "ink": ink(colour),
            "zones": list(category.zones), "seats": entry.quantity,
            "seats_text": plural(entry.quantity, "seat") if entry.quantity > 1 else "",
            "name_size": name_size(entry.name), "layout": self.layout.name,
            "shape": self.layout.shape,
        })


def draw_faces(designer: Designer, planned: Sequence[tuple[Invitation, str]]) -> list[Face]:
    """Every badge's HTML; template mistakes are collected over all guests and reported
    together before anything is drawn."""
    from wiccli.mail.templating import TemplateError

    faces, problems = [], dict[str, None]()
    for entry, token in planned:
        try:
            faces.append(designer.face(entry, token))
        except TemplateError as exc:
            problems.setdefault(exc.message)
    if problems:
        found = list(problems)
        raise DataError(found[0], details=[*found[1:], "no badge was drawn"])
    return faces


def sheets(faces: Sequence[Face], layout: Layout, title: str, per_part: int = 25) -> list[str]:
    """The badges as HTML documents of at most ``per_part`` sheets each (drawn one after
    the other, so that progress can be shown), each sheet with its cut marks."""
    from html import escape

    from wiccli.door.layouts import cut_marks

    marks = cut_marks(layout)
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f'{escape(title)}</title></head><body class="layout-{layout.name} '
            f'{layout.shape}">')
    size = layout.per_sheet
    pages = []
    for first in range(0, len(faces), size):
        slots = "".join(f'<div class="slot slot-{i}">{face.html}</div>'
                        for i, face in enumerate(faces[first:first + size]))
        pages.append(f'<div class="sheet">{slots}{marks}</div>')
    return [head + "".join(pages[i:i + per_part]) + "</body></html>"
            for i in range(0, len(pages), per_part)]


def texts(faces: Sequence[Face]) -> list[tuple[str, str]]:
    """What each badge prints, with whose it is (for the font check)."""
    return [(face.html, f"{face.entry.id} ({face.entry.name})") for face in faces]
