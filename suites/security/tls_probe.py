"""TLS facts about an https target, with the standard library's ssl module: certificate validity dates, the
protocol a normal client gets, and whether the server still accepts TLS 1.0 / 1.1.

The certificate is read in its binary (DER) form because Python only decodes certificates that verified, and an
untrusted or expired certificate is exactly the one whose dates matter (see harness.certificates).
"""

from __future__ import annotations

import socket
import ssl
import warnings
from typing import Any

from harness.certificates import CertificateParseError, certificate_validity

__all__ = ["LEGACY_PROTOCOLS", "CertificateParseError", "certificate_validity", "probe_tls"]

# Protocols browsers dropped in 2020; a server that still accepts them invites downgrade attacks.
LEGACY_PROTOCOLS = (("TLSv1", "TLS 1.0"), ("TLSv1_1", "TLS 1.1"))


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _handshake(host: str, port: int, context: ssl.SSLContext, timeout: float) -> tuple[str | None, bytes | None]:
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.version(), tls.getpeercert(binary_form=True)


def _legacy_accepted(host: str, port: int, version_name: str, timeout: float) -> dict[str, Any]:
    """Whether the server completes a handshake limited to one old protocol version."""
    context = _unverified_context()
    try:
        with warnings.catch_warnings():
            # Python deprecates these versions; asking for them on purpose is the point of the probe.
            warnings.simplefilter("ignore", DeprecationWarning)
            version = getattr(ssl.TLSVersion, version_name)
            context.minimum_version = version
            context.maximum_version = version
        # OpenSSL 3 refuses old protocols at its default security level even as a client.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    except (ValueError, ssl.SSLError) as error:
        return {"accepted": None, "reason": f"this machine's OpenSSL cannot offer it ({error})"}
    try:
        negotiated, _ = _handshake(host, port, context, timeout)
    except ssl.SSLError as error:
        if "no protocols available" in str(error).lower() or "NO_PROTOCOLS_AVAILABLE" in str(error):
            return {"accepted": None, "reason": "this machine's OpenSSL cannot offer it"}
        return {"accepted": False, "reason": error.reason or str(error)}
    except (OSError, TimeoutError) as error:
        return {"accepted": None, "reason": f"{type(error).__name__}: {error}"}
    return {"accepted": True, "negotiated": negotiated}


def probe_tls(host: str, port: int, timeout: float) -> dict[str, Any]:
    """The certificate's validity dates, the protocol a modern client negotiates, and legacy protocol support."""
    facts: dict[str, Any] = {}
    try:
        facts["protocol"], der = _handshake(host, port, _unverified_context(), timeout)
    except (OSError, ssl.SSLError) as error:
        facts["error"] = f"TLS handshake failed: {error}"
        return facts
    if der:
        try:
            not_before, not_after = certificate_validity(der)
        except (CertificateParseError, ValueError) as error:
            facts["certificate_error"] = str(error)
        else:
            facts["not_before"] = not_before.isoformat()
            facts["not_after"] = not_after.isoformat()
    facts["legacy_protocols"] = {label: _legacy_accepted(host, port, name, timeout) for name, label in LEGACY_PROTOCOLS}
    return facts
