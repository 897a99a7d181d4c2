"""Importing guests from CSV: read and check every row, then plan the whole change.

All or nothing: the plan lists every bad row (with its line number) and the
caller writes only a plan without problems. A row whose e-mail (any case), or
whose name and organisation, match an entry updates that entry.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from wiccli.errors import DataError, WicError
from wiccli.event.model import Event
from wiccli.invites import countries
from wiccli.invites.fieldvalues import check_value, declared, private_names, set_fields
from wiccli.invites.model import (
    FORMULA_START,
    Invitation,
    Ledger,
    change_status,
    check_email,
    check_name,
    check_quantity,
    check_text,
    name_key,
    new_entry,
    require_categories,
    resolve_category,
    resolve_status,
)
from wiccli.text import plural

COLUMNS = ("name", "category", "country", "organization", "email", "quantity", "status", "note")
# Written by `wic invites export`, so an export can be edited and imported back:
# id picks the entry to update; the others are ignored (wic sets them).
EXPORT_COLUMNS = ("id", "country_name", "created", "updated")
REQUIRED = ("name", "category", "country")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: Mapping[str, str]


@dataclass
class Plan:
    ledger: Ledger
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def read_rows(path: Path, fields: Collection[str] = ()) -> list[Row]:
    """The data rows of a guest CSV, each with the line it starts on; ``fields``: the
    guest fields the event declares, each a column too."""
    import csv
    import io

    text = _decode(path)
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(f"{path}: the file is empty; the first row must name the columns "
                            f"({', '.join(COLUMNS)})")
        columns = _columns(path, header, fields)
        rows, line = [], reader.line_num
        for cells in reader:
            start, line = line + 1, reader.line_num
            if any(c.strip() for c in cells):
                rows.append(_row(path, columns, cells, start))
    except csv.Error as exc:
        raise DataError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    return rows


def _decode(path: Path) -> str:
    from wiccli.event.load import read_bytes

    raw = read_bytes(path, "CSV file")
    try:
        # A byte-order mark (Excel's "CSV UTF-8") is dropped.
        return raw.decode("utf-8-sig")  # pragma: no mutate (a codec's name in any case)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(f"{path}:{line}: the file is not UTF-8 text; save it as UTF-8 "
                        "(in Excel: \"CSV UTF-8\") and import again") from None


def _delimiter(header: str) -> str:
    """Comma, unless the header row is clearly separated by semicolons or tabs: more of
    them than commas (of equal counts, max() picks the first: a comma)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _columns(path: Path, header: list[str], fields: Collection[str]) -> list[str]:
    names = [h.strip().casefold() for h in header]
    known = (*COLUMNS, *EXPORT_COLUMNS, *fields)
    unknown = [h for h, n in zip(header, names, strict=True) if n not in known]
    if unknown:
        also = f", and the event's fields: {', '.join(fields)}" if fields else \
            " (a guest field is a column once the event declares it in [invitations.fields])"
        raise DataError(f"{path}:1: unknown column(s) {', '.join(map(repr, unknown))}; "
                        f"the columns are: {', '.join(COLUMNS)}{also}")
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise DataError(f"{path}:1: column(s) named twice: {', '.join(doubled)}")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise DataError(f"{path}:1: missing column(s): {', '.join(missing)}")
    return names


def _row(path: Path, columns: list[str], cells: list[str], line: int) -> Row:
    if len(cells) > len(columns):
        return Row(line, {"": f"{len(cells)} cells, but the header names "
                                f"{plural(len(columns), 'column')}"})
    # A short row (trailing cells left out, as some spreadsheets do) has those cells empty.
    values = {c: _unquote(v.strip()) for c, v in zip(columns, cells, strict=False)}
    return Row(line, values)


