"""What may go into a mail header: the one check every edge uses for names and addresses.

A guest's name, the event's name, the sender's name and address all end up in the
``From``, ``To`` or ``Subject`` of an invitation. Some text would change the headers
themselves, whatever wic does when it writes them:

- control characters (CR, LF, NUL, the C1 range, U+2028/U+2029): a line break ends a
  header and starts another, or ends the headers early;
- encoded words (``=?utf-8?q?...?=``): mail readers decode them, and Python's header
  folding before the fix of CVE-2024-6923 copied a decoded CR LF into the output, so a
  name could become a ``Bcc:`` header;
- very long values: a header line over 998 characters is refused by servers, forever.

They are refused where the text enters wic (event file, ``add``, CSV and TOML import,
a delegate from a reply), so wic does not depend on the Python patch level; the
composed message is checked again before it is sent (:mod:`wiccli.mail.message`).
"""

from __future__ import annotations

import re

from wiccli.limits import MAX_ADDRESS

# C0 (tab and line breaks included), DEL, C1 (NEL included), line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ENCODED_WORD = "=?"
# One address, no display name: what a From, To or Reply-To and a mailto: URI can carry.
_ATOM = r"[^@\s<>(),;:\"\[\]\\.]+"
EMAIL_RE = re.compile(rf"^[^@\s<>(),;:\"\[\]\\]+@{_ATOM}(\.{_ATOM})+$")
_BRACKETED = re.compile(r"^<([^<>]*)>$")


def text_problem(value: str, limit: int) -> str | None:
    """Why ``value`` cannot go into a mail header, or None when it can."""
    bad = _CONTROL.search(value)
    if bad:
        return f"contains a control character (U+{ord(bad.group()):04X})"
    if ENCODED_WORD in value:
        return f'contains "{ENCODED_WORD}" (an encoded word), which mail headers would decode'
    if len(value) > limit:
        return f"is {len(value):,} characters long (at most {limit:,})"
    return None


def shown(value: str) -> str:
    """A value as typed (its repr) in a message, or its length when too long to show."""
    return repr(value) if len(value) <= 80 else f"a value of {len(value):,} characters"


def address(value: str) -> tuple[str, str | None]:
    """``value`` as a plain address (``<a@b.org>`` loses its brackets), and why it cannot
    be one (None when it can)."""
    found = value.strip()
    bare = _BRACKETED.match(found)
    if bare:
        found = bare.group(1).strip()
    problem = text_problem(found, MAX_ADDRESS)
    if problem is not None:
        return found, problem
    if "<" in found or ">" in found:
        return found, ("is a name with an address (Name <a@b.org>); give the address alone, "
                       "the name has its own field")
    if not EMAIL_RE.match(found):
        return found, "is not an e-mail address (name@example.org)"
    return found, None
