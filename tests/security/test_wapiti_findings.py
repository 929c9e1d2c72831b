"""Wapiti's report as findings, and the suite's judgement of a Wapiti scan record: pure, on a recorded report.

`recorded/wapiti_report.json` is Wapiti 3.0.4's JSON report of a full scan (modules http_headers, cookieflags, csp,
xss, sql, redirect) of `vulnerable_app`, with the port rewritten to 8000.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.models import Severity, Status, SuiteResult
from harness.settings import GoliveConfig, Waiver
from suites.security.evaluate import evaluate_security
from suites.security.scan_checks import NOT_REQUIRED_NOTE
from suites.security.suite import ignored_wapiti_modules
from suites.security.wapiti_findings import CATEGORIES, report_findings, rules_of_module, wapiti_findings
from suites.security.zap_rules import parse_rules

TARGET = "http://127.0.0.1:8000"
REPORT: dict[str, Any] = json.loads(
    (Path(__file__).parent / "recorded" / "wapiti_report.json").read_text(encoding="utf-8")
)
Build = Callable[..., GoliveConfig]


def wapiti_record(report: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A wapiti_scan.json as a completed full scan saves it."""
    record: dict[str, Any] = {
        "engine": "wapiti",
        "target": TARGET,
        "mode": "full",
        "wapiti_version": "3.0.4",
        "error": None,
        "error_kind": None,
        "modules": ["http_headers", "cookieflags", "csp", "xss", "sql", "redirect"],
        "modules_left_out": {},
        "urls_found": 7,
        "duration_s": 6.7,
        "partial": [],
        "report": REPORT if report is None else report,
    }
    record.update(overrides)
    return record


def judge(config: GoliveConfig, record: dict[str, Any] | None, today: dt.date, **kwargs: Any) -> SuiteResult:
    """Judge the record alone (hygiene off), so every finding and check comes from the scan."""
    return evaluate_security({"enabled": False}, record, config.security, config.waivers, today, **kwargs)


def check(result: SuiteResult, check_id: str) -> tuple[Status, str]:
    """A check's status and message."""
    found = next(c for c in result.checks if c.id == check_id)
    return found.status, found.message


def by_rule(result: SuiteResult) -> dict[str, list[Any]]:
    """Findings grouped by rule."""
    grouped: dict[str, list[Any]] = {}
    for finding in result.findings:
        grouped.setdefault(finding.rule, []).append(finding)
    return grouped


def test_each_vulnerability_gets_its_rule_severity_cwe_parameter_and_proof() -> None:
    findings = {f.rule: f for f in report_findings(REPORT, TARGET) if f.extra.get("param")}
    xss, sql, redirect = findings["wapiti:xss"], findings["wapiti:sql"], findings["wapiti:redirect"]
    assert (xss.severity, xss.url, xss.extra["param"], xss.extra["cwe"]) == (
        Severity.HIGH,
        TARGET + "/search",
        "q",
        "79",
    )
    assert (sql.severity, sql.url, sql.extra["param"], sql.extra["cwe"]) == (
        Severity.HIGH,
        TARGET + "/item",
        "id",
        "89",
    )
    assert (redirect.severity, redirect.url, redirect.extra["param"], redirect.extra["cwe"]) == (
        Severity.HIGH,
        TARGET + "/go",
        "next",
        "601",
    )
    # The evidence is the request that proved it; the help link is Wapiti's own reference for the category.
    assert redirect.evidence is not None and redirect.evidence.startswith("GET /go?next=https%3A%2F%2Fopenbugbounty")
    assert xss.evidence is not None and "ScRiPt" in xss.evidence
    assert redirect.help_url is not None and redirect.help_url.startswith("https://")
    assert xss.extra["solution"] and xss.extra["source"] == "wapiti"


