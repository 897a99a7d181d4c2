"""Which characters no installed font can draw, and which font to install for them.

WeasyPrint lays text out with Pango, which finds fonts through fontconfig: Chinese text
is drawn with the system's CJK font as long as one is installed. Whether one is, is asked
of fontconfig's ``fc-list`` for the characters at hand, before anything is drawn, so a
PDF never silently shows empty boxes. Shared by the letters and the printed programme.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from collections.abc import Iterable

# Which font covers a script, by the start of its characters' Unicode names.
FONT_HINTS = (
    (("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC", "FULLWIDTH"),
     "Noto Sans CJK / Noto Serif CJK (Debian: fonts-noto-cjk)"),
    (("ARABIC",), "Noto Naskh Arabic (Debian: fonts-noto-core)"),
    (("HEBREW",), "Noto Sans Hebrew (Debian: fonts-noto-core)"),
    (("DEVANAGARI", "BENGALI", "TAMIL", "TELUGU", "GUJARATI", "GURMUKHI", "KANNADA",
      "MALAYALAM"), "the Noto Sans font of that script (Debian: fonts-noto-core)"),
    (("THAI", "LAO", "KHMER", "MYANMAR"), "the Noto font of that script (Debian: fonts-noto-core)"),
    (("CYRILLIC", "GREEK", "LATIN"), "DejaVu or Noto Serif (Debian: fonts-dejavu-core)"),
    (("EGYPTIAN HIEROGLYPH",), "Noto Sans Egyptian Hieroglyphs (Debian: fonts-noto-extra)"),
)


def font_hint(char: str) -> str:
    name = unicodedata.name(char, "")
    for prefixes, hint in FONT_HINTS:
        if name.startswith(prefixes):
            return hint
    return "a font that covers it (the Noto family covers most scripts: Debian's fonts-noto)"


def covered(chars: str) -> bool:
    """Whether one installed font has every one of ``chars`` (fontconfig decides)."""
    charset = " ".join(f"{ord(c):x}" for c in sorted(set(chars)))
    done = subprocess.run(["fc-list", f":charset={charset}", "family"], capture_output=True,
                          text=True, check=False, timeout=60)
    return done.returncode == 0 and bool(done.stdout.strip())


def drawable(char: str) -> bool:
    """Plain ASCII, spaces and control characters need no check."""
    return ord(char) <= 0x7E or char.isspace() or unicodedata.category(char)[0] == "C"


def uncovered(chars: Iterable[str]) -> list[str]:
    """The characters no installed font can draw, in the order given; nothing when
    fontconfig's ``fc-list`` is absent (then nobody can tell). One fontconfig query per
    script, and one per character only for a script that is not covered whole."""
    if shutil.which("fc-list") is None:
        return []
    wanted = [c for c in dict.fromkeys(chars) if not drawable(c)]
    scripts: dict[str, str] = {}
    for char in wanted:
        script = unicodedata.name(char, "?").split(" ")[0]
        scripts[script] = scripts.get(script, "") + char
    missing = {c for chars_ in scripts.values() if not covered(chars_)
               for c in chars_ if not covered(c)}
    return [c for c in wanted if c in missing]
