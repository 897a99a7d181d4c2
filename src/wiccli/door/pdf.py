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
from typing import Any, BinaryIO

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
class Output:
    """Where a PDF goes, opened before the slow drawing so that a mistake is said first:
    a regular file is written beside its place (:meth:`stage`) and moved over it in one
    step (:meth:`publish`); a named pipe or a device is opened at once (one with no
    reader is refused) and written to when published; no path is standard output, which
    the command writes itself."""

    path: Path | None
    label: str
    real: Path | None = None
    stream: BinaryIO | None = None
    temp: str | None = None
    data: bytes = b""

    def stage(self, data: bytes) -> None:
        """``data`` ready beside the file (flushed to disk): a full disk is found now."""
        from wiccli.output.files import file_mode, temp_beside

        self.data = data
        if self.real is None:
            return
        try:
            self.temp = temp_beside(self.real, data, file_mode(self.real, private=True))
        except OSError as exc:
            raise DataError(f"{self.label}: cannot write: {exc.strerror or exc}") from None

    def publish(self) -> None:
        try:
            if self.temp is not None:
                os.replace(self.temp, self.real or self.label)
                self.temp = None
            elif self.stream is not None:
                with self.stream:
                    self.stream.write(self.data)
                self.stream = None
        except OSError as exc:
            raise DataError(f"{self.label}: cannot write: {exc.strerror or exc}") from None

    def drop(self) -> None:
        """Whatever was not published: the copy removed, the stream closed."""
        if self.temp is not None:
            try:
                os.unlink(self.temp)
            except OSError:
                pass
            self.temp = None
        if self.stream is not None:
            try:
                self.stream.close()
            except OSError:
                pass
            self.stream = None


def open_output(path: Path | None, label: str) -> Output:
    """The PDF's destination, checked (and a pipe opened) before anything is drawn."""
    from wiccli.output.files import open_stream, writable

    if path is None:
        return Output(None, label)
    real = writable(path, label)
    if real is None:
        return Output(path, label, stream=open_stream(path, label))
    return Output(path, label, real=real)
