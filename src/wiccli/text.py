"""Words for people, shared by every layer: counts, ids from names, time spans."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, tzinfo

_NOT_SLUG = re.compile(r"[^a-z0-9_-]+")
_HYPHENS = re.compile(r"-{2,}")
MAX_SLUG = 64


def plural(n: int, word: str, many: str = "") -> str:
    """``1 session``, ``3 sessions``, ``1,200 sessions``; ``many`` where it is not word+s
    (``plural(n, "entry", "entries")``)."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def slugify(text: str, max_length: int = MAX_SLUG) -> str:
    """A valid id (``^[a-z0-9][a-z0-9_-]*$``) from any text; '' when nothing is left.

    Longer than ``max_length``, it is cut at a hyphen when one is near the end.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _HYPHENS.sub("-", _NOT_SLUG.sub("-", ascii_text.lower()))
    slug = slug.lstrip("-_")
    if len(slug) > max_length:
        cut = slug[:max_length]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[max_length // 4:] else cut
    return slug.rstrip("-_") or slug


def span(start: datetime, end: datetime, zone: tzinfo) -> str:
    """``Thu 8 Nov 14:00–17:30`` in ``zone``; an end on another day names that day."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    tail = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a} {b.day} {b:%b %H:%M}"
    return f"{a:%a} {a.day} {a:%b %H:%M}–{tail}"
