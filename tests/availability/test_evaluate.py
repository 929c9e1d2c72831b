"""Judging availability from recorded documents: the window's gates, HTTPS, error pages, the status page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from harness.golive_list import DETAILS_KEY
from harness.models import Status, SuiteResult
from harness.settings import Waiver
from suites.availability.evaluate import evaluate_availability
from suites.availability.settings import AvailabilitySettings
from suites.availability.suite import AvailabilitySuite
from suites.availability.window import longest_run, percentile

TODAY = dt.date(2026, 11, 26)


def probes(statuses: list[int | None], ms: float = 20.0) -> dict[str, Any]:
    records = []
    for index, status in enumerate(statuses):
        record: dict[str, Any] = {"url": "/health", "t": float(index)}
        if status is None:
            record["error"] = "ConnectionRefusedError: [Errno 111] Connection refused"
        else:
            record.update(status=status, ms=ms + index)
        records.append(record)
    return {"window_s": len(statuses), "rounds": len(statuses), "records": records}


def documents(statuses: list[int | None], **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "probes": probes(statuses),
        "https": {"scheme": "http", "skipped": "the target is not https://, so there is no certificate or HSTS"},
        "error_pages": [
            {"probe": "missing page", "method": "GET", "url": "http://x/m", "status": 404, "leak": "clean"}
        ],
        "status_page": {"skipped": "no availability.status_page configured"},
    }
    return {**base, **overrides}


def judge(docs: dict[str, Any], **settings: Any) -> SuiteResult:
    return evaluate_availability(docs, AvailabilitySettings(**settings), [], TODAY)


def status(result: SuiteResult, check_id: str) -> Status:
    return next(check.status for check in result.checks if check.id == check_id)


def message(result: SuiteResult, check_id: str) -> str:
    return next(check.message for check in result.checks if check.id == check_id)


def test_a_healthy_window_passes_and_https_checks_are_skipped_with_the_reason_on_http() -> None:
    result = judge(documents([200] * 10))
    assert status(result, "success_ratio") is Status.PASS
    assert status(result, "p95_ms") is Status.PASS
    assert result.metrics["success_ratio"] == 1.0
    for check_id in ("certificate_expiry", "certificate_chain", "https_redirect", "hsts"):
        assert status(result, check_id) is Status.SKIPPED
        assert "not https://" in message(result, check_id)
    assert status(result, "status_page") is Status.SKIPPED
    assert result.status is Status.PASS


def test_every_fifth_probe_failing_fails_the_success_ratio() -> None:
    result = judge(documents([500 if index % 5 == 4 else 200 for index in range(20)]))
    assert result.metrics["success_ratio"] == 0.8
    assert result.metrics["longest_failure_run"] == 1
    assert status(result, "success_ratio") is Status.FAIL
    assert "0.8 < 0.99" in message(result, "success_ratio")


def test_a_service_that_never_answers_fails_and_its_latency_is_not_a_pass() -> None:
    result = judge(documents([None] * 5))
    assert status(result, "success_ratio") is Status.FAIL
    assert status(result, "p95_ms") is Status.ERROR
    assert result.metrics["longest_failure_run"] == 5


def test_no_probe_at_all_is_an_error_never_a_pass() -> None:
    result = judge(documents([], probes=None))
    assert status(result, "success_ratio") is Status.ERROR


def test_expect_status_and_expect_text_decide_success() -> None:
    docs = documents([200, 302])
    assert judge(docs, expect_status=[200]).metrics["success_ratio"] == 0.5
    records = docs["probes"]["records"]
    records[0]["text_found"], records[1]["text_found"] = True, False
    assert judge(docs, expect_text="OK").metrics["success_ratio"] == 0.5


def test_optional_gates_on_the_longest_outage_and_the_slowest_answer() -> None:
    thresholds = {"longest_failure_run": {"fail": 2}, "max_ms": {"warn": 10}}
    result = judge(documents([200, None, None, None, 200]), thresholds=thresholds)
    assert status(result, "longest_failure_run") is Status.FAIL
    assert status(result, "max_ms") is Status.WARN


def https(days_left: int, **overrides: Any) -> dict[str, Any]:
    not_after = dt.datetime.combine(TODAY + dt.timedelta(days=days_left), dt.time(12), dt.UTC)
    facts: dict[str, Any] = {
        "scheme": "https",
        "chain": {"valid": True},
        "certificate": {"not_before": "2026-01-01T00:00:00+00:00", "not_after": not_after.isoformat()},
        "redirect": {"url": "http://x/", "status": 301, "location": "https://x/"},
        "hsts": {"status": 200, "header": "max-age=31536000; includeSubDomains"},
    }
    return {**facts, **overrides}


def test_certificate_expiry_warns_under_30_days_and_fails_under_7() -> None:
    assert status(judge(documents([200], https=https(90))), "certificate_expiry") is Status.PASS
    assert status(judge(documents([200], https=https(20))), "certificate_expiry") is Status.WARN
    near = judge(documents([200], https=https(3)))
    assert status(near, "certificate_expiry") is Status.FAIL
    assert "in 3 days < 7" in message(near, "certificate_expiry")
    assert status(judge(documents([200], https=https(-1))), "certificate_expiry") is Status.FAIL
    custom = judge(documents([200], https=https(20)), certificate={"warn_days": 10, "fail_days": 5})
    assert status(custom, "certificate_expiry") is Status.PASS


def test_an_untrusted_chain_a_missing_redirect_and_a_missing_hsts_fail() -> None:
    facts = https(
        90,
        chain={"valid": False, "error": "self-signed certificate"},
        redirect={"url": "http://x/", "status": 200, "location": None},
        hsts={"status": 200, "header": None},
    )
    result = judge(documents([200], https=facts))
    assert status(result, "certificate_chain") is Status.FAIL
    assert "self-signed" in message(result, "certificate_chain")
    assert status(result, "https_redirect") is Status.FAIL
    assert status(result, "hsts") is Status.FAIL


def test_a_redirect_to_plain_http_is_not_a_redirect_to_https_and_a_short_hsts_warns() -> None:
    facts = https(
        90,
        redirect={"url": "http://x/", "status": 301, "location": "http://x/home"},
        hsts={"status": 200, "header": "max-age=300"},
    )
    result = judge(documents([200], https=facts))
    assert status(result, "https_redirect") is Status.FAIL
    assert status(result, "hsts") is Status.WARN


def test_unreadable_https_facts_are_errors() -> None:
    facts = https(90, certificate={"error": "TLS handshake failed"}, chain={"valid": None, "error": "refused"})
    result = judge(documents([200], https=facts))
    assert status(result, "certificate_expiry") is Status.ERROR
    assert status(result, "certificate_chain") is Status.ERROR


def test_a_debug_page_is_a_high_finding_with_its_snippet_and_fails_the_check() -> None:
    page = {
        "probe": "missing page",
        "method": "GET",
        "url": "http://x/golive-missing-1",
        "status": 404,
        "leak": "debug",
        "signature": "django-debug",
        "framework": "Django",
        "description": "Django's debug page (DEBUG = True)",
        "snippet": "you have DEBUG = True in your Django settings file",
    }
    result = judge(documents([200], error_pages=[page]))
    assert status(result, "error_pages") is Status.FAIL
    (finding,) = result.findings
    assert finding.severity.value == "high"
    assert finding.evidence == page["snippet"]
    assert "Django" in message(result, "error_pages")


def test_a_default_framework_page_needs_review_and_only_warns() -> None:
    page = {
        "probe": "missing page",
        "url": "http://x/m",
        "status": 404,
        "leak": "review",
        "signature": "tomcat-default",
    }
    result = judge(documents([200], error_pages=[page]))
    assert status(result, "error_pages") is Status.WARN
    assert result.findings[0].extra["needs_review"] is True


def test_error_probes_that_were_never_answered_are_an_error() -> None:
    pages = [{"probe": "missing page", "url": "http://x/m", "error": "ConnectionRefusedError"}]
    assert status(judge(documents([200], error_pages=pages)), "error_pages") is Status.ERROR


def test_the_status_page_must_answer_and_contain_its_text() -> None:
    ok = {"url": "https://status.example", "final_url": "https://status.example", "status": 200, "text_found": True}
    assert status(judge(documents([200], status_page=ok), status_page="x"), "status_page") is Status.PASS
    missing_text = {**ok, "text_found": False}
    result = judge(documents([200], status_page=missing_text), status_page={"url": "x", "expect_text": "operational"})
    assert status(result, "status_page") is Status.FAIL
    down = {"url": "https://status.example", "error": "ConnectionRefusedError"}
    assert status(judge(documents([200], status_page=down)), "status_page") is Status.FAIL


def test_every_check_names_its_go_live_topic_as_measured() -> None:
    result = judge(documents([200]))
    entries = result.details[DETAILS_KEY]
    assert entries["success_ratio"] == {"topics": ["uptime-monitoring"], "source": "measured"}
    assert entries["error_pages"]["topics"] == ["information-security"]
    assert set(entries) == {check.id for check in result.checks}


def test_percentiles_and_runs() -> None:
    assert percentile([], 0.95) is None
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert longest_run([True, False, False, True, False]) == 2


def test_a_missing_ca_file_is_a_config_problem_before_anything_runs(tmp_path: Path) -> None:
    suite = AvailabilitySuite()
    assert suite.config_problems(AvailabilitySettings()) == []
    problems = suite.config_problems(AvailabilitySettings(ca_file=str(tmp_path / "ca.pem")))
    assert problems and "availability.ca_file: no such file" in problems[0]


def test_an_error_page_finding_keeps_its_fingerprint_across_runs_despite_the_random_path() -> None:
    def page(token: str) -> dict[str, Any]:
        url = f"http://x:8000/golive-missing-{token}"
        return {"probe": "missing page", "url": url, "status": 404, "leak": "debug", "signature": "django-debug"}

    first = judge(documents([200], error_pages=[page("aaaa")])).findings[0]
    second = judge(documents([200], error_pages=[page("bbbb")])).findings[0]
    assert first.fingerprint == second.fingerprint


def test_a_waived_debug_page_no_longer_fails_and_the_check_says_so() -> None:
    page = {"probe": "missing page", "url": "http://x/m", "status": 404, "leak": "debug", "signature": "go-panic"}
    waiver = Waiver(rule="error-page-go-panic", reason="staging only", expires=TODAY + dt.timedelta(days=30))
    result = evaluate_availability(documents([200], error_pages=[page]), AvailabilitySettings(), [waiver], TODAY)
    assert status(result, "error_pages") is Status.PASS
    assert message(result, "error_pages").endswith("; 1 waived")
    assert result.findings[0].waived is not None
