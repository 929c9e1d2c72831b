"""Evaluate: judge saved axe results against the config. A pure function of the artifacts: no browser, no network.

Every violation node (axe's, and golive's own reflow and keyboard checks') becomes a Finding, judged at its
impact or at the impact `rule_impact` gives its rule; waivers are applied; the same problem met in several
journey states is one finding. One check per impact level says whether that level fails or warns the run
(`rule_gate` can make one rule fail, warn or not gate); `pages_loaded` and `journeys` make sure a page or a
journey that could not be audited is never a pass, and one check per golive check says where it ran.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from harness.artifacts import Artifacts
from harness.models import Check, Finding, Status, SuiteResult
from harness.suite import JudgeContext
from harness.waivers import apply_waivers
from suites.accessibility.artifacts import FAILED_STATUSES, INDEX, PageRecord, PageStatus
from suites.accessibility.findings import (
    IMPACTS,
    MAX_SNIPPET,
    SUITE,
    PageResult,
    dedupe,
    findings_for_page,
    own_review,
    selector_of,
)
from suites.accessibility.judging import (
    impact_check,
    impact_of,
    journeys_check,
    own_check_coverage,
    pages_check,
    sitemap_check,
)
from suites.accessibility.net_errors import explain
from suites.accessibility.rules import RULES as CHECK_RULES
from suites.accessibility.settings import STANDARD_TAGS, AccessibilitySettings
from suites.accessibility.urls import display_path

ARTIFACT_FOLDER = "artifacts/accessibility"


def load_pages(artifacts: Artifacts) -> tuple[dict[str, Any], list[PageResult]]:
    """The index and every page with its saved axe result; an audited page whose result is unreadable is failed."""
    index: dict[str, Any] = artifacts.read_json(INDEX)
    pages: list[PageResult] = []
    for raw in index.get("pages", []):
        record = PageRecord.from_dict(raw)
        result: dict[str, Any] | None = None
        if record.status is PageStatus.AUDITED:
            try:
                loaded = artifacts.read_json(record.result_file or "")
                if not isinstance(loaded, dict):
                    raise ValueError("not an axe result")
                result = loaded
            except (OSError, ValueError) as error:
                record.status = PageStatus.AUDIT_ERROR
                record.error = f"its saved axe result cannot be read ({type(error).__name__})"
        pages.append(PageResult(record, result))
    return index, pages


def _standard_notes(index: dict[str, Any], settings: AccessibilitySettings) -> list[str]:
    audited_tags = set(index.get("tags") or STANDARD_TAGS.get(str(index.get("standard")), []))
    missing = [tag for tag in settings.tags if tag not in audited_tags]
    notes = []
    if missing:
        notes.append(
            f"the audit ran for standard {index.get('standard')}; rules tagged {', '.join(missing)} "
            f"({settings.standard}) were not run, so re-run the audit to check them"
        )
    not_run = [name for name in settings.checks if name not in (index.get("checks") or [])]
    if not_run:
        notes.append(f"the audit ran without golive's {', '.join(not_run)} check(s); re-run the audit to make them")
    return notes


def review_rows(pages: list[PageResult], settings: AccessibilitySettings, base: str) -> list[dict[str, Any]]:
    """What golive's own checks could not decide, one row per rule, page and element: for a person to look at.

    These never fail the verdict; they are counted in `metrics.needs_review` with axe's incomplete results.
    """
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for page in pages:
        url = page.record.final_url or page.record.url
        for entry in own_review(page.result):
            rule = str(entry.get("rule", ""))
            if rule in CHECK_RULES and CHECK_RULES[rule].check not in settings.checks:
                continue
            selector = selector_of(entry.get("target") or [])
            rows.setdefault(
                (rule, url, selector),
                {
                    "page": display_path(url, base),
                    "rule": rule,
                    "wcag": list(entry.get("wcag") or []),
                    "selector": selector,
                    "html": str(entry.get("html") or "")[:MAX_SNIPPET],
                    "reason": str(entry.get("reason") or ""),
                },
            )
    return list(rows.values())


def _axe_incomplete(page: PageResult) -> int:
    return len(page.result.get("incomplete", [])) if page.result else 0


def _details(
    pages: list[PageResult], findings: list[Finding], per_page: list[Counter[str]], base: str
) -> dict[str, Any]:
    by_rule: dict[str, dict[str, Any]] = {}
    for finding in findings:
        entry = by_rule.setdefault(
            finding.rule,
            {
                "rule": finding.rule,
                "impact": impact_of(finding),
                "title": finding.title,
                "help_url": finding.help_url,
                "count": 0,
                "waived": 0,
                "pages": [],
            },
        )
        if "wcag" in finding.extra:
            entry["wcag"] = finding.extra["wcag"]
        entry["count"] += 1
        entry["waived"] += finding.waived is not None
        where = display_path(finding.url, base)
        if where not in entry["pages"]:
            entry["pages"].append(where)
    order = {impact: rank for rank, impact in enumerate(IMPACTS)}
    rules = sorted(by_rule.values(), key=lambda item: (order.get(item["impact"], 9), -item["count"], item["rule"]))
    by_page = []
    for page, counts in zip(pages, per_page, strict=True):
        record = page.record
        where = display_path(record.url, base)
        step: dict[str, Any] = {}
        if record.journey is not None:
            where = f"{record.journey} · step {record.step}: {record.step_label} ({where})"
            step = {"journey": record.journey, "step": record.step}
        by_page.append(
            {
                "url": record.url,
                "page": where,
                "final_url": record.final_url,
                "ended_on": _ended_elsewhere(record, base),
                "status": record.status.value,
                "http_status": record.http_status,
                "error": explain(record.error, record.http_status).text if record.error else None,
                "source": record.source,
                "violations": {impact: counts.get(impact, 0) for impact in IMPACTS},
                "needs_review": _axe_incomplete(page) + len(own_review(page.result)),
                # Relative to the run folder, where report.html is, so a report can link to it.
                "screenshot": f"{ARTIFACT_FOLDER}/{record.screenshot}" if record.screenshot else None,
                "result_file": record.result_file,
                "timing": record.timing,
                "reused": record.reuse_note,
                **step,
            }
        )
    return {"by_rule": rules, "by_page": by_page}


def _metrics(
    index: dict[str, Any],
    pages: list[PageResult],
    findings: list[Finding],
    review: list[dict[str, Any]],
    settings: AccessibilitySettings,
) -> dict[str, Any]:
    """The suite's metrics: pages and journeys audited or failed, violations by impact, what needs review."""
    audited = [page for page in pages if page.record.status is PageStatus.AUDITED]
    active = [finding for finding in findings if finding.waived is None]
    by_impact = Counter(impact_of(finding) for finding in active)
    plain = [page for page in pages if page.record.journey is None]
    journey_names = list(dict.fromkeys(page.record.journey for page in pages if page.record.journey is not None))
    shard = index.get("shard") or {}
    return {
        "pages_requested": len(plain),
        "pages_audited": sum(1 for page in plain if page.record.status is PageStatus.AUDITED),
        "pages_failed": sum(1 for page in plain if page.record.status in FAILED_STATUSES),
        "pages_offsite": sum(1 for page in plain if page.record.status is PageStatus.OFFSITE),
        "pages_reused": sum(1 for page in plain if page.record.reused),
        "journeys": len(journey_names),
        "journeys_failed": sum(
            1
            for name in journey_names
            if any(page.record.journey == name and page.record.status in FAILED_STATUSES for page in pages)
        ),
        "journey_states_audited": len(audited) - sum(1 for page in plain if page.record.status is PageStatus.AUDITED),
        "violations": len(active),
        "by_impact": {impact: by_impact.get(impact, 0) for impact in IMPACTS},
        "waived": len(findings) - len(active),
        # axe's incomplete results and what golive's own checks could not decide: never a failure.
        "needs_review": sum(_axe_incomplete(page) for page in audited) + len(review),
        "needs_review_golive": len(review),
        "axe_version": index.get("axe_version"),
        "standard": index.get("standard"),
        "checks": [name for name in settings.checks if name in (index.get("checks") or [])],
        "shard": shard.get("shard"),
    }