def test_wapitis_own_level_is_replaced_by_the_documented_category_severity() -> None:
    # Wapiti 3.0.4 rates this XSS level 2 (medium) and the open redirect level 1 (low); ZAP rates both High.
    levels = {f.rule: f.extra["wapiti_level"] for f in report_findings(REPORT, TARGET)}
    assert levels["wapiti:xss"] == "2" and levels["wapiti:redirect"] == "1"
    assert CATEGORIES["Cross Site Scripting"].severity is Severity.HIGH
    assert CATEGORIES["Open Redirect"].severity is Severity.HIGH


def test_an_unknown_category_keeps_wapitis_level_and_gets_a_rule_of_its_own() -> None:
    report = {
        "vulnerabilities": {
            "Shiny New Flaw": [{"level": 3, "path": "/x", "parameter": "", "info": "it is shiny", "http_request": ""}]
        }
    }
    (finding,) = report_findings(report, TARGET + "/")
    assert (finding.rule, finding.severity, finding.url) == ("wapiti:shiny_new_flaw", Severity.HIGH, TARGET + "/x")
    assert "cwe" not in finding.extra


def test_one_finding_per_missing_header_but_one_per_parameter_however_many_payloads() -> None:
    findings = report_findings(REPORT, TARGET)
    headers = [f for f in findings if f.rule == "wapiti:http_headers"]
    assert sorted(f.title for f in headers) == [
        "HTTP Secure Headers: Strict-Transport-Security is not set",
        "HTTP Secure Headers: X-Content-Type-Options is not set",
        "HTTP Secure Headers: X-Frame-Options is not set",
        "HTTP Secure Headers: X-XSS-Protection is not set",
    ]
    # Wapiti logs a server error per payload that caused one; on the same parameter they are one finding.
    (error,) = REPORT["anomalies"]["Internal Server Error"]
    again = {**error, "http_request": "GET /item?id=%27 HTTP/1.1\nHost: 127.0.0.1:8000"}
    twice = {**REPORT, "anomalies": {"Internal Server Error": [error, again]}}
    assert len([f for f in report_findings(twice, TARGET) if f.rule == "wapiti:internal_error"]) == 1


def test_a_full_wapiti_scan_with_high_findings_fails_and_says_which_engine_ran(
    make_config: Build, today: dt.date
) -> None:
    result = judge(make_config(), wapiti_record(), today)
    status, message = check(result, "wapiti_scan")
    assert status is Status.PASS
    assert message.startswith(
        f"Wapiti 3.0.4 full scan of {TARGET} (modules http_headers, cookieflags, csp, xss, sql, redirect): "
        "7 URLs and forms crawled in 6.7s"
    )
    high_status, high_message = check(result, "severity_high")
    assert high_status is Status.FAIL
    assert "Cross Site Scripting [wapiti:xss]" in high_message and "SQL Injection [wapiti:sql]" in high_message
    assert result.metrics["engine"] == "wapiti" and result.metrics["engine_version"] == "3.0.4"
    assert result.metrics["scan_duration_s"] == 6.7 and result.metrics["urls_scanned"] == 7


def test_the_rules_file_and_waivers_apply_to_wapiti_findings(make_config: Build, today: dt.date) -> None:
    rules = parse_rules("wapiti:http_headers\tIGNORE\theaders\nwapiti:redirect\tWARN\tredirect\n")
    waiver = Waiver(rule="wapiti:xss", url="*/search", reason="fixed next sprint", expires=dt.date(2027, 1, 1))
    config = make_config()
    result = evaluate_security({"enabled": False}, wapiti_record(), config.security, [waiver], today, rules)
    grouped = by_rule(result)
    assert "wapiti:http_headers" not in grouped and result.metrics["alerts_ignored_by_rules"] == 4
    assert str(grouped["wapiti:xss"][0].waived).startswith("fixed next sprint")
    assert check(result, "zap_rules")[0] is Status.WARN  # the redirect, ruled WARN instead of the high gate
    high_status, high_message = check(result, "severity_high")
    assert high_status is Status.FAIL and high_message.startswith("1 open high finding (SQL Injection [wapiti:sql])")


