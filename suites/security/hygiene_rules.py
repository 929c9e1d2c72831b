"""Judge saved hygiene observations: a table of golive's own rules and a pure function producing findings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.fingerprint import fingerprint
from harness.models import Finding, Severity
from harness.suite import is_loopback_host
from harness.tls_trust import trust_hint

SUITE = "security"
MDN = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/"
# Six months: the shortest max-age that browsers' HSTS preload lists accept is a year; half that is the floor.
MIN_HSTS_MAX_AGE = 15_552_000
_VERSION = re.compile(r"\d+\.\d+|/\d")


@dataclass(frozen=True)
class HygieneRule:
    """One of golive's own checks: how bad it is, what it means, and how to fix it."""

    severity: Severity
    title: str
    solution: str
    help_url: str


RULES: dict[str, HygieneRule] = {
    "tls-certificate-invalid": HygieneRule(
        Severity.HIGH,
        "TLS certificate is not trusted",
        "Serve a certificate from a public CA that matches the host name and has not expired; for a staging site "
        "with a private CA, set target.ca_file to the CA's PEM file.",
        "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security",
    ),
    "tls-certificate-expired": HygieneRule(
        Severity.HIGH,
        "TLS certificate has expired",
        "Renew the certificate now, and automate renewal (e.g. ACME) with monitoring of the expiry date.",
        "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security",
    ),
    "tls-certificate-expiring": HygieneRule(
        Severity.MEDIUM,
        "TLS certificate expires soon",
        "Renew the certificate before it expires, and automate renewal (e.g. ACME) with monitoring of the date.",
        "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security",
    ),
    "tls-legacy-protocol": HygieneRule(
        Severity.MEDIUM,
        "Server accepts TLS 1.0 or TLS 1.1",
        "Allow TLS 1.2 and TLS 1.3 only (e.g. `ssl_protocols TLSv1.2 TLSv1.3;` in nginx, "
        "`SSLProtocol -all +TLSv1.2 +TLSv1.3` in Apache).",
        "https://datatracker.ietf.org/doc/html/rfc8996",
    ),
    "plain-http": HygieneRule(
        Severity.MEDIUM,
        "Service is served over plain HTTP",
        "Serve the service over HTTPS only, redirect HTTP to HTTPS and send Strict-Transport-Security.",
        "https://developer.mozilla.org/en-US/docs/Web/Security/Transport_Layer_Security",
    ),
    "http-not-redirected-to-https": HygieneRule(
        Severity.MEDIUM,
        "HTTP is not redirected to HTTPS",
        "Answer every plain-HTTP request with a 301 or 308 redirect to the same URL on https://.",
        MDN + "Strict-Transport-Security",
    ),
    "missing-hsts": HygieneRule(
        Severity.MEDIUM,
        "Strict-Transport-Security header missing",
        "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response.",
        MDN + "Strict-Transport-Security",
    ),
    "hsts-max-age-too-short": HygieneRule(
        Severity.LOW,
        "Strict-Transport-Security max-age is too short",
        f"Use a max-age of at least {MIN_HSTS_MAX_AGE} seconds (180 days); 31536000 (a year) is usual.",
        MDN + "Strict-Transport-Security",
    ),
    "missing-csp": HygieneRule(
        Severity.MEDIUM,
        "Content-Security-Policy header missing",
        "Send a Content-Security-Policy that limits where scripts may come from, e.g. "
        "`default-src 'self'; frame-ancestors 'none'`; start with Content-Security-Policy-Report-Only to tune it.",
        MDN + "Content-Security-Policy",
    ),
    "csp-allows-unsafe-scripts": HygieneRule(
        Severity.LOW,
        "Content-Security-Policy allows inline or eval'd scripts",
        "Remove 'unsafe-inline' and 'unsafe-eval' from script-src (or default-src); use nonces or hashes instead.",
        MDN + "Content-Security-Policy/script-src",
    ),
    "missing-x-content-type-options": HygieneRule(
        Severity.LOW,
        "X-Content-Type-Options: nosniff missing",
        "Send `X-Content-Type-Options: nosniff` on every response.",
        MDN + "X-Content-Type-Options",
    ),
    "missing-anti-clickjacking": HygieneRule(
        Severity.MEDIUM,
        "Page can be framed by other sites (no frame-ancestors or X-Frame-Options)",
        "Add `frame-ancestors 'none'` (or 'self') to the Content-Security-Policy, or send "
        "`X-Frame-Options: DENY` for older browsers.",
        MDN + "Content-Security-Policy/frame-ancestors",
    ),
    "missing-referrer-policy": HygieneRule(
        Severity.LOW,
        "Referrer-Policy header missing",
        "Send `Referrer-Policy: strict-origin-when-cross-origin` (or `no-referrer`).",
        MDN + "Referrer-Policy",
    ),
    "unsafe-referrer-policy": HygieneRule(
        Severity.LOW,
        "Referrer-Policy sends full URLs to other sites",
        "Replace `unsafe-url` with `strict-origin-when-cross-origin` so paths and query strings stay private.",
        MDN + "Referrer-Policy",
    ),
    "cookie-without-secure": HygieneRule(
        Severity.MEDIUM,
        "Cookie set without the Secure flag on an HTTPS service",
        "Add `Secure` to the Set-Cookie header so the cookie is never sent over plain HTTP.",
        MDN + "Set-Cookie#secure",
    ),
    "cookie-without-httponly": HygieneRule(
        Severity.LOW,
        "Cookie set without the HttpOnly flag",
        "Add `HttpOnly` to the Set-Cookie header unless page scripts must read this cookie.",
        MDN + "Set-Cookie#httponly",
    ),
    "cookie-without-samesite": HygieneRule(
        Severity.LOW,
        "Cookie set without a SameSite attribute",
        "Add `SameSite=Lax` (or `Strict`) to the Set-Cookie header to limit cross-site request forgery.",
        MDN + "Set-Cookie#samesitesamesite-value",
    ),
    "server-version-disclosed": HygieneRule(
        Severity.LOW,
        "Server software version disclosed in response headers",
        "Configure the web server and framework not to send version numbers (e.g. `ServerTokens Prod` in "
        "Apache, `server_tokens off` in nginx, remove X-Powered-By).",
        MDN + "Server",
    ),
    "cors-reflects-origin-with-credentials": HygieneRule(
        Severity.HIGH,
        "CORS allows any origin to make credentialed requests",
        "Only echo origins from an allow-list in Access-Control-Allow-Origin, and send "
        "Access-Control-Allow-Credentials only for those.",
        MDN + "Access-Control-Allow-Origin",
    ),
    "cors-reflects-any-origin": HygieneRule(
        Severity.LOW,
        "CORS reflects any Origin",
        "Check the Origin against an allow-list instead of echoing it back.",
        MDN + "Access-Control-Allow-Origin",
    ),
    "exposed-git": HygieneRule(
        Severity.HIGH,
        "Git repository metadata is publicly readable",
        "Do not deploy the .git folder; block `/.git/` in the web server and rotate any secret in the history.",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/"
        "02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_"
        "Sensitive_Information",
    ),
    "exposed-env": HygieneRule(
        Severity.HIGH,
        "Environment file (.env) is publicly readable",
        "Remove the .env file from the web root, block dotfiles in the web server and rotate every secret in it.",
        "https://owasp.org/Top10/A05_2021-Security_Misconfiguration/",
    ),
    "exposed-server-status": HygieneRule(
        Severity.MEDIUM,
        "Server status page is publicly readable",
        "Restrict /server-status to local or administrative addresses (`Require local`) or disable mod_status.",
        "https://httpd.apache.org/docs/2.4/mod/mod_status.html",
    ),
    "exposed-backup": HygieneRule(
        Severity.HIGH,
        "Backup or dump file is publicly readable",
        "Remove backups and dumps from the web root and rotate any credential they contain.",
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/"
        "02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_"
        "Sensitive_Information",
    ),
    "missing-permissions-policy": HygieneRule(
        Severity.INFO,
        "Permissions-Policy header missing",
        "Send a Permissions-Policy that turns off browser features the service does not use, e.g. "
        "`Permissions-Policy: camera=(), microphone=(), geolocation=()`.",
        MDN + "Permissions-Policy",
    ),
    "missing-security-txt": HygieneRule(
        Severity.INFO,
        "No /.well-known/security.txt",
        "Publish /.well-known/security.txt with a Contact: line so people can report vulnerabilities (RFC 9116).",
        "https://securitytxt.org/",
    ),
}


