"""The security suite: quick HTTP hygiene checks plus a scan by OWASP ZAP or Wapiti, judged by severity gates.

gather keeps `hygiene.json` (what the target answered) and the scan record of the engine that ran:
`zap_alerts.json` (ZAP's version, each scan phase's state and its alerts, with ZAP's own reports and, for a ZAP
that golive started, its log) or `wapiti_scan.json` (Wapiti's version, modules, limits reached and its JSON report,
with `wapiti_report.json` and `wapiti.log`); judge turns them into checks and findings without the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from harness.artifacts import Artifacts
from harness.models import SuiteResult
from harness.openapi import OpenApiError, read_definition
from harness.suite import GatherContext, JudgeContext, Suite
from harness.suite_defaults import packaged_defaults
from suites.security.evaluate import evaluate_security
from suites.security.hygiene import gather_hygiene
from suites.security.report import security_blocks
from suites.security.scan import SCAN_ARTIFACTS, run_scan
from suites.security.settings import SecuritySettings
from suites.security.wapiti_command import ATTACK_MODULES, ENDPOINT_MODULES, PASSIVE_MODULES
from suites.security.wapiti_findings import rules_of_module
from suites.security.zap_rules import RuleAction, RulesFileError, ZapRules, load_rules

HYGIENE_ARTIFACT = "hygiene.json"


def _read_optional(artifacts: Artifacts, name: str) -> dict[str, Any] | None:
    data = artifacts.get(name)
    return data if isinstance(data, dict) else None


def _ignored_rules(rules_file: str | None) -> list[str]:
    """The rules file's IGNORE rule ids (a broken file is judge's to report)."""
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


class SecuritySuite(Suite):
    """HTTP hygiene (security headers, cookies, CORS, exposed files) and a ZAP or Wapiti baseline or full scan."""

    name = "security"
    title = "Security checks (HTTP hygiene and a ZAP or Wapiti scan)"
    activity = "the security scan"
    settings_model = SecuritySettings
    defaults = packaged_defaults("suites.security")
    secret_keys = (("zap", "api_key"),)
    runs_by_default = True
    sarif = True
    headline_metrics: ClassVar[Mapping[str, str]] = {
        "findings_by_severity.high": "sec high",
        "findings_by_severity.medium": "sec medium",
    }
    golive_topics: ClassVar[Mapping[str, str]] = {"security-assessment": "measured", "information-security": "measured"}

    def active_traffic(self, settings: Any) -> str | None:
        """A full scan attacks the target; a baseline scan only looks."""
        return "active scans" if getattr(settings, "mode", "") == "full" else None

    def config_problems(self, settings: Any) -> list[str]:
        """A configured rules file must exist and parse; an OpenAPI file must be a readable definition."""
        problems: list[str] = []
        if settings.rules_file:
            try:
                load_rules(settings.rules_file)
            except RulesFileError as error:
                problems.append(str(error))
        if settings.openapi and not settings.openapi.startswith(("http://", "https://")):
            try:
                read_definition(settings.openapi)
            except OpenApiError as error:
                problems.append(str(error))
        return problems

    def gather(self, context: GatherContext) -> Artifacts:
        """Probe the target for hygiene problems, then scan it; keep both, whatever happened."""
        settings = context.settings_as(SecuritySettings, self.name)
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
        return context.artifacts

    def judge(self, artifacts: Artifacts, context: JudgeContext) -> SuiteResult:
        """Judge the artifacts with the severity gates, the rules file and the waivers."""
        settings = context.settings_as(SecuritySettings, self.name)
        rules: ZapRules | None = None
        rules_error: str | None = None
        if settings.rules_file:
            try:
                rules = load_rules(settings.rules_file)
            except RulesFileError as error:
                rules_error = str(error)
        scan = next((record for name in SCAN_ARTIFACTS if (record := _read_optional(artifacts, name))), None)
        result = evaluate_security(
            _read_optional(artifacts, HYGIENE_ARTIFACT),
            scan,
            settings,
            context.waivers,
            context.today,
            rules,
            rules_error,
        )
        return replace(result, blocks=security_blocks(result))
