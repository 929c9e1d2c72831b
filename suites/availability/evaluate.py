"""Judging availability from its artifacts, without the network: the window's gates, HTTPS, error pages and the
status page, each check tagged with the go-live topic it covers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from harness.fingerprint import fingerprint
from harness.golive_list import CheckCoverage, Source, coverage_details
from harness.models import Check, Finding, Severity, Status, SuiteResult
from harness.settings import Waiver
from harness.text import plural
from harness.thresholds import Band, judge
from harness.waivers import apply_waivers
from suites.availability.https_checks import HTTPS_CHECKS, https_checks
from suites.availability.report import availability_blocks
from suites.availability.settings import AvailabilitySettings
from suites.availability.window import per_url, summarise

SUITE = "availability"
UPTIME, INFOSEC = "uptime-monitoring", "information-security"
_TOPIC_OF = {
    "success_ratio": UPTIME,
    "p95_ms": UPTIME,
    "max_ms": UPTIME,
    "longest_failure_run": UPTIME,
    "status_page": UPTIME,
    "error_pages": INFOSEC,
    **dict.fromkeys(HTTPS_CHECKS, INFOSEC),
}


def _window_checks(summary: Mapping[str, Any], settings: AvailabilitySettings) -> list[Check]:
    if not summary["probes"]:
        return [Check("success_ratio", Status.ERROR, "no probe was sent, so availability was not measured")]
    gates: list[tuple[str, str, Band | None, str]] = [
        ("success_ratio", "success ratio", settings.thresholds.success_ratio, ""),
        ("p95_ms", "p95 latency", settings.thresholds.p95_ms, " ms"),
        ("max_ms", "slowest answer", settings.thresholds.max_ms, " ms"),
        ("longest_failure_run", "longest run of failed probes", settings.thresholds.longest_failure_run, ""),
    ]
    checks = []
    for key, label, band, unit in gates:
        if band is not None:
            checks.append(judge(key, label, summary[key], band, unit))
    return checks


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme else url


def _error_findings(pages: Sequence[Mapping[str, Any]]) -> list[Finding]:
    findings = []
    for page in pages:
        leak = page.get("leak")
        if leak not in ("debug", "review"):
            continue
        debug = leak == "debug"
        rule = f"error-page-{page.get('signature')}"
        title = f"{'Error page shows' if debug else 'Default error page (needs review):'} {page.get('description')}"
        findings.append(
            Finding(
                suite=SUITE,
                rule=rule,
                severity=Severity.HIGH if debug else Severity.LOW,
                title=title,
                url=str(page.get("url", "")),
                # The missing page's path is random per run: the origin and the probe identify the problem.
                fingerprint=fingerprint(SUITE, rule, _origin(str(page.get("url", ""))), str(page.get("probe"))),
                evidence=str(page.get("snippet") or ""),
                extra={"probe": page.get("probe"), "framework": page.get("framework"), "needs_review": not debug},
            )
        )
    return findings


def _error_page_check(pages: Sequence[Mapping[str, Any]] | None, findings: Sequence[Finding]) -> Check:
    if pages is None:
        return Check("error_pages", Status.ERROR, "error pages were not probed")
    if not pages:
        return Check("error_pages", Status.SKIPPED, "error-page probes are off (availability.error_pages = false)")
    answered = [page for page in pages if "status" in page]
    if not answered:
        return Check("error_pages", Status.ERROR, f"no error probe was answered: {pages[0].get('error')}")
    open_ = [finding for finding in findings if finding.waived is None]
    debug = [f for f in open_ if f.severity is Severity.HIGH]
    review = [f for f in open_ if f.severity is not Severity.HIGH]
    names = ", ".join(
        dict.fromkeys(f"{f.extra.get('framework')} on the {f.extra.get('probe')}" for f in debug + review)
    )
    waived = f"; {len(findings) - len(open_)} waived" if len(findings) > len(open_) else ""
    if debug:
        verb = "leaks" if len(debug) == 1 else "leak"
        message = f"{plural(len(debug), 'error page')} {verb} a stack trace or debug page ({names}){waived}"
        return Check("error_pages", Status.FAIL, message, len(debug), {"fail": 0})
    if review:
        verb = "needs" if len(review) == 1 else "need"
        message = f"{plural(len(review), 'default framework error page')} {verb} review ({names}){waived}"
        return Check("error_pages", Status.WARN, message, len(review), {"warn": 0})
    message = f"no stack trace or debug page in {plural(len(answered), 'error probe')}{waived}"
    return Check("error_pages", Status.PASS, message, 0, {"fail": 0})


def _status_page_check(facts: Mapping[str, Any] | None, expect_text: str) -> Check:
    if facts is None:
        return Check("status_page", Status.ERROR, "the status page was not fetched")
    if "skipped" in facts:
        return Check("status_page", Status.SKIPPED, str(facts["skipped"]))
    url = facts.get("url")
    if "error" in facts:
        return Check("status_page", Status.FAIL, f"status page {url} did not answer: {facts['error']}")
    status = facts.get("status")
    if not isinstance(status, int) or not 200 <= status < 300:
        return Check("status_page", Status.FAIL, f"status page {url} answered HTTP {status}", status)
    if expect_text and not facts.get("text_found"):
        return Check("status_page", Status.FAIL, f"status page {url} does not contain {expect_text!r}", status)
    return Check("status_page", Status.PASS, f"status page {url} answers HTTP {status}", status)


def evaluate_availability(
    documents: Mapping[str, Any],
    settings: AvailabilitySettings,
    waivers: Sequence[Waiver],
    today: dt.date,
) -> SuiteResult:
    """Checks, findings, metrics and report blocks from the gathered documents."""
    probes = documents.get("probes") or {}
    records = list(probes.get("records") or [])
    summary = summarise(records, settings)
    rows = per_url(records, settings)
    checks = _window_checks(summary, settings)
    checks += https_checks(documents.get("https"), settings.certificate, today)
    pages = documents.get("error_pages")
    findings, notes = apply_waivers(_error_findings(pages or []), waivers, today)
    checks.append(_error_page_check(pages, findings))
    checks.append(_status_page_check(documents.get("status_page"), settings.status_page.expect_text))
    details = coverage_details(
        {check.id: CheckCoverage((_TOPIC_OF[check.id],), Source.MEASURED) for check in checks if check.id in _TOPIC_OF}
    )
    details["per_url"] = rows
    return SuiteResult(
        SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics={**summary, "window_s": probes.get("window_s")},
        notes=tuple(notes),
        details=details,
        blocks=availability_blocks(summary, rows, records, settings, pages or []),
    )
