"""TLS to the mail servers wic talks to (SMTP to send, IMAP to read answers): which
certificates to trust, and one way to say that a handshake failed.

``--ca FILE`` (else ``$WIC_CA``) names a PEM file of CA certificates to trust instead of
the system's: a company's own CA, or a test server's. The older names still work:
``--smtp-ca`` and ``$WIC_SMTP_CA`` for sending, ``$SSL_CERT_FILE`` for reading.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from pathlib import Path

from wiccli.errors import DataError

HINT = "a certificate from a private CA is trusted with --ca FILE or $WIC_CA"


def ca_file(option: Path | None, environ: Mapping[str, str], *older: str) -> Path | None:
    """The CA file to trust: ``option`` (``--ca``), else $WIC_CA, else the first of the
    ``older`` variables that is set; None for the system's certificates."""
    if option is not None:
        return option
    for name in ("WIC_CA", *older):
        if environ.get(name):
            return Path(environ[name])
    return None


def context(ca: Path | None) -> ssl.SSLContext:
    """The system's trusted certificates, or only those of ``ca`` (read now, so a missing
    or broken file is an error before anything is read or changed)."""
    if ca is None:
        return ssl.create_default_context()
    from wiccli.event.load import read_bytes

    try:  # read here, not by OpenSSL: a pipe or a device is refused instead of blocking
        data = read_bytes(ca, "certificate file")
    except DataError as exc:
        raise DataError(f"{exc.message} (--ca FILE, $WIC_CA)") from None
    try:
        pem = data.lstrip().startswith(b"-----")
        return ssl.create_default_context(cadata=data.decode("latin-1") if pem else data)
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or getattr(exc, "reason", None) or exc
        raise DataError(f"{ca}: cannot read the CA certificates (--ca FILE, $WIC_CA): "
                        f"{reason}") from None


def failed(where: str, exc: BaseException) -> DataError:
    """One line for a failed TLS handshake with ``where``, saying how to trust its CA."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        why = exc.verify_message or exc.reason or "not trusted"
        detail = f"the server's certificate is not trusted ({why})"
    else:
        detail = str(getattr(exc, "reason", None) or exc or type(exc).__name__)
    return DataError(f"{where}: TLS failed: {detail}; {HINT}")
