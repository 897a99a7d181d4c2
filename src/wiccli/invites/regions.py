"""Countries grouped into regions: the UN M49 standard (regions and sub-regions).

The table, ``m49.csv`` beside this module, is the UN Statistics Division's M49 grouping
as data (its source: ``m49.NOTICE.md``), read once when a report groups by region: for an
ISO 3166-1 alpha-2 code, its M49 region (Africa, Americas, Asia, Europe, Oceania) and
sub-region (Eastern Asia, Western Europe, Latin America and the Caribbean, …).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

TABLE = Path(__file__).with_name("m49.csv")
NONE = "none"  # the group of a code M49 places in no region (Antarctica)


class Region(NamedTuple):
    code: str  # the M49 numeric code, as text ("142")
    name: str  # its English name ("Asia")


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[Region, Region]]:
    import csv

    with TABLE.open(encoding="utf-8", newline="") as handle:
        return {row["iso2"]: (Region(row["region_code"], row["region"]),
                              Region(row["subregion_code"], row["subregion"]))
                for row in csv.DictReader(handle)}


def region(country: str) -> Region:
    """The M49 region of an ISO 3166-1 alpha-2 code; code ``none`` when it has none."""
    found = _table().get(country)
    return found[0] if found and found[0].code else Region(NONE, "No M49 region")


def subregion(country: str) -> Region:
    """The M49 sub-region of an ISO 3166-1 alpha-2 code; code ``none`` when it has none."""
    found = _table().get(country)
    return found[1] if found and found[1].code else Region(NONE, "No M49 region")


def codes() -> frozenset[str]:
    """The ISO codes the table knows."""
    return frozenset(_table())


def name(level: str, code: str) -> str:
    """The English name of the M49 ``region`` or ``subregion`` with this numeric code."""
    at = 0 if level == "region" else 1
    found = {pair[at].code: pair[at].name for pair in _table().values()}
    return found.get(code) or ("No M49 region" if code == NONE else code)
