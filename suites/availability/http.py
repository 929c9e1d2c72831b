"""One HTTP request at a time with the standard library, timed, on a fresh connection.

A fresh connection per probe is what a user arriving at the service, or an uptime monitor, pays for: the
connect and TLS handshake are part of the latency. Redirects are never followed here; callers decide.
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness import __version__

USER_AGENT = f"golive/{__version__} (availability)"
# Enough of a page to find an expected text or a debug page's markers.
READ_LIMIT = 262_144


@dataclass(frozen=True)
class Answer:
    """A response: its status, its headers (lower-case names), a bounded prefix of its body, and how long it took."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed_ms: float

    def text(self) -> str:
        """The body as text (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


def unverified_tls() -> ssl.SSLContext:
    """A TLS context that accepts any certificate: availability is measured apart from the certificate's trust."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def send(
    url: str,
    timeout: float,
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    body: bytes | None = None,
    tls: ssl.SSLContext | None = None,
) -> Answer:
    """Send one request and read the answer; raises OSError (refused, timed out, reset) or http.client errors."""
    parts = urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "", parts.port, timeout=timeout, context=tls or unverified_tls()
        )
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = connection.getresponse()
        payload = response.read(READ_LIMIT)
        elapsed = (time.perf_counter() - started) * 1000
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, answer_headers, payload, elapsed)
    finally:
        connection.close()


def same_origin(url: str, other: str) -> bool:
    """Whether two URLs share scheme, host and port (the target's headers go only to its own origin)."""
    first, second = urlsplit(url), urlsplit(other)
    return (first.scheme, (first.hostname or "").lower(), first.port) == (
        second.scheme,
        (second.hostname or "").lower(),
        second.port,
    )
