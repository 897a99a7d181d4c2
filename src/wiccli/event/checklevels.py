"""The event's ``[checks]`` table: how seriously ``wic validate`` takes each class of
warning, and how long people need to get from one venue to another.

```toml
[checks]
person-overlap = "error"   # any warning class: "warn" (the default), "error" or "off"
travel_minutes = 15        # between sessions in two venues; 0 (the default): no check

[[checks.travel]]          # a pair of venues that is nearer or farther
between = ["main-hall", "annex"]
minutes = 30
```
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wiccli.event.fields import FieldChecker
from wiccli.event.model import LEVELS, WARNING_CLASSES, Checks, TravelTime

MAX_TRAVEL_MINUTES = 24 * 60  # a day: anything longer is not a walk between venues


def read_checks(checker: FieldChecker, value: Any, venues: set[str]) -> Checks | None:
    """The ``[checks]`` table checked key by key (problems go to ``checker``)."""
    if value is None:
        return None
    spec: dict[str, tuple[bool, Callable[[Any, str], Any]]] = {
        code: (False, _level(checker)) for code in WARNING_CLASSES}
    spec["travel_minutes"] = (False, _minutes(checker))
    spec["travel"] = (False, lambda v, p: v)
    fields = checker.table(value, "checks", spec)
    if fields is None:
        return None
    travel = _pairs(checker, fields.pop("travel", None), venues)
    minutes = fields.pop("travel_minutes", 0)
    return Checks(tuple(sorted(fields.items())), minutes, travel)


def _level(checker: FieldChecker) -> Callable[[Any, str], str | None]:
    def convert(value: Any, path: str) -> str | None:
        result = checker.string(value, path)
        if result is not None and result not in LEVELS:
            checker.fail(path, f"unknown level {result!r} (choose from {', '.join(LEVELS)})")
            return None
        return result

    return convert


def _minutes(checker: FieldChecker) -> Callable[[Any, str], int | None]:
    return lambda value, path: checker.count(value, path, MAX_TRAVEL_MINUTES)


def _pairs(checker: FieldChecker, value: Any, venues: set[str]) -> tuple[TravelTime, ...]:
    found: dict[frozenset[str], int] = {}
    pairs = []
    for index, item in enumerate(checker.array(value, "checks.travel")):
        path = f"checks.travel[{index}]"
        fields = checker.item(item, path, {"between": (True, _between(checker, venues)),
                                           "minutes": (True, _minutes(checker))})
        if fields is None:
            continue
        key = frozenset(fields["between"])
        if key in found:
            checker.fail(f"{path}.between", f"the travel time between these venues is given "
                         f"twice (first at checks.travel[{found[key]}])")
            continue
        found[key] = index
        pairs.append(TravelTime(fields["between"], fields["minutes"]))
    return tuple(pairs)


def _between(checker: FieldChecker, venues: set[str]) -> Callable[[Any, str], Any]:
    def convert(value: Any, path: str) -> tuple[str, str] | None:
        names = checker.strings(value, path)
        if names is None:
            return None
        if len(names) != 2 or names[0] == names[1]:
            checker.fail(path, "expected two different venue ids")
            return None
        unknown = [name for name in names if name not in venues]
        if unknown:
            known = ", ".join(sorted(venues)) or "none are defined"
            checker.fail(path, f"no venue with id {unknown[0]!r} (known: {known})")
            return None
        return names[0], names[1]

    return convert
