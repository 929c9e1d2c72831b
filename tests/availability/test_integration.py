"""The availability suite against real local servers: healthy, flaky, down, leaking a debug page, and over TLS."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from harness.artifacts import Artifacts
from harness.config_loader import load_config
from harness.models import Status, SuiteResult
from harness.redaction import Redactor
from harness.suite import GatherContext, JudgeContext, Target
from suites.availability.suite import AvailabilitySuite
from tests.availability.servers import flask_debug_site, tls_site
from tests.support import Route, free_port, serve

pytestmark = pytest.mark.integration

PAGES = Path(__file__).parent / "pages"
HEALTHY = "<!DOCTYPE html><html lang='en'><title>Health</title><p>OK</p></html>"
# Short windows keep the tests quick; the probes are still spread over the window one at a time.
QUICK = ["availability.requests=10", 'availability.window="1s"', 'availability.timeout="3s"']


def gather_and_judge(target: str, tmp_path: Path, *overrides: str) -> tuple[SuiteResult, Artifacts]:
    config = load_config(None, None, [*QUICK, *overrides], target, environ={}).config
    suite = AvailabilitySuite()
    context = GatherContext(Target.from_config(config), config, tmp_path / "artifacts", Redactor([]))
    artifacts = suite.gather(context)
    return suite.judge(artifacts, JudgeContext(config, None, dt.date.today(), tmp_path / "artifacts")), artifacts


def run_suite(target: str, tmp_path: Path, *overrides: str) -> SuiteResult:
    return gather_and_judge(target, tmp_path, *overrides)[0]


def status(result: SuiteResult, check_id: str) -> Status:
    return next(check.status for check in result.checks if check.id == check_id)


def message(result: SuiteResult, check_id: str) -> str:
    return next(check.message for check in result.checks if check.id == check_id)


def test_a_healthy_service_passes_and_https_checks_are_skipped_on_http(tmp_path: Path) -> None:
    with serve({"/": Route(HEALTHY), "/health": Route("OK", headers={"Content-Type": "text/plain"})}) as site:
        result = run_suite(site.url, tmp_path, 'availability.urls=["/", "/health"]', 'availability.expect_text="OK"')
    assert result.metrics["probes"] == 20
    assert result.metrics["success_ratio"] == 1.0
    assert status(result, "success_ratio") is Status.PASS
    assert status(result, "error_pages") is Status.PASS
    assert status(result, "hsts") is Status.SKIPPED and "not https://" in message(result, "hsts")
    health_probes = [path for method, path in site.requests if path == "/health"]
    assert len(health_probes) == 10


def test_a_service_failing_every_fifth_request_fails_the_success_ratio(tmp_path: Path) -> None:
    counter = itertools.count(1)

    def flaky(handler: BaseHTTPRequestHandler) -> Route:
        return Route("busy", 503) if next(counter) % 5 == 0 else Route(HEALTHY)

    with serve({"/health": flaky}) as site:
        result = run_suite(site.url, tmp_path, 'availability.urls=["/health"]')
    assert result.metrics["success_ratio"] == 0.8
    assert result.metrics["longest_failure_run"] == 1
    assert status(result, "success_ratio") is Status.FAIL
    rows = result.details["per_url"]
    assert rows[0]["first_failure"] == "HTTP 503"


def test_a_service_that_is_down_fails_and_nothing_is_a_pass(tmp_path: Path) -> None:
    result = run_suite(f"http://127.0.0.1:{free_port()}", tmp_path, "availability.requests=3")
    assert status(result, "success_ratio") is Status.FAIL
    assert status(result, "p95_ms") is Status.ERROR
    assert status(result, "error_pages") is Status.ERROR
    assert "Connection refused" in result.details["per_url"][0]["first_failure"]


def test_the_werkzeug_debugger_behind_a_malformed_request_is_a_high_finding(tmp_path: Path) -> None:
    with flask_debug_site() as url:
        result = run_suite(url, tmp_path, "availability.requests=2")
    assert status(result, "success_ratio") is Status.PASS
    assert status(result, "error_pages") is Status.FAIL
    (finding,) = [f for f in result.findings if f.rule == "error-page-werkzeug-debugger"]
    assert finding.severity.value == "high"
    assert finding.extra["probe"] == "malformed query"
    assert (finding.evidence and "Werkzeug" in finding.evidence) or "debugger" in (finding.evidence or "")


def test_a_django_debug_404_page_is_caught_with_its_snippet(tmp_path: Path) -> None:
    debug_404 = Route((PAGES / "bad" / "django-debug__technical-404.html").read_text(encoding="utf-8"), 404)
    with serve({"/": Route(HEALTHY)}, default=debug_404) as site:
        result, artifacts = gather_and_judge(site.url, tmp_path, "availability.requests=2")
    assert status(result, "error_pages") is Status.FAIL
    probes = {f.extra["probe"] for f in result.findings if f.rule == "error-page-django-debug"}
    assert probes == {"missing page", "malformed JSON body"}
    assert all("DEBUG = True" in (f.evidence or "") for f in result.findings)
    # Only the snippet is kept: the rest of the page (the request, the URL patterns) never reaches the artifacts.
    saved = json.dumps([artifacts.get(name) for name in artifacts])
    assert "DEBUG = True" in saved and "Request Method" not in saved and "Django tried these URL patterns" not in saved


def _redirector(https_url: str) -> dict[str, Any]:
    return {"/": Route("", 301, headers={"Location": https_url + "/"})}


def test_a_near_expiry_certificate_fails_and_a_trusted_chain_redirect_and_hsts_pass(tmp_path: Path) -> None:
    with tls_site(tmp_path, days_left=3) as site, serve(_redirector(site.url)) as plain:
        result = run_suite(
            site.url, tmp_path, f'availability.http_url="{plain.url}/"', f'availability.ca_file="{site.ca_file}"'
        )
    assert status(result, "success_ratio") is Status.PASS
    assert status(result, "certificate_expiry") is Status.FAIL
    assert "< 7" in message(result, "certificate_expiry")
    assert status(result, "certificate_chain") is Status.PASS
    assert status(result, "https_redirect") is Status.PASS
    assert status(result, "hsts") is Status.PASS


def test_an_untrusted_certificate_a_month_out_warns_and_fails_the_chain(tmp_path: Path) -> None:
    with tls_site(tmp_path, days_left=20, hsts=None) as site:
        result = run_suite(site.url, tmp_path, "availability.requests=2")
    assert status(result, "certificate_expiry") is Status.WARN
    assert status(result, "certificate_chain") is Status.FAIL
    assert "certificate" in message(result, "certificate_chain")
    # Not on port 443 and no http_url: the redirect cannot be checked, and says how to check it.
    assert status(result, "https_redirect") is Status.SKIPPED
    assert "availability.http_url" in message(result, "https_redirect")
    assert status(result, "hsts") is Status.FAIL


def test_a_status_page_must_answer_with_its_text(tmp_path: Path) -> None:
    routes = {"/": Route(HEALTHY), "/status": Route("<p>All systems operational</p>")}
    with serve(routes) as site:
        good = run_suite(
            site.url,
            tmp_path,
            "availability.requests=1",
            'availability.status_page={url="/status", expect_text="operational"}',
        )
        bad = run_suite(
            site.url,
            tmp_path,
            "availability.requests=1",
            'availability.status_page={url="/status", expect_text="degraded"}',
        )
        gone = run_suite(site.url, tmp_path, "availability.requests=1", 'availability.status_page="/nope"')
    assert status(good, "status_page") is Status.PASS
    assert status(bad, "status_page") is Status.FAIL
    assert status(gone, "status_page") is Status.FAIL and "HTTP 404" in message(gone, "status_page")
