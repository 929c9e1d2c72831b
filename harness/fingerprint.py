"""Stable identities for findings, so the same problem has the same fingerprint in every run."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def normalise_url(url: str, *, query_values: bool = False) -> str:
    """Lower-case scheme and host, no default port, no fragment, query parameters sorted; the path keeps its case.

    By default query values are dropped (the sorted keys stay): they change between runs (session ids, cache
    busters) while a finding stays the same. With `query_values`, ``?a=1`` and ``?a=2`` are different pages, as
    a crawl must treat them.
    """
    # A crawl meets links with stray spaces around them; a finding's URL is taken as it is.
    parts = urlsplit(url.strip() if query_values else url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or {"http": 80, "https": 443}.get(scheme) == port else f"{host}:{port}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if query_values:
        query = urlencode(sorted(pairs))
    else:
        query = urlencode([(key, "") for key in sorted({key for key, _ in pairs})])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def fingerprint(suite: str, rule: str, url: str, locator: str = "") -> str:
    """A short hash of suite, rule, normalised URL and the selector or parameter that locates the problem."""
    key = "\x1f".join((suite, rule, normalise_url(url) if url else "", locator))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
