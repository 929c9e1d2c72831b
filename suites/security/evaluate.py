"""Judge the security artifacts: a pure function of the hygiene observations, the scan record and the config.

No network here: `golive evaluate RUN_DIR` re-runs this with a changed config (other gates, waivers, rules file).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from harness.models import SEVERITY_ORDER, Check, Finding, Status, SuiteResult
from harness.settings import Waiver
from harness.text import plural
from harness.waivers import apply_waivers
from suites.security.hygiene_rules import SUITE, certificate_days_left, hygiene_findings
from suites.security.overlap import without_hygiene_repeats
from suites.security.scan_checks import NOT_REQUIRED_NOTE, judge_scan, partial_reasons, scanned_urls
from suites.security.settings import SecuritySettings
from suites.security.severity_gate import severity_checks
from suites.security.zap_findings import zap_findings
from suites.security.zap_rules import RuleAction, ZapRules

__all__ = ["NOT_REQUIRED_NOTE", "evaluate_security", "partial_reasons", "scanned_urls", "zap_findings"]


def _policy_action(finding: Finding) -> str | None:
    """The rules-file or risk action that decides this finding instead of the severity gates, if any."""
    action = finding.extra.get("rules_file_action") or finding.extra.get("risk_action")
    return str(action) if action else None


def _rule_label(finding: Finding) -> str:
    """golive's own ids read on their own (missing-csp); a scanner's rule needs the finding's name beside it."""
    if finding.rule.isdigit():
        return f"{finding.title} [ZAP {finding.rule}]"
    if finding.rule.startswith("wapiti:"):
        return f"{finding.title} [{finding.rule}]"
    return finding.rule


def _rule_summary(findings: Sequence[Finding], limit: int = 4) -> str:
    counts = Counter(_rule_label(finding) for finding in findings)
    shown = [f"{rule} x{count}" if count > 1 else rule for rule, count in counts.most_common(limit)]
    more = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {more} more rule(s)" if more > 0 else "")


def _rules_check(
    findings: Sequence[Finding], rules: ZapRules | None, rules_error: str | None, risk_actions: Mapping[str, str]
) -> Check | None:
    if rules_error is not None:
        return Check("zap_rules", Status.ERROR, rules_error)
    if rules is None and not risk_actions:
        return None
    sources = " and ".join(
        part for part in (rules.source if rules else "", "security.zap.risk_actions" if risk_actions else "") if part
    )
    open_ = [f for f in findings if f.waived is None]
    failing = [f for f in open_ if _policy_action(f) == RuleAction.FAIL.value]
    warning = [f for f in open_ if _policy_action(f) == RuleAction.WARN.value]
    threshold = {"rules": len(rules.actions) if rules else 0, "risk_actions": dict(risk_actions)}
    if failing:
        message = f"{len(failing)} alert(s) of rules set to FAIL in {sources}: {_rule_summary(failing)}"
        return Check("zap_rules", Status.FAIL, message, measured=len(failing), threshold=threshold)
    if warning:
        message = f"{len(warning)} alert(s) of rules set to WARN in {sources}: {_rule_summary(warning)}"
        return Check("zap_rules", Status.WARN, message, measured=len(warning), threshold=threshold)
    message = f"no open alerts of rules set to FAIL or WARN in {sources}"
    return Check("zap_rules", Status.PASS, message, measured=0, threshold=threshold)


def _hygiene_check(hygiene: dict[str, Any] | None, findings: Sequence[Finding]) -> tuple[Check, bool]:
    if hygiene is None:
        return Check("hygiene", Status.ERROR, "no hygiene artifact (hygiene.json) was saved"), False
    if hygiene.get("enabled") is False:
        return Check("hygiene", Status.SKIPPED, "HTTP hygiene checks off (security.hygiene.enabled = false)"), False
    if hygiene.get("error") or not hygiene.get("main"):
        reason = hygiene.get("error") or "no answer from the target was recorded"
        return Check("hygiene", Status.ERROR, f"HTTP hygiene checks could not run: {reason}"), False
    counts = Counter(finding.severity.value for finding in findings)
    summary = ", ".join(f"{counts[s.value]} {s.value}" for s in SEVERITY_ORDER if counts[s.value]) or "none"
    message = f"HTTP hygiene: {hygiene.get('requests', 0)} requests, {len(findings)} finding(s) ({summary})"
    return Check("hygiene", Status.PASS, message, measured=len(findings)), True


