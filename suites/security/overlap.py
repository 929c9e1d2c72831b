"""A scanner's passive finding that repeats one of golive's HTTP hygiene findings is shown once.

ZAP's passive rules and Wapiti's `csp`, `http_headers` and `cookieflags` modules look at the same response
headers as the hygiene checks. Without this a missing Content-Security-Policy on the home page was listed twice,
counted twice against `fail_on`, and "fixed" twice in the next comparison. The hygiene finding is kept (its
wording and fix are golive's own); the scanner's is dropped only when it is about the same thing on the same URL
and the hygiene checks found it there. Anything else a scanner says, including the same header missing on
pages the hygiene checks never fetched, is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from harness.models import Finding

Matcher = Callable[[Finding], bool]


def _wapiti(rule: str, info_start: str = "") -> Matcher:
    def matches(finding: Finding) -> bool:
        info = str(finding.extra.get("info") or "")
        return finding.rule == f"wapiti:{rule}" and info.startswith(info_start)

    return matches


def _zap(plugin_id: str) -> Matcher:
    def matches(finding: Finding) -> bool:
        return finding.extra.get("source") != "wapiti" and finding.rule == plugin_id

    return matches


# golive's hygiene rule -> the scanner findings that say the same thing. Wapiti 3.x words its messages in
# English (mod_csp, mod_http_headers, mod_cookieflags); ZAP's are its passive scan rule ids.
SAME_AS_HYGIENE: dict[str, tuple[Matcher, ...]] = {
    "missing-csp": (_wapiti("csp", "CSP is not set"), _zap("10038")),
    "missing-hsts": (_wapiti("http_headers", "Strict-Transport-Security is not set"), _zap("10035")),
    "missing-x-content-type-options": (_wapiti("http_headers", "X-Content-Type-Options is not set"), _zap("10021")),
    "missing-anti-clickjacking": (_wapiti("http_headers", "X-Frame-Options is not set"), _zap("10020")),
    "cookie-without-httponly": (_wapiti("http_only"), _zap("10010")),
    "cookie-without-secure": (_wapiti("secure_cookie"), _zap("10011")),
    "cookie-without-samesite": (_zap("10054"),),
}


_COOKIE_RULES = ("cookie-without-httponly", "cookie-without-secure", "cookie-without-samesite")
_HYGIENE_COOKIE = re.compile(r"Set-Cookie for '([^']*)'")


def _page(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc, parts.path or "/"


def _cookie(finding: Finding) -> str:
    """The cookie a finding is about: hygiene names it in its evidence, ZAP as the parameter, Wapiti in its message."""
    if finding.extra.get("source") == "hygiene":
        named = _HYGIENE_COOKIE.search(finding.evidence or "")
        return named.group(1) if named else ""
    if finding.extra.get("param"):
        return str(finding.extra["param"])
    return str(finding.extra.get("info") or "").rpartition(":")[2].strip()


def _subject(rule: str, finding: Finding) -> tuple[str, tuple[str, str, str], str]:
    return rule, _page(finding.url), _cookie(finding) if rule in _COOKIE_RULES else ""


def without_hygiene_repeats(scan: Sequence[Finding], hygiene: Sequence[Finding]) -> tuple[list[Finding], int]:
    """The scan's findings minus those the hygiene checks reported on the same page; and how many were dropped."""
    seen = {_subject(finding.rule, finding) for finding in hygiene}
    kept: list[Finding] = []
    for finding in scan:
        repeats = any(
            _subject(rule, finding) in seen and any(matches(finding) for matches in matchers)
            for rule, matchers in SAME_AS_HYGIENE.items()
        )
        if not repeats:
            kept.append(finding)
    return kept, len(scan) - len(kept)
