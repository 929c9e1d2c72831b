"""The security suite: quick HTTP hygiene checks plus a scan by OWASP ZAP or Wapiti, judged by severity gates.

gather saves `hygiene.json` (what the target answered) and the scan record of the engine that ran:
`zap_alerts.json` (ZAP's version, each scan phase's state and its alerts, with ZAP's own reports and, for a ZAP
that golive started, its log) or `wapiti_scan.json` (Wapiti's version, modules, limits reached and its JSON report,
with `wapiti_report.json` and `wapiti.log`); evaluate turns them into checks and findings without the network.
"""

from __future__ import annotations

from typing import Any

from harness.models import SuiteResult
from harness.registry import register
from harness.suite import EvaluateContext, GatherContext
from suites.security.evaluate import evaluate_security
from suites.security.hygiene import gather_hygiene
from suites.security.scan import SCAN_ARTIFACTS, run_scan
from suites.security.wapiti_command import ATTACK_MODULES, ENDPOINT_MODULES, PASSIVE_MODULES
from suites.security.wapiti_findings import rules_of_module
from suites.security.zap_rules import RuleAction, RulesFileError, ZapRules, load_rules

HYGIENE_ARTIFACT = "hygiene.json"


def _read_optional(context: EvaluateContext, name: str) -> dict[str, Any] | None:
    try:
        data = context.read_json(name)
    except FileNotFoundError:
        return None
    return data if isinstance(data, dict) else None


def _ignored_rules(rules_file: str | None) -> list[str]:
    """The rules file's IGNORE rule ids (a broken file is evaluate's to report)."""
    if not rules_file:
        return []
    try:
        rules = load_rules(rules_file)
    except RulesFileError:
        return []
    return sorted(rule for rule, action in rules.actions.items() if action is RuleAction.IGNORE)


def ignored_wapiti_modules(ignored: list[str]) -> list[str]:
    """Wapiti modules whose every rule is IGNOREd: not run at all, as ZAP's ignored active rules are switched off."""
    modules = (*PASSIVE_MODULES, *ATTACK_MODULES, *ENDPOINT_MODULES)
    return [m for m in modules if rules_of_module(m) and all(rule in ignored for rule in rules_of_module(m))]


@register("security")
class SecuritySuite:
    """HTTP hygiene (security headers, cookies, CORS, exposed files) and a ZAP or Wapiti baseline or full scan."""

    name = "security"
    title = "Security checks (HTTP hygiene and a ZAP or Wapiti scan)"

    def gather(self, context: GatherContext) -> None:
        """Probe the target for hygiene problems, then scan it; save both, whatever happened."""
        settings = context.config.security
        if settings.hygiene.enabled:
            context.progress("HTTP hygiene checks")
            observations = gather_hygiene(context.target, settings.hygiene.timeout, settings.hygiene.http_url)
        else:
            observations = {"enabled": False}
        context.write_json(HYGIENE_ARTIFACT, observations)
        ignored = _ignored_rules(settings.rules_file)
        name, record = run_scan(
            context.target,
            settings,
            context.progress,
            save=lambda artifact, text: context.write_text(artifact, text),
            ignored_zap_rules=[rule for rule in ignored if rule.isdigit()],
            ignored_wapiti_modules=ignored_wapiti_modules(ignored),
        )
        context.write_json(name, record)

    def evaluate(self, context: EvaluateContext) -> SuiteResult:
        """Judge the saved artifacts with the severity gates, the rules file and the waivers."""
        settings = context.config.security
        rules: ZapRules | None = None
        rules_error: str | None = None
        if settings.rules_file:
            try:
                rules = load_rules(settings.rules_file)
            except RulesFileError as error:
                rules_error = str(error)
        scan = next((record for name in SCAN_ARTIFACTS if (record := _read_optional(context, name))), None)
        return evaluate_security(
            _read_optional(context, HYGIENE_ARTIFACT),
            scan,
            settings,
            context.config.waivers,
            context.today,
            rules,
            rules_error,
        )
