"""Evaluate: judge saved axe results against the config. A pure function of the artifacts: no browser, no network.

Every violation node becomes a Finding; waivers are applied; one check per axe impact level says whether that
level fails or warns the run, and `pages_loaded` makes sure a page that could not be audited is never a pass.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import Check, Finding, Severity, Status, SuiteResult
from harness.suite import EvaluateContext
from harness.waivers import apply_waivers
from suites.accessibility.artifacts import FAILED_STATUSES, INDEX, PageRecord, PageStatus
from suites.accessibility.settings import STANDARD_TAGS, AccessibilitySettings
from suites.accessibility.urls import display_path

SUITE = "accessibility"
IMPACTS = ("critical", "serious", "moderate", "minor")
SEVERITY_BY_IMPACT = {
    "critical": Severity.CRITICAL,
    "serious": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "minor": Severity.LOW,
}
# axe always gives violations an impact; should one lack it, judge it as serious rather than let it pass.
UNKNOWN_IMPACT = "serious"
MAX_SNIPPET = 300
MAX_SUMMARY = 600
MAX_EXAMPLES = 4
MAX_PAGES_NAMED = 5


@dataclass(frozen=True)
class PageResult:
    """A page from the index with its axe result loaded (None when it was not audited or the file is gone)."""

    record: PageRecord
    result: dict[str, Any] | None


def _truncate(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def selector_of(target: list[Any]) -> str:
    """axe's node target as one string: frames joined by `` >>> ``, shadow roots within a frame by `` >> ``."""
    return " >>> ".join(" >> ".join(part) if isinstance(part, list) else str(part) for part in target)


def rule_selected(violation: dict[str, Any], settings: AccessibilitySettings) -> bool:
    """Whether the config (as it is now) asks for this rule: by its tags or `rules.enable`, minus `rules.disable`.

    This lets `golive evaluate` narrow a saved audit to a lower standard or drop a rule without a new run.
    """
    rule = str(violation.get("id", ""))
    if rule in settings.rules.disable:
        return False
    if rule in settings.rules.enable:
        return True
    return bool(set(violation.get("tags", [])) & set(settings.tags))


def findings_for_page(page: PageResult, settings: AccessibilitySettings) -> list[Finding]:
    """One finding per violation node of one page's axe result."""
    if page.result is None:
        return []
    url = page.record.final_url or page.record.url
    findings: list[Finding] = []
    for violation in page.result.get("violations", []):
        if not rule_selected(violation, settings):
            continue
        rule = str(violation.get("id", "unknown"))
        for node in violation.get("nodes", []):
            impact = str(node.get("impact") or violation.get("impact") or UNKNOWN_IMPACT)
            selector = selector_of(node.get("target", []))
            evidence = "\n".join(
                part
                for part in (
                    _truncate(str(node.get("html") or ""), MAX_SNIPPET),
                    _truncate(str(node.get("failureSummary") or ""), MAX_SUMMARY),
                )
                if part
            )
            findings.append(
                Finding(
                    suite=SUITE,
                    rule=rule,
                    severity=SEVERITY_BY_IMPACT.get(impact, SEVERITY_BY_IMPACT[UNKNOWN_IMPACT]),
                    title=str(violation.get("help") or rule),
                    url=url,
                    fingerprint=fingerprint(SUITE, rule, url, selector),
                    selector=selector or None,
                    evidence=evidence or None,
                    help_url=violation.get("helpUrl") or None,
                    extra={"impact": impact if impact in SEVERITY_BY_IMPACT else UNKNOWN_IMPACT},
                )
            )
    return findings


def load_pages(context: EvaluateContext) -> tuple[dict[str, Any], list[PageResult]]:
    """The index and every page with its saved axe result; an audited page whose result is unreadable is failed."""
    index: dict[str, Any] = context.read_json(INDEX)
    pages: list[PageResult] = []
    for raw in index.get("pages", []):
        record = PageRecord.from_dict(raw)
        result: dict[str, Any] | None = None
        if record.status is PageStatus.AUDITED:
            try:
                loaded = context.read_json(record.result_file or "")
                if not isinstance(loaded, dict):
                    raise ValueError("not an axe result")
                result = loaded
            except (OSError, ValueError) as error:
                record.status = PageStatus.AUDIT_ERROR
                record.error = f"its saved axe result cannot be read ({type(error).__name__})"
        pages.append(PageResult(record, result))
    return index, pages