def _rule_table(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for finding in findings:
        row = table.setdefault(
            finding.rule,
            {"rule": finding.rule, "title": finding.title, "severity": finding.severity.value, "open": 0, "waived": 0},
        )
        row["waived" if finding.waived else "open"] += 1
    return list(table.values())


def _sort_key(finding: Finding) -> tuple[int, str, str, str]:
    return (SEVERITY_ORDER.index(finding.severity), str(finding.extra.get("source", "")), finding.rule, finding.url)


def _repeat_note(repeats: int) -> list[str]:
    if not repeats:
        return []
    return [f"{plural(repeats, 'scanner finding')} repeating the HTTP hygiene checks on the same page shown once"]


def evaluate_security(
    hygiene: dict[str, Any] | None,
    scan: dict[str, Any] | None,
    settings: SecuritySettings,
    waivers: Sequence[Waiver],
    today: dt.date,
    rules: ZapRules | None = None,
    rules_error: str | None = None,
) -> SuiteResult:
    """The security suite's result from its artifacts (None for a missing one) and the config.

    `scan` is the scan record of whichever engine ran (ZAP's `zap_alerts.json` or Wapiti's `wapiti_scan.json`).
    """
    own = hygiene_findings(hygiene, today, settings.hygiene.certificate_warn_days) if hygiene else []
    hygiene_check, hygiene_measured = _hygiene_check(hygiene, own)
    outcome = judge_scan(scan, settings, rules)
    # Findings of a scan that did not complete are kept in the artifact, not judged as a measurement.
    scan_findings, repeats = without_hygiene_repeats(outcome.findings if outcome.measured else [], own)
    waived_findings, waiver_notes = apply_waivers([*own, *scan_findings], waivers, today)
    findings = sorted(waived_findings, key=_sort_key)
    coverage = "neither the HTTP hygiene checks nor a scan produced results"
    checks = [hygiene_check, outcome.check]
    gated = [finding for finding in findings if _policy_action(finding) is None]
    checks.extend(
        severity_checks(gated, settings.fail_on, settings.warn_on, hygiene_measured or outcome.measured, coverage,
                        _rule_summary)
    )  # fmt: skip
    risk_actions = {str(risk): str(action) for risk, action in settings.zap.risk_actions.items()}
    rules_check = _rules_check(findings, rules, rules_error, risk_actions)
    if rules_check is not None:
        checks.append(rules_check)
    engine = outcome.metrics.pop("engine") or ("hygiene-only" if hygiene_measured else "none")
    open_by_severity = Counter(f.severity.value for f in findings if f.waived is None)
    metrics: dict[str, Any] = {
        "engine": engine,
        "urls_scanned": outcome.metrics.pop("urls_scanned", 0) if outcome.measured else 0,
        "scan_partial": bool(outcome.measured and scan is not None and partial_reasons(scan)),
        "zap_launched": None,
        "alerts_ignored_by_rules": 0,
        **outcome.metrics,
        "hygiene_requests": (hygiene or {}).get("requests", 0),
        "hygiene_findings": len(own),
        "tls_certificate_days_left": certificate_days_left(hygiene, today) if hygiene else None,
        "findings_by_severity": {s.value: open_by_severity[s.value] for s in SEVERITY_ORDER},
        "findings_waived": sum(1 for f in findings if f.waived is not None),
    }
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        notes=tuple([*outcome.notes, *_repeat_note(repeats), *waiver_notes]),
        details={"rules": _rule_table(findings)},
    )
