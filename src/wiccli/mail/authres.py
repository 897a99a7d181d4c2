"""``Authentication-Results`` (RFC 8601): what the organiser's own mail server found out
about a message's sender (DMARC, DKIM), read so that only a trusted server's word counts.

Anyone can write this header into a message. It means something only when the receiving
server that wic's mailbox belongs to added it (its authserv-id is named in the event or
on the command line) and removes headers that claim its id from arriving mail, as
RFC 8601 section 5 asks. Of the headers with the trusted id, the topmost is the one
that server added last; others are not consulted.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEADERS = 20  # Authentication-Results headers read from one message
MAX_VALUE = 4000  # characters of one header value


@dataclass(frozen=True, slots=True)
class Result:
    """One ``method=result`` of a header, with its properties (``header.d`` …)."""

    method: str  # lower case: dmarc, dkim, spf, …
    result: str  # lower case: pass, fail, none, …
    props: tuple[tuple[str, str], ...] = ()

    def prop(self, name: str) -> str:
        return next((v for k, v in self.props if k == name), "")


@dataclass(frozen=True, slots=True)
class Header:
    """One Authentication-Results header: who wrote it and what it says."""

    authserv_id: str  # lower case
    results: tuple[Result, ...]


def _pieces(text: str) -> list[str]:
    """``text`` split at each ';' outside a quoted string, without RFC 5322 comments
    (parenthesised, possibly nested): one pass, so a hostile value costs its length."""
    pieces, current, depth, quoted = [], [], 0, False
    for char in text:
        if char == '"' and depth == 0:
            quoted = not quoted
        if quoted:
            current.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth:
            continue
        elif char == ";":
            pieces.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    return [*pieces, "".join(current).strip()]


def parse(value: str) -> Header | None:
    """One header value; None when it names no authserv-id."""
    pieces = _pieces(value[:MAX_VALUE])
    head = pieces[0].split()
    if not head:
        return None
    results = []
    for piece in pieces[1:]:
        words = piece.split()
        if not words or "=" not in words[0]:
            continue  # "none", or junk
        method, _, result = words[0].partition("=")
        props = tuple((k.lower(), v.strip('"').lower()) for k, _, v in
                      (w.partition("=") for w in words[1:]) if "." in k and v)
        results.append(Result(method.split("/")[0].lower(), result.lower(), props))
    return Header(head[0].lower(), tuple(results))


def read_all(values: list[str]) -> tuple[Header, ...]:
    """Every header of a message (top first), bounded in number and size."""
    found = (parse(str(v)) for v in values[:MAX_HEADERS])
    return tuple(h for h in found if h is not None)


def _aligned(domain: str, of_from: str) -> bool:
    """Relaxed alignment (RFC 7489 3.1): the From domain is ``domain`` or below it; a
    bare top-level domain aligns nothing."""
    return "." in domain and (of_from == domain or of_from.endswith("." + domain))


def verdict(headers: tuple[Header, ...], authserv_id: str, from_address: str) -> str:
    """Why the trusted server does not vouch for ``from_address``; "" when it does
    (``dmarc=pass``, or ``dkim=pass`` for a domain aligned with the From domain)."""
    trusted = authserv_id.strip().lower()
    mine = next((h for h in headers if h.authserv_id == trusted), None)
    if mine is None:
        return f"no Authentication-Results from {trusted}"
    of_from = from_address.rpartition("@")[2]
    for result in mine.results:
        if result.result != "pass":
            continue
        if result.method == "dmarc" and _aligned(result.prop("header.from") or of_from,
                                                 of_from):
            return ""
        if result.method == "dkim" and _aligned(
                result.prop("header.d") or result.prop("header.i").rpartition("@")[2],
                of_from):
            return ""
    said = ", ".join(f"{r.method}={r.result}" for r in mine.results) or "nothing"
    return f"{trusted} says {said}, not dmarc=pass or aligned dkim=pass"
