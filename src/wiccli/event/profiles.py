"""Named export profiles (``[exports.NAME]``): what one reader of the guest list may see.

A profile fixes the columns (nothing else leaves), the guests (by status, category,
country and field values), their order, how columns are redacted (initials only, the
domain of an address), and the format (csv, tsv, json, xlsx, pdf). ``totals`` makes it a
count per value instead of a list: the caterer learns how many vegans, never who.
Private fields leave only through a profile that names them in ``columns``.

Checked here against the event's fields and categories; used by
:mod:`wiccli.invites.profiles`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from wiccli.errors import Checker
from wiccli.event.guestfields import GuestField, by_name, parse
from wiccli.headers import text_problem

FORMATS = ("csv", "tsv", "json", "xlsx", "pdf")
# The statuses of a guest (wiccli.invites.model.STATUSES; a test keeps the two equal).
GUEST_STATUSES = ("listed", "invited", "tentative", "accepted", "declined", "withdrawn",
                  "attended", "no-show")
# Every guest's columns, in the order an export writes them.
COLUMNS = ("id", "name", "organization", "category", "category_name", "country",
           "country_name", "email", "quantity", "status", "note", "created", "updated")
TOTALS_BY = ("category", "country", "status")
# How a column may be redacted, and which columns each way applies to.
REDACTIONS = {"initials": ("name", "organization"), "domain": ("email",)}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
MAX_PROFILES = 50
KEYS = ("title", "format", "columns", "totals", "status", "category", "country", "where",
        "sort", "redact")


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    format: str = "csv"
    title: str = ""
    columns: tuple[str, ...] = ()
    totals: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    where: tuple[tuple[str, tuple[str, ...]], ...] = ()  # field -> the values kept
    sort: tuple[str, ...] = ()  # columns; "-name" sorts that one descending
    redact: tuple[tuple[str, str], ...] = ()  # column -> "initials" or "domain"


def check_profiles(checker: Checker, value: Any, fields: tuple[GuestField, ...],
                   categories: Collection[str]) -> tuple[Profile, ...]:
    """The ``[exports]`` table: profile name -> its table."""
    if not isinstance(value, dict):
        checker.fail("exports", "expected a table of profiles ([exports.hotel], …)")
        return ()
    if len(value) > MAX_PROFILES:
        checker.fail("exports", f"{len(value)} profiles; at most {MAX_PROFILES}")
        return ()
    context = _Context(checker, by_name(fields), set(categories))
    found = [context.profile(name, spec) for name, spec in value.items()]
    return tuple(p for p in found if p is not None)


@dataclass
class _Context:
    checker: Checker
    fields: dict[str, GuestField]
    categories: set[str]

    def fail(self, path: str, message: str) -> None:
        self.checker.fail(path, message)

    def profile(self, name: str, spec: Any) -> Profile | None:
        path = f"exports.{name}"
        before = len(self.checker.problems)
        if not NAME_RE.match(name):
            self.fail(path, "a profile's name is lower-case letters, digits, '-' and '_'")
        if not isinstance(spec, dict):
            self.fail(path, "expected a table ([exports.NAME] with columns, format, …)")
            return None
        for key in spec:
            if key not in KEYS:
                self.fail(f"{path}.{key}", f"unknown key (known keys: {', '.join(KEYS)})")
        made = Profile(
            name, self.format(spec, path), self.title(spec, path),
            self.names(spec, path, "columns", (*COLUMNS, *self.fields)),
            self.names(spec, path, "totals", (*TOTALS_BY, *self.fields)),
            self.names(spec, path, "status", GUEST_STATUSES),
            self.names(spec, path, "category", tuple(sorted(self.categories))),
            self.countries(spec, path), self.where(spec, path), (), ())
        made = self.shape(made, spec, path)
        return made if len(self.checker.problems) == before else None

    def shape(self, made: Profile, spec: Mapping[str, Any], path: str) -> Profile:
        """A list (columns) or a count (totals), with sort and redaction to match."""
        if bool(made.columns) == bool(made.totals):
            self.fail(path, "give columns (a list of guests) or totals (counts only), "
                      "one of the two")
            return made
        if made.totals:
            if "sort" in spec or "redact" in spec:
                self.fail(path, "a totals profile has no sort or redact: it shows counts only")
            return made
        sort = self.names(spec, path, "sort", (*made.columns, *(f"-{c}" for c in made.columns)))
        return Profile(made.name, made.format, made.title, made.columns, made.totals,
                       made.statuses, made.categories, made.countries, made.where, sort,
                       self.redact(spec, path, made.columns))

    def format(self, spec: Mapping[str, Any], path: str) -> str:
        value = spec.get("format", "csv")
        if value not in FORMATS:
            self.fail(f"{path}.format", f"expected one of {', '.join(FORMATS)}, got {value!r}")
            return "csv"
        return str(value)

    def title(self, spec: Mapping[str, Any], path: str) -> str:
        value = spec.get("title", "")
        problem = "expected a string" if not isinstance(value, str) else text_problem(value, 200)
        if problem:
            self.fail(f"{path}.title", problem)
            return ""
        return str(value)

    def names(self, spec: Mapping[str, Any], path: str, key: str,
              allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = spec.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path}.{key}", "expected an array of strings")
            return ()
        for item in value:
            if item not in allowed:
                known = ", ".join(allowed) if allowed else "none are defined"
                self.fail(f"{path}.{key}", f"unknown {_NOUNS[key]} {item!r} (known: {known})")
        if len(set(value)) < len(value):
            self.fail(f"{path}.{key}", "a name is given twice")
        return tuple(value)

    def countries(self, spec: Mapping[str, Any], path: str) -> tuple[str, ...]:
        value = spec.get("country", [])
        if not isinstance(value, list) or not all(isinstance(v, str) and COUNTRY_RE.match(v)
                                                  for v in value):
            self.fail(f"{path}.country", "expected an array of ISO 3166-1 alpha-2 codes "
                      "such as [\"DE\", \"CN\"]")
            return ()
        return tuple(value)

    def where(self, spec: Mapping[str, Any], path: str) -> tuple[tuple[str, tuple[str, ...]],
                                                                 ...]:
        value = spec.get("where", {})
        if not isinstance(value, dict):
            self.fail(f"{path}.where", "expected a table of field = value (or [values])")
            return ()
        found = []
        for name, wanted in value.items():
            field = self.fields.get(name)
            if field is None:
                self.fail(f"{path}.where.{name}", f"no field {name!r} in [invitations.fields]")
                continue
            values = wanted if isinstance(wanted, list) else [wanted]
            try:
                found.append((name, tuple(parse(field, _text(v)) for v in values)))
            except ValueError as exc:
                self.fail(f"{path}.where.{name}", str(exc).split(": ", 1)[-1])
        return tuple(found)

    def redact(self, spec: Mapping[str, Any], path: str,
               columns: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        value = spec.get("redact", {})
        if not isinstance(value, dict):
            self.fail(f"{path}.redact", "expected a table of column = \"initials\" or "
                      "\"domain\"")
            return ()
        for column, how in value.items():
            if column not in columns:
                self.fail(f"{path}.redact.{column}", "redacts a column the profile does not "
                          "list in columns")
            elif how not in REDACTIONS or column not in self.redactable(how):
                self.fail(f"{path}.redact.{column}", f"{how!r} does not apply to {column} "
                          "(initials: name, organization, text fields; domain: email)")
        return tuple(sorted(value.items()))

    def redactable(self, how: str) -> tuple[str, ...]:
        texts = tuple(n for n, f in self.fields.items() if f.type == "text")
        return REDACTIONS[how] + (texts if how == "initials" else ())


_NOUNS = {"columns": "column", "totals": "column", "status": "status",
          "category": "category", "sort": "column"}


def _text(value: Any) -> str:
    """A TOML value of a where table as the text a guest's field is parsed from."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    return "\x00"  # a table, a float: refused by parse as a control character, named


