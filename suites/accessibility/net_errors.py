"""Chromium's network error codes (``net::ERR_CONNECTION_REFUSED at http://...``) in words a reader can act on.

Playwright reports a failed navigation with Chromium's code and the URL; the reader of a report wants to know
what happened ("connection refused", "the page answered HTTP 404") and what to do about it. The table is the one
place that knows the codes; a code it does not know is kept as Chromium wrote it, so nothing is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A code with the URL Playwright appends to it; the URL is dropped because the report names the page already.
_NET_ERROR = re.compile(r"net::(ERR_[A-Z0-9_]+)(?: at \S+)?")

_TLS_HINT = "if it comes from a private CA, set target.ca_file to the CA's PEM file"
_REFUSED_HINT = "check that the service is running and listens on that port"
_NAME_HINT = "check the host name"
_NETWORK_HINT = "check that this machine can reach the target"


@dataclass(frozen=True)
class NetError:
    """What one Chromium error code means: the words for it, and what a reader can do (empty when nothing)."""

    text: str
    hint: str = ""


_CODES: dict[str, NetError] = {
    "ERR_CONNECTION_REFUSED": NetError("connection refused", _REFUSED_HINT),
    "ERR_CONNECTION_RESET": NetError("the connection was reset by the server"),
    "ERR_CONNECTION_CLOSED": NetError("the server closed the connection without an answer"),
    "ERR_CONNECTION_FAILED": NetError("the connection failed", _NETWORK_HINT),
    "ERR_EMPTY_RESPONSE": NetError("the server closed the connection without sending anything"),
    "ERR_NAME_NOT_RESOLVED": NetError("the host name does not resolve", _NAME_HINT),
    "ERR_NAME_RESOLUTION_FAILED": NetError("the host name could not be looked up", _NAME_HINT),
    "ERR_ADDRESS_UNREACHABLE": NetError("the address is unreachable", _NETWORK_HINT),
    "ERR_ADDRESS_INVALID": NetError("the address is not valid", _NAME_HINT),
    "ERR_INTERNET_DISCONNECTED": NetError("this machine has no network connection", _NETWORK_HINT),
    "ERR_NETWORK_CHANGED": NetError("the network changed while the page loaded"),
    "ERR_TIMED_OUT": NetError("the request timed out"),
    "ERR_CONNECTION_TIMED_OUT": NetError("the connection timed out", _NETWORK_HINT),
    "ERR_TOO_MANY_REDIRECTS": NetError("the page redirects in a loop (too many redirects)"),
    "ERR_INVALID_REDIRECT": NetError("the page redirects to an invalid URL"),
    "ERR_UNSAFE_REDIRECT": NetError("the page redirects to a URL Chromium will not follow"),
    "ERR_ABORTED": NetError(
        "the navigation was cancelled (the URL serves a download or an empty answer, or the page left at once)"
    ),
    "ERR_INVALID_RESPONSE": NetError("the server sent an answer Chromium cannot read"),
    "ERR_INVALID_HTTP_RESPONSE": NetError("the server sent an answer that is not valid HTTP"),
    "ERR_CONTENT_LENGTH_MISMATCH": NetError("the answer ended before its announced length"),
    "ERR_INCOMPLETE_CHUNKED_ENCODING": NetError("the answer ended in the middle of its body"),
    "ERR_RESPONSE_HEADERS_TOO_BIG": NetError("the answer's headers are too large"),
    "ERR_UNSAFE_PORT": NetError(
        "Chromium refuses to connect to this port (ERR_UNSAFE_PORT)", "serve it on another port"
    ),
    "ERR_BLOCKED_BY_RESPONSE": NetError("the answer's headers forbid showing the page (ERR_BLOCKED_BY_RESPONSE)"),
    "ERR_SSL_PROTOCOL_ERROR": NetError(
        "the TLS handshake failed (ERR_SSL_PROTOCOL_ERROR)", "check that the port speaks https, or use http://"
    ),
    "ERR_SSL_VERSION_OR_CIPHER_MISMATCH": NetError(
        "the server offers no TLS version or cipher Chromium accepts (ERR_SSL_VERSION_OR_CIPHER_MISMATCH)"
    ),
    "ERR_CERT_AUTHORITY_INVALID": NetError(
        "the TLS certificate is not trusted (ERR_CERT_AUTHORITY_INVALID)", _TLS_HINT
    ),
    "ERR_CERT_DATE_INVALID": NetError(
        "the TLS certificate has expired or is not yet valid (ERR_CERT_DATE_INVALID)", "renew the certificate"
    ),
    "ERR_CERT_COMMON_NAME_INVALID": NetError(
        "the TLS certificate is not for this host name (ERR_CERT_COMMON_NAME_INVALID)",
        "use a certificate that names the host in target.url",
    ),
}


def _http_failure(status: int | None) -> NetError:
    # Chromium shows its own error page, and Playwright raises this code, for an error status with an empty body.
    if status is None:
        return NetError("the page answered with an HTTP error status")
    return NetError(f"the page answered HTTP {status}")


def explain_code(code: str, http_status: int | None = None) -> NetError | None:
    """The meaning of one code such as ``ERR_CONNECTION_REFUSED``, or None when the table does not know it."""
    if code == "ERR_HTTP_RESPONSE_CODE_FAILURE":
        return _http_failure(http_status)
    if code in _CODES:
        return _CODES[code]
    if code.startswith("ERR_CERT_"):
        return NetError(f"the TLS certificate was refused ({code})", _TLS_HINT)
    return None


def explain(message: str, http_status: int | None = None) -> NetError:
    """`message` with every Chromium code in it put into words (the URL after it dropped), and the first hint.

    Unknown codes and text without a code are kept as they are; explaining an explained message changes nothing.
    """
    hints: list[str] = []

    def words(match: re.Match[str]) -> str:
        known = explain_code(match.group(1), http_status)
        if known is None:
            return f"net::{match.group(1)}"
        if known.hint:
            hints.append(known.hint)
        return known.text

    return NetError(_NET_ERROR.sub(words, message), hints[0] if hints else "")
