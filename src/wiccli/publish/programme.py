"""``wic programme``: the printable booklet, from the site's templates, through WeasyPrint.

A cover, one grid per day (on landscape pages), every session by day with its details,
then the themes and venues with the page each session is on. WeasyPrint is imported
here only, when a programme is made.
"""

from __future__ import annotations

import unicodedata
from datetime import date, tzinfo

from wiccli.errors import DataError
from wiccli.event.days import session_day
from wiccli.event.model import Event, Session
from wiccli.output.fonts import font_hint, uncovered
from wiccli.publish import pages
from wiccli.publish.site import TEMPLATES, _common, _span, templates

PAPERS = {"a4": "A4", "letter": "letter"}
MAX_LANES = 10  # lanes on one landscape page; more venues go on further pages
REPLACEMENT = "\ufffd"  # printed for a character no installed font has


def programme_html(event: Event, zone: tzinfo) -> str:
    """The booklet as one HTML document (what WeasyPrint draws)."""
    site = pages.build(event, zone)
    env = templates()
    starting: dict[date, list[Session]] = {page.day: [] for page in site.days}
    for s in sorted(event.sessions, key=lambda s: (s.start, s.end, s.id)):
        starting.setdefault(session_day(event, s, zone), []).append(s)
    return env.get_template("programme.html").render(
        **_common(event, site, zone), root="", sessions_starting=starting,
        grid_pages=[part for page in site.days for part in pages.venue_parts(page, MAX_LANES)],
        span=lambda s: _span(s, zone),
        session_href=lambda s: f"#s-{s.id}", venue_href=lambda v: f"#v-{v}")


def print_css(paper: str) -> str:
    return (TEMPLATES / "print.css").read_text(encoding="utf-8").replace("{{PAPER}}",
                                                                         PAPERS[paper])


def missing_fonts(html: str) -> tuple[str, list[str]]:
    """The booklet with every character no installed font can draw replaced by U+FFFD,
    and one line per script it replaced.

    One glyph missing from a font makes WeasyPrint give that font its own encoding (a
    CMap that sends the missing glyph to .notdef), which pypdf, pdfminer and most PDF
    viewers cannot read back: a single emoji in a title, with no emoji font installed,
    left a whole 389-page programme unsearchable. U+FFFD is in every text font, so each
    font keeps the Identity-H encoding whose text every reader extracts.
    """
    lines: dict[str, str] = {}
    missing = uncovered(html)
    for char in missing:
        hint = font_hint(char)
        lines.setdefault(hint, f"no installed font can draw {char!r} (U+{ord(char):04X}, "
                               f"{unicodedata.name(char, 'unnamed').lower()}): it is printed "
                               f"as {REPLACEMENT}; install {hint}")
    if missing:
        html = html.translate(dict.fromkeys(map(ord, missing), REPLACEMENT))
    return html, list(lines.values())


def render_pdf(html: str, css: str) -> bytes:
    try:
        from weasyprint import CSS, HTML
    except ImportError:
        raise DataError("wic programme needs WeasyPrint: pip install 'wic[pdf]'") from None
    except OSError as exc:  # WeasyPrint found, but not the Pango library it draws with
        raise DataError(f"WeasyPrint cannot load its system libraries ({exc}); install "
                        "Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0)") from None
    data: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
        stylesheets=[CSS(string=css)])
    return data
