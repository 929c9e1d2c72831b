"""The security suite: quick HTTP hygiene checks plus an OWASP ZAP scan, judged by severity gates.

gather saves `hygiene.json` (what the target answered), `zap_alerts.json` (ZAP's version, each scan phase's
state and its alerts), ZAP's own reports (`zap_report.json`, `zap_report.html`) and, for a ZAP that golive started,
its log (`zap.log`); evaluate turns them into checks and findings without touching the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

from harness.artifacts import Artifacts
from harness.models import SuiteResult
from harness.suite import GatherContext, JudgeContext, Suite
from harness.suite_defaults import packaged_defaults
from suites.security.evaluate import evaluate_security
from suites.security.hygiene import gather_hygiene
from suites.security.report import security_blocks
from suites.security.settings import SecuritySettings
from suites.security.zap import run_zap_scan
from suites.security.zap_rules import RuleAction, RulesFileError, ZapRules, load_rules

HYGIENE_ARTIFACT = "hygiene.json"
ZAP_ARTIFACT = "zap_alerts.json"


def _read_optional(artifacts: Artifacts, name: str) -> dict[str, Any] | None:
    data = artifacts.get(name)
    return data if isinstance(data, dict) else None


def _ignored_rules(rules_file: str | None) -> list[str]:
    """The rules file's IGNORE pluginIds, to switch off in the active scan (a broken file is evaluate's to report)."""
    if not rules_file:
        return []
    try:
        rules = load_rules(rules_file)
    except RulesFileError:
        return []
    return sorted(plugin for plugin, action in rules.actions.items() if action is RuleAction.IGNORE)


class SecuritySuite(Suite):
    """HTTP hygiene (security headers, cookies, CORS, exposed files) and an OWASP ZAP baseline or full scan."""

    name = "security"
    title = "Security checks (HTTP hygiene and OWASP ZAP)"
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

    def active_traffic(self, settings: Any) -> str | None:
        """A full scan attacks the target; a baseline scan only looks."""
        return "active scans" if getattr(settings, "mode", "") == "full" else None

    def config_problems(self, settings: Any) -> list[str]:
        """A configured rules file must exist and parse."""
        if settings.rules_file:
            try:
                load_rules(settings.rules_file)
            except RulesFileError as error:
                return [str(error)]
        return []

    def gather(self, context: GatherContext) -> Artifacts:
        """Probe the target for hygiene problems, then scan it with ZAP; keep both, whatever happened."""
        settings = context.settings_as(SecuritySettings, self.name)
        if settings.hygiene.enabled:
            context.progress("HTTP hygiene checks")
            observations = gather_hygiene(context.target, settings.hygiene.timeout, settings.hygiene.http_url)
        else:
            observations = {"enabled": False}
        context.write_json(HYGIENE_ARTIFACT, observations)
        context.progress(f"connecting to ZAP at {settings.zap.api_url}")
        record = run_zap_scan(
            context.target,
            settings.zap,
            settings.mode,
            context.progress,
            save=lambda name, text: context.write_text(name, text),
            ignored_rules=_ignored_rules(settings.rules_file),
        )
        context.write_json(ZAP_ARTIFACT, record)
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
        result = evaluate_security(
            _read_optional(artifacts, HYGIENE_ARTIFACT),
            _read_optional(artifacts, ZAP_ARTIFACT),
            settings,
            context.waivers,
            context.today,
            rules,
            rules_error,
        )
        return replace(result, blocks=security_blocks(result))
