"""Gathering availability: the probe window, the HTTPS facts, the error-page probes and the status page.

Error pages are classified here, as they arrive, and only the verdict and a short snippet around the match are
kept: a debug page can print settings and environment variables, which must not be copied into the artifacts.
"""

from __future__ import annotations

import http.client
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from harness.suite import Target
from suites.availability.debug_pages import detect
from suites.availability.http import same_origin, send, unverified_tls
from suites.availability.settings import AvailabilitySettings, StatusPage

MAX_REDIRECTS = 5


def _error_probes(target: Target) -> list[tuple[str, str, str, bytes | None, dict[str, str]]]:
    """(name, method, url, body, extra headers) of the requests that should produce error pages."""
    missing = target.resolve(f"/golive-missing-{secrets.token_hex(6)}")
    json_type = {"Content-Type": "application/json"}
    return [
        ("missing page", "GET", missing, None, {}),
        # Invalid percent-encoding and a half-open array parameter trip many frameworks' query parsers.
        ("malformed query", "GET", target.resolve("/") + "?golive=%E0%A4%A&golive[=1", None, {}),
        # A truncated JSON body to a missing path: body parsers run before routing, and nothing is created.
        ("malformed JSON body", "POST", missing, b'{"golive": ', json_type),
    ]


def error_page_facts(target: Target, timeout: float) -> list[dict[str, Any]]:
    """Each error probe's status and what its page gives away (a signature and a snippet, never the page)."""
    facts = []
    for name, method, url, body, extra in _error_probes(target):
        record: dict[str, Any] = {"probe": name, "method": method, "url": url}
        try:
            answer = send(url, timeout, {**target.request_headers(), **extra}, method, body, unverified_tls())
        except (OSError, http.client.HTTPException) as error:
            record["error"] = f"{type(error).__name__}: {error}"
            facts.append(record)
            continue
        detection = detect(answer.text())
        record.update(status=answer.status, leak=detection.leak.value)
        if detection.signature:
            record.update(
                signature=detection.signature,
                framework=detection.framework,
                description=detection.description,
                snippet=detection.snippet,
            )
        facts.append(record)
    return facts


def status_page_facts(page: StatusPage, target: Target, timeout: float) -> dict[str, Any]:
    """How the status page answers after redirects, and whether it contains the expected text."""
    if not page.url:
        return {"skipped": "no availability.status_page configured"}
    url = current = target.resolve(page.url)
    for _ in range(MAX_REDIRECTS + 1):
        headers = target.request_headers() if same_origin(current, target.url) else {}
        try:
            answer = send(current, timeout, headers)
        except (OSError, http.client.HTTPException) as error:
            return {"url": url, "final_url": current, "error": f"{type(error).__name__}: {error}"}
        location = answer.headers.get("location")
        if answer.status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        facts: dict[str, Any] = {"url": url, "final_url": current, "status": answer.status}
        if page.expect_text:
            facts["text_found"] = page.expect_text in answer.text()
        return facts
    return {"url": url, "final_url": current, "error": f"more than {MAX_REDIRECTS} redirects"}


def probe_targets(settings: AvailabilitySettings, target: Target) -> list[tuple[str, str, Mapping[str, str]]]:
    """(absolute URL, label as configured, headers) for each URL to probe; the target URL when none is set.

    The target's headers and cookies go only to URLs on its own origin.
    """
    labels = settings.urls or [target.url]
    found: list[tuple[str, str, Mapping[str, str]]] = []
    for label in labels:
        url = target.resolve(label)
        found.append((url, label, target.request_headers() if same_origin(url, target.url) else {}))
    return found
