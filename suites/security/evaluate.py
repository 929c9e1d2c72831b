"""Judge the security artifacts: a pure function of the saved observations, ZAP's alerts and the config.

No network here: `golive evaluate RUN_DIR` re-runs this with a changed config (other gates, waivers, rules file).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import SEVERITY_ORDER, Check, Finding, Severity, Status, SuiteResult
from harness.settings import Waiver
from harness.waivers import apply_waivers
from suites.security.hygiene_rules import SUITE, certificate_days_left, hygiene_findings
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


def zap_findings(
    alerts: Iterable[dict[str, Any]], rules: ZapRules | None, risk_actions: Mapping[str, str] | None = None
) -> tuple[list[Finding], dict[str, int], int]:
    """ZAP alerts as findings: false positives dropped, duplicates merged, IGNORE/out-of-scope rules dropped.

    A rules-file line decides for its pluginId; otherwise `risk_actions` (security.zap.risk_actions) may decide
    for the alert's risk; otherwise the finding goes through the severity gates. Returns the findings, the alert
    counts by ZAP risk of the alerts kept, and how many alerts the rules and risk actions dropped.
    """
    by_fingerprint: dict[str, Finding] = {}
    by_risk = dict.fromkeys(ZAP_RISKS, 0)
    ignored = 0
    for alert in alerts:
        if str(alert.get("confidence", "")).strip().lower() == "false positive":
            continue
        plugin_id = str(alert.get("pluginId", "")).strip()
        risk = _risk_name(alert)
        action = rules.action_for(plugin_id) if rules else None
        finding = _alert_finding(alert, action)
        if action is None and risk and risk_actions and risk in risk_actions:
            action = RuleAction(risk_actions[risk])
            finding.extra["risk_action"] = action.value
        if finding.fingerprint in by_fingerprint:
            continue
        by_fingerprint[finding.fingerprint] = finding
        if action is RuleAction.IGNORE or (rules is not None and rules.is_out_of_scope(plugin_id, finding.url)):
            # Ignored alerts never reach a report, not even in the counts by risk; only their number is kept.
            del by_fingerprint[finding.fingerprint]
            ignored += 1
        elif risk:
            by_risk[risk] += 1
    return list(by_fingerprint.values()), by_risk, ignored


def _policy_action(finding: Finding) -> str | None:
    """The rules-file or risk action that decides this finding instead of the severity gates, if any."""
    action = finding.extra.get("rules_file_action") or finding.extra.get("risk_action")
    return str(action) if action else None


def _rule_label(finding: Finding) -> str:
    """golive's own ids read on their own (missing-csp); a ZAP pluginId needs the alert's name beside it."""
    return f"{finding.title} [ZAP {finding.rule}]" if finding.rule.isdigit() else finding.rule


def _rule_summary(findings: Sequence[Finding], limit: int = 4) -> str:
    counts = Counter(_rule_label(finding) for finding in findings)
    shown = [f"{rule} x{count}" if count > 1 else rule for rule, count in counts.most_common(limit)]
    more = len(counts) - len(shown)
    return ", ".join(shown) + (f" and {more} more rule(s)" if more > 0 else "")


def _severity_checks(
    findings: Sequence[Finding], settings: SecuritySettings, measured_anything: bool, coverage: str
) -> list[Check]:
    checks: list[Check] = []
    gated = [finding for finding in findings if _policy_action(finding) is None]
    for severity in SEVERITY_ORDER:
        check_id = f"severity_{severity.value}"
        if not measured_anything:
            message = f"{severity.value} findings not measured: {coverage}"
            checks.append(Check(check_id, Status.ERROR, message))
            continue
        open_ = [f for f in gated if f.severity is severity and f.waived is None]
        waived = sum(1 for f in gated if f.severity is severity and f.waived is not None)
        # Thresholds have the shape of a Band (an upper limit), as the accessibility suite's impact checks do.
        threshold: dict[str, int] | None
        if severity.value in settings.fail_on:
            status, threshold = (Status.FAIL if open_ else Status.PASS), {"fail": 0}
        elif severity.value in settings.warn_on:
            status, threshold = (Status.WARN if open_ else Status.PASS), {"warn": 0}
        else:
            status, threshold = Status.PASS, None
        plural = "" if len(open_) == 1 else "s"
        message = f"{len(open_)} open {severity.value} finding{plural}" if open_ else f"no {severity.value} findings"
        if open_:
            message += f" ({_rule_summary(open_)})" + ("" if threshold else " (not gated)")
        if waived:
            message += f"; {waived} waived"
        checks.append(Check(check_id, status, message, measured=len(open_), threshold=threshold))
    return checks


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


def scanned_urls(zap: Mapping[str, Any]) -> int:
    """URLs the spider found plus resources the AJAX spider found (they overlap; zero means nothing was seen)."""
    spider = zap.get("spider") or {}
    ajax = zap.get("ajax_spider") or {}
    return int(spider.get("urls_found") or 0) + int(ajax.get("results") or 0)


def partial_reasons(zap: Mapping[str, Any]) -> list[str]:
    """Why the scan is partial (a phase stopped at its deadline, a requested phase not run); empty when whole."""
    if "partial" in zap:
        return [str(reason) for reason in zap.get("partial") or []]
    # Records saved before phases carried their own note: an unfinished phase is partial all the same.
    names = {
        "spider": "spider",
        "ajax_spider": "AJAX spider",
        "active_scan": "active scan",
        "passive_scan": "passive scan",
    }
    return [
        f"{name} did not finish"
        for key, name in names.items()
        if isinstance(zap.get(key), dict) and not zap[key].get("skipped") and zap[key].get("completed") is False
    ]


def _zap_problem(zap: dict[str, Any]) -> tuple[str, str | None] | None:
    """Why ZAP's scan cannot count as a measurement, and how to start ZAP if that is the fix; None when it can."""
    if zap.get("error"):
        hint = zap.get("hint") if zap.get("error_kind") in ("unreachable", "timeout", "not_zap") else None
        return str(zap["error"]), hint
    if not scanned_urls(zap):
        return (
            f"ZAP's spider found 0 URLs at {zap.get('target')}: check that ZAP can reach the target "
            f"(a ZAP in docker cannot reach the host's 127.0.0.1) and that the page has links",
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
    problem = _zap_problem(zap)
    if problem is not None:
        reason, hint = problem
        if settings.zap.required:
            fix = f"; {hint} or set security.zap.required = false" if hint else "; or set security.zap.required = false"
            return Check("zap_scan", Status.ERROR, reason + fix), [], False
        note = f"{NOT_REQUIRED_NOTE} ({reason})"
        message = f"ZAP scan not run: {reason}" + (f"; {hint}" if hint else "")
        return Check("zap_scan", Status.SKIPPED, message), [note], False
    notes: list[str] = []
    active = zap.get("active_scan")
    scan_kind = "baseline"
    if isinstance(active, dict):
        if active.get("skipped"):
            notes.append(f"ZAP active scan skipped: {active['skipped']}")
        else:
            scan_kind = "full"
    policy = zap.get("scan_policy") or {}
    if policy.get("error"):
        notes.append(f"ZAP {policy['error']}")
    partial = partial_reasons(zap)
    launched = zap.get("launched") or {}
    started = f" (started by golive with {launched['how']})" if launched.get("how") else ""
    risks = ", ".join(f"{risk} {count}" for risk, count in by_risk.items())
    urls = scanned_urls(zap)
    summary = f"{urls} URLs spidered, {sum(by_risk.values())} alerts ({risks})"
    if partial:
        reasons = "; ".join(partial)
        notes.append(
            f"ZAP's scan is partial: {reasons}. Findings so far are reported; raise the phase's deadline "
            f"(security.zap.spider_max_duration, ajax_spider_max_duration, passive_scan_timeout, active_scan_timeout)"
        )
        status = Status(settings.zap.partial) if settings.zap.required else Status.PASS
        message = f"ZAP {zap.get('zap_version', '?')} {scan_kind} scan{started} is partial ({reasons}): {summary}"
        return Check("zap_scan", status, message, measured=urls), notes, True
    message = f"ZAP {zap.get('zap_version', '?')} {scan_kind} scan{started}: {summary}"
    return Check("zap_scan", Status.PASS, message, measured=urls), notes, True


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
    own = hygiene_findings(hygiene, today, settings.hygiene.certificate_warn_days) if hygiene else []
    hygiene_check, hygiene_measured = _hygiene_check(hygiene, own)
    alerts = (zap or {}).get("alerts") or []
    risk_actions = {str(risk): str(action) for risk, action in settings.zap.risk_actions.items()}
    scan_findings, by_risk, ignored = zap_findings(alerts, rules, risk_actions)
    zap_check, notes, zap_measured = _zap_check(zap, settings, by_risk)
    if not zap_measured:
        # Alerts from a scan that did not complete are kept in the artifact, not judged as a measurement.
        scan_findings, by_risk, ignored = [], dict.fromkeys(ZAP_RISKS, 0), 0
    waived_findings, waiver_notes = apply_waivers([*own, *scan_findings], waivers, today)
    findings = sorted(waived_findings, key=_sort_key)
    coverage = "neither the HTTP hygiene checks nor a ZAP scan produced results"
    checks = [hygiene_check, zap_check]
    checks.extend(_severity_checks(findings, settings, hygiene_measured or zap_measured, coverage))
    rules_check = _rules_check(findings, rules, rules_error, risk_actions)
    if rules_check is not None:
        checks.append(rules_check)
    engine = "zap" if zap_measured else ("hygiene-only" if hygiene_measured else "none")
    open_by_severity = Counter(f.severity.value for f in findings if f.waived is None)
    metrics: dict[str, Any] = {
        "engine": engine,
        "urls_scanned": scanned_urls(zap) if zap is not None and zap_measured else 0,
        "scan_partial": bool(zap_measured and zap is not None and partial_reasons(zap)),
        "zap_launched": ((zap or {}).get("launched") or {}).get("how"),
        "alerts_by_risk": by_risk,
        "alerts_ignored_by_rules": ignored,
        "zap_version": (zap or {}).get("zap_version"),
        "hygiene_requests": (hygiene or {}).get("requests", 0),
        "hygiene_findings": len(own),
        "tls_certificate_days_left": certificate_days_left(hygiene, today) if hygiene else None,
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
