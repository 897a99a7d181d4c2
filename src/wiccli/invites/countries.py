"""Countries and regions as ISO 3166-1 alpha-2 codes, checked and named with pycountry.

pycountry parses a large JSON file on first use (about 0.1 s), so it is only
touched to read a name or an alpha-3 code a user typed: alpha-2 codes and their
names come from a table of its own (:mod:`wiccli.invites.country_names`, checked
against pycountry by a test).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from wiccli.invites.country_names import NAMES

# Everyday names that ISO spells differently and pycountry's lookup misses.
ALIASES = {"UK": "GB", "ENGLAND": "GB", "BRITAIN": "GB", "GREAT BRITAIN": "GB",
           "RUSSIA": "RU", "USA": "US", "AMERICA": "US"}


def _countries() -> Any:
    import pycountry

    return pycountry.countries


@lru_cache(maxsize=512)
def normalise(text: str) -> str:
    """The alpha-2 code for a code (alpha-2, alpha-3) or a name; ValueError if none."""
    value = text.strip()
    if not value:
        raise ValueError("is empty: give an ISO 3166-1 code such as DE, or a name")
    alias = ALIASES.get(value.upper())
    if alias:
        return alias
    if value.upper() in NAMES:
        return value.upper()
    countries = _countries()
    try:
        return str(countries.lookup(value).alpha_2)
    except LookupError:
        pass
    try:
        hits = countries.search_fuzzy(value) if len(value) > 3 else []
    except LookupError:
        hits = []
    if len(hits) == 1:
        return str(hits[0].alpha_2)
    raise ValueError(f"{text!r} is not a country or region known to ISO 3166-1 "
                     "(use a code such as DE or DEU, or a name such as Germany)")


def is_code(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code."""
    return code in NAMES


def name(code: str) -> str:
    """The everyday English name ("Taiwan", "Germany"), or "" for an unknown code."""
    return NAMES.get(code, "")


def label(code: str) -> str:
    """``DE Germany``, as shown in tables."""
    found = name(code)
    return f"{code} {found}" if found else code
