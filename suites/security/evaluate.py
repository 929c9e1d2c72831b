"""Judge the security artifacts: a pure function of the saved observations, ZAP's alerts and the config.

No network here: `golive evaluate RUN_DIR` re-runs this with a changed config (other gates, waivers, rules file).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import SEVERITY_ORDER, Check, Finding, Severity, Status, SuiteResult
from harness.settings import Waiver
from harness.waivers import apply_waivers
from suites.security.hygiene_rules import SUITE, hygiene_findings
from suites.security.settings import SecuritySettings
from suites.security.zap_rules import RuleAction, ZapRules

ZAP_RISKS = ("High", "Medium", "Low", "Informational")
_RISK_SEVERITY = {"high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW, "informational": Severity.INFO}
_RISKCODE_SEVERITY = {"3": Severity.HIGH, "2": Severity.MEDIUM, "1": Severity.LOW, "0": Severity.INFO}
NOT_REQUIRED_NOTE = (
    "ZAP scan not run (security.zap.required = false): the verdict was reached without an active/passive scan"
)
ZAP_ALERT_DOCS = "https://www.zaproxy.org/docs/alerts/{plugin_id}/"
EVIDENCE_LIMIT = 500
DESCRIPTION_LIMIT = 2000


def _risk_name(alert: dict[str, Any]) -> str:
    risk = str(alert.get("risk", "")).strip().lower()
    for name in ZAP_RISKS:
        if name.lower() == risk:
            return name
    return {"3": "High", "2": "Medium", "1": "Low", "0": "Informational"}.get(str(alert.get("riskcode", "")), "")


def _severity(alert: dict[str, Any]) -> Severity:
    risk = str(alert.get("risk", "")).strip().lower()
    return _RISK_SEVERITY.get(risk) or _RISKCODE_SEVERITY.get(str(alert.get("riskcode", "")), Severity.INFO)


def _short(text: Any, limit: int) -> str | None:
    value = str(text or "").strip()
    if not value:
        return None
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _alert_finding(alert: dict[str, Any], action: RuleAction | None) -> Finding:
    plugin_id = str(alert.get("pluginId", "")).strip()
    url = str(alert.get("url", ""))
    param = str(alert.get("param", "") or "")
    evidence_parts = [part for part in (str(alert.get("evidence") or "").strip(),) if part]
    if param:
        evidence_parts.insert(0, f"parameter {param}")
    extra: dict[str, Any] = {"source": "zap"}
    for key, name in (("solution", "solution"), ("description", "description"), ("confidence", "confidence")):
        value = _short(alert.get(key), DESCRIPTION_LIMIT)
        if value:
            extra[name] = value
    if param:
        extra["param"] = param
    if str(alert.get("cweid", "")) not in ("", "-1", "0"):
        extra["cwe"] = str(alert["cweid"])
    if action is not None:
        extra["rules_file_action"] = action.value
    return Finding(
        suite=SUITE,
        rule=plugin_id,
        severity=_severity(alert),
        title=str(alert.get("alert") or alert.get("name") or f"ZAP rule {plugin_id}"),
        url=url,
        fingerprint=fingerprint(SUITE, plugin_id, url, param),
        evidence=_short("; ".join(evidence_parts), EVIDENCE_LIMIT),
        help_url=ZAP_ALERT_DOCS.format(plugin_id=plugin_id) if plugin_id.isdigit() else None,
        extra=extra,
    )


def zap_findings(alerts: Iterable[dict[str, Any]], rules: ZapRules | None) -> tuple[list[Finding], dict[str, int], int]:
    """ZAP alerts as findings: false positives dropped, duplicates merged, IGNORE/out-of-scope rules dropped.

    Returns the findings, the alert counts by ZAP risk (before the rules file) and how many the rules dropped.
    """
    by_fingerprint: dict[str, Finding] = {}
    by_risk = dict.fromkeys(ZAP_RISKS, 0)
    ignored = 0
    for alert in alerts:
        if str(alert.get("confidence", "")).strip().lower() == "false positive":
            continue
        plugin_id = str(alert.get("pluginId", "")).strip()
        action = rules.action_for(plugin_id) if rules else None
        finding = _alert_finding(alert, action)
        if finding.fingerprint in by_fingerprint:
            continue
        by_fingerprint[finding.fingerprint] = finding
        risk = _risk_name(alert)
        if risk:
            by_risk[risk] += 1
        if action is RuleAction.IGNORE or (rules is not None and rules.is_out_of_scope(plugin_id, finding.url)):
            del by_fingerprint[finding.fingerprint]
            ignored += 1
    return list(by_fingerprint.values()), by_risk, ignored


def _rule_summary(findings: Sequence[Finding], limit: int = 4) -> str:
    counts = Counter(finding.rule for finding in findings)
    shown = [f"{rule} x{count}" if count > 1 else rule for rule, count in counts.most_common(limit)]
    more = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {more} more rule(s)" if more > 0 else "")


def _severity_checks(
    findings: Sequence[Finding], settings: SecuritySettings, measured_anything: bool, coverage: str
) -> list[Check]:
    checks: list[Check] = []
    gated = [finding for finding in findings if "rules_file_action" not in finding.extra]
    for severity in SEVERITY_ORDER:
        check_id = f"severity_{severity.value}"
        if not measured_anything:
            message = f"{severity.value} findings not measured: {coverage}"
            checks.append(Check(check_id, Status.ERROR, message))
            continue
        open_ = [f for f in gated if f.severity is severity and f.waived is None]
        waived = sum(1 for f in gated if f.severity is severity and f.waived is not None)
        waived_text = f" ({waived} waived)" if waived else ""
        rules = f": {_rule_summary(open_)}" if open_ else ""
        if severity.value in settings.fail_on:
            status, threshold, gate = (Status.FAIL if open_ else Status.PASS), {"fail_above": 0}, "fail_on"
        elif severity.value in settings.warn_on:
            status, threshold, gate = (Status.WARN if open_ else Status.PASS), {"warn_above": 0}, "warn_on"
        else:
            status, threshold, gate = Status.PASS, None, None
        gate_text = f", {gate} allows 0" if open_ and gate else (", not gated" if open_ else "")
        message = f"{len(open_)} open {severity.value} finding(s){gate_text}{rules}{waived_text}"
        checks.append(Check(check_id, status, message, measured=len(open_), threshold=threshold))
    return checks


def _rules_check(findings: Sequence[Finding], rules: ZapRules | None, rules_error: str | None) -> Check | None:
    if rules_error is not None:
        return Check("zap_rules", Status.ERROR, rules_error)
    if rules is None:
        return None
    open_ = [f for f in findings if f.waived is None]
    failing = [f for f in open_ if f.extra.get("rules_file_action") == RuleAction.FAIL.value]
    warning = [f for f in open_ if f.extra.get("rules_file_action") == RuleAction.WARN.value]
    threshold = {"rules": len(rules.actions)}
    if failing:
        message = f"{len(failing)} alert(s) of rules set to FAIL in {rules.source}: {_rule_summary(failing)}"
        return Check("zap_rules", Status.FAIL, message, measured=len(failing), threshold=threshold)
    if warning:
        message = f"{len(warning)} alert(s) of rules set to WARN in {rules.source}: {_rule_summary(warning)}"
        return Check("zap_rules", Status.WARN, message, measured=len(warning), threshold=threshold)
    message = f"no open alerts of rules set to FAIL or WARN in {rules.source}"
    return Check("zap_rules", Status.PASS, message, measured=0, threshold=threshold)


def _zap_problem(zap: dict[str, Any], settings: SecuritySettings) -> tuple[str, str | None] | None:
    """Why ZAP's scan cannot count as a measurement, and how to start ZAP if that is the fix; None when it can."""
    if zap.get("error"):
        hint = zap.get("hint") if zap.get("error_kind") in ("unreachable", "timeout", "not_zap") else None
        return str(zap["error"]), hint
    spider = zap.get("spider") or {}
    if not spider.get("urls_found"):
        return (
            f"ZAP's spider found 0 URLs at {zap.get('target')}: check that ZAP can reach the target "
            f"(a ZAP in docker cannot reach the host's 127.0.0.1) and that the page has links",
            None,
        )
    passive = zap.get("passive_scan") or {}
    if not passive.get("completed"):
        return (
            f"ZAP's passive scan did not finish within {settings.zap.passive_scan_timeout:g}s "
            f"({passive.get('records_left')} records left); raise security.zap.passive_scan_timeout",
            None,
        )
    if "alerts" not in zap:
        return "ZAP's alerts were not saved", None
    return None


