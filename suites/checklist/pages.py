"""Fetching the pages a checklist names (the accessibility statement, the privacy notice, a contact page).

Redirects are followed by hand so that the target's headers and cookies go only to the target's own origin:
a statement hosted elsewhere must never receive the staging site's credentials. Only whether each expected
text was found is kept, never the page itself.
"""

from __future__ import annotations

import html
import http.client
import re
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from harness import __version__
from harness.tls_trust import client_context, untrusted_certificate

USER_AGENT = f"golive/{__version__} (go-live checklist)"
MAX_REDIRECTS = 5
# A statement or a privacy notice is a page of text; a megabyte is far more than any of them.
READ_LIMIT = 1_048_576
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(ca_file: str) -> urllib.request.OpenerDirector:
    # The system's CAs, plus the target's private CA (target.ca_file) when it has one.
    return urllib.request.build_opener(_NoRedirects, urllib.request.HTTPSHandler(context=client_context(ca_file)))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def page_text(body: str) -> str:
    """What a reader sees of an HTML page, roughly: tags dropped, entities decoded, spaces collapsed, lower case."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", body))).strip().casefold()


def _get(
    opener: urllib.request.OpenerDirector, url: str, headers: Mapping[str, str], timeout: float
) -> tuple[int, str | None, bytes]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Location"), response.read(READ_LIMIT)
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location") if error.headers else None
        body = error.read(READ_LIMIT) if error.fp is not None else b""
        return error.code, location, body


def fetch_page(
    url: str,
    expect_text: Sequence[str],
    target_url: str,
    target_headers: Mapping[str, str],
    timeout: float,
    ca_file: str = "",
) -> dict[str, Any]:
    """The final status of `url` (redirects followed), where it ended, and which expected texts it contains."""
    current = url
    try:
        opener = _opener(ca_file)
        for _ in range(MAX_REDIRECTS + 1):
            headers = target_headers if _origin(current) == _origin(target_url) else {}
            status, location, body = _get(opener, current, headers, timeout)
            if status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            text = page_text(body.decode("utf-8", errors="replace"))
            found = {wanted: wanted.casefold() in text for wanted in expect_text}
            return {"url": url, "final_url": current, "status": status, "found": found}
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, ssl.SSLCertVerificationError):
            # Said as every suite says it, with what to do (often: set target.ca_file), not as urllib's repr.
            return {"url": url, "final_url": current, "error": untrusted_certificate(current, reason)}
        return {"url": url, "final_url": current, "error": f"{type(error).__name__}: {reason}"}
    return {"url": url, "final_url": current, "error": f"more than {MAX_REDIRECTS} redirects"}
