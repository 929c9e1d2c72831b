"""HTTP hygiene probes against real local servers: well configured, badly configured, and catch-all."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from harness.models import Severity
from harness.suite import Target
from suites.security.hygiene import gather_hygiene
from suites.security.hygiene_rules import RULES, certificate_days_left, hygiene_findings
from tests.security.sites import (
    BAD_COOKIE_VALUE,
    CATCH_ALL,
    GOOD_COOKIE_VALUE,
    PAGE,
    bad_site,
    good_site,
)
from tests.security.sites import (
    GOOD_HEADERS as GOOD_PAGE_HEADERS,
)
from tests.support import Route, serve, serving

pytestmark = pytest.mark.integration


def test_a_well_configured_site_has_no_findings() -> None:
    with serve(good_site()) as site:
        observations = gather_hygiene(Target(site.url), timeout=5)
    assert observations["error"] is None
    assert hygiene_findings(observations) == []
    assert observations["requests"] >= 10
    saved = json.dumps(observations)
    assert GOOD_COOKIE_VALUE not in saved  # cookie values are never recorded
    assert observations["main"]["cookies"][0] == {
        "name": "session",
        "secure": False,
        "httponly": True,
        "samesite": "Lax",
        "set_by": site.url,
    }


def test_a_badly_configured_site_gets_the_right_findings() -> None:
    with serve(bad_site()) as site:
        observations = gather_hygiene(Target(site.url), timeout=5)
    findings = {finding.rule: finding for finding in hygiene_findings(observations)}
    assert set(findings) == {
        "missing-csp",
        "missing-x-content-type-options",
        "missing-anti-clickjacking",
        "missing-referrer-policy",
        "missing-permissions-policy",
        "cookie-without-httponly",
        "cookie-without-samesite",
        "server-version-disclosed",
        "cors-reflects-origin-with-credentials",
        "exposed-git",
        "exposed-env",
        "missing-security-txt",
    }
    assert findings["exposed-git"].severity is Severity.HIGH
    assert findings["exposed-git"].url == f"{site.url}/.git/HEAD"
    assert findings["exposed-env"].severity is Severity.HIGH
    assert findings["missing-csp"].severity is Severity.MEDIUM
    assert findings["missing-x-content-type-options"].severity is Severity.LOW
    assert findings["cors-reflects-origin-with-credentials"].severity is Severity.HIGH
    assert findings["server-version-disclosed"].evidence == "Server: Apache/2.4.1 (Unix); X-Powered-By: PHP/8.1.2"
    for finding in findings.values():
        assert finding.suite == "security"
        assert finding.extra["solution"] == RULES[finding.rule].solution
        assert len(finding.fingerprint) == 16
    saved = json.dumps(observations)
    # Neither the cookie value nor the contents of the exposed .env file end up in the artifact.
    assert BAD_COOKIE_VALUE not in saved
    assert "postgres://" not in saved and "SECRET_KEY" not in saved


def test_a_site_answering_200_for_everything_exposes_nothing() -> None:
    with serve({}, default=CATCH_ALL) as site:
        observations = gather_hygiene(Target(site.url), timeout=5)
    rules = {finding.rule for finding in hygiene_findings(observations)}
    assert not any(rule.startswith("exposed-") for rule in rules)
    assert observations["not_found"]["status"] == 200
    assert all(probe["same_as_not_found"] for probe in observations["probes"])
    assert rules == {"missing-security-txt"}


def test_the_targets_headers_and_cookies_are_sent_but_never_recorded() -> None:
    seen: list[dict[str, str]] = []

    def page(handler: BaseHTTPRequestHandler) -> Route:
        seen.append({key.lower(): value for key, value in handler.headers.items()})
        return Route(PAGE)

    target_headers = {"Authorization": "Bearer header-secret-4567"}
    with serve({"/": page}) as site:
        observations = gather_hygiene(Target(site.url, target_headers, {"sid": "cookie-secret-8910"}), timeout=5)
    assert seen and seen[0]["authorization"] == "Bearer header-secret-4567"
    assert seen[0]["cookie"] == "sid=cookie-secret-8910"
    saved = json.dumps(observations)
    assert "header-secret-4567" not in saved and "cookie-secret-8910" not in saved


def test_a_same_host_redirect_is_followed_and_its_cookies_judged() -> None:
    routes = {
        "/": Route("", 302, headers={"Location": "/start", "Set-Cookie": "early=1; HttpOnly; SameSite=Strict"}),
        "/start": Route(PAGE, headers=dict(good_site_headers())),
    }
    with serve(routes) as site:
        observations = gather_hygiene(Target(site.url), timeout=5)
    assert observations["main"]["url"] == f"{site.url}/start"
    assert observations["main"]["redirects"][0]["status"] == 302
    assert [cookie["name"] for cookie in observations["main"]["cookies"]] == ["early", "session"]


def good_site_headers() -> dict[str, str]:
    """The well-configured site's page headers."""
    route = good_site()["/"]
    assert isinstance(route, Route)
    return dict(route.headers)


