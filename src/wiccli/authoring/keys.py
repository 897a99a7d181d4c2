"""Find the line of a key path (``sessions[4].start``) in TOML text.

The loader reports problems by key path because it works on parsed data, which
has no line numbers. This light scanner walks the text once, the way a TOML
parser would (headers, keys, strings, brackets), and remembers where each table
and key starts, so a message can say ``wic.toml:42``. It never judges the TOML:
on text it does not understand it simply finds fewer keys.

It also keeps offsets, so wic can edit a file as text (``wic diff --bump``) and leave
every other byte as it was: where each key's value starts, and where the last key of
each table written under a header ends.
"""

from __future__ import annotations

import re

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_PART}(?:[ \t]*\.[ \t]*{_PART})*"
_HEADER_RE = re.compile(rf"[ \t]*(\[\[?)[ \t]*({_DOTTED})[ \t]*\]\]?")
_KEY_RE = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=")
_PART_RE = re.compile(_PART)
_INDEX_RE = re.compile(r"\[\d+\]$")


def _parts(dotted: str) -> list[str]:
    return [p[1:-1] if p[0] in "\"'" else p for p in _PART_RE.findall(dotted)]


class _Scanner:
    """One pass over the text; ``lines`` maps key paths to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.depth = 0  # inside [ ] or { } of a value
        self.prefix = ""
        self.counts: dict[str, int] = {}
        self.lines: dict[str, int] = {}
        self.values: dict[str, int] = {}  # key path -> offset just after its `=`
        self.ends: dict[str, int] = {}  # table -> offset after the last character of its keys

    def run(self) -> dict[str, int]:
        at_line_start = True
        while self.pos < len(self.text):
            if at_line_start and self.depth == 0:
                self.line_start()
            at_line_start = self.step()
        return self.lines

    def record(self, path: str) -> None:
        self.lines.setdefault(path, self.line)

    def line_start(self) -> None:
        header = _HEADER_RE.match(self.text, self.pos)
        if header:
            name = ".".join(_parts(header[2]))
            if header[1] == "[[":
                index = self.counts.get(name, 0)
                self.counts[name] = index + 1
                name = f"{name}[{index}]"
            self.prefix = name
            self.record(name)
            self.pos = header.end()
            self.ends[name] = self.pos
            return
        key = _KEY_RE.match(self.text, self.pos)
        if key:
            dotted = ".".join(_parts(key[1]))
            path = f"{self.prefix}.{dotted}" if self.prefix else dotted
            self.record(path)
            self.pos = key.end()
            self.values.setdefault(path, self.pos)

    def step(self) -> bool:
        """Consume one token; True when a new line starts after it."""
        text, char = self.text, self.text[self.pos]
        if char == "\n":
            self.line += 1
            self.pos += 1
            return True
        if char == "#":
            end = text.find("\n", self.pos)
            self.pos = len(text) if end < 0 else end
        elif char in "\"'":
            self.skip_string(char)
            self.ends[self.prefix] = self.pos
        else:
            if char in "[{":
                self.depth += 1
            elif char in "]}":
                self.depth = max(0, self.depth - 1)
            self.pos += 1
            if char not in " \t\r":
                self.ends[self.prefix] = self.pos
        return False

    def skip_string(self, quote: str) -> None:
        text, start = self.text, self.pos
        triple = text.startswith(quote * 3, start)
        delim = quote * 3 if triple else quote
        i = start + len(delim)
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(delim, i):
                i += len(delim)
                # TOML lets up to two quotes close a multi-line string's content.
                extra = 0
                while triple and extra < 2 and i < len(text) and text[i] == quote:
                    i, extra = i + 1, extra + 1
                break
            if text[i] == "\n" and not triple:
                break
            i += 1
        self.line += text.count("\n", start, i)
        self.pos = i


class KeyLocator:
    """Line numbers of key paths in one TOML text."""

    def __init__(self, text: str) -> None:
        scanner = _Scanner(text)
        self._lines = scanner.run()
        self._values = scanner.values
        self._ends = scanner.ends

    def line(self, path: str) -> int | None:
        """The line of ``path``, else of the nearest enclosing key or table that is written."""
        while path:
            if path in self._lines:
                return self._lines[path]
            path = _parent(path)
        return None

    def value_offset(self, path: str) -> int | None:
        """Where the value of the key ``path`` starts (just after its ``=``), if written."""
        return self._values.get(path)

    def table_end(self, path: str) -> int | None:
        """Where the keys of the table ``path`` end, when it has a header of its own.

        The offset follows the last character of its last value (a comment on that line
        and the comments after it are not part of it); None for a table that is written
        inline or not at all.
        """
        return self._ends.get(path)


def _parent(path: str) -> str:
    if _INDEX_RE.search(path):
        return _INDEX_RE.sub("", path)
    return path.rpartition(".")[0]
