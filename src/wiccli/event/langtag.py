"""Language tags (BCP 47, RFC 5646): what a session is held in, as schedules give it.

A tag is checked for its shape (RFC 5646 2.1: ``de``, ``en-GB``, ``zh-Hans-CN``,
``sr-Latn``, ``es-419``) and its primary language for being one ISO 639 names, so a typo such
as ``eng-lish`` or ``xx`` is an error, not a silently wrong calendar. The two-letter codes
are listed here (tests/test_language.py checks them against pycountry, which costs a
quarter of a second to load); pycountry is asked only about three-letter ones.
"""

from __future__ import annotations

import re

# ISO 639-1: every two-letter language code.
ALPHA_2 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho
hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku
kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn
no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl
sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve
vi vo wa wo xh yi yo za zh zu
""".split())
MAX_TAG = 35  # RFC 5646 4.4.1: 35 characters hold any tag that matters in practice
# RFC 5646 2.1's langtag, in either case (the JSON Schema of `wic schema` uses it as is).
TAG_PATTERN = (
    r"^[A-Za-z]{2,3}"  # the language
    r"(-[A-Za-z]{3}){0,3}"  # extended language subtags
    r"(-[A-Za-z]{4})?"  # script
    r"(-([A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(-[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(-[Xx](-[A-Za-z0-9]{1,8})+)?$"  # private use
)
_TAG_RE = re.compile(TAG_PATTERN)


def tag_problem(tag: str) -> str | None:
    """Why ``tag`` is not a language tag, or None when it is one."""
    match = _TAG_RE.match(tag) if len(tag) <= MAX_TAG and tag.isascii() else None
    if match is None:
        return (f"{tag[:40]!r} is not a language tag (BCP 47: 'en', 'de', 'pt-BR', "
                "'zh-Hans')")
    language = tag.split("-", 1)[0].lower()
    if not _known_language(language):
        return f"{tag!r}: {language!r} is not an ISO 639 language code"
    return None


def _known_language(code: str) -> bool:
    if len(code) == 2:
        return code in ALPHA_2
    if "qaa" <= code <= "qtz":  # ISO 639's range for local use
        return True
    import pycountry

    return pycountry.languages.get(alpha_3=code) is not None