def _ended_elsewhere(record: PageRecord, base: str) -> str | None:
    """Where a page that was redirected to another path ended, as a reader names it; None if it stayed put."""
    if not record.final_url or urlsplit(record.final_url).path == urlsplit(record.url).path:
        return None
    return display_path(record.final_url, base)


def nothing_audited(pages: list[PageResult], checks: list[Check], stopped: str | None) -> str | None:
    """The suite's error when not one page was audited: the cause, said once.

    When the run stopped (Chromium did not start) before some pages were reached, the error is what stopped it
    (`stopped`, from the index; None when unknown, for the engine to report the gathering's own error). When
    every page was tried and failed, it is the coverage check's own message, so the reasons say it once. A run
    whose coverage checks all passed (journey states that all left the site) still gets an error: never a pass.
    """
    if any(page.record.status is PageStatus.NOT_AUDITED for page in pages):
        return stopped
    errors = [check.message for check in checks if check.status is Status.ERROR]
    return errors[0] if errors else "no page or journey state was audited"


def evaluate(artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
    """Turn the saved audit into findings, checks and metrics, judged by `context.config` as it is now."""
    settings = context.settings_as(AccessibilitySettings, SUITE)
    base = context.config.target.url
    index, pages = load_pages(artifacts)
    found = [findings_for_page(page, settings) for page in pages]
    judged, waiver_notes = apply_waivers(
        [finding for page_findings in found for finding in page_findings], context.config.waivers, context.today
    )
    per_page: list[Counter[str]] = []
    position = 0
    for page_findings in found:
        mine = judged[position : position + len(page_findings)]
        position += len(page_findings)
        per_page.append(Counter(impact_of(finding) for finding in mine if finding.waived is None))
    findings = dedupe(judged)
    review = review_rows(pages, settings, base)

    audited = [page for page in pages if page.record.status is PageStatus.AUDITED]
    checks = [impact_check(impact, findings, settings, base, measured=bool(audited)) for impact in IMPACTS]
    stopped = index.get("stopped") or None
    optional = [
        pages_check(pages, base, stopped),
        journeys_check(pages),
        *(own_check_coverage(name, pages, base) for name in settings.checks),
        sitemap_check(index.get("discovery") or {}),
    ]
    checks.extend(check for check in optional if check is not None)

    metrics = _metrics(index, pages, findings, review, settings)
    error = None if audited else nothing_audited(pages, checks, stopped)
    notes = [*index.get("notes", []), *_standard_notes(index, settings), *waiver_notes]
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        error=error,
        notes=tuple(notes),
        details={**_details(pages, findings, per_page, base), **({"needs_review": review} if review else {})},
    )