def _impact(finding: Finding) -> str:
    return str(finding.extra.get("impact", UNKNOWN_IMPACT))


def impact_check(
    impact: str, findings: list[Finding], settings: AccessibilitySettings, base: str, measured: bool = True
) -> Check:
    """Whether `impact`-level violations fail, warn or pass the run, naming the rules and pages involved.

    With `measured` False (no page was audited) the check is an error: no violations found is not a pass.
    """
    if not measured:
        return Check(f"impact_{impact}", Status.ERROR, f"{impact} violations not measured: no page was audited")
    active = [finding for finding in findings if _impact(finding) == impact and finding.waived is None]
    waived = sum(1 for finding in findings if _impact(finding) == impact and finding.waived is not None)
    if impact in settings.fail_on:
        threshold: dict[str, int] | None = {"fail": 0}
        status = Status.FAIL if active else Status.PASS
    elif impact in settings.warn_on:
        threshold = {"warn": 0}
        status = Status.WARN if active else Status.PASS
    else:
        threshold, status = None, Status.PASS
    if active:
        groups = Counter((finding.rule, display_path(finding.url, base)) for finding in active)
        examples = [f"{rule}{f' x{count}' if count > 1 else ''} on {page}" for (rule, page), count in groups.items()]
        shown = ", ".join(examples[:MAX_EXAMPLES]) + (
            f", +{len(examples) - MAX_EXAMPLES} more" if len(examples) > MAX_EXAMPLES else ""
        )
        message = f"{len(active)} {impact} violation{'' if len(active) == 1 else 's'} ({shown})"
    else:
        message = f"no {impact} violations"
    if waived:
        message += f"; {waived} waived"
    if threshold is None and active:
        message += " (not gated)"
    return Check(f"impact_{impact}", status, message, len(active), threshold)


def _named(pages: list[PageRecord], base: str) -> str:
    names = [f"{display_path(record.url, base)} ({record.error})" for record in pages[:MAX_PAGES_NAMED]]
    more = len(pages) - MAX_PAGES_NAMED
    return ", ".join(names) + (f", +{more} more" if more > 0 else "")


def pages_check(pages: list[PageResult], base: str) -> Check:
    """`error` if any page could not be audited, `warn` if one left the site, else `pass`."""
    records = [page.record for page in pages]
    audited = sum(1 for record in records if record.status is PageStatus.AUDITED)
    failed = [record for record in records if record.status in FAILED_STATUSES]
    offsite = [record for record in records if record.status is PageStatus.OFFSITE]
    if failed:
        message = f"{len(failed)} of {len(records)} pages could not be audited: {_named(failed, base)}"
        return Check("pages_loaded", Status.ERROR, message, audited)
    if offsite:
        message = (
            f"{len(offsite)} of {len(records)} pages redirected to another origin and were not audited: "
            f"{_named(offsite, base)}"
        )
        status = Status.WARN if audited else Status.ERROR
        return Check("pages_loaded", status, message, audited)
    if not records:
        return Check("pages_loaded", Status.ERROR, "no pages were planned for the audit", 0)
    return Check("pages_loaded", Status.PASS, f"{audited} of {len(records)} pages audited", audited)


def sitemap_check(discovery: dict[str, Any]) -> Check | None:
    """When the sitemap was requested: `error` if it could not be read, else how many pages it added."""
    sitemap = discovery.get("sitemap")
    if not isinstance(sitemap, dict):
        return None
    if sitemap.get("error"):
        return Check("sitemap", Status.ERROR, f"the sitemap could not be read: {sitemap['error']}")
    found, added = int(sitemap.get("found", 0)), int(sitemap.get("added", 0))
    return Check("sitemap", Status.PASS, f"the sitemap lists {found} pages; {added} added to the audit", found)