def test_out_of_scope_lines_apply_to_wapiti_rules() -> None:
    rules = parse_rules("wapiti:sql\tOUTOFSCOPE\t/item$\n")
    kept, ignored = wapiti_findings(REPORT, TARGET, rules)
    assert "wapiti:sql" not in {f.rule for f in kept} and ignored == 1


def test_a_module_whose_every_rule_is_ignored_is_not_run() -> None:
    assert rules_of_module("cookieflags") == ["wapiti:http_only", "wapiti:secure_cookie"]
    assert ignored_wapiti_modules(["wapiti:http_only"]) == []
    assert ignored_wapiti_modules(["wapiti:http_only", "wapiti:secure_cookie", "wapiti:xss"]) == ["cookieflags", "xss"]


def test_a_partial_wapiti_scan_warns_and_keeps_its_findings(make_config: Build, today: dt.date) -> None:
    partial = ["crawl stopped at its 1s limit (security.wapiti.max_scan_time)"]
    result = judge(make_config(), wapiti_record(partial=partial), today)
    status, message = check(result, "wapiti_scan")
    assert status is Status.WARN and "is partial (crawl stopped at its 1s limit" in message
    assert result.metrics["scan_partial"] is True
    assert any(note.startswith("Wapiti's scan is partial") for note in result.notes)
    assert "wapiti:xss" in by_rule(result)


def test_missing_wapiti_is_an_error_naming_how_to_install_it(make_config: Build, today: dt.date) -> None:
    record = {
        "engine": "wapiti",
        "target": TARGET,
        "error": "Wapiti not found: no 'wapiti' on PATH",
        "error_kind": "missing",
        "hint": "install it with `apt-get install wapiti` (Debian, Ubuntu)",
    }
    status, message = check(judge(make_config(), record, today), "wapiti_scan")
    assert status is Status.ERROR
    assert message == (
        "Wapiti not found: no 'wapiti' on PATH; install it with `apt-get install wapiti` (Debian, Ubuntu) "
        "or set security.required = false"
    )
    skipped = judge(make_config("security.required=false"), record, today)
    assert check(skipped, "wapiti_scan")[0] is Status.SKIPPED
    expected = NOT_REQUIRED_NOTE.format(engine="Wapiti", key="security.required")
    assert any(note.startswith(expected) for note in skipped.notes)


def test_a_scan_that_crawled_nothing_is_never_a_pass(make_config: Build, today: dt.date) -> None:
    result = judge(make_config(), wapiti_record(urls_found=0, report={"vulnerabilities": {}}), today)
    status, message = check(result, "wapiti_scan")
    assert status is Status.ERROR and message.startswith("Wapiti found 0 URLs")
    assert check(result, "severity_high")[0] is Status.ERROR


def test_the_report_says_why_wapiti_ran_and_what_was_left_out(make_config: Build, today: dt.date) -> None:
    record = wapiti_record(
        chosen_because="no ZAP answered at http://127.0.0.1:8090 and none could be launched",
        modules_left_out={"ssrf": "needs an out-of-band endpoint of your own (security.wapiti.endpoint)"},
        openapi={"definition": "api.json", "used": False, "error": "security.openapi 'api.json' could not be read"},
    )
    notes = judge(make_config(), record, today).notes
    assert notes[:4] == (
        f"Scanned with Wapiti 3.0.4 full scan of {TARGET} (modules http_headers, cookieflags, csp, xss, sql, "
        "redirect): 7 URLs and forms in 6.7s",
        "ZAP was not used: no ZAP answered at http://127.0.0.1:8090 and none could be launched",
        "Wapiti module ssrf not run: needs an out-of-band endpoint of your own (security.wapiti.endpoint)",
        "The OpenAPI definition was not used: security.openapi 'api.json' could not be read",
    )
