"""HTTPS facts of an https target: whether its certificate chain verifies, when the certificate expires, whether
the plain-HTTP address redirects to https://, and the HSTS header it sends.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from harness.certificates import CertificateParseError, certificate_validity
from suites.availability.http import send


def _handshake(host: str, port: int, context: ssl.SSLContext, timeout: float) -> bytes | None:
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.getpeercert(binary_form=True)


def chain_facts(host: str, port: int, timeout: float, ca_files: Mapping[str, str]) -> dict[str, Any]:
    """Whether a normal client (system CAs, plus the CA files, by config key) trusts the certificate for this host."""
    context = ssl.create_default_context()
    for key, ca_file in ca_files.items():
        try:
            if ca_file:
                # In addition to the system's CAs (create_default_context(cafile=...) would replace them).
                context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            return {"valid": None, "error": f"cannot read {key} {ca_file!r}: {error}"}
    try:
        _handshake(host, port, context, timeout)
    except ssl.SSLCertVerificationError as error:
        return {"valid": False, "error": error.verify_message or str(error)}
    except (OSError, ssl.SSLError) as error:
        return {"valid": None, "error": f"TLS handshake failed: {error}"}
    return {"valid": True}


def certificate_facts(host: str, port: int, timeout: float) -> dict[str, Any]:
    """The certificate's validity dates, read whether or not it is trusted (an untrusted one still expires)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        der = _handshake(host, port, context, timeout)
    except (OSError, ssl.SSLError) as error:
        return {"error": f"TLS handshake failed: {error}"}
    if not der:
        return {"error": "the server sent no certificate"}
    try:
        not_before, not_after = certificate_validity(der)
    except (CertificateParseError, ValueError) as error:
        return {"error": f"the certificate's dates could not be read: {error}"}
    return {"not_before": not_before.isoformat(), "not_after": not_after.isoformat()}


def plain_http_url(target_url: str, configured: str) -> str | None:
    """Where to look for the http:// side: the configured URL, else port 80 of a target on 443, else None."""
    if configured:
        return configured
    parts = urlsplit(target_url)
    if parts.port in (None, 443):
        return urlunsplit(("http", parts.hostname or "", parts.path or "/", "", ""))
    return None


def redirect_facts(url: str | None, timeout: float) -> dict[str, Any]:
    """How the plain-HTTP address answers: its status and where it redirects (never followed)."""
    if url is None:
        return {"skipped": "the target is not on port 443; set availability.http_url to check its http:// side"}
    try:
        answer = send(url, timeout)
    except (OSError, http.client.HTTPException) as error:
        return {"url": url, "error": f"{type(error).__name__}: {error}"}
    return {"url": url, "status": answer.status, "location": answer.headers.get("location")}


def hsts_facts(url: str, headers: Mapping[str, str], timeout: float) -> dict[str, Any]:
    """The Strict-Transport-Security header of the target's https answer."""
    try:
        answer = send(url, timeout, headers)
    except (OSError, http.client.HTTPException) as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"status": answer.status, "header": answer.headers.get("strict-transport-security")}


def https_facts(
    target_url: str, headers: Mapping[str, str], timeout: float, http_url: str, ca_files: Mapping[str, str]
) -> dict[str, Any]:
    """Every HTTPS fact of an https target; for an http target, why none apply."""
    parts = urlsplit(target_url)
    if parts.scheme != "https":
        return {"scheme": parts.scheme, "skipped": "the target is not https://, so there is no certificate or HSTS"}
    host, port = parts.hostname or "", parts.port or 443
    return {
        "scheme": "https",
        "chain": chain_facts(host, port, timeout, ca_files),
        "certificate": certificate_facts(host, port, timeout),
        "redirect": redirect_facts(plain_http_url(target_url, http_url), timeout),
        "hsts": hsts_facts(target_url, headers, timeout),
    }
