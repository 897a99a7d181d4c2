"""Drawing HTML to PDF with WeasyPrint, and writing the PDF so that nothing is half done.

WeasyPrint is imported only here, and only when a badge or a door list is drawn. Fonts
come from fontconfig: :func:`check_fonts` asks before anything is drawn whether the
installed fonts have every character, so a name never prints as empty boxes.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wiccli.errors import DataError
from wiccli.output.fonts import drawable, font_hint, uncovered


def _weasyprint() -> Any:
    try:
        import weasyprint
        import weasyprint.text.fonts
    except ImportError:
        raise DataError("badges and the door list need WeasyPrint: "
                        "pip install 'wic[badges]'") from None
    except OSError as exc:  # WeasyPrint found, but not the Pango library it draws with
        raise DataError(f"WeasyPrint cannot load its system libraries ({exc}); install "
                        "Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)") from None
    return weasyprint


def draw(parts: Sequence[str], css: str, base: Path,
         progress: Callable[[int], None] = lambda done: None) -> bytes:
    """One PDF of the HTML documents ``parts``, in order, each page of each kept; the
    stylesheet is parsed once. ``progress`` hears how many parts are drawn."""
    weasyprint = _weasyprint()
    fonts = weasyprint.text.fonts.FontConfiguration()
    sheet = weasyprint.CSS(string=css, font_config=fonts)
    documents = []
    for index, html in enumerate(parts):
        page = weasyprint.HTML(string=html, base_url=str(base))
        documents.append(page.render(stylesheets=[sheet], font_config=fonts))
        progress(index + 1)
    pages = [page for doc in documents for page in doc.pages]
    data: bytes = documents[0].copy(pages).write_pdf()
    return data


def check_fonts(texts: Iterable[tuple[str, str]]) -> None:
    """Refuse, before drawing, a character that no installed font has; ``texts`` are
    pairs of (text, who it belongs to), for the message."""
    first: dict[str, str] = {}
    for text, who in texts:
        for char in set(text):
            if not drawable(char):
                first.setdefault(char, who)
    missing = uncovered(first)
    if not missing:
        return
    lines = [f"no installed font can draw {c!r} (U+{ord(c):04X}, "
             f"{unicodedata.name(c, 'unnamed').lower()}) in {first[c]}; "
             f"install {font_hint(c)}" for c in missing[:20]]
    raise DataError(lines[0], details=[*lines[1:], "nothing was drawn"])


@dataclass
class Staged:
    """A PDF ready to be put in place in one step (:meth:`publish`), or dropped."""

    path: Path | None  # None: standard output, which the command writes itself
    label: str
    data: bytes
    temp: str | None = None  # the copy beside a regular file, moved over it when published

    def publish(self) -> None:
        from wiccli.output.files import write_atomic

        if self.path is None:
            return
        if self.temp is None:  # a pipe or a device, written to in place
            write_atomic(self.path, self.data, self.label)
            return
        try:
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.drop()
            raise DataError(f"{self.label}: cannot write: {exc.strerror or exc}") from None
        self.temp = None

    def drop(self) -> None:
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except OSError:
                pass
            self.temp = None


def stage(path: Path | None, label: str, data: bytes) -> Staged:
    """``data`` written beside ``path`` (flushed to disk), not yet in its place: the
    ledger records the print first, and a full disk is found before it does. No
    ``path``: standard output."""
    from wiccli.output.files import file_mode, temp_beside, writable

    real = None if path is None else writable(path, label)
    if real is None:  # stdout, a pipe or a device: written to after the ledger
        return Staged(path, label, data)
    try:
        temp = temp_beside(real, data, file_mode(real, private=True))
    except OSError as exc:
        raise DataError(f"{label}: cannot write: {exc.strerror or exc}") from None
    return Staged(real, label, data, temp)
