"""The paper door list: every guest who may come, by name, with a box to tick.

For when the check-in desk is down: door staff find a guest by name (each page's head
says which names it holds, "A–C"), tick the box, and the desk reads the ticked ids
afterwards. Drawn from ``doorlist.html`` and ``doorlist.css`` (the user's templates
folder over wic's defaults) by WeasyPrint; the page heads are CSS running strings, so
they are right however the rows break across pages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wiccli.errors import DataError
from wiccli.event.model import Event
from wiccli.invites.model import Invitation

NAMES = frozenset({"event", "guests", "printed", "total", "seats", "filters"})


def initial(name: str) -> str:
    """The letter a name is found under: its first letter without accents, upper case;
    ``#`` for a digit or a sign; the first character of a name in another script."""
    from wiccli.door.badges import fold

    for char in fold(name):
        if char.isascii():
            return char.upper() if char.isalpha() else "#"
        if char.isalpha():
            return unicodedata.normalize("NFC", char).upper()
    return "#"


def by_name(entries: Sequence[Invitation]) -> list[Invitation]:
    """Alphabetical, as the door looks names up: Latin names A to Z (accents and case
    aside), then names in other scripts; the id breaks a tie."""
    from wiccli.door.badges import fold

    return sorted(entries, key=lambda e: (not initial(e.name).isascii(), fold(e.name), e.id))


@dataclass(frozen=True, slots=True)
class DoorList:
    event: Event
    entries: Sequence[Invitation]  # already chosen
    printed: datetime  # in the event's zone
    filters: str  # what was chosen, for the page head ("accepted, attended · government")


def context(door: DoorList) -> dict[str, Any]:
    from wiccli.invites import countries
    from wiccli.mail.context import Scope, event_scope

    names = {c.id: c for c in door.event.invitations.categories}
    guests, previous = [], ""
    for entry in by_name(door.entries):
        letter = initial(entry.name)
        category = names.get(entry.category)
        guests.append(Scope("guest", {
            "id": entry.id, "name": entry.name, "organization": entry.organization,
            "category": entry.category,
            "category_name": category.name if category else entry.category,
            "colour": (category.colour if category else None) or "#5d6d7e",
            "country": entry.country, "country_name": countries.name(entry.country),
            "seats": entry.quantity, "initial": letter, "new_letter": letter != previous,
        }))
        previous = letter
    return {"event": event_scope(door.event), "guests": guests,
            "printed": f"{door.printed:%Y-%m-%d %H:%M} ({door.event.timezone})",
            "total": f"{len(guests):,}", "seats": f"{sum(e.quantity for e in door.entries):,}",
            "filters": door.filters}


def door_list_pdf(door: DoorList, templates: Path | None) -> bytes:
    """The door list drawn as a PDF (fonts checked first)."""
    from wiccli.door.pdf import check_fonts, draw
    from wiccli.mail.templating import DEFAULTS, TemplateSet

    if not door.entries:
        raise DataError("no guest matches; `wic invites list` with the same filters shows "
                        "what there is (the door list has the guests who accepted or "
                        "attended unless --status says otherwise)")
    found = TemplateSet(templates, names=NAMES)
    html = found.render(found.find(["doorlist.html"]), context(door))
    check_fonts([(e.name + e.organization, f"{e.id} ({e.name})") for e in door.entries]
                + [(html, "the door list")])
    return draw([html], found.stylesheet(None, "doorlist.css"), templates or DEFAULTS)
