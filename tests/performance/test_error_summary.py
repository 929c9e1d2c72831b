"""Request errors said as a reader would say them, and the commonest one named in the error-ratio reason."""

from __future__ import annotations

import pytest

from harness.models import Check, Status
from suites.performance.checks import with_commonest_error
from suites.performance.results import ErrorGroup


@pytest.mark.parametrize(
    ("error", "summary"),
    [
        ("HTTPError('500 Server Error: x for url: /a')", "HTTP 500"),
        ("ConnectionRefusedError(111, 'Connection refused')", "connection refused"),
        (
            "RetriesExceeded('http://127.0.0.1:1/loop', 'Redirection limit reached (30)')",
            "redirected more than 30 times (a redirect loop?)",
        ),
        ("TooManyRedirects('Exceeded 30 redirects.')", "redirected too many times (a redirect loop?)"),
        ("HTTPConnectionClosed('connection closed.')", "the connection was closed before an answer"),
        ("ConnectionResetError(104, 'Connection reset by peer')", "the connection was closed before an answer"),
        ("ReadTimeout('HTTPConnectionPool: Read timed out.')", "no answer in time"),
        ("CatchResponseError('body did not say ok')", "CatchResponseError('body did not say ok')"),
    ],
)
def test_an_error_is_summarised_in_words(error: str, summary: str) -> None:
    assert ErrorGroup("GET", "/a", error, 1).summary == summary


def test_only_a_failing_or_warning_error_ratio_names_the_commonest_error() -> None:
    groups = [
        ErrorGroup("GET", "/slow", "CatchResponseError('timeout')", 3),
        ErrorGroup("GET", "/loop", "RetriesExceeded('x', 'Redirection limit reached (30)')", 40),
    ]
    checks = [
        Check("error_ratio", Status.FAIL, "error ratio 0.4 > 0.01 (43 of 100 requests failed)"),
        Check("p95_ms", Status.FAIL, "p95 latency 1200 ms > 1000 ms"),
    ]
    named = with_commonest_error(checks, groups)
    assert named[0].message.endswith("; most often GET /loop: redirected more than 30 times (a redirect loop?) (40x)")
    assert named[1] == checks[1]
    passing = [Check("error_ratio", Status.PASS, "error ratio 0 within limits")]
    assert with_commonest_error(passing, groups) == passing
    assert with_commonest_error(checks, []) == checks
