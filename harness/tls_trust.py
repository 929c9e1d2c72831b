"""Whether golive may trust an https target's certificate, and what to tell the user when it may not.

A staging site often has a certificate from a private CA: `target.ca_file` names that CA's PEM file, trusted
besides the system's CAs by every suite. A suite that needs a trusted connection to measure anything (a browser,
a load test) asks `untrusted_reason` first and stops with its one-line answer; suites that judge the certificate
itself (availability, security hygiene) add `trust_hint` to their finding.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
from urllib.parse import urlsplit

from harness.certificates import CertificateParseError, certificate_public_key_info

CA_FILE_KEY = "target.ca_file"


def client_context(ca_file: str = "") -> ssl.SSLContext:
    """A verifying TLS client context: the system's CAs plus those in `ca_file` (OSError or SSLError if unreadable)."""
    context = ssl.create_default_context()
    if ca_file:
        # In addition to the system's CAs (create_default_context(cafile=...) would replace them).
        context.load_verify_locations(cafile=ca_file)
    return context


def trust_hint(verify_message: str) -> str:
    """What to do about a certificate that failed verification with OpenSSL's `verify_message`."""
    message = verify_message.lower()
    if "expired" in message or "not yet valid" in message:
        return "renew the certificate"
    if "hostname mismatch" in message or "ip address mismatch" in message or "doesn't match" in message:
        return "use the host name the certificate was issued for in target.url, or reissue it for this host"
    return f"if it comes from a private CA, set {CA_FILE_KEY} to the CA's PEM file"


def untrusted_certificate(url: str, error: ssl.SSLCertVerificationError) -> str:
    """One line saying the certificate of `url` is not trusted, why (OpenSSL's words) and what to do."""
    reason = error.verify_message or str(error)
    return f"the certificate of {url} is not trusted ({reason}); {trust_hint(reason)}"


def _handshake(url: str, context: ssl.SSLContext, timeout: float) -> bytes | None:
    parts = urlsplit(url)
    host = parts.hostname or ""
    with (
        socket.create_connection((host, parts.port or 443), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.getpeercert(binary_form=True)


def untrusted_reason(url: str, ca_file: str = "", timeout: float = 10.0) -> str | None:
    """None if `url` is plain http, or its certificate verifies (system CAs plus `ca_file`); else one line saying
    the certificate is not trusted, why, and what to do. Network failures are not certificate problems: None."""
    if urlsplit(url).scheme != "https":
        return None
    try:
        context = client_context(ca_file)
    except (OSError, ssl.SSLError) as error:
        return f"cannot read {CA_FILE_KEY} {ca_file!r}: {error}"
    try:
        _handshake(url, context, timeout)
    except ssl.SSLCertVerificationError as error:
        return untrusted_certificate(url, error)
    except (OSError, ssl.SSLError):
        return None
    return None


def pinned_key(url: str, ca_file: str, timeout: float = 10.0) -> str | None:
    """The base64 SHA-256 of the public key of `url`'s certificate once it verified against `ca_file`, for
    Chromium's --ignore-certificate-errors-spki-list (Chromium reads only the system's CAs); None if it did not."""
    if not ca_file or urlsplit(url).scheme != "https":
        return None
    try:
        der = _handshake(url, client_context(ca_file), timeout)
    except (OSError, ssl.SSLError):
        return None
    if der is None:
        return None
    try:
        spki = certificate_public_key_info(der)
    except CertificateParseError:
        return None
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")