def _unquote(value: str) -> str:
    """Undo the quote an export puts before a cell that looks like a formula."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


# --------------------------------------------------------------------------- planning


@dataclass
class _Index:
    by_id: dict[str, Invitation]
    by_email: dict[str, str]
    by_name: dict[tuple[str, str], str]
    seen: dict[str, int] = field(default_factory=dict)  # entry id -> line that touched it

    @classmethod
    def of(cls, entries: list[Invitation]) -> _Index:
        return cls({e.id: e for e in entries},
                   {e.email.casefold(): e.id for e in entries if e.email},
                   {e.name_key: e.id for e in entries})

    def add(self, entry: Invitation) -> None:
        self.by_id[entry.id] = entry
        if entry.email:
            self.by_email.setdefault(entry.email.casefold(), entry.id)
        self.by_name.setdefault(entry.name_key, entry.id)

    def match(self, cells: Mapping[str, str]) -> Invitation | None:
        if cells.get("id"):
            found = self.by_id.get(cells["id"].strip().lower())
            if found is None:
                raise WicError(f"no invitation with id {cells['id']!r}")
            return found
        email = cells.get("email", "").casefold()
        key = self.by_email.get(email) if email else None
        key = key or self.by_name.get(name_key(cells.get("name", ""),
                                               cells.get("organization", "")))
        return self.by_id.get(key) if key else None


def plan(ledger: Ledger, event: Event, rows: list[Row], *, source: str, now: datetime,
         random_bytes: Callable[[int], bytes], force: bool = False,
         progress: Callable[[int], None] | None = None, new_status: str = "invited") -> Plan:
    """What importing ``rows`` would do to ``ledger``; ``problems`` lists every bad row.
    A new guest whose row names no status gets ``new_status``."""
    require_categories(event)
    result = Plan(ledger)
    index = _Index.of(list(ledger.invitations))
    for count, row in enumerate(rows, 1):
        try:
            _apply(result, index, event, row, now, random_bytes, force, new_status)
        except (WicError, ValueError) as exc:  # str() of a WicError is its message
            result.problems.append(f"{source}:{row.line}: {exc}")
        if progress:
            progress(count)
    if not result.problems and (result.created or result.updated):
        result.ledger = ledger.with_entries(index.by_id.values())
    return result


def _apply(result: Plan, index: _Index, event: Event, row: Row, now: datetime,
           random_bytes: Callable[[int], bytes], force: bool, new_status: str) -> None:
    if "" in row.cells:
        raise WicError(row.cells[""])
    fields = _fields(event, row.cells)
    entry = index.match(row.cells)
    if entry is not None and entry.id in index.seen:
        raise WicError(f"same guest as line {index.seen[entry.id]} ({entry.name})")
    if entry is None:
        for key in REQUIRED:
            if not row.cells.get(key):
                raise WicError(f"{key} is empty (needed for a new entry)")
        fields.setdefault("status", new_status)
        created = new_entry(index.by_id.keys(), fields, now=now, random_bytes=random_bytes)
        index.add(created)
        index.seen[created.id] = row.line
        result.created += 1
        return
    index.seen[entry.id] = row.line
    changed = _updated(entry, fields, now, force, private_names(event))
    if changed is entry:
        result.unchanged += 1
    else:
        index.by_id[entry.id] = changed
        result.updated += 1


def _fields(event: Event, cells: Mapping[str, str]) -> dict[str, object]:
    """The non-empty cells of a row, checked and normalised."""
    fields: dict[str, object] = {}
    for key in ("name", "organization"):
        if cells.get(key):
            fields[key] = check_name(key, cells[key])
    if cells.get("note"):
        fields["note"] = check_text("note", cells["note"])
    if cells.get("category"):
        fields["category"] = resolve_category(event, cells["category"])
    if cells.get("country"):
        try:
            fields["country"] = countries.normalise(cells["country"])
        except ValueError as exc:
            raise WicError(f"country {exc}") from None
    if cells.get("email"):
        fields["email"] = check_email(cells["email"])
    if cells.get("status"):
        fields["status"] = resolve_status(cells["status"])
    if cells.get("quantity"):
        fields["quantity"] = check_quantity(cells["quantity"])
    values = {name: check_value(event, name, cells[name]) for name in declared(event)
              if cells.get(name)}
    if values:
        fields["fields"] = values
    return fields


def _updated(entry: Invitation, fields: dict[str, object], now: datetime,
             force: bool, private: Collection[str]) -> Invitation:
    values = fields.pop("fields", {})
    plain = {k: v for k, v in fields.items()
             if k != "status" and v != getattr(entry, k)}
    changed = replace(entry, **plain, updated=now) if plain else entry  # type: ignore[arg-type]
    status = fields.get("status")
    if isinstance(status, str) and status != entry.status:
        note = str(plain.get("note", ""))
        changed = change_status(changed, status, note=note, now=now, force=force)
    assert isinstance(values, dict)
    return set_fields(changed, values, private=private, now=now)
