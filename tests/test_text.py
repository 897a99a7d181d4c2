"""The shared words: counts, ids from names, time spans."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wiccli.text import plural, slugify, span


def test_plural_counts_with_thousands() -> None:
    assert plural(1, "session") == "1 session"
    assert plural(0, "session") == "0 sessions"
    assert plural(1200, "letter") == "1,200 letters"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(2, "entry", "entries") == "2 entries"


def test_slugify_keeps_ids_valid_and_short() -> None:
    assert slugify("PyCon DE 2025") == "pycon-de-2025"
    assert slugify("Café — Straße_1") == "cafe-strae_1"
    assert slugify("论坛") == ""
    long = slugify("word " * 30, max_length=40)
    assert len(long) <= 40
    assert not long.endswith("-")


def test_span_names_the_end_day_only_when_it_differs() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    start = datetime(2018, 11, 8, 1, 0, tzinfo=UTC)
    assert span(start, datetime(2018, 11, 8, 4, 0, tzinfo=UTC), zone) == "Thu 8 Nov 09:00–12:00"
    assert span(start, datetime(2018, 11, 9, 1, 0, tzinfo=UTC), zone) == (
        "Thu 8 Nov 09:00–Fri 9 Nov 09:00")