def _standard_notes(index: dict[str, Any], settings: AccessibilitySettings) -> list[str]:
    audited_tags = set(index.get("tags") or STANDARD_TAGS.get(str(index.get("standard")), []))
    missing = [tag for tag in settings.tags if tag not in audited_tags]
    if not missing:
        return []
    return [
        f"the audit ran for standard {index.get('standard')}; rules tagged {', '.join(missing)} "
        f"({settings.standard}) were not run, so re-run the audit to check them"
    ]


def _details(pages: list[PageResult], findings: list[Finding], base: str) -> dict[str, Any]:
    by_rule: dict[str, dict[str, Any]] = {}
    per_page: dict[str, Counter[str]] = {}
    for finding in findings:
        entry = by_rule.setdefault(
            finding.rule,
            {
                "rule": finding.rule,
                "impact": _impact(finding),
                "title": finding.title,
                "help_url": finding.help_url,
                "count": 0,
                "waived": 0,
                "pages": [],
            },
        )
        entry["count"] += 1
        entry["waived"] += finding.waived is not None
        where = display_path(finding.url, base)
        if where not in entry["pages"]:
            entry["pages"].append(where)
        if finding.waived is None:
            per_page.setdefault(finding.url, Counter())[_impact(finding)] += 1
    order = {impact: rank for rank, impact in enumerate(IMPACTS)}
    rules = sorted(by_rule.values(), key=lambda item: (order.get(item["impact"], 9), -item["count"], item["rule"]))
    by_page = []
    for page in pages:
        record = page.record
        url = record.final_url or record.url
        counts = per_page.get(url, Counter())
        by_page.append(
            {
                "url": record.url,
                "page": display_path(record.url, base),
                "final_url": record.final_url,
                "status": record.status.value,
                "http_status": record.http_status,
                "error": record.error,
                "source": record.source,
                "violations": {impact: counts.get(impact, 0) for impact in IMPACTS},
                "needs_review": len(page.result.get("incomplete", [])) if page.result else 0,
                "screenshot": record.screenshot,
                "result_file": record.result_file,
                "timing": record.timing,
            }
        )
    return {"by_rule": rules, "by_page": by_page}


def evaluate(context: EvaluateContext) -> SuiteResult:
    """Turn the saved audit into findings, checks and metrics, judged by `context.config` as it is now."""
    settings = context.config.accessibility
    base = context.config.target.url
    index, pages = load_pages(context)
    raw_findings = [finding for page in pages for finding in findings_for_page(page, settings)]
    findings, waiver_notes = apply_waivers(raw_findings, context.config.waivers, context.today)

    audited = [page for page in pages if page.record.status is PageStatus.AUDITED]
    checks = [impact_check(impact, findings, settings, base, measured=bool(audited)) for impact in IMPACTS]
    checks.append(pages_check(pages, base))
    sitemap = sitemap_check(index.get("discovery") or {})
    if sitemap is not None:
        checks.append(sitemap)

    active = [finding for finding in findings if finding.waived is None]
    by_impact = Counter(_impact(finding) for finding in active)
    metrics = {
        "pages_requested": len(pages),
        "pages_audited": len(audited),
        "pages_failed": sum(1 for page in pages if page.record.status in FAILED_STATUSES),
        "pages_offsite": sum(1 for page in pages if page.record.status is PageStatus.OFFSITE),
        "violations": len(active),
        "by_impact": {impact: by_impact.get(impact, 0) for impact in IMPACTS},
        "waived": len(findings) - len(active),
        "needs_review": sum(len(page.result.get("incomplete", [])) for page in audited if page.result),
        "axe_version": index.get("axe_version"),
        "standard": index.get("standard"),
    }
    error = None
    if not audited:
        failed = [page.record for page in pages if page.record.error]
        error = "no page could be audited" + (f": {_named(failed, base)}" if failed else "")
    notes = [*index.get("notes", []), *_standard_notes(index, settings), *waiver_notes]
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        error=error,
        notes=tuple(notes),
        details=_details(pages, findings, base),
    )
