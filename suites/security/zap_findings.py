"""ZAP's alerts as golive findings: false positives dropped, duplicates merged, the rules file applied.

ZAP risks map High→high, Medium→medium, Low→low, Informational→info; the rule is ZAP's pluginId.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from harness.fingerprint import fingerprint
from harness.models import Finding, Severity
from suites.security.hygiene_rules import SUITE
from suites.security.zap_rules import RuleAction, ZapRules

ZAP_RISKS = ("High", "Medium", "Low", "Informational")
_RISK_SEVERITY = {"high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW, "informational": Severity.INFO}
_RISKCODE_SEVERITY = {"3": Severity.HIGH, "2": Severity.MEDIUM, "1": Severity.LOW, "0": Severity.INFO}
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