def test_an_unreachable_target_is_recorded_as_an_error() -> None:
    from tests.support import free_port

    observations = gather_hygiene(Target(f"http://127.0.0.1:{free_port()}"), timeout=2)
    assert "connection refused" in observations["error"]
    assert hygiene_findings(observations) == []


@contextmanager
def tls_site(days_valid: float = 1, accept_legacy: bool = False) -> Iterator[str]:
    """A local HTTPS site with a short-lived self-signed certificate: no HSTS, a cookie without Secure."""
    # A certificate from a throwaway CA that nothing trusts, made in-process (no openssl needed).
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=days_valid))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = PAGE.encode()
            self.send_response(200)
            for name, value in GOOD_PAGE_HEADERS.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if accept_legacy:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            context.minimum_version = ssl.TLSVersion.TLSv1
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    certificate.configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with serving(server) as port:
        yield f"https://127.0.0.1:{port}"


@pytest.fixture
def https_site() -> Iterator[str]:
    """A local HTTPS site whose certificate expires tomorrow and that refuses TLS 1.0 / 1.1 (Python's default)."""
    with tls_site() as url:
        yield url


def test_an_https_site_is_judged_on_its_certificate_hsts_and_secure_cookies(https_site: str) -> None:
    observations = gather_hygiene(Target(https_site), timeout=5)
    tls = observations["tls"]
    assert tls["verified"] is False
    assert tls["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert {label: result["accepted"] for label, result in tls["legacy_protocols"].items()} == {
        "TLS 1.0": False,
        "TLS 1.1": False,
    }
    assert observations["https_redirect"]["checked"] is False  # non-default port: HTTP port unknown
    today = dt.datetime.now(dt.UTC).date()
    findings = {finding.rule: finding for finding in hygiene_findings(observations, today)}
    assert {"tls-certificate-invalid", "tls-certificate-expiring", "missing-hsts", "cookie-without-secure"} <= set(
        findings
    )
    assert "tls-legacy-protocol" not in findings
    assert "missing-csp" not in findings  # the checks went on past the untrusted certificate
    expiring = findings["tls-certificate-expiring"]
    assert expiring.severity is Severity.MEDIUM
    assert expiring.evidence is not None and "left; warned below 30" in expiring.evidence
    assert certificate_days_left(observations, today) in (0, 1)


def test_the_same_certificate_judged_later_has_expired(https_site: str) -> None:
    observations = gather_hygiene(Target(https_site), timeout=5)
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    findings = {finding.rule: finding for finding in hygiene_findings(observations, later)}
    assert findings["tls-certificate-expired"].severity is Severity.HIGH
    assert "day(s) ago" in str(findings["tls-certificate-expired"].evidence)
    assert "tls-certificate-expiring" not in findings
    quiet = hygiene_findings(observations, dt.datetime.now(dt.UTC).date(), certificate_warn_days=0)
    assert not any(finding.rule.startswith("tls-certificate-exp") for finding in quiet)


def test_a_server_that_still_accepts_tls_1_0_and_1_1_is_reported() -> None:
    with tls_site(days_valid=90, accept_legacy=True) as url:
        observations = gather_hygiene(Target(url), timeout=5)
    legacy = observations["tls"]["legacy_protocols"]
    assert legacy["TLS 1.0"]["accepted"] is True and legacy["TLS 1.1"]["accepted"] is True
    findings = {finding.rule: finding for finding in hygiene_findings(observations, dt.date.today())}
    assert findings["tls-legacy-protocol"].evidence == "the server completed a handshake with TLS 1.0, TLS 1.1"
    assert "tls-certificate-expiring" not in findings


@pytest.mark.parametrize(("redirects", "found"), [(True, False), (False, True)])
def test_the_plain_http_side_of_an_https_target_must_redirect(https_site: str, redirects: bool, found: bool) -> None:
    plain_page = Route("", 301, headers={"Location": https_site + "/"}) if redirects else Route(PAGE)
    with serve({"/": plain_page}) as plain:
        observations = gather_hygiene(Target(https_site), timeout=5, http_url=plain.url + "/")
    assert observations["https_redirect"]["checked"] is True
    assert observations["https_redirect"]["redirects_to_https"] is redirects
    rules = {finding.rule for finding in hygiene_findings(observations)}
    assert ("http-not-redirected-to-https" in rules) is found