def make_finding(rule: str, url: str, evidence: str, locator: str = "") -> Finding:
    """A finding for one of golive's own rules, with its severity, solution and fingerprint from the table."""
    entry = RULES[rule]
    return Finding(
        suite=SUITE,
        rule=rule,
        severity=entry.severity,
        title=entry.title,
        url=url,
        fingerprint=fingerprint(SUITE, rule, url, locator),
        evidence=evidence,
        help_url=entry.help_url,
        extra={"solution": entry.solution, "source": "hygiene"},
    )


def _directives(policy: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for part in policy.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            result.setdefault(name.lower(), value.strip())
    return result


def _header_findings(page: dict[str, Any], https: bool) -> Iterator[Finding]:
    url = page["url"]
    headers: dict[str, str] = page.get("headers", {})
    csp = headers.get("content-security-policy")
    if csp is None:
        report_only = " (only Content-Security-Policy-Report-Only is sent, which enforces nothing)"
        note = report_only if "content-security-policy-report-only" in headers else ""
        yield make_finding("missing-csp", url, f"no Content-Security-Policy header in the response{note}")
        directives: dict[str, str] = {}
    else:
        directives = _directives(csp)
        scripts = directives.get("script-src", directives.get("default-src", ""))
        unsafe = [word for word in ("'unsafe-inline'", "'unsafe-eval'") if word in scripts.lower()]
        # A nonce or hash makes browsers ignore 'unsafe-inline' (CSP level 2), so it is only a fallback then.
        hardened = "'nonce-" in scripts or "'sha256-" in scripts or "'strict-dynamic'" in scripts
        if "'unsafe-eval'" in unsafe or (unsafe and not hardened):
            yield make_finding("csp-allows-unsafe-scripts", url, f"script sources allow {', '.join(unsafe)}")
    if headers.get("x-content-type-options", "").strip().lower() != "nosniff":
        given = headers.get("x-content-type-options")
        evidence = f"X-Content-Type-Options: {given}" if given else "no X-Content-Type-Options header"
        yield make_finding("missing-x-content-type-options", url, evidence)
    frame_option = headers.get("x-frame-options", "").strip().upper()
    if "frame-ancestors" not in directives and frame_option not in ("DENY", "SAMEORIGIN"):
        yield make_finding(
            "missing-anti-clickjacking", url, "no frame-ancestors directive in the CSP and no X-Frame-Options header"
        )
    referrer = headers.get("referrer-policy")
    if referrer is None:
        yield make_finding("missing-referrer-policy", url, "no Referrer-Policy header")
    elif "unsafe-url" in referrer.lower():
        yield make_finding("unsafe-referrer-policy", url, f"Referrer-Policy: {referrer}")
    if https:
        hsts = headers.get("strict-transport-security")
        if hsts is None:
            yield make_finding("missing-hsts", url, "no Strict-Transport-Security header on the HTTPS response")
        else:
            match = re.search(r"max-age\s*=\s*\"?(\d+)", hsts, re.IGNORECASE)
            if match is None or int(match.group(1)) < MIN_HSTS_MAX_AGE:
                yield make_finding("hsts-max-age-too-short", url, f"Strict-Transport-Security: {hsts}")
    if "permissions-policy" not in headers:
        yield make_finding("missing-permissions-policy", url, "no Permissions-Policy header")
    disclosed = [
        f"{name.title()}: {headers[name]}"
        for name in ("server", "x-powered-by", "x-aspnet-version", "x-aspnetmvc-version")
        if name in headers and (name.startswith("x-asp") or _VERSION.search(headers[name]))
    ]
    if disclosed:
        yield make_finding("server-version-disclosed", url, "; ".join(disclosed))


def _cookie_findings(page: dict[str, Any], https: bool) -> Iterator[Finding]:
    seen: set[str] = set()
    for cookie in page.get("cookies", []):
        name = str(cookie.get("name", ""))
        if name in seen:
            continue
        seen.add(name)
        url = str(cookie.get("set_by") or page["url"])
        if https and not cookie.get("secure"):
            yield make_finding("cookie-without-secure", url, f"Set-Cookie for {name!r} has no Secure flag", name)
        if not cookie.get("httponly"):
            yield make_finding("cookie-without-httponly", url, f"Set-Cookie for {name!r} has no HttpOnly flag", name)
        if not cookie.get("samesite"):
            yield make_finding(
                "cookie-without-samesite", url, f"Set-Cookie for {name!r} has no SameSite attribute", name
            )


def _cors_findings(cors: dict[str, Any] | None, url: str) -> Iterator[Finding]:
    if not cors or cors.get("error"):
        return
    allowed = cors.get("allow_origin")
    if allowed != cors.get("origin_sent"):
        return
    credentials = str(cors.get("allow_credentials") or "").strip().lower() == "true"
    evidence = (
        f"request with Origin: {cors['origin_sent']} was answered with Access-Control-Allow-Origin: {allowed}"
        + (" and Access-Control-Allow-Credentials: true" if credentials else "")
    )
    rule = "cors-reflects-origin-with-credentials" if credentials else "cors-reflects-any-origin"
    yield make_finding(rule, url, evidence)


def _exposure_findings(probes: list[dict[str, Any]]) -> Iterator[Finding]:
    for probe in probes:
        # Recognising the content is what counts; an identical answer to a random path means a catch-all page.
        if probe.get("content_matches") and not probe.get("same_as_not_found"):
            evidence = (
                f"GET {probe['path']} answered {probe['status']} with content that looks like {probe['looks_like']}"
            )
            yield make_finding(str(probe["rule"]), str(probe["url"]), evidence)


def _tls_findings(tls: dict[str, Any], target: str, today: dt.date | None, warn_days: int) -> Iterator[Finding]:
    expired_finding = False
    not_after = tls.get("not_after")
    if not_after and today is not None:
        expires = dt.datetime.fromisoformat(str(not_after)).date()
        days_left = (expires - today).days
        if days_left < 0:
            expired_finding = True
            yield make_finding(
                "tls-certificate-expired",
                target,
                f"certificate expired on {expires.isoformat()} ({-days_left} day(s) ago)",
            )
        elif days_left < warn_days:
            yield make_finding(
                "tls-certificate-expiring",
                target,
                f"certificate expires on {expires.isoformat()} ({days_left} day(s) left; warned below {warn_days})",
            )
    if not tls.get("verified", True):
        error = str(tls.get("error"))
        # An expired certificate also fails verification; the expiry finding already says it better.
        if not (expired_finding and "expired" in error.lower()):
            evidence = f"certificate verification failed: {error}; {trust_hint(error)}"
            yield make_finding("tls-certificate-invalid", target, evidence)
    legacy = tls.get("legacy_protocols") or {}
    accepted = [label for label, result in legacy.items() if isinstance(result, dict) and result.get("accepted")]
    if accepted:
        yield make_finding(
            "tls-legacy-protocol", target, f"the server completed a handshake with {', '.join(accepted)}"
        )


def certificate_days_left(observations: dict[str, Any], today: dt.date) -> int | None:
    """Days until the https target's certificate expires (negative once expired); None when unknown."""
    not_after = (observations.get("tls") or {}).get("not_after")
    if not not_after:
        return None
    return (dt.datetime.fromisoformat(str(not_after)).date() - today).days


def hygiene_findings(
    observations: dict[str, Any], today: dt.date | None = None, certificate_warn_days: int = 30
) -> list[Finding]:
    """Every hygiene finding the saved observations show (empty when the probes could not run).

    Certificate expiry is judged against `today` (the evaluation date), so re-evaluating a saved run later
    shows a certificate that has expired since; without `today` expiry is not judged.
    """
    page = observations.get("main")
    if observations.get("error") or not page:
        return []
    target = str(observations.get("target", page["url"]))
    https = urlsplit(str(page["url"])).scheme == "https"
    findings: list[Finding] = []
    tls = observations.get("tls")
    if tls:
        findings.extend(_tls_findings(tls, target, today, certificate_warn_days))
    host = urlsplit(target).hostname or ""
    if observations.get("scheme") == "http" and not https and not is_loopback_host(host):
        findings.append(make_finding("plain-http", target, f"{target} is served over http://"))
    redirect = observations.get("https_redirect") or {}
    if redirect.get("checked") and redirect.get("listening") and not redirect.get("redirects_to_https"):
        evidence = f"GET {redirect['url']} answered {redirect.get('status')} without redirecting to https://"
        findings.append(make_finding("http-not-redirected-to-https", str(redirect["url"]), evidence))
    findings.extend(_header_findings(page, https))
    findings.extend(_cookie_findings(page, https))
    findings.extend(_cors_findings(observations.get("cors"), str(page["url"])))
    findings.extend(_exposure_findings(observations.get("probes", [])))
    security_txt = observations.get("security_txt") or {}
    if security_txt and not security_txt.get("error") and not security_txt.get("has_contact"):
        evidence = f"GET {security_txt['url']} answered {security_txt.get('status')} without a Contact: line"
        findings.append(make_finding("missing-security-txt", str(security_txt["url"]), evidence))
    return findings
