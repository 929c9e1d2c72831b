"""Verdict rules, waivers and fingerprints."""

from __future__ import annotations

import datetime as dt

from harness.fingerprint import fingerprint, normalise_url
from harness.models import Check, Finding, Reason, Severity, Status, SuiteResult, Verdict, skipped_suite
from harness.settings import Waiver
from harness.verdict import decide
from harness.waivers import apply_waivers


def suite(name: str, *statuses: Status, error: str | None = None) -> SuiteResult:
    checks = tuple(Check(f"c{i}", status, f"check {i} {status.value}") for i, status in enumerate(statuses))
    return SuiteResult(name=name, checks=checks, error=error)


def test_any_fail_is_not_ready_even_with_errors() -> None:
    verdict, reasons = decide(
        {"performance": suite("performance", Status.PASS, Status.FAIL), "security": suite("security", Status.ERROR)}
    )
    assert verdict is Verdict.NOT_READY
    assert reasons[0] == Reason(Status.FAIL, ("performance",), "check 1 fail", "c1")
    assert reasons[0].text() == "performance: check 1 fail (fail)"
    assert "security: check 0 error (error)" in [reason.text() for reason in reasons]


def test_error_without_fail_is_inconclusive() -> None:
    verdict, _ = decide({"a": suite("a", Status.PASS), "b": suite("b", Status.PASS, error="ZAP unreachable")})
    assert verdict is Verdict.INCONCLUSIVE


def test_a_suite_with_no_checks_is_an_error_not_a_pass() -> None:
    verdict, _ = decide({"a": SuiteResult(name="a")})
    assert verdict is Verdict.INCONCLUSIVE


def test_nothing_run_is_inconclusive() -> None:
    verdict, reasons = decide({"a": skipped_suite("a", "not requested")})
    assert verdict is Verdict.INCONCLUSIVE
    assert "nothing was measured" in reasons[0].message


def test_ready_lists_warnings_and_notes() -> None:
    result = SuiteResult(
        name="a",
        checks=(Check("x", Status.PASS, "fine"), Check("y", Status.WARN, "p95 latency 600 ms > 500 ms")),
        notes=("ZAP scan not required",),
    )
    verdict, reasons = decide({"a": result, "b": skipped_suite("b", "not requested")})
    assert verdict is Verdict.READY
    texts = [reason.text() for reason in reasons]
    assert texts[0] == "no check failed or errored: 1 passed, 1 with warnings"
    assert "a: p95 latency 600 ms > 500 ms (warn)" in texts
    assert Reason(None, ("a",), "ZAP scan not required") in reasons


def finding(rule: str = "image-alt", url: str = "http://127.0.0.1/start", selector: str = "img") -> Finding:
    return Finding(
        suite="accessibility",
        rule=rule,
        severity=Severity.CRITICAL,
        title="Images must have alternate text",
        url=url,
        selector=selector,
        fingerprint=fingerprint("accessibility", rule, url, selector),
    )


def test_waiver_matches_rule_url_pattern_and_selector(today: dt.date) -> None:
    waiver = Waiver(rule="image-alt", url="*/start*", selector="img", reason="logo fixed in v2", expires=today)
    findings, notes = apply_waivers(
        [finding(), finding(url="http://127.0.0.1/other"), finding(selector="img.hero")], [waiver], today
    )
    assert [bool(f.waived) for f in findings] == [True, False, False]
    assert findings[0].waived is not None and "logo fixed in v2" in findings[0].waived
    assert notes == []


def test_expired_waiver_no_longer_applies_and_says_so(today: dt.date) -> None:
    waiver = Waiver(rule="image-alt", reason="temporary", expires=today - dt.timedelta(days=1))
    findings, notes = apply_waivers([finding()], [waiver], today)
    assert findings[0].waived is None
    assert len(notes) == 1
    assert "expired on 2026-11-25" in notes[0]


def test_waiver_for_another_suite_does_not_apply(today: dt.date) -> None:
    waiver = Waiver(rule="image-alt", suite="security", reason="r", expires=today)
    findings, _ = apply_waivers([finding()], [waiver], today)
    assert findings[0].waived is None


def test_fingerprint_is_stable_across_volatile_url_parts() -> None:
    first = fingerprint("security", "10038", "http://Host:80/a?session=1#top", "q")
    second = fingerprint("security", "10038", "http://host/a?session=2", "q")
    assert first == second
    assert first != fingerprint("security", "10038", "http://host/b", "q")
    assert normalise_url("HTTPS://Example.org:443") == "https://example.org/"


def test_a_cause_several_suites_share_is_said_once() -> None:
    cause = "target http://127.0.0.1:1 is unreachable: connection refused"
    verdict, reasons = decide(
        {"performance": suite("performance", error=cause), "security": suite("security", Status.WARN, error=cause)}
    )
    assert verdict is Verdict.INCONCLUSIVE
    assert reasons == [
        Reason(Status.ERROR, ("performance", "security"), cause),
        Reason(Status.WARN, ("security",), "check 0 warn", "c0"),
    ]


def test_query_values_are_dropped_for_findings_and_kept_for_pages() -> None:
    assert normalise_url("http://h/a?b=2&a=1#x") == "http://h/a?a=&b="
    assert normalise_url("http://h/a?b=2&a=1#x", query_values=True) == "http://h/a?a=1&b=2"
