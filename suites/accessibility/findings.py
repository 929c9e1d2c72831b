"""Findings from saved audit results: one per violation node of axe and of golive's own checks.

Each is judged at its node's impact or at the impact `rule_impact` gives its rule, carries the WCAG success
criteria its rule's tags name, and is identified by a fingerprint of rule, page and element that is the same on
every run, so the same problem met twice (a page and a journey state, a node listed twice) is one finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import Finding, Severity
from harness.text import truncate
from suites.accessibility.artifacts import PageRecord
from suites.accessibility.rules import RULES as CHECK_RULES
from suites.accessibility.rules import wcag_criteria
from suites.accessibility.settings import AccessibilitySettings

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


@dataclass(frozen=True)
class PageResult:
    """A page from the index with its axe result loaded (None when it was not audited or the file is gone)."""

    record: PageRecord
    result: dict[str, Any] | None


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
    if rule in CHECK_RULES and CHECK_RULES[rule].check not in settings.checks:
        return False
    if rule in settings.rules.enable:
        return True
    return bool(set(violation.get("tags", [])) & set(settings.tags))


def own_violations(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The violations of golive's own checks saved beside axe's (none in artifacts from before they existed)."""
    own = (result or {}).get("golive") or {}
    violations = own.get("violations") if isinstance(own, dict) else None
    return [item for item in violations or [] if isinstance(item, dict)]


def criteria_of(violation: dict[str, Any]) -> list[str]:
    """The WCAG success criteria a violation is about, from its tags (``wcag111`` is 1.1.1).

    Results saved before tags were read carry a single criterion as ``wcag``; that is kept too.
    """
    criteria = wcag_criteria(violation.get("tags") or [])
    saved = violation.get("wcag")
    for criterion in saved if isinstance(saved, list) else [saved] if saved else []:
        if str(criterion) not in criteria:
            criteria.append(str(criterion))
    return criteria


def own_review(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What golive's own checks could not decide on a page: entries that need a person, never a failure."""
    own = (result or {}).get("golive") or {}
    entries = own.get("needs_review") if isinstance(own, dict) else None
    return [item for item in entries or [] if isinstance(item, dict)]


def findings_for_page(page: PageResult, settings: AccessibilitySettings) -> list[Finding]:
    """One finding per violation node of one page's axe result."""
    if page.result is None:
        return []
    url = page.record.final_url or page.record.url
    findings: list[Finding] = []
    for violation in [*page.result.get("violations", []), *own_violations(page.result)]:
        if not rule_selected(violation, settings):
            continue
        rule = str(violation.get("id", "unknown"))
        for node in violation.get("nodes", []):
            found_impact = str(node.get("impact") or violation.get("impact") or UNKNOWN_IMPACT)
            impact = settings.rule_impact.get(rule, found_impact)
            if impact not in SEVERITY_BY_IMPACT:
                impact = UNKNOWN_IMPACT
            extra: dict[str, Any] = {"impact": impact}
            if impact != found_impact:
                extra["reported_impact"] = found_impact
            criteria = criteria_of(violation)
            if criteria:
                extra["wcag"] = criteria
            if page.record.journey is not None:
                extra.update(journey=page.record.journey, step=page.record.step)
            selector = selector_of(node.get("target", []))
            evidence = "\n".join(
                part
                for part in (
                    truncate(str(node.get("html") or "").strip(), MAX_SNIPPET),
                    truncate(str(node.get("failureSummary") or "").strip(), MAX_SUMMARY),
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
                    extra=extra,
                )
            )
    return findings


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per fingerprint: a problem met on a page and again in journey states is one problem.

    An unwaived occurrence wins over a waived one, so a waiver never hides what it does not cover.
    """
    kept: dict[str, Finding] = {}
    for finding in findings:
        present = kept.get(finding.fingerprint)
        if present is None or (present.waived is not None and finding.waived is None):
            kept[finding.fingerprint] = finding
    return list(kept.values())