def _zap_check(
    zap: dict[str, Any] | None, settings: SecuritySettings, by_risk: dict[str, int]
) -> tuple[Check, list[str], bool]:
    """The `zap_scan` check, notes for the report, and whether ZAP's alerts count as a measurement."""
    if zap is None:
        return Check("zap_scan", Status.ERROR, "no ZAP artifact (zap_alerts.json) was saved"), [], False
    problem = _zap_problem(zap, settings)
    if problem is not None:
        reason, hint = problem
        if settings.zap.required:
            fix = f"; {hint} or set security.zap.required = false" if hint else "; or set security.zap.required = false"
            return Check("zap_scan", Status.ERROR, reason + fix), [], False
        note = f"{NOT_REQUIRED_NOTE} ({reason})"
        message = f"ZAP scan not run: {reason}" + (f"; {hint}" if hint else "")
        return Check("zap_scan", Status.SKIPPED, message), [note], False
    spider = zap.get("spider") or {}
    notes: list[str] = []
    if not spider.get("completed"):
        notes.append(
            f"ZAP's spider was stopped at its limit ({settings.zap.spider_max_duration:g}s) after "
            f"{spider.get('urls_found')} URLs; raise security.zap.spider_max_duration to crawl further"
        )
    active = zap.get("active_scan")
    scan_kind = "baseline"
    if isinstance(active, dict):
        if active.get("skipped"):
            notes.append(f"ZAP active scan skipped: {active['skipped']}")
        else:
            scan_kind = "full"
            if not active.get("completed"):
                notes.append(
                    f"ZAP's active scan was stopped at {active.get('status')} % after "
                    f"{settings.zap.active_scan_timeout:g}s; raise security.zap.active_scan_timeout"
                )
    risks = ", ".join(f"{risk} {count}" for risk, count in by_risk.items())
    message = (
        f"ZAP {zap.get('zap_version', '?')} {scan_kind} scan: {spider.get('urls_found')} URLs spidered, "
        f"{sum(by_risk.values())} alerts ({risks})"
    )
    return Check("zap_scan", Status.PASS, message, measured=spider.get("urls_found")), notes, True


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


