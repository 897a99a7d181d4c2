"""``wic invites badges`` after the options are read: choose, draw, record, write.

The order keeps the ledger and the paper in step. The output is checked first (a named
pipe is opened then, so one that nobody reads is refused before anything is done). The
tokens are planned in a read (a guest's live token, or a new one for a guest without one
or on a reprint); every badge is drawn with no lock held (drawing 1,500 takes a while,
and a check-in desk may be writing scans meanwhile); the PDF is written beside its
place; then one short transaction issues the tokens and records the prints, and only
after it commits is the PDF moved into place. If anyone issued or replaced one of these
guests' tokens in between, the transaction finds tokens other than the ones drawn, and
nothing is recorded or written: run again. A failure before the commit leaves the ledger
as it was and no file; one after it leaves tokens that a rerun (without --reprint) draws
again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from wiccli.errors import DataError
from wiccli.event.model import Event
from wiccli.invites.backend import ConflictError, Cursor
from wiccli.invites.model import Invitation, Selection

if TYPE_CHECKING:
    from wiccli.invites.store import Store

Progress = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True, slots=True)
class BadgeRun:
    """What to print: the guests (filters and ids), how, and where to."""

    selection: Selection
    ids: tuple[str, ...]
    layout: str
    sort: str
    reprint: bool
    output: Path | None  # None: standard output
    label: str
    templates: Path | None  # the user's templates folder, if any


@dataclass(frozen=True, slots=True)
class Printed:
    badges: int
    sheets: int
    new_tokens: int  # issued by this run (all of them on a reprint)
    data: bytes  # the PDF (written to stdout by the command when there is no file)


def live_tokens(db: Cursor) -> dict[str, str]:
    """entry id -> its live token, for every guest who has one."""
    rows = db.rows("SELECT entry_id, token FROM badges WHERE replaced IS NULL")
    return {str(entry_id): str(token) for entry_id, token in rows}


def plan(entries: Sequence[Invitation], live: dict[str, str], reprint: bool,
         make: Callable[[], str]) -> tuple[list[tuple[Invitation, str]], list[str]]:
    """Each guest with the token their badge will carry, and the new tokens in order."""
    planned, new = [], []
    for entry in entries:
        token = None if reprint else live.get(entry.id)
        if token is None:
            token = make()
            new.append(token)
        planned.append((entry, token))
    return planned, new


def choose(store: Store, event: Event, run: BadgeRun) -> tuple[list[Invitation], dict[str, str]]:
    from wiccli.door.badges import sort_entries

    if store.missing or not store.writable:  # said before the drawing, not after it
        raise DataError(f"{store.where}: the ledger is read-only, and badges record their "
                        "tokens and prints there; no badge was drawn")
    with store.transaction(write=False) as tx:
        entries = tx.pick(run.selection, run.ids)
        live = live_tokens(tx.db) if entries else {}
    if not entries:
        raise DataError("no guest matches; `wic invites list` with the same filters shows "
                        "what there is (badges go to guests who accepted or attended "
                        "unless --status says otherwise)")
    return sort_entries(entries, event, run.sort), live


def print_badges(store: Store, event: Event, run: BadgeRun, now: datetime, *,
                 make: Callable[[], str] | None = None,
                 progress: Progress = lambda total, what: nullcontext(lambda done: None)
                 ) -> Printed:
    """Every chosen guest's badge drawn into one PDF, the tokens and prints recorded."""
    from wiccli.door import tokens
    from wiccli.door.pdf import open_output

    output = open_output(run.output, run.label)
    try:
        entries, live = choose(store, event, run)
        planned, new = plan(entries, live, run.reprint, make or tokens.new_token)
        data, sheets = draw_badges(event, run, planned, progress)
        output.stage(data)
        record(store, run, planned, new, now)
        output.publish()
    finally:
        output.drop()
    return Printed(len(planned), sheets, len(new), data)


PER_PART = 25  # sheets in one WeasyPrint document; the documents' pages are joined


def draw_badges(event: Event, run: BadgeRun, planned: Sequence[tuple[Invitation, str]],
                progress: Progress) -> tuple[bytes, int]:
    """The PDF of the planned badges, and how many sheets it has."""
    from wiccli.door.badges import NAMES, Designer, draw_faces, sheets, texts
    from wiccli.door.layouts import LAYOUTS, sheet_css
    from wiccli.door.pdf import check_fonts, draw
    from wiccli.mail.templating import DEFAULTS, TemplateSet

    layout = LAYOUTS[run.layout]
    templates = TemplateSet(run.templates, names=NAMES)
    faces = draw_faces(Designer(event, templates, layout), planned)
    check_fonts(texts(faces))
    parts = sheets(faces, layout, f"Badges: {event.label}", PER_PART)
    css = sheet_css(layout) + templates.stylesheet(None, "badge.css")
    per_part = PER_PART * layout.per_sheet
    with progress(len(faces), "drawing badges") as done:
        data = draw(parts, css, run.templates or DEFAULTS,
                    lambda parts_done: done(min(len(faces), parts_done * per_part)))
    return data, -(-len(faces) // layout.per_sheet)


def record(store: Store, run: BadgeRun, planned: Sequence[tuple[Invitation, str]],
           new: list[str], now: datetime) -> None:
    """Issue the planned tokens and record their prints, in one transaction; refused
    when the ledger's tokens are no longer the ones drawn."""
    from wiccli.door import tokens

    with store.transaction() as tx:
        issued = tokens.issue(tx.db, [e.id for e, _ in planned], now, reprint=run.reprint,
                              make=_handing_out(new))
        if [b.token for b in issued] != [t for _, t in planned]:
            raise ConflictError("another run issued or replaced badges of these guests while "
                                "they were drawn; nothing was recorded or written: run again")
        tokens.record_prints(tx.db, [b.token for b in issued], now, run.layout)


def _handing_out(new: list[str]) -> Callable[[], str]:
    """The planned new tokens, one a call; past their end, fresh ones (which then differ
    from what was drawn, and the run stops)."""
    from wiccli.door.tokens import new_token

    queue = iter(new)
    return lambda: next(queue, None) or new_token()
