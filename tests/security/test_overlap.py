"""A scanner's passive finding that repeats a hygiene finding on the same page is shown once; nothing else is."""

from __future__ import annotations

from typing import Any

from harness.models import Finding
from suites.security.hygiene_rules import make_finding
from suites.security.overlap import without_hygiene_repeats
from suites.security.wapiti_findings import report_findings
from suites.security.zap_findings import zap_findings

TARGET = "http://127.0.0.1:8000"


def wapiti(category: str, path: str, info: str, parameter: str = "") -> Finding:
    item: dict[str, Any] = {"path": path, "info": info, "level": 1, "parameter": parameter, "http_request": ""}
    (finding,) = report_findings({"vulnerabilities": {category: [item]}}, TARGET)
    return finding


def zap(plugin_id: str, url: str, param: str = "") -> Finding:
    alert = {"pluginId": plugin_id, "alert": f"rule {plugin_id}", "risk": "Low", "confidence": "Medium",
             "url": url, "param": param, "messageId": "1"}  # fmt: skip
    findings, _, _ = zap_findings([alert], None)
    return findings[0]


HYGIENE = [
    make_finding("missing-csp", f"{TARGET}/", "no Content-Security-Policy header in the response"),
    make_finding("missing-anti-clickjacking", f"{TARGET}/", "no X-Frame-Options"),
    make_finding("cookie-without-httponly", f"{TARGET}/", "Set-Cookie for 'sid' has no HttpOnly flag", "sid"),
]


def test_the_same_missing_header_on_the_same_page_is_shown_once() -> None:
    repeats = [
        wapiti("Content Security Policy Configuration", "/", "CSP is not set"),
        wapiti("HTTP Secure Headers", "/", "X-Frame-Options is not set"),
        wapiti("HttpOnly Flag cookie", "/", "HttpOnly flag is not set in the cookie : sid"),
        zap("10038", f"{TARGET}/"),
        zap("10020", f"{TARGET}/"),
        zap("10010", f"{TARGET}/", param="sid"),
    ]
    kept, dropped = without_hygiene_repeats(repeats, HYGIENE)
    assert kept == []
    assert dropped == len(repeats)


def test_what_the_hygiene_checks_did_not_say_is_kept() -> None:
    different = [
        # Another page: the hygiene checks fetched only the home page.
        wapiti("Content Security Policy Configuration", "/start", "CSP is not set"),
        # Not a missing policy but a weak one: a different problem.
        wapiti("Content Security Policy Configuration", "/", 'CSP "script-src" value is not safe'),
        # A header the hygiene checks found present.
        wapiti("HTTP Secure Headers", "/", "X-Content-Type-Options is not set"),
        # Another cookie.
        wapiti("HttpOnly Flag cookie", "/", "HttpOnly flag is not set in the cookie : theme"),
        zap("10010", f"{TARGET}/", param="theme"),
        # Not a header at all.
        wapiti("Cross Site Scripting", "/", "XSS vulnerability found via injection in the parameter q", "q"),
        zap("40012", f"{TARGET}/"),
    ]
    kept, dropped = without_hygiene_repeats(different, HYGIENE)
    assert kept == different
    assert dropped == 0


def test_without_hygiene_findings_every_scanner_finding_is_kept() -> None:
    found = [wapiti("Content Security Policy Configuration", "/", "CSP is not set"), zap("10038", f"{TARGET}/")]
    assert without_hygiene_repeats(found, []) == (found, 0)
