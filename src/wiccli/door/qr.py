"""A badge's QR code: the token alone, drawn as SVG by segno.

The code carries nothing but the token (26 characters of ``A``–``Z`` and ``2``–``7``,
which QR's alphanumeric mode holds in a version 2 symbol); segno raises the error
correction as far as that version allows (to Q, a quarter of the symbol may be lost)
and picks the mask that scanners read best. segno is imported only when badges are drawn.
"""

from __future__ import annotations

import io

from wiccli.errors import DataError

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks


def qr_svg(token: str) -> str:
    """The QR code of ``token`` as an SVG element that scales to its box (no size)."""
    try:
        import segno
    except ImportError:
        raise DataError("badges need segno: pip install 'wic[badges]'") from None
    code = segno.make_qr(token, error="m", boost_error=True)
    out = io.BytesIO()
    code.save(out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True,
              border=QUIET_ZONE, svgclass="qr", lineclass=None, dark="#000")
    return out.getvalue().decode("ascii")