def evaluate_security(
    hygiene: dict[str, Any] | None,
    zap: dict[str, Any] | None,
    settings: SecuritySettings,
    waivers: Sequence[Waiver],
    today: dt.date,
    rules: ZapRules | None = None,
    rules_error: str | None = None,
) -> SuiteResult:
    """The security suite's result from its artifacts (None for a missing one) and the config."""
    own = hygiene_findings(hygiene) if hygiene else []
    hygiene_check, hygiene_measured = _hygiene_check(hygiene, own)
    alerts = (zap or {}).get("alerts") or []
    scan_findings, by_risk, ignored = zap_findings(alerts, rules)
    zap_check, notes, zap_measured = _zap_check(zap, settings, by_risk)
    if not zap_measured:
        # Alerts from a scan that did not complete are kept in the artifact, not judged as a measurement.
        scan_findings, by_risk, ignored = [], dict.fromkeys(ZAP_RISKS, 0), 0
    waived_findings, waiver_notes = apply_waivers([*own, *scan_findings], waivers, today)
    findings = sorted(waived_findings, key=_sort_key)
    coverage = "neither the HTTP hygiene checks nor a ZAP scan produced results"
    checks = [hygiene_check, zap_check]
    checks.extend(_severity_checks(findings, settings, hygiene_measured or zap_measured, coverage))
    rules_check = _rules_check(findings, rules, rules_error)
    if rules_check is not None:
        checks.append(rules_check)
    engine = "zap" if zap_measured else ("hygiene-only" if hygiene_measured else "none")
    open_by_severity = Counter(f.severity.value for f in findings if f.waived is None)
    metrics: dict[str, Any] = {
        "engine": engine,
        "urls_scanned": ((zap or {}).get("spider") or {}).get("urls_found", 0) if zap_measured else 0,
        "alerts_by_risk": by_risk,
        "alerts_ignored_by_rules": ignored,
        "zap_version": (zap or {}).get("zap_version"),
        "hygiene_requests": (hygiene or {}).get("requests", 0),
        "hygiene_findings": len(own),
        "findings_by_severity": {s.value: open_by_severity[s.value] for s in SEVERITY_ORDER},
        "findings_waived": sum(1 for f in findings if f.waived is not None),
    }
    details = {"rules": _rule_table(findings)}
    return SuiteResult(
        name=SUITE,
        checks=tuple(checks),
        findings=tuple(findings),
        metrics=metrics,
        notes=tuple([*notes, *waiver_notes]),
        details=details,
    )