# --------------------------------------------------------------------------- the cache


def encode(profiles: tuple[Profile, ...]) -> list[list[Any]]:
    return [[p.name, p.format, p.title, list(p.columns), list(p.totals), list(p.statuses),
             list(p.categories), list(p.countries), [[k, list(v)] for k, v in p.where],
             list(p.sort), [list(r) for r in p.redact]] for p in profiles]


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not an entry this wic wrote")
    return tuple(value)


def _pairs(value: Any) -> list[tuple[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, list) and len(v) == 2
                                              and isinstance(v[0], str) for v in value):
        raise ValueError("not an entry this wic wrote")
    return [(k, v) for k, v in value]


def decode(rows: Any) -> tuple[Profile, ...]:
    """What :func:`encode` wrote; ValueError on anything else (the cache entry is a miss)."""
    if not isinstance(rows, list):
        raise ValueError("not an entry this wic wrote")
    found = []
    for row in rows:
        if not isinstance(row, list) or len(row) != 11 or row[1] not in FORMATS or \
                not isinstance(row[0], str) or not isinstance(row[2], str):
            raise ValueError("not an entry this wic wrote")
        name, fmt, title, columns, totals, statuses, categories, countries, where, sort, \
            redact = row
        found.append(Profile(
            name, fmt, title, _strings(columns), _strings(totals), _strings(statuses),
            _strings(categories), _strings(countries),
            tuple((k, _strings(v)) for k, v in _pairs(where)), _strings(sort),
            tuple((k, v) for k, v in _pairs(redact) if isinstance(v, str))))
    return tuple(found)
