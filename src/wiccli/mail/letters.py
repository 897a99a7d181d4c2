"""Letters of invitation as PDF: the HTML letter template drawn by WeasyPrint.

One PDF per guest, or all in one (``combine``): :func:`write_invitation_letters` is the
whole of ``wic invites letters`` after the guests are chosen. WeasyPrint lays text out with Pango,
which finds fonts through fontconfig: a Chinese name is drawn with the system's CJK
font as long as one is installed. Whether one is, is checked before anything is drawn
(fontconfig's ``fc-list`` asked for the characters at hand): a character no font can
draw is an error naming it, the guest, and the font to install, never an empty box.

WeasyPrint is imported only here, and only when letters are made.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from wiccli.errors import DataError
from wiccli.event.model import Event
from wiccli.invites.model import Invitation
from wiccli.mail.message import Composer
from wiccli.output.fonts import drawable, font_hint, uncovered


@dataclass(frozen=True, slots=True)
class Letter:
    entry: Invitation
    html: str
    css: str


def make_letters(make: Composer, entries: Sequence[Invitation], *, visa: bool,
                 progress: Callable[[int], None] = lambda done: None) -> list[Letter]:
    """Each guest's letter as HTML (the visa variant with ``visa``); template mistakes are
    collected over all guests and reported together before anything is drawn."""
    from wiccli.mail.templating import TemplateError

    letters, problems = [], dict[str, None]()
    for index, entry in enumerate(entries):
        try:
            template = make.templates.letter("visa" if visa else "letter", entry.category)
            context = make.context(entry, kind="invitation", sequence=0, visa=visa)
            letters.append(Letter(entry, make.templates.render(template, context),
                                  make.templates.stylesheet(entry.category)))
        except TemplateError as exc:
            problems.setdefault(exc.message)
        progress(index + 1)
    if problems:
        found = list(problems)
        raise DataError(found[0], details=[*found[1:], "no letter was written"])
    return letters


def missing_glyphs(letters: Iterable[Letter]) -> list[tuple[str, Invitation]]:
    """Each character of the letters that no installed font can draw, with the first
    guest whose letter has it. Plain ASCII is taken as drawable."""
    first: dict[str, Invitation] = {}
    for letter in letters:
        for char in set(letter.html):  # the tags are ASCII: what is left is text
            if not drawable(char):
                first.setdefault(char, letter.entry)
    return [(c, first[c]) for c in uncovered(first)]


def check_fonts(letters: Sequence[Letter]) -> None:
    missing = missing_glyphs(letters)
    if not missing:
        return
    lines = [f"no installed font can draw {c!r} (U+{ord(c):04X}, "
             f"{unicodedata.name(c, 'unnamed').lower()}) in {entry.id} ({entry.name}); "
             f"install {font_hint(c)}" for c, entry in missing[:20]]
    raise DataError(lines[0], details=[*lines[1:], "no letter was written"])


class Printer:
    """Draws letters with one font configuration for the whole run; each stylesheet is
    parsed once."""

    def __init__(self, base: Path) -> None:
        try:
            from weasyprint.text.fonts import FontConfiguration
        except ImportError:
            raise DataError("PDF letters need WeasyPrint: pip install 'wic[letters]'") from None
        self.fonts = FontConfiguration()
        self.sheets: dict[str, list[object]] = {}
        self.base = str(base)

    def document(self, letter: Letter) -> object:
        from weasyprint import CSS, HTML

        if letter.css not in self.sheets:
            self.sheets[letter.css] = ([CSS(string=letter.css, font_config=self.fonts)]
                                       if letter.css.strip() else [])
        return HTML(string=letter.html, base_url=self.base).render(
            stylesheets=self.sheets[letter.css], font_config=self.fonts)

    def pdf(self, letter: Letter) -> bytes:
        data: bytes = self.document(letter).write_pdf()  # type: ignore[attr-defined]
        return data

    def combined(self, letters: Sequence[Letter],
                 progress: Callable[[int], None] = lambda done: None) -> bytes:
        """All letters in one PDF, each starting on a new page."""
        documents = []
        for index, letter in enumerate(letters):
            documents.append(self.document(letter))
            progress(index + 1)
        pages = [page for doc in documents for page in doc.pages]  # type: ignore[attr-defined]
        data: bytes = documents[0].copy(pages).write_pdf()  # type: ignore[attr-defined]
        return data


def file_names(letters: Sequence[Letter], suffix: str = ".pdf") -> list[str]:
    """``<id>-<name>.pdf``: safe on every OS (ASCII only), distinct, and still findable
    by the entry id when the name has no Latin letters."""
    from wiccli.output.files import unique_file_names

    stems = []
    for letter in letters:
        latin = unicodedata.normalize("NFKD", letter.entry.name).encode("ascii", "ignore")
        words = latin.decode().split()
        stems.append("-".join([letter.entry.id, *words]))
    return unique_file_names(stems, suffix)


def write_letters(printer: Printer, letters: Sequence[Letter], folder: Path,
                  progress: Callable[[int], None] = lambda done: None) -> list[Path]:
    """One PDF per letter directly inside ``folder``, each written atomically."""
    from wiccli.output.files import inside, prepare_folder, write_atomic

    root = prepare_folder(folder)
    written = []
    for index, (letter, name) in enumerate(zip(letters, file_names(letters), strict=True)):
        target = inside(root, name)
        write_atomic(target, printer.pdf(letter), str(folder / name), private=True)
        written.append(target)
        progress(index + 1)
    return written


# --------------------------------------------------------------------------- the use case

Progress = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True, slots=True)
class Written:
    """What ``wic invites letters`` wrote: the files, and how many letters they hold."""

    files: tuple[Path, ...]
    letters: int
    combined: bool


def addressees(entries: Sequence[Invitation], asked: Collection[str]) -> list[Invitation]:
    """The selected guests who get a letter: a withdrawn invitation only when its status was
    asked for; none at all is an error."""
    chosen = [e for e in entries if "withdrawn" in asked or e.status != "withdrawn"]
    if not chosen:
        raise DataError("no invitation matches; `wic invites list` with the same filters "
                        "shows what there is")
    return chosen


def write_invitation_letters(event: Event, entries: Sequence[Invitation], *, day: date,
                             visa: bool, combine: bool, folder: Path, shown: str,
                             progress: Progress = lambda total, what: nullcontext(_nothing)
                             ) -> Written:
    """Every guest's letter drawn to a PDF in ``folder`` (or one PDF, ``combine``), dated
    ``day``. Templates and fonts are checked for every letter before the first is drawn."""
    from wiccli.mail.outbox import composer, templates_folder
    from wiccli.mail.templating import DEFAULTS
    from wiccli.output.files import inside, prepare_folder, write_atomic

    drawn = make_letters(composer(event, day), entries, visa=visa)
    check_fonts(drawn)
    printer = Printer(templates_folder(event) or DEFAULTS)
    with progress(len(drawn), "drawing letters") as done:
        if not combine:
            return Written(tuple(write_letters(printer, drawn, folder, done)), len(drawn), False)
        target = inside(prepare_folder(folder, shown),
                        "visa-letters.pdf" if visa else "letters.pdf")
        write_atomic(target, printer.combined(drawn, done), str(target), private=True)
    return Written((target,), len(drawn), True)


def _nothing(done: int) -> None:
    """No progress to show."""
