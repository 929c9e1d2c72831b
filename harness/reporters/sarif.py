"""security.sarif: the security findings as SARIF 2.1.0, in the subset GitHub code scanning reads.

One run with tool.driver "golive": a reporting descriptor per rule (with `security-severity`, which GitHub
uses to rank alerts), a result per finding with golive's fingerprint as a partial fingerprint (so the same
problem is the same alert across uploads), and waived findings kept as suppressed results with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from harness import __version__
from harness.models import SEVERITY_ORDER, Finding, RunResult, Severity, Status, SuiteResult

FILE_NAME = "security.sarif"
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# Used when the installed distribution declares no URL (pyproject's [project.urls] takes precedence).
DEFAULT_INFORMATION_URI = "https://github.com/golive/golive"
FINGERPRINT_KEY = "goliveFingerprint/v1"

# GitHub maps security-severity to its levels: >= 9.0 critical, >= 7.0 high, >= 4.0 medium, > 0 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def information_uri() -> str:
    """The project's home page as the installed package declares it."""
    try:
        meta = metadata.metadata("golive")
    except metadata.PackageNotFoundError:
        return DEFAULT_INFORMATION_URI
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = entry.partition(",")
        if url.strip():
            return str(url).strip()
    homes = meta.get_all("Home-page") or []
    return str(homes[0]) if homes else DEFAULT_INFORMATION_URI


def _help(finding: Finding) -> dict[str, str]:
    solution = str(finding.extra.get("solution") or "").strip()
    description = str(finding.extra.get("description") or "").strip()
    text_parts = [part for part in (description, solution and f"How to fix: {solution}") if part]
    if finding.help_url:
        text_parts.append(f"More: {finding.help_url}")
    text = "\n\n".join(text_parts) or finding.title
    markdown_parts = [part for part in (description, solution and f"**How to fix:** {solution}") if part]
    if finding.help_url:
        markdown_parts.append(f"[More about this rule]({finding.help_url})")
    return {"text": text, "markdown": "\n\n".join(markdown_parts) or finding.title}


def _tags(finding: Finding) -> list[str]:
    """The suite the rule belongs to, then the standards it maps to (CWE for security, WCAG criteria)."""
    tags = [finding.suite]
    if finding.extra.get("cwe"):
        tags.append(f"external/cwe/cwe-{finding.extra['cwe']}")
    criteria = finding.extra.get("wcag") or []
    tags.extend(f"wcag/{criterion}" for criterion in ([criteria] if isinstance(criteria, str) else criteria))
    return tags


def _rule(rule_id: str, findings: list[Finding]) -> dict[str, Any]:
    # A rule can be raised at several risks (ZAP does this); the descriptor carries the worst one.
    worst = min(findings, key=lambda finding: SEVERITY_ORDER.index(finding.severity))
    source = str(worst.extra.get("source") or "golive")
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": worst.title,
        "shortDescription": {"text": worst.title},
        "fullDescription": {"text": str(worst.extra.get("description") or worst.title)},
        "help": _help(worst),
        "defaultConfiguration": {"level": LEVEL[worst.severity]},
        "properties": {"tags": _tags(worst), "source": source},
    }
    # GitHub ranks an alert by security-severity only when the rule is tagged "security".
    if worst.suite == "security":
        descriptor["properties"]["security-severity"] = SECURITY_SEVERITY[worst.severity]
    if worst.help_url:
        descriptor["helpUri"] = worst.help_url
    return descriptor


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    message = finding.title if not finding.evidence else f"{finding.title}: {finding.evidence}"
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{message} ({finding.url})"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.url},
                    # GitHub requires a region; a URL has no lines, so the whole resource is line 1.
                    "region": {"startLine": 1},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"severity": finding.severity.value, "url": finding.url},
    }
    if finding.selector:
        result["properties"]["selector"] = finding.selector
    if "param" in finding.extra:
        result["properties"]["param"] = finding.extra["param"]
    if finding.waived is not None:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.waived}]
    return result


# The checks that say whether the scan itself worked (not what it found): their trouble is the tool's trouble.
# Checks that say whether the scan itself could be made: an error or a warning there is a notification.
_MEASUREMENT_CHECKS = ("scan", "zap_scan", "wapiti_scan", "hygiene", "zap_rules")


def _notifications(suite: SuiteResult) -> list[dict[str, Any]]:
    """What a code-scanning reader must know about the run itself: a scan that errored or was cut short."""
    items: list[dict[str, Any]] = []
    if suite.error:
        items.append({"level": "error", "message": {"text": suite.error}})
    for check in suite.checks:
        if check.id not in _MEASUREMENT_CHECKS or check.status not in (Status.ERROR, Status.WARN):
            continue
        level = "error" if check.status is Status.ERROR else "warning"
        items.append({"level": level, "message": {"text": f"{check.id}: {check.message}"}})
    # A partial scan is the reason some results may be missing, so it is a warning, not a side note.
    items.extend(
        {"level": "warning" if "partial" in note else "note", "message": {"text": note}} for note in suite.notes
    )
    return items


def render_sarif(result: RunResult, suite_names: Sequence[str] = ("security",)) -> str:
    """One SARIF 2.1.0 log for the findings of `suite_names` (those whose findings are code-scanning alerts).

    Waived findings are suppressed results.
    """
    ran = [result.suites[name] for name in suite_names if name in result.suites]
    findings = [finding for suite in ran for finding in suite.findings]
    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    rule_ids = list(by_rule)
    rules = [_rule(rule_id, by_rule[rule_id]) for rule_id in rule_ids]
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    results = [_result(finding, index[finding.rule]) for finding in findings]
    invocation: dict[str, Any] = {
        "executionSuccessful": bool(ran) and all(suite.error is None for suite in ran),
        "startTimeUtc": result.started_at,
        "endTimeUtc": result.finished_at,
    }
    notifications = [item for suite in ran for item in _notifications(suite)]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "golive",
                "version": result.golive_version or __version__,
                "semanticVersion": result.golive_version or __version__,
                "informationUri": information_uri(),
                "rules": rules,
            }
        },
        # GitHub keeps one analysis per category; the run id after the last slash distinguishes uploads.
        "automationDetails": {"id": f"golive/security/{result.run_id}"},
        "invocations": [invocation],
        "results": results,
        "properties": {"target": result.target, "verdict": result.verdict.value},
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"
