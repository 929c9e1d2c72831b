"""Stable identities for findings, so the same problem has the same fingerprint in every run."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and query values (keep sorted query keys).

    Query values change between runs (session ids, cache busters) while the problem stays the same.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = urlencode([(key, "") for key in keys])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def fingerprint(suite: str, rule: str, url: str, locator: str = "") -> str:
    """A short hash of suite, rule, normalised URL and the selector or parameter that locates the problem."""
    key = "\x1f".join((suite, rule, normalise_url(url) if url else "", locator))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
