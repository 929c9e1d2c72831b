"""How the suite compares and names URLs: by origin, and by path on the target for a reader."""

from __future__ import annotations

from urllib.parse import urlsplit


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: two URLs with the same origin are the same site to a browser."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def display_path(url: str, base: str) -> str:
    """How a page is named to a reader: its path on the target, or the full URL when it is elsewhere."""
    if not base or origin(url) != origin(base):
        return url
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def origin_text(url: str) -> str:
    """A URL's origin written out ("http://127.0.0.1:8000"), default port included, as a key in saved data."""
    scheme, host, port = origin(url)
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"
