"""Text helpers for imported schedules: unique ids, plain text from HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# A tag, a comment or an entity reference: worth running the HTML parser.
_LOOKS_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*\b[^<>]*|/[a-zA-Z][a-zA-Z0-9]*\s*|!--)>|&#?\w+;")


class UniqueIds:
    """Hands out ids, turning a repeat into ``id-2``, ``id-3``…"""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.renamed = 0

    def claim(self, wanted: str) -> str:
        candidate, number = wanted, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{wanted}-{number}"
        if candidate != wanted:
            self.renamed += 1
        self.taken.add(candidate)
        return candidate


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.search(text))


_BLOCKS = frozenset({
    "p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
    "blockquote", "pre", "section", "article", "table", "dl", "dt", "dd", "hr",
})
_SKIPPED = frozenset({"script", "style", "head", "title"})


class _TextParser(HTMLParser):
    """Collects text; block elements start a new paragraph, ``<br>`` a new line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = [[]]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "br":
            self.paragraphs[-1].append("\n")
        elif tag == "li":  # list items: one line each, in the list's paragraph
            self.paragraphs[-1].append("\n- ")
        elif tag in _BLOCKS:
            self.paragraphs.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.paragraphs.append([])

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.paragraphs[-1].append(data)

    def text(self) -> str:
        result = []
        for parts in self.paragraphs:
            lines = "".join(parts).split("\n")
            lines = [" ".join(line.split()) for line in lines]
            paragraph = "\n".join(line for line in lines if line)
            if paragraph:
                result.append(paragraph)
        return "\n\n".join(result)


def html_to_text(text: str) -> str:
    """Plain text from an HTML fragment, paragraphs kept as blank-line separated blocks."""
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    return parser.text()


_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def trim(text: str | None) -> str:
    """Text as published (inner spaces, no-break spaces and all), without control
    characters and trimmed at both ends: what a title keeps."""
    return _CONTROL_RE.sub("", text or "").strip()


def tidy(text: str | None) -> str:
    """Trimmed text: Windows line ends, trailing spaces and control characters gone."""
    if not text:
        return ""
    text = _CONTROL_RE.sub("", text.replace("\t", "    "))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()
